"""CLI handlers of the MLP lab part 2: JSON shapes and one-line ValueErrors."""

import argparse
import json

import pytest

from optim_lab.nn.commands2 import register


def run(*argv):
    parser = argparse.ArgumentParser()
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    out = args.handler(args)
    json.dumps(out, allow_nan=False)  # JSON-able, no NaN
    return out


def test_search_shape():
    out = run("search", "--method", "grid", "--trials", "4", "--steps", "20", "--hidden", "8")
    assert len(out["trials"]) == 4
    assert set(out["trials"][0]) >= {"lr", "reg", "val_acc", "stage", "exploded"}
    assert isinstance(out["trials"][0]["exploded"], bool)
    assert out["best"] in out["trials"]


def test_ensemble_shape():
    out = run("ensemble", "--members", "2", "--kind", "snapshot", "--steps", "20", "--hidden", "8")
    assert len(out["member_acc"]) == 2 and 0 <= out["ensemble_acc"] <= 1


def test_transfer_shape():
    out = run("transfer", "--target-examples", "10", "--steps", "20", "--pretrain-steps", "100")
    for key in ("scratch", "probe", "finetune_top", "finetune_all"):
        assert 0 <= out[key] <= 1


@pytest.mark.parametrize(
    "argv",
    [
        ("search", "--method", "bayes"),
        ("search", "--trials", "0"),
        ("ensemble", "--kind", "bagging"),
        ("ensemble", "--members", "0"),
        ("transfer", "--target-examples", "1"),
        ("search", "--dataset", "nope"),
    ],
)
def test_bad_input_is_a_one_line_value_error(argv):
    with pytest.raises(ValueError) as info:
        run(*argv)
    assert "\n" not in str(info.value)
