"""The sanity lesson's checks (the loss of an untrained network is about ln C, verdicts, the
learning-rate runs' export) and its babysitting gallery: each planted mistake shows its signature
in a real run, and its fix removes it."""

from __future__ import annotations

import numpy as np
import pytest

from optim_lab.lessons.sanity.experiment import (
    initial_losses,
)


def test_initial_loss_is_ln_c_with_small_weights():
    out = initial_losses(classes=(2, 5, 10))
    np.testing.assert_allclose(out["loss"], np.log([2, 5, 10]), atol=0.01)
    big = initial_losses(classes=(10,), init="normal", scale=1.0)
    assert big["loss"][0] > np.log(10) + 0.3


def test_verdicts_of_the_checks():
    from optim_lab.lessons.sanity.experiment import (
        bug_caught,
        check_table,
        check_verdict,
        initial_loss_verdict,
    )

    assert initial_loss_verdict(np.log([2.0, 10.0]), np.log([2.0, 10.0]) + 0.01)[0] == "success"
    kind, message = initial_loss_verdict(np.log([2.0, 10.0]) + 0.5, np.log([2.0, 10.0]))
    assert kind == "warning" and "0.50 away from ln C" in message
    assert [check_verdict(e) for e in (1e-9, 1e-4, 0.2)] == ["pass", "check", "FAIL"]
    good = {"per_param": {"W1": 1e-9}, "ok": True, "max_rel_error": 1e-9}
    bad = {"per_param": {"W1": 0.3}, "ok": False, "max_rel_error": 0.3}
    assert check_table(good, bad) == [
        {
            "tensor": "W1",
            "correct backprop": 1e-9,
            "verdict": "pass",
            "backprop without f′(z)": 0.3,
            "verdict (bug)": "FAIL",
        }
    ]
    assert bug_caught(good, bad)[0] == "success"
    assert bug_caught(good, good)[0] == "info"  # the bug changed nothing
    assert bug_caught(bad, bad)[0] == "warning"


def test_why_a_run_stopped():
    from optim_lab.lessons.sanity.experiment import stop_reason

    assert "3×" in stop_reason({"exploded_at": 2, "nonfinite_at": None, "diverged_at": 2})
    assert "NaN" in stop_reason({"exploded_at": None, "nonfinite_at": 1, "diverged_at": 1})


def test_the_learning_rate_runs_are_named_and_exported_step_by_step():
    from optim_lab.lessons.sanity.experiment import export_data, rate_labels

    lrs = (1e-6, 0.5, 10.0)
    assert rate_labels(lrs) == [
        "too low: lr = 1e-06",
        "about right: lr = 0.5",
        "too high: lr = 10",
    ]
    runs = {"loss": np.arange(12.0).reshape(3, 4), "status": [{"diverged_at": None}] * 3}
    good, bad = {"ok": True}, {"ok": False}
    table, summary = export_data({"loss": [0.7]}, {"acc": [1.0]}, good, bad, lrs, runs)
    assert list(table) == ["step", *rate_labels(lrs)]
    assert list(table["step"]) == [0, 1, 2, 3]
    assert list(table["too high: lr = 10"]) == [8.0, 9.0, 10.0, 11.0]
    assert list(summary) == ["initial_loss", "overfit", "gradcheck", "learning_rates"]
    assert summary["gradcheck"] == {"correct": good, "broken": bad}
    assert (
        summary["learning_rates"]["lr"] == lrs and summary["learning_rates"]["loss"] is runs["loss"]
    )


# ------------------------------------------------------------------------ the babysitting gallery


@pytest.fixture(scope="module")
def gallery():
    """Every symptom's run with the mistake (False) and with the fix (True)."""
    from optim_lab.lessons.sanity.symptoms import NAMES, train_symptom

    return {(name, fixed): train_symptom(name, fixed) for name in NAMES for fixed in (False, True)}


def test_too_high_a_rate_ends_in_nan_and_the_fix_trains(gallery):
    run, fixed = gallery["high", False], gallery["high", True]
    stop = run["status"]["diverged_at"]
    assert stop is not None and stop < 10
    assert run["loss"][stop] > 3 * run["loss"][0]  # it went up, not down
    assert np.isnan(run["loss"][stop + 1 :]).all() and np.isnan(run["val_loss"][stop + 1 :]).all()
    assert fixed["status"]["diverged_at"] is None and np.isfinite(fixed["loss"]).all()
    assert fixed["loss"][-1] < 0.1 * fixed["loss"][0]


def test_too_low_a_rate_barely_moves_and_the_fix_trains(gallery):
    loss, fixed = gallery["low", False]["loss"], gallery["low", True]["loss"]
    assert np.isfinite(loss).all() and abs(loss[-1] - loss[0]) < 0.05 * loss[0]
    assert np.all(np.diff(loss) <= 1e-6)  # downhill all the way, just slowly
    assert fixed[-1] < 0.1 * fixed[0]


def test_bad_initialization_is_a_long_plateau_and_the_fix_removes_it(gallery):
    from optim_lab.lessons.sanity.symptoms import plateau_steps

    loss, fixed = gallery["init", False]["loss"], gallery["init", True]["loss"]
    assert abs(loss[0] - np.log(3)) < 0.01  # tiny weights: a uniform guess over 3 classes
    assert np.all(np.abs(loss[:100] - loss[0]) < 0.01 * loss[0])  # the plateau…
    assert plateau_steps(loss) >= 100 and loss[-1] < 0.5 * loss[0]  # …then the drop
    assert plateau_steps(fixed) < 10 and fixed[50] < 0.5 * fixed[0]


