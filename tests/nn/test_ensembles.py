"""Ensembles: the ensemble beats its average member; snapshots at the cycle ends; Polyak averaging."""

import numpy as np
import pytest

from optim_lab.nn.ensembles import ensemble_curve, ensemble_grid, run_ensemble

SMALL = {"steps": 150, "hidden": (16,), "dataset_params": {"points": 150, "noise": 0.3}}
SPIRAL = {
    "steps": 300,
    "hidden": (32,),
    "lr": 0.02,
    "dataset_params": {"points": 500, "noise": 0.3},
}


def test_an_ensemble_is_at_least_as_accurate_as_its_average_member():
    # Digits: a test set of ~360 images makes the comparison reliable (on a 30-point test set one
    # image is 3 points of accuracy).
    r = run_ensemble("digits", 4, "independent", 0, steps=200, hidden=(32,))
    assert len(r.member_acc) == 4 and len(set(r.member_acc)) > 1  # members differ
    assert r.ensemble_acc >= np.mean(r.member_acc)
    assert len(r.curve) == 4 and r.curve[-1] == pytest.approx(r.ensemble_acc)


def test_ensemble_decision_boundaries():
    r = run_ensemble("spiral", 2, "independent", 0, **SMALL)
    grid = ensemble_grid(r, resolution=12)
    assert grid["members"].shape == (2, 12, 12, 3)
    np.testing.assert_allclose(grid["ensemble"].sum(-1), 1, atol=1e-5)


def test_snapshot_members_are_taken_at_the_end_of_each_cosine_cycle():
    r = run_ensemble("spiral", 3, "snapshot", 0, **SPIRAL)
    assert r.snapshot_steps == [100, 200, 300] and r.members.shape[0] == 3
    lr = r.lr
    assert lr[0] == pytest.approx(0.02) and lr[100] == pytest.approx(0.02)  # restarts
    assert lr[99] < 0.001 and lr[299] < 0.001  # snapshots where the learning rate is lowest
    assert r.ensemble_acc >= np.mean(r.member_acc)


def test_polyak_average_differs_from_the_last_iterate():
    r = run_ensemble("spiral", 2, "polyak", 0, ewa_beta=0.9, **SMALL)
    assert r.polyak is not None and not np.allclose(r.polyak, r.members)
    assert len(r.curve) == 2 and all(0 <= a <= 1 for a in r.curve)
    assert r.ensemble_acc == pytest.approx(np.mean(r.curve))


def test_ensemble_curve_of_identical_members_is_flat():
    probs = np.tile(np.array([[[0.9, 0.1], [0.2, 0.8]]]), (3, 1, 1))
    assert ensemble_curve(probs, np.array([0, 1])) == [1.0, 1.0, 1.0]


@pytest.mark.parametrize("kwargs", [{"kind": "bagging"}, {"members": 0}, {"split": "train"}])
def test_bad_input_raises_value_error(kwargs):
    args = {"dataset": "spiral", "members": 2, "kind": "independent"} | kwargs
    with pytest.raises(ValueError):
        run_ensemble(**args, **SMALL)


def test_averaged_probabilities_never_have_a_higher_log_loss_than_the_members():
    from optim_lab.nn.ensembles import ensemble_log_loss_curve, log_loss

    rng = np.random.default_rng(0)
    probs = rng.dirichlet([0.5, 0.5, 0.5], size=(6, 40))
    y = rng.integers(0, 3, 40)
    members = log_loss(probs, y)
    assert members[0] == pytest.approx(-np.mean(np.log(probs[0, np.arange(40), y])))
    curve = ensemble_log_loss_curve(probs, y)
    running_mean = np.cumsum(members) / np.arange(1, 7)
    assert np.all(np.asarray(curve) <= running_mean + 1e-12)  # Jensen: -ln is convex
