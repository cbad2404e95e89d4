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