def test_plateau_steps_counts_the_steps_before_the_loss_leaves_its_start():
    from optim_lab.lessons.sanity.symptoms import plateau_steps

    assert plateau_steps(np.array([1.0, 0.995, 0.992, 0.9, 0.5])) == 3
    assert plateau_steps(np.array([1.0, 0.8])) == 1
    assert plateau_steps(np.ones(7)) == 7


def test_overfitting_opens_a_gap_and_regularization_closes_it(gallery):
    run, fixed = gallery["overfit", False], gallery["overfit", True]
    best = int(np.argmin(run["val_loss"]))
    gap = run["val_loss"] - run["loss"]
    assert run["loss"][-1] < 0.05 and run["train_acc"][-1] == 1.0  # memorised
    assert run["val_loss"][-1] > run["val_loss"][best] + 1.0  # validation loss climbs back
    assert gap[-1] > 1.0 and gap[-1] > 3 * gap[best]  # the gap grows
    fixed_gap = fixed["val_loss"][-1] - fixed["loss"][-1]
    assert fixed_gap < 0.2 and fixed["val_acc"][-1] > run["val_acc"][-1]


def test_underfitting_has_no_gap_and_a_bigger_model_fits(gallery):
    run, bigger = gallery["underfit", False], gallery["underfit", True]
    train_acc, val_acc = run["train_acc"][-1], run["val_acc"][-1]
    assert train_acc < 0.7 and val_acc < 0.7 and abs(train_acc - val_acc) < 0.1
    assert bigger["train_acc"][-1] > 0.95 and bigger["val_acc"][-1] > val_acc + 0.2


def test_the_loss_stays_flat_while_the_accuracy_climbs(gallery):
    run, fixed = gallery["flat", False], gallery["flat", True]
    loss, acc = run["loss"], run["train_acc"]
    assert abs(loss[0] - np.log(10)) < 0.01 and abs(loss[-1] - loss[0]) < 0.01 * loss[0]
    assert acc[-1] - acc[0] >= 0.3 and run["val_acc"][-1] >= 0.3
    assert fixed["loss"][-1] < 0.5 * fixed["loss"][0]


def test_more_regularization_raises_the_loss(gallery):
    without, raised = gallery["reg", False], gallery["reg", True]
    total = raised["loss"] + raised["reg_loss"]
    assert not without["reg_loss"].any()
    assert total[0] > without["loss"][0] + 0.5  # before any step: the same weights plus a penalty
    assert total[-1] > without["loss"][-1] and raised["loss"][-1] > without["loss"][-1]


def test_the_fixes_are_read_from_the_configurations():
    from optim_lab.lessons.sanity.symptoms import BY_NAME, change, describe

    assert change(BY_NAME["high"]) == "learning rate 1 → 0.3"
    assert change(BY_NAME["init"]) == "initialization N(0, 0.01²) → He (normal)"
    assert change(BY_NAME["underfit"]) == "hidden layers 2 → 50-50"
    assert change(BY_NAME["reg"]) == "L2 λ₂ 0 → 0.01"
    line = describe(BY_NAME["overfit"], True, 50)
    assert "50 training examples" in line and "L2 λ₂ = 0.03" in line and "Adam lr 0.003" in line


def test_the_readings_quote_the_runs(gallery):
    from optim_lab.lessons.sanity.symptoms import reading

    high = reading("high", gallery["high", False])
    assert "step 1" in high and "NaN" in high
    assert f"{gallery['low', False]['loss'][-1]:.3f}" in reading("low", gallery["low", False])
    flat = reading("flat", gallery["flat", False])
    assert f"{100 * gallery['flat', False]['train_acc'][-1]:.0f} %" in flat
    reg = reading("reg", gallery["reg", True], gallery["reg", False])
    assert f"{gallery['reg', False]['loss'][0]:.3f}" in reg


def test_the_spiral_symptoms_share_one_compiled_program(gallery):
    from optim_lab.lessons.sanity.symptoms import train_symptom
    from optim_lab.nn.training import TRACE_COUNTS

    before = TRACE_COUNTS["chunk"]
    for name in ("high", "low", "init", "reg"):
        train_symptom(name, False, seed=1)
        train_symptom(name, True, seed=1)
    assert TRACE_COUNTS["chunk"] == before  # rates, initial weights and λ₂ are traced values


def test_the_symptom_figure_labels_nan_and_shows_the_run_before_the_fix(gallery):
    from optim_lab.lessons.sanity.figures import symptom_figure

    fig = symptom_figure(gallery["high", False]).to_dict()
    notes = [a["text"] for a in fig["layout"]["annotations"]]
    assert "NaN from step 2 on" in notes
    assert any(s["type"] == "rect" for s in fig["layout"]["shapes"])
    fixed = symptom_figure(gallery["reg", True], gallery["reg", False], "λ₂ = 0").to_dict()
    names = {t.get("name") for t in fixed["data"]}
    assert {"training + penalty", "λ₂ = 0: training"} <= names
    assert "NaN" not in str(fixed["layout"].get("annotations"))


def test_a_loss_that_barely_moves_looks_flat(gallery):
    from optim_lab.lessons.sanity.figures import loss_range, symptom_figure

    low, high = loss_range(np.array([2.304, 2.289]))
    assert high - low >= 1.5 and high > np.log10(2.304)
    assert loss_range(np.array([1e-3, 1.0])) == pytest.approx([-3.1, 0.1])
    y = symptom_figure(gallery["flat", False]).to_dict()["layout"]["yaxis"]
    assert y["type"] == "log" and y["range"][1] - y["range"][0] >= 1.5
