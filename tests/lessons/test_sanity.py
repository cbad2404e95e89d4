"""The sanity lesson's first check: the loss of an untrained network is about ln C."""

from __future__ import annotations

import numpy as np

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
