"""A small class against the real server, over Streamlit's websocket protocol (as a browser talks
to it): every run finishes cleanly, a bad link gives a notice instead of an error, and one
student's long training does not hold up the others. The server runs without a home folder (its
compile cache then lives in the temporary folder).

The load benchmark is bench/bench_classroom.py; this is its smoke test.
"""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from optim_lab.ui.serve import MALLOC_ARENAS, plotly_script
from optim_lab.ui.ws_client import (
    AppServer,
    RunResult,
    Session,
    child_pids,
    run_blocking,
    server_cpu_seconds,
)

pytestmark = pytest.mark.slow

NOTICE = "could not be used"  # UrlState's notice for link parameters it refused
# Five students, a few pages each, with settings as links carry them ("" = home, at the root).
STUDENTS = [
    [("", ""), ("arena", "seed=3&r1.sgd.lr=0.2"), ("ewa", "beta=0.8")],
    [("momentum", "lr=0.3&beta=0.7"), ("arena", "n=2&steps=100"), ("preprocessing", "angle=45")],
    [("adaptive", "s.angle=30"), ("saddles", "steps=300"), ("", "")],
    [("activations", "a2=leaky_relu&a2.leaky_relu.slope=0.2"), ("ewa", "seed=5"), ("arena", "")],
    [("playground", "seed=7"), ("momentum", "form=nesterov"), ("saddles", "scenario=cliff")],
]


@pytest.fixture(scope="module")
def server():
    with AppServer(workers=1, startup_timeout=120, env={"HOME": "/proc/no-such-home"}) as app:
        yield app


async def _student(url: str, visits: list[tuple[str, str]]) -> list[tuple[str, RunResult]]:
    results = []
    async with Session(url, timeout=60) as session:
        for page, query in visits:
            results.append((f"{page or 'home'}?{query}", await session.run(page, query)))
    return results


async def _class(url: str) -> list[tuple[str, RunResult]]:
    per_student = await asyncio.gather(*(_student(url, visits) for visits in STUDENTS))
    return [run for runs in per_student for run in runs]


def test_students_runs_finish_without_errors(server):
    runs = run_blocking(asyncio.wait_for(_class(server.url), 120))
    assert len(runs) == sum(len(v) for v in STUDENTS)
    for link, result in runs:
        assert result.status == "ok", link
        assert not result.page_not_found, link
        assert result.exceptions == [], link
        assert not [w for w in result.warnings if NOTICE in w], link
        assert result.elements > 0, link
    assert server.log_problems() == []


@pytest.mark.parametrize("query", ["n=999999", "seed=abc", "r1.sgd.lr=-3&steps=7"])
def test_bad_link_gives_a_notice_not_an_error(server, query):
    async def visit() -> RunResult:
        async with Session(server.url, timeout=60) as session:
            return await session.run("arena", query)

    result = run_blocking(asyncio.wait_for(visit(), 90))
    assert result.status == "ok"
    assert result.exceptions == []
    notices = [w for w in result.warnings if NOTICE in w]
    assert len(notices) == 1
    for part in query.split("&"):  # each refused parameter is named, as the link wrote it
        assert re.search(rf"`\s*{re.escape(part)}\s*`", notices[0]), (part, notices[0])


def test_a_long_training_does_not_hold_up_another_student(server):
    """Transfer learning with a new seed trains for seconds (in a helper process); meanwhile
    another session's arena runs come back, before it."""

    async def both() -> tuple[list[float], float]:
        loop = asyncio.get_running_loop()
        async with Session(server.url, timeout=90) as long, Session(server.url) as short:
            await short.run("arena", "")  # the arena's programs compiled before the race
            started = loop.time()
            training = asyncio.create_task(long.run("transfer", "seed=4321"))
            await asyncio.sleep(0.3)
            arena_done = []
            for seed in range(3):
                assert (await short.run("arena", f"seed={seed + 11}")).ok
                arena_done.append(loop.time() - started)
            result = await training
            assert result.ok and not result.errors
            return arena_done, loop.time() - started

    arena_done, training_done = run_blocking(asyncio.wait_for(both(), 120))
    assert max(arena_done) < training_done, (arena_done, training_done)


def test_a_formula_too_complex_for_newton_gets_a_message(server):
    formula = "x**" * 40 + "y"  # its Hessian would compile for seconds and take a gigabyte

    async def visit() -> RunResult:
        async with Session(server.url, timeout=60) as session:
            return await session.run("arena", f"surface=custom&n=1&r1.opt=newton&f={formula}")

    memory_before = server.rss_mb()
    result = run_blocking(asyncio.wait_for(visit(), 90))
    assert result.ok and result.seconds < 20  # refused before anything compiles
    assert server.rss_mb() - memory_before < 300  # (the unbounded program took 2 GB)
    shown = [e.replace("\\", "") for e in result.errors]  # as written, Markdown-escaped
    assert any("formula too complex" in e and "first-order optimizer" in e for e in shown), shown
    assert server.log_problems() == []


def test_the_helpers_run_with_the_servers_malloc_settings(server):
    """The computing helpers are new interpreters: glibc reads their malloc arenas from the
    environment the server gives them."""
    helpers = child_pids(server.proc.pid)
    assert helpers
    for pid in helpers:
        environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
        assert f"MALLOC_ARENA_MAX={MALLOC_ARENAS}".encode() in environ


def test_pages_tell_the_browser_to_load_the_chart_code_at_once(server):
    """Every page comes with a Link header to Streamlit's Plotly chart code, which the server
    serves; the scripts and the health check come without one."""
    direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def get(path: str):
        with direct.open(server.url + path, timeout=10) as response:
            return response.status, response.headers.get("Link")

    script = plotly_script()
    assert script and script.startswith("./static/js/PlotlyChart.")
    for path in ("/", "/momentum?beta=0.9", "/no-such-page"):
        assert get(path) == (200, f"<{script}>; rel=modulepreload"), path
    for path in (script.removeprefix("."), "/_stcore/health"):
        assert get(path) == (200, None), path


def test_a_process_cpu_time_is_read_to_the_millisecond_finished_threads_included():
    worker = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import threading, time\n"
            "busy = lambda: sum(range(300_000))\n"
            "for _ in range(3):\n"
            "    thread = threading.Thread(target=busy); thread.start(); thread.join()\n"
            "print(time.process_time(), flush=True)\n"
            "time.sleep(30)\n",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        own = float(worker.stdout.readline())  # the worker's own clock, once it is idle
        read = server_cpu_seconds(worker.pid)
    finally:
        worker.kill()
        worker.wait()
    assert abs(read - own) < 0.002  # /proc's ticks would be off by up to 10 ms
    assert read != round(read, 2)  # finer than ticks
