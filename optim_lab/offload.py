"""Long computations in helper processes, so one student's training does not hold up the others.

A server process runs its XLA computations one after another, so a 3-second training started by
one session delays every chart of every other session on that process. A function marked
:func:`offloaded` runs in one of a few helper processes once :func:`start` has been called (the
server's launcher does); everywhere else (tests, the CLI, ``streamlit run app.py``) it runs in the
calling process, unchanged. Arguments and results travel by pickle, so marked functions take and
return plain values and NumPy arrays.

Each call is bounded: a helper that runs past ``timeout`` seconds or grows past ``memory_mb`` is
killed and replaced, and the caller gets :class:`ComputeLimitError`; so does a caller whose helper
died. The others' calls go on.

Calls marked ``long`` (a search or an ensemble at its largest settings: tens of seconds) run one
at a time in a helper of their own, started with the first of them, at the lowest CPU priority:
the other lessons' short computations neither queue behind them nor share the cores with them.
Since they run on what the others leave, their time bound is longer.

Callers waiting for a helper are served in the order their thread first asked, not call by call: a
page run is one thread, and a page that needs several trainings in turn keeps its place in the
line between them instead of going to its end after each one, behind pages that came later.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import heapq
import importlib
import itertools
import multiprocessing
import os
import sys
import threading
import time
import types
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

# Marked functions by "module:qualified name": a helper imports the module, which fills this in.
_FUNCTIONS: dict[str, Callable[..., Any]] = {}
_pool: Pool | None = None


class ComputeLimitError(RuntimeError):
    """A computation ran past its time or memory budget, or its helper process died."""


def offloaded(function: F | None = None, *, long: bool | Callable[..., bool] = False) -> Any:
    """Runs ``function`` in a helper process when a pool is started (see the module docstring).
    ``long``: whether a call takes many seconds, or a function of the call's arguments that says
    so (``@offloaded(long=lambda trials, steps: trials * steps > 4000)``)."""
    if function is None:
        return functools.partial(offloaded, long=long)
    name = f"{function.__module__}:{function.__qualname__}"
    _FUNCTIONS[name] = function

    @functools.wraps(function)
    def call(*args: Any, **kwargs: Any) -> Any:
        pool = _pool
        if pool is None:
            return function(*args, **kwargs)
        is_long = long(*args, **kwargs) if callable(long) else long
        return pool.call(name, args, kwargs, long=is_long)

    return call


PROCESSES_ENV = "OPTIM_LAB_COMPUTE_PROCESSES"


def processes_wanted() -> int:
    """Helpers for a server: ``$OPTIM_LAB_COMPUTE_PROCESSES`` (0: none), else one per usable core."""
    from .cpu_tuning import available_cores

    text = os.environ.get(PROCESSES_ENV, "").strip()
    return int(text) if text.isdigit() else available_cores()


def start(
    processes: int,
    *,
    timeout: float = 120.0,
    memory_mb: float = 3000.0,
    recycle_mb: float = 1500.0,
) -> Pool:
    """Starts ``processes`` helpers (each imports JAX in the background) and routes marked calls to
    them (long ones to one more helper, started with the first of them); a helper that holds more
    than ``recycle_mb`` after a call is replaced by a fresh one. Calling it again replaces the
    pool."""
    global _pool
    stop()
    _pool = Pool(processes, timeout=timeout, memory_mb=memory_mb, recycle_mb=recycle_mb)
    return _pool


def stop() -> None:
    """Stops the helpers; marked functions run in the calling process again."""
    global _pool
    pool, _pool = _pool, None
    if pool is not None:
        pool.close()


def active() -> Pool | None:
    return _pool


def _serve(connection: Connection, nice: int = 0) -> None:
    """A helper's loop: one call at a time, its result or its exception sent back."""
    import logging

    if nice:
        os.nice(nice)

    from .config import enable_compile_cache

    # Page helpers' modules declare Streamlit caches, which warn here that no app is running.
    logging.getLogger("streamlit.runtime.caching.cache_data_api").setLevel(logging.ERROR)
    enable_compile_cache()
    connection.send(("ready", os.getpid()))
    while True:
        try:
            name, args, kwargs = connection.recv()
        except (EOFError, OSError):
            return
        module, _, _ = name.partition(":")
        try:
            importlib.import_module(module)
            reply = ("ok", _FUNCTIONS[name](*args, **kwargs))
        except Exception as error:  # sent back and raised in the caller
            reply = ("error", error)
        try:
            connection.send(reply)
        except Exception as error:  # an unpicklable result or exception
            connection.send(("error", RuntimeError(f"{type(error).__name__}: {error}")))
        del reply
        if not connection.poll():  # idle: the training's freed arrays go back to the system
            release_freed_memory()


