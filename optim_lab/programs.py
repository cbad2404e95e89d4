"""Compiled programs kept in memory: the most recently used ones, up to a bound.

Runs, sweeps, range tests and step replays are compiled once per *program*: what fixes their
shape (surface, optimizer, schedules, step bucket, …), their numbers being arguments. A compiled
program holds 3–4 MB, and a class trying many settings makes hundreds, which ``jax.jit`` would all
keep. Here each program has a ``jax.jit`` of its own, so dropping the least recently used one frees
its code; used again, it is traced anew and loaded from the persistent compile cache.
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

import jax

PROGRAMS_KEPT = 96
"""How many compiled programs a process keeps, all :func:`per_program` functions together (a
server opening every lesson with its defaults and lecture presets makes about 45)."""

_kept: OrderedDict[tuple[Callable, Hashable], Callable] = OrderedDict()
_lock = threading.Lock()


def per_program(function: Callable[..., Any]) -> Callable[..., Any]:
    """``function`` compiled with ``jax.jit`` once per value of its first argument (a hashable
    program, static), the :data:`PROGRAMS_KEPT` most recently used programs kept."""

    @functools.wraps(function)
    def call(program: Hashable, *args: Any, **kwargs: Any) -> Any:
        key = (function, program)
        with _lock:
            compiled = _kept.pop(key, None)
            if compiled is None:
                compiled = jax.jit(functools.partial(function, program))
            _kept[key] = compiled
            while len(_kept) > PROGRAMS_KEPT:
                _kept.popitem(last=False)
        return compiled(*args, **kwargs)

    def cache_size() -> int:
        """Compiled variants kept for ``function`` (a new program, or new shapes, adds one)."""
        with _lock:
            kept = [compiled for (f, _), compiled in _kept.items() if f is function]
        return sum(compiled._cache_size() for compiled in kept)

    call._cache_size = cache_size
    return call


def forget() -> None:
    """Drops every kept program (used again, each is traced anew and loaded from the persistent
    compile cache)."""
    with _lock:
        _kept.clear()


def kept() -> int:
    """How many programs are kept now."""
    with _lock:
        return len(_kept)
