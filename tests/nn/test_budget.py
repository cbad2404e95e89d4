"""The memory budget of network runs: sizes are combined, and each optimizer's own state counts."""

import pytest

from optim_lab.nn.budget import (
    MEMORY_BUDGET_BYTES,
    check_gradcheck,
    check_training,
    optimizer_state_copies,
    parameter_count,
)
from optim_lab.optimizers import LBFGS_MAX_HISTORY


def test_parameter_count_is_weights_and_biases():
    assert parameter_count((2, 3, 1)) == (2 + 1) * 3 + (3 + 1) * 1


def test_each_optimizer_state_is_read_from_its_shapes():
    n = 1000
    assert optimizer_state_copies("sgd", n) == 0
    assert optimizer_state_copies("momentum", n) == 1
    assert optimizer_state_copies("adam", n) == pytest.approx(2, abs=0.01)  # + a step counter
    # its pairs (s, y) of the whole history, plus the previous point and gradient
    assert optimizer_state_copies("lbfgs", n) == pytest.approx(2 * LBFGS_MAX_HISTORY + 2, abs=0.01)


def test_sizes_that_pass_alone_are_refused_together():
    wide = (2, 4096, 4096, 3)
    check_training(1, wide, 200)  # one network: about 0.4 GB
    with pytest.raises(ValueError, match=r"256 trials would need about [0-9.]+ GB of memory"):
        check_training(256, wide, 200, what="256 trials")
    with pytest.raises(ValueError, match="GB of memory"):  # L-BFGS keeps 42 numbers per weight
        check_training(1, wide, 200, optimizers=["lbfgs"])
    check_training(1, wide, 200, optimizers=["adam"])


def test_the_gradient_check_counts_its_perturbed_copies():
    check_gradcheck((2, 16, 3), 200, 4000)
    with pytest.raises(ValueError, match="gradient check would need"):
        check_gradcheck((2, 4096, 4096, 3), 5000, 4000)
    assert MEMORY_BUDGET_BYTES == 2 * 2**30
