"""The ensembles lesson's verdict on an ensemble against its members."""

import pytest

from optim_lab.lessons.ensembles.experiment import ensemble_gain


@pytest.mark.parametrize("ensemble, kind", [(0.95, "success"), (0.9, "info"), (0.85, "warning")])
def test_the_ensemble_is_judged_against_its_average_member(ensemble, kind):
    found, message = ensemble_gain(ensemble, [0.88, 0.9, 0.92], "Ensemble of 3")
    assert found == kind and message.startswith("Ensemble of 3")
    if kind == "success":
        assert "best member 92.0%" in message
