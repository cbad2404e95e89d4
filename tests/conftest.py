"""Shared by every test: the persistent compile cache and the float64 switch."""

import jax
import pytest

from optim_lab.config import enable_compile_cache

# One persistent XLA cache per machine, shared with the app: a second run starts warm.
enable_compile_cache()


@pytest.fixture(scope="module")
def float64():
    """The module's tests compute in float64 (hand-computed references), the others as the app
    does; ``pytestmark = pytest.mark.usefixtures("float64")`` asks for it."""
    previous = jax.config.jax_enable_x64
    jax.config.update("jax_enable_x64", True)
    yield
    jax.config.update("jax_enable_x64", previous)
