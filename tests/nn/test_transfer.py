"""Transfer learning (ten-class digits → digits 5–9 of unseen images): freezing, no recompiles,
and the lectures' claims measured over several seeds."""

import numpy as np
import pytest

import optim_lab.nn.transfer as transfer_module
from optim_lab.nn.generalization import TRACE_COUNTS, layer_mask
from optim_lab.nn.transfer import (
    STRATEGIES,
    max_target_examples,
    target_data,
    transfer,
    transfer_curve,
    transfer_table,
)

SEEDS = (0, 1, 2, 3, 4)
LITTLE, LOTS = 10, 250  # 2 and 50 labelled examples per class


@pytest.fixture(scope="module")
def curves():
    """Accuracy ``(seeds, sizes)`` per strategy, for both similarities (cached per module)."""
    out = {}
    for sim in ("similar", "different"):
        runs = [transfer_curve((LITTLE, LOTS), sim, s)["acc"] for s in SEEDS]
        out[sim] = {k: np.array([r[k] for r in runs]) for k in STRATEGIES}
    return out


def test_frozen_layers_do_not_move():
    r = transfer(10, "similar", 0, pretrain_steps=100, steps=50)
    layout = r["layout"]
    moved = np.abs(r["params"] - r["initial"]) > 0
    head = layer_mask(layout, [-1]) > 0
    top = layer_mask(layout, [-2, -1]) > 0
    assert not moved[1][~head].any()  # probe: only the new output layer trains
    assert moved[1][head].any()
    assert not moved[2][~top].any() and moved[2][top & ~head].any()  # fine-tune top
    assert moved[3][~top].any()  # fine-tune all: the first layer moves too
    # every strategy except scratch starts from the same transferred weights, new head at zero
    np.testing.assert_array_equal(r["initial"][1], r["initial"][3])
    assert not r["initial"][1][head].any()
    assert r["initial"][0][head].any()
    assert all(0.2 < r[k] <= 1.0 for k in STRATEGIES)  # above chance (0.2)


def test_target_images_are_unseen_and_balanced():
    data = target_data(0, "similar")
    assert set(np.unique(data["y_pool"][:10])) == set(range(5))
    assert np.bincount(data["y_pool"][:10]).tolist() == [2] * 5
    assert max_target_examples() >= LOTS
    # "different" is the same images with the pixels shuffled
    diff = target_data(0, "different")
    np.testing.assert_array_equal(np.sort(diff["x_pool"], 1), np.sort(data["x_pool"], 1))
    assert not np.array_equal(diff["x_pool"], data["x_pool"])


def test_the_number_of_examples_compiles_only_past_a_power_of_two():
    transfer_curve((5, 25), "similar", 0, pretrain_steps=100, steps=50)
    before = TRACE_COUNTS["fit"]
    transfer_curve((10, 30), "similar", 0, pretrain_steps=100, steps=50)  # 32 rows each
    assert TRACE_COUNTS["fit"] == before
    transfer_curve((10, 50), "similar", 0, pretrain_steps=100, steps=50)  # 50 trains on 64 rows
    assert TRACE_COUNTS["fit"] > before


def test_training_on_the_first_rows_only_changes_nothing():
    """Trials with n examples train on the pool's first rows (a power of two ≥ n): the same
    accuracies and costs as with the whole pool (to float32 rounding)."""
    sliced = transfer_curve((5, 50, 100), "similar", 2, pretrain_steps=100, steps=50)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(transfer_module, "_rows_trained", lambda n, pool_rows: pool_rows)
        whole = transfer_curve((5, 50, 100), "similar", 2, pretrain_steps=100, steps=50)
    for k in STRATEGIES:
        np.testing.assert_allclose(sliced["acc"][k], whole["acc"][k], atol=0.012)
        np.testing.assert_allclose(sliced["loss"][k], whole["loss"][k], rtol=1e-4, atol=1e-5)
    rows = [transfer_module._rows_trained(n, 288) for n in (5, 32, 33, 100, 250, 260)]
    assert rows == [32, 32, 64, 128, 256, 288]


