"""Generalization claims checked on data (more data, augmentation) and the batched trainer's
mechanics; the regularization lesson's claims are in tests/lessons/test_regularization.py."""

import numpy as np
import pytest

from optim_lab.nn.generalization import (
    TRACE_COUNTS,
    BatchSpec,
    _first_layer_per_trial,
    augment_digits,
    fit_batch,
    init_many,
    layout_for,
    make_trial_hparams,
    prepare_data,
    size_curve,
)


def test_more_training_data_raises_validation_accuracy():
    out = size_curve("spiral", sizes=(15, 180), hidden=(16,), steps=200, lr=0.02)
    assert list(out["sizes"]) == [15, 180]
    assert out["val_acc"][1] > out["val_acc"][0] + 0.05


def test_augment_digits_shifts_and_labels():
    x = np.zeros((2, 64), np.float32)
    x[:, 27] = 16.0  # one bright pixel in the middle
    xa, ya = augment_digits(x, np.array([3, 7]), copies=2, max_shift=1, noise=0.0, seed=0)
    assert xa.shape == (6, 64) and list(ya) == [3, 7, 3, 7, 3, 7]
    np.testing.assert_array_equal(xa[:2], x)
    for img in xa[2:]:  # moved by at most one pixel, brightness kept
        r, c = divmod(int(np.argmax(img)), 8)
        assert abs(r - 3) <= 1 and abs(c - 3) <= 1 and img.max() == 16.0
    with pytest.raises(ValueError):
        augment_digits(np.zeros((2, 10)), np.zeros(2))


def test_exploded_trials_are_frozen_and_new_values_do_not_recompile():
    data = prepare_data("spiral", {"points": 90})
    sizes = (2, 8, 3)
    spec = BatchSpec(layout_for(sizes), steps=40, record_every=20)
    flat0 = init_many([0, 0], sizes)
    out = fit_batch(flat0, data.x_train, data.y_train, make_trial_hparams(2, lr=[0.01, 50.0]), spec)
    traces = TRACE_COUNTS["fit"]
    assert out["exploded_at"][0] == -1 and out["exploded_at"][1] >= 0
    k = out["exploded_at"][1]
    assert np.all(np.isfinite(out["loss"][0])) and np.all(np.isnan(out["loss"][1, k + 1 :]))
    assert out["snapshots"].shape == (2, 2, flat0.shape[1])
    fit_batch(flat0, data.x_train, data.y_train, make_trial_hparams(2, lr=[0.02, 0.3]), spec)
    assert TRACE_COUNTS["fit"] == traces
    with pytest.raises(ValueError):
        make_trial_hparams(2, lr=[0.1, -1.0])


def test_trials_split_over_cores_give_the_one_group_result_in_order():
    # 5 trials over 2 or 3 groups: groups of 3 or 2, the last padded with a copy of the last trial.
    data = prepare_data("spiral", {"points": 90})
    sizes = (2, 8, 3)
    spec = BatchSpec(layout_for(sizes), steps=30, record_every=10, batch_size=16)
    flat0 = init_many([0, 1, 2, 3, 4], sizes)
    hp = make_trial_hparams(5, lr=[0.003, 0.01, 0.03, 0.1, 50.0], l2=[0, 1e-3, 0, 1e-2, 0])
    whole = fit_batch(flat0, data.x_train, data.y_train, hp, spec, groups=1)
    assert whole["exploded_at"][4] >= 0 and np.all(whole["exploded_at"][:4] == -1)
    for groups in (2, 3):
        traces = TRACE_COUNTS["fit"]
        split = fit_batch(flat0, data.x_train, data.y_train, hp, spec, groups=groups)
        assert TRACE_COUNTS["fit"] - traces <= 1  # one program for all groups
        assert split.keys() == whole.keys()
        for key, value in whole.items():
            assert split[key].shape == value.shape, key
            np.testing.assert_allclose(split[key], value, rtol=1e-5, atol=1e-6, err_msg=key)
    with pytest.raises(ValueError, match="at least one trial"):
        fit_batch(flat0[:0], data.x_train, data.y_train, make_trial_hparams(0), spec)


def test_full_batch_trials_with_narrow_inputs_match_each_trial_alone():
    # 2 features < 8 units, full batch: the trials compute their first layer one by one
    data = prepare_data("spiral", {"points": 90})
    sizes = (2, 8, 3)
    spec = BatchSpec(layout_for(sizes), steps=30, record_every=30)
    assert _first_layer_per_trial(3, 2, spec) and not _first_layer_per_trial(1, 2, spec)
    assert not _first_layer_per_trial(3, 2, spec._replace(batch_size=16))
    assert not _first_layer_per_trial(3, 64, BatchSpec(layout_for((64, 32, 10))))
    flat0 = init_many([0, 1, 2], sizes)
    lrs, l2s = [0.003, 0.03, 0.1], [0.0, 1e-3, 1e-2]
    together = fit_batch(
        flat0, data.x_train, data.y_train, make_trial_hparams(3, lr=lrs, l2=l2s), spec, groups=1
    )
    for i in range(3):
        hp = make_trial_hparams(1, lr=lrs[i : i + 1], l2=l2s[i : i + 1])
        alone = fit_batch(flat0[i : i + 1], data.x_train, data.y_train, hp, spec, seeds=[i])
        for key in ("params", "loss"):
            np.testing.assert_allclose(together[key][i], alone[key][0], rtol=1e-4, atol=1e-5)
