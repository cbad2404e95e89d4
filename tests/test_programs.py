"""Compiled programs: one ``jax.jit`` per program, the most recently used kept up to the bound."""

from collections import OrderedDict

import jax.numpy as jnp
import numpy as np

from optim_lab import programs
from optim_lab.surfaces import SURFACES
from optim_lab.trajectory import RunSpec, run_many


@programs.per_program
def _power(exponent: int, x):
    return x**exponent


def _kept_exponents() -> list[int]:
    return [program for function, program in programs._kept if function is _power.__wrapped__]


def test_each_program_compiles_once_and_the_least_recently_used_goes(monkeypatch):
    monkeypatch.setattr(programs, "_kept", OrderedDict())  # this test's programs only
    monkeypatch.setattr(programs, "PROGRAMS_KEPT", 3)
    x = jnp.arange(4.0)
    for exponent in (1, 2, 3):
        np.testing.assert_array_equal(_power(exponent, x), np.arange(4.0) ** exponent)
    assert _power._cache_size() == 3
    _power(2, x + 1)  # new values: no new program
    _power(1, x)  # 1 is now the most recently used, 3 the least
    assert _power._cache_size() == 3
    _power(4, x)
    assert _kept_exponents() == [2, 1, 4]
    np.testing.assert_array_equal(_power(3, x), np.arange(4.0) ** 3)  # made again when needed
    assert _kept_exponents() == [1, 4, 3]


def test_runs_are_the_same_after_their_program_was_dropped(monkeypatch):
    monkeypatch.setattr(programs, "_kept", OrderedDict())
    monkeypatch.setattr(programs, "PROGRAMS_KEPT", 1)
    bowl, rosenbrock = SURFACES["bowl"], SURFACES["rosenbrock"]
    spec = [RunSpec("adam", {"lr": 0.05})]
    first = run_many(bowl, spec, bowl.start, 120)[0]
    run_many(rosenbrock, spec, rosenbrock.start, 120)  # takes the only place
    assert programs.kept() == 1
    again = run_many(bowl, spec, bowl.start, 120)[0]
    np.testing.assert_array_equal(first.points, again.points)
    np.testing.assert_array_equal(first.grads, again.grads)
