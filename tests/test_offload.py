"""optim_lab.offload: marked functions run in helper processes, bounded in time and memory."""

from __future__ import annotations

import os
import time

import numpy as np
import pytest

from optim_lab import offload
from optim_lab.offload import ComputeLimitError, offloaded


@offloaded
def where_and_what(values: np.ndarray, scale: float = 1.0) -> tuple[int, np.ndarray]:
    return os.getpid(), np.asarray(values) * scale


@offloaded
def resident_mb() -> float:
    return offload.process_rss_mb(os.getpid())


@offloaded
def refuse(text: str) -> None:
    raise ValueError(f"refused: {text}")


@offloaded
def sleep(seconds: float) -> float:
    time.sleep(seconds)
    return seconds


@offloaded(long=lambda seconds: seconds >= 1.0)
def long_sleep(seconds: float) -> float:
    time.sleep(seconds)
    return seconds


@offloaded
def hold_megabytes(megabytes: int) -> int:
    block = np.ones(megabytes * 2**20 // 8)  # written, so resident
    time.sleep(10)
    return int(block.size)


@offloaded
def die() -> None:
    os._exit(3)


@pytest.fixture
def pool():
    """One helper, stopped past 6 s or 300 MB more than it holds after its imports (6 s: on a
    busy machine filling 600 MB must not reach the time limit before the memory one)."""
    offload.start(1)
    try:
        budget = resident_mb() + 300.0
        yield offload.start(1, timeout=6.0, memory_mb=budget, recycle_mb=budget)
    finally:
        offload.stop()


def test_without_a_pool_the_call_runs_here():
    assert offload.active() is None
    pid, values = where_and_what(np.arange(3.0), scale=2.0)
    assert pid == os.getpid()
    np.testing.assert_array_equal(values, [0.0, 2.0, 4.0])


@pytest.mark.slow
def test_a_pool_runs_the_call_in_a_helper_and_survives_every_failure(pool):
    pid, values = where_and_what(np.arange(3.0), scale=2.0)
    assert pid != os.getpid() and pid in pool.pids()
    np.testing.assert_array_equal(values, [0.0, 2.0, 4.0])

    with pytest.raises(ValueError, match="refused: no"):  # the helper's exception, as raised
        refuse("no")
    assert where_and_what(np.ones(1))[0] == pid  # an exception does not cost the helper

    with pytest.raises(ComputeLimitError, match="longer than 6 s"):
        sleep(30.0)
    with pytest.raises(ComputeLimitError, match="MB and was stopped"):
        hold_megabytes(600)
    with pytest.raises(ComputeLimitError, match="stopped unexpectedly"):
        die()
    # each failure replaced the helper; the pool still answers, from a new process
    new_pid, _ = where_and_what(np.ones(1))
    assert new_pid != pid and pool.pids() == [new_pid]
    assert sleep(0.1) == 0.1


@pytest.mark.slow
def test_a_helper_that_keeps_too_much_memory_is_replaced_after_its_call():
    offload.start(1, recycle_mb=1.0)  # every helper holds more than 1 MB
    try:
        first, _ = where_and_what(np.ones(1))
        second, _ = where_and_what(np.ones(1))
    finally:
        offload.stop()
    assert first != second


@offloaded(long=lambda long: long)
def priority(long: bool) -> tuple[int, int]:
    return os.getpid(), os.getpriority(os.PRIO_PROCESS, 0)


@pytest.mark.slow
def test_long_calls_run_one_at_a_time_in_a_helper_of_their_own():
    """One helper for short calls: two long calls run one after the other in a helper of their
    own, at a lower CPU priority, and a short call started meanwhile runs at once instead of
    waiting behind them."""
    from concurrent.futures import ThreadPoolExecutor

    pool = offload.start(1)
    try:
        short_pid, short_priority = priority(False)
        assert len(pool.pids()) == 1  # no long call yet: no helper for them
        long_pid, long_priority = priority(True)
        with ThreadPoolExecutor(3) as threads:
            started = time.monotonic()
            longs = [threads.submit(long_sleep, 1.5) for _ in range(2)]
            time.sleep(0.3)
            short = threads.submit(long_sleep, 0.1)  # the same function, short this time
            short.result()
            short_done = time.monotonic() - started
            for future in longs:
                future.result()
            longs_done = time.monotonic() - started
    finally:
        offload.stop()
    assert long_pid != short_pid
    assert long_priority == short_priority + offload.LONG_NICE
    assert short_done < 1.2  # not behind a long call
    assert longs_done > 2.9  # the two long calls did not run side by side


def test_a_helper_started_while_a_page_runs_does_not_run_the_app(tmp_path, monkeypatch):
    """Streamlit installs the app's script as ``__main__`` while a page runs; a process spawned
    then would run that script first. Helpers start without it."""
    import sys
    import types

    ran = tmp_path / "ran"
    script = tmp_path / "app.py"
    script.write_text(f"open({str(ran)!r}, 'w').close()\n")
    page_main = types.ModuleType("__main__")
    page_main.__file__ = str(script)
    monkeypatch.setitem(sys.modules, "__main__", page_main)
    offload.start(1)
    try:
        assert long_sleep(1.0) == 1.0  # the long calls' helper starts now, as in a page
        assert sleep(0.0) == 0.0
    finally:
        offload.stop()
    assert sys.modules["__main__"] is page_main
    assert not ran.exists()


def test_long_calls_have_a_longer_time_bound():
    """The long calls' helper runs on what the others leave of the cores, so its calls may take
    LONG_TIMEOUT_FACTOR times the others' bound before they are stopped."""
    offload.start(1, timeout=1.0)
    try:
        assert long_sleep(1.5) == 1.5  # past the short calls' bound, within the long ones'
        with pytest.raises(ComputeLimitError, match="longer than 1 s"):
            sleep(1.5)
        with pytest.raises(ComputeLimitError, match=f"longer than {offload.LONG_TIMEOUT_FACTOR} s"):
            long_sleep(offload.LONG_TIMEOUT_FACTOR + 0.5)
    finally:
        offload.stop()


@pytest.mark.slow
def test_a_caller_keeps_its_place_in_line_between_its_calls():
    """One helper. A asks first and needs two calls in turn; B and C ask while A's first call
    runs. B, waiting, gets the helper next; then A's second call goes before C, who asked after A
    did (one call at a time in arrival order would put it behind C's too, and A would end last)."""
    import threading

    offload.start(1)
    finished = []

    def caller(name: str, delay: float, calls: int) -> None:
        time.sleep(delay)
        offload.new_caller()
        for _ in range(calls):
            sleep(0.8)
        finished.append(name)

    try:
        where_and_what(np.ones(1))  # the helper is ready
        threads = [
            threading.Thread(target=caller, args=args)
            for args in (("A", 0.0, 2), ("B", 0.15, 1), ("C", 0.3, 1))
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        offload.stop()
    assert finished == ["B", "A", "C"]


def test_a_caller_interrupted_in_line_leaves_it_and_loses_no_helper():
    import signal

    line = offload._Line()

    class Interrupted(Exception):
        pass

    def interrupt(*_):
        raise Interrupted

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, 0.2)
    try:
        with pytest.raises(Interrupted):
            line.get()  # no helper free: waits until the signal
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    helper = object()
    line.put(helper)
    assert line._free == [helper]  # not handed to the caller that left
    assert line.get() is helper
