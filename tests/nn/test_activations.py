"""Activation registry: derivatives against central differences (float64), fields, curves."""

from functools import partial

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from optim_lab.nn.activations import ACTIVATIONS, act_params, curve

# Points away from the kink at 0 (ReLU family) where the derivative is defined.
X = np.concatenate([np.linspace(-4.0, -0.05, 40), np.linspace(0.05, 4.0, 40)])


@partial(jax.jit, static_argnames=("name",))
def _derivs(x, ap, h, *, name):
    entry = ACTIVATIONS[name]
    if entry.pieces > 1:  # maxout: d/dz of each piece, pieces (x, -x/2 + 0.3)
        z = jnp.stack([x, -0.5 * x + 0.3], axis=-1)
        numeric = jnp.stack(
            [
                (
                    entry.fn(z + h * jnp.array([1.0, 0.0]), ap)
                    - entry.fn(z - h * jnp.array([1.0, 0.0]), ap)
                )
                / (2 * h),
                (
                    entry.fn(z + h * jnp.array([0.0, 1.0]), ap)
                    - entry.fn(z - h * jnp.array([0.0, 1.0]), ap)
                )
                / (2 * h),
            ],
            axis=-1,
        )
        return entry.deriv(z, ap), numeric
    numeric = (entry.fn(x + h, ap) - entry.fn(x - h, ap)) / (2 * h)
    return entry.deriv(x, ap), numeric


@pytest.mark.parametrize("name", ACTIVATIONS.names())
def test_registry_derivative_matches_central_differences(name):
    entry = ACTIVATIONS[name]
    overrides = {"slope": 0.2} if any(p.name == "slope" for p in entry.params) else None
    with jax.enable_x64(True):
        ap = {k: np.float64(v) for k, v in act_params(name, overrides).items()}
        analytic, numeric = _derivs(np.asarray(X, np.float64), ap, np.float64(1e-6), name=name)
    np.testing.assert_allclose(np.asarray(analytic), np.asarray(numeric), rtol=1e-6, atol=1e-8)


def test_prelu_slope_derivative():
    entry = ACTIVATIONS["prelu"]
    z = np.array([-2.0, -0.5, 0.5, 3.0])
    np.testing.assert_allclose(
        np.asarray(entry.deriv_param(z, {"slope": 0.25})), [-2.0, -0.5, 0, 0]
    )


@pytest.mark.parametrize("entry", list(ACTIVATIONS), ids=ACTIVATIONS.names())
def test_entries_are_complete(entry):
    assert entry.latex and entry.latex_deriv and entry.verdict
    assert isinstance(entry.zero_centred, bool) and isinstance(entry.saturates, bool)
    y, dy = curve(entry.name, np.linspace(-3, 3, 7))
    assert y.shape == dy.shape == (7,)
    assert np.all(np.isfinite(y)) and np.all(np.isfinite(dy))


def test_lecture_verdicts():
    assert ACTIVATIONS["sigmoid"].saturates and not ACTIVATIONS["sigmoid"].zero_centred
    assert ACTIVATIONS["tanh"].saturates and ACTIVATIONS["tanh"].zero_centred
    assert not ACTIVATIONS["relu"].saturates and not ACTIVATIONS["relu"].zero_centred
    assert ACTIVATIONS["maxout"].pieces == 2 and ACTIVATIONS["prelu"].learnable


def test_unknown_activation_and_parameter():
    with pytest.raises(ValueError, match="unknown activation"):
        act_params("swish")
    with pytest.raises(ValueError, match="no parameter"):
        act_params("relu", {"slope": 0.1})