@functools.cache
def glibc() -> ctypes.CDLL | None:
    """The C library when it is glibc (its malloc can be tuned and trimmed), else None."""
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return None
    return libc if hasattr(libc, "mallopt") and hasattr(libc, "malloc_trim") else None


def release_freed_memory() -> None:
    """Gives what the heap holds free back to the system (glibc's ``malloc_trim``)."""
    if (libc := glibc()) is not None:
        libc.malloc_trim(0)


def process_rss_mb(pid: int) -> float:
    """Resident memory (VmRSS) of one process, in MB (0 once it has ended)."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


# The long calls' helper runs on what the others leave of the cores (CFS weights: 15 against
# 1,024), so under a full class it may wait for them: its calls' time bound is this many times
# the others'.
LONG_NICE = 19
LONG_TIMEOUT_FACTOR = 4


_spawning = threading.Lock()


@contextlib.contextmanager
def _no_main_module() -> Any:
    """A spawned process first imports its parent's ``__main__`` again, or runs its file. Under
    Streamlit, once a page has run, that is the app's script: a helper started then (the long
    calls' one, or a replacement) would run the app in bare mode. It starts with none instead."""
    with _spawning:
        main = sys.modules["__main__"]
        sys.modules["__main__"] = types.ModuleType("__main__")
        try:
            yield
        finally:
            sys.modules["__main__"] = main


class _Helper:
    def __init__(self, context: Any, *, long: bool = False):
        self.long = long  # serves the long calls, at a lower CPU priority
        self.connection, child_end = context.Pipe()
        nice = LONG_NICE if long else 0
        self.process = context.Process(target=_serve, args=(child_end, nice), daemon=True)
        with _no_main_module():
            self.process.start()
        child_end.close()
        self.ready = False

    def rss_mb(self) -> float:
        return process_rss_mb(self.process.pid)

    def wait_ready(self) -> None:
        while not self.ready:
            if not self.process.is_alive():
                raise ComputeLimitError("the computing process could not start")
            if self.connection.poll(0.1):
                self.ready = self.connection.recv()[0] == "ready"

    def kill(self) -> None:
        self.process.kill()
        self.process.join(5)
        self.connection.close()


_caller = threading.local()  # when the calling thread's current work first asked for a helper


def new_caller() -> None:
    """Starts the calling thread's next piece of work (a page run, when Streamlit runs the next
    one on the same thread): its next call takes its place at the end of the line."""
    _caller.__dict__.pop("first_asked", None)