def test_a_new_seed_reuses_the_source_network_and_the_compiled_programs():
    """The pre-trained network is trained once (a seed redraws only the target side) and the
    target sets have one size for every seed: a new seed neither pre-trains nor recompiles."""
    sets = [target_data(seed, "similar") for seed in (10, 11)]
    assert len(sets[0]["y_pool"]) == len(sets[1]["y_pool"])
    assert not np.array_equal(sets[0]["y_pool"], sets[1]["y_pool"])  # another order
    transfer_curve((5, 25), "similar", 10, pretrain_steps=100, steps=50)
    before = dict(TRACE_COUNTS)
    pretrained = transfer_module.pretrain.cache_info().misses
    for seed in (11, 12):
        transfer_curve((5, 25), "similar", seed, pretrain_steps=100, steps=50)
    assert dict(TRACE_COUNTS) == before
    assert transfer_module.pretrain.cache_info().misses == pretrained


def test_held_out_images_never_train():
    """Whatever the seed, the held-out target images are not in the training pool, and together
    they are the target half of the images the source never saw."""
    halves = []
    for seed in (0, 7):
        data = target_data(seed, "similar")
        pool = {row.tobytes() for row in data["x_pool"]}
        held = {row.tobytes() for row in data["x_eval"]}
        assert not pool & held
        halves.append((pool | held, held))
    assert halves[0][0] == halves[1][0]  # the same images, split another way
    assert halves[0][1] != halves[1][1]


def test_little_data_similar_task_linear_probe_beats_scratch(curves):
    """The lectures: very similar data set + very little data → a linear classifier on top."""
    gap = curves["similar"]["probe"][:, 0] - curves["similar"]["scratch"][:, 0]
    assert gap.mean() > 0.06  # measured ≈ +0.11
    assert (gap > 0).sum() >= 4  # not one lucky seed


def test_the_probe_needs_a_similar_task(curves):
    """With shuffled pixels the frozen features do not fit: the probe falls behind scratch."""
    sim = curves["similar"]["probe"][:, 0] - curves["similar"]["scratch"][:, 0]
    diff = curves["different"]["probe"][:, 0] - curves["different"]["scratch"][:, 0]
    assert diff.mean() < -0.05  # measured ≈ −0.19
    assert sim.mean() - diff.mean() > 0.15


def test_lots_of_data_closes_the_gap(curves):
    """With ~50 examples per class training every weight catches up with the probe (similar) and
    fine-tuning everything is close to scratch (different)."""
    s, d = curves["similar"], curves["different"]
    assert (s["probe"][:, 1] - s["scratch"][:, 1]).mean() < 0.03
    assert s["finetune_all"][:, 1].mean() > s["probe"][:, 1].mean() - 0.01
    assert abs((d["finetune_all"][:, 1] - d["scratch"][:, 1]).mean()) < 0.03
    for k in STRATEGIES:  # more target data helps every strategy
        assert (s[k][:, 1] > s[k][:, 0]).all() and (d[k][:, 1] > d[k][:, 0]).all()


def test_table_rows():
    rows = transfer_table((10, 50), seeds=(0,), pretrain_steps=100, steps=50)
    assert [(r["similarity"], r["data"]) for r in rows] == [
        ("similar", "little"),
        ("similar", "lots"),
        ("different", "little"),
        ("different", "lots"),
    ]
    for r in rows:
        assert r["best"] == max(STRATEGIES, key=r.get) and r["advice"]


def test_bad_input():
    with pytest.raises(ValueError):
        transfer(2)
    with pytest.raises(ValueError):
        transfer(10, "opposite")
    with pytest.raises(ValueError):
        transfer_curve((10, 10_000))
    with pytest.raises(ValueError):
        transfer(10, hidden=())