class _Line:
    """Free helpers, and the callers waiting for one: the caller whose thread first asked
    earliest gets the next free helper (see the module docstring), handed to it alone (a class
    waits on few helpers: waking every waiting page at each hand-over would cost the server)."""

    def __init__(self) -> None:
        self._free: list[_Helper] = []
        self._waiting: list[tuple[float, int, _Waiter]] = []  # a heap: first asked, arrival
        self._arrivals = itertools.count()
        self._lock = threading.Lock()

    def put(self, helper: _Helper) -> None:
        with self._lock:
            if not self._waiting:
                self._free.append(helper)
                return
            waiter = heapq.heappop(self._waiting)[2]
            waiter.helper = helper
            waiter.served.set()

    def get(self) -> _Helper:
        if not hasattr(_caller, "first_asked"):
            _caller.first_asked = time.monotonic()
        with self._lock:
            if self._free:
                return self._free.pop(0)
            waiter = _Waiter()
            heapq.heappush(self._waiting, (_caller.first_asked, next(self._arrivals), waiter))
        try:
            waiter.served.wait()
        except BaseException:  # interrupted: leave the line, or pass on a helper just handed over
            with self._lock:
                self._waiting = [entry for entry in self._waiting if entry[2] is not waiter]
                heapq.heapify(self._waiting)
            if waiter.helper is not None:
                self.put(waiter.helper)
            raise
        return waiter.helper


class _Waiter:
    def __init__(self) -> None:
        self.served = threading.Event()
        self.helper: _Helper | None = None


class Pool:
    """Helper processes, each running one call at a time; callers wait for a free one."""

    def __init__(self, processes: int, *, timeout: float, memory_mb: float, recycle_mb: float):
        self.timeout = timeout
        self.memory_mb = memory_mb
        self.recycle_mb = recycle_mb
        # A fresh interpreter: forking a process that already runs JAX's threads is unsafe.
        self._context = multiprocessing.get_context("spawn")
        self._idle = _Line()
        self._idle_long = _Line()
        self._helpers: list[_Helper] = []
        self._lock = threading.Lock()
        for _ in range(max(1, processes)):
            self._add(_Helper(self._context))
        self._long_started = False  # the long calls' helper starts with the first of them

    def _line(self, helper: _Helper) -> _Line:
        return self._idle_long if helper.long else self._idle

    def _add(self, helper: _Helper) -> None:
        with self._lock:
            self._helpers.append(helper)
        self._line(helper).put(helper)

    def _replace(self, helper: _Helper) -> None:
        helper.kill()
        with self._lock:
            self._helpers.remove(helper)
        self._add(_Helper(self._context, long=helper.long))

    def pids(self) -> list[int]:
        with self._lock:
            return [h.process.pid for h in self._helpers if h.process.pid is not None]

    def call(self, name: str, args: tuple, kwargs: dict, *, long: bool = False) -> Any:
        if long and not self._long_started:
            with self._lock:
                start, self._long_started = not self._long_started, True
            if start:
                self._add(_Helper(self._context, long=True))
        helper = (self._idle_long if long else self._idle).get()
        try:
            helper.wait_ready()
            helper.connection.send((name, args, kwargs))
            kind, value = self._wait(helper)
        except BaseException:  # past a budget, or the caller was interrupted: start afresh
            self._replace(helper)
            raise
        if helper.rss_mb() > self.recycle_mb:  # what it kept (compiled programs, data) goes
            self._replace(helper)
        else:
            self._line(helper).put(helper)
        if kind == "error":
            raise value
        return value

    def _wait(self, helper: _Helper) -> tuple[str, Any]:
        timeout = self.timeout * (LONG_TIMEOUT_FACTOR if helper.long else 1)
        deadline = time.monotonic() + timeout
        while not helper.connection.poll(0.05):
            if not helper.process.is_alive():
                raise ComputeLimitError("the computation stopped unexpectedly")
            if time.monotonic() > deadline:
                raise ComputeLimitError(
                    f"the computation took longer than {timeout:g} s and was stopped"
                )
            if helper.rss_mb() > self.memory_mb:
                raise ComputeLimitError(
                    f"the computation needed more than {self.memory_mb:g} MB and was stopped"
                )
        try:
            return helper.connection.recv()
        except (EOFError, OSError) as error:
            raise ComputeLimitError("the computation stopped unexpectedly") from error

    def close(self) -> None:
        with self._lock:
            helpers, self._helpers = self._helpers, []
        for helper in helpers:
            helper.kill()
