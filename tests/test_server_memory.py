"""Soaks through the running server.

Many page runs from many sessions, with new settings each time, do not make the server's memory
grow once the sessions have left (Streamlit's forced collection after every run is off; Python's
own collector returns the memory). A stream of new formulas does not either: their programs are
compiled in the computing helpers, which are replaced when they hold too much.
"""

import asyncio
import time
from urllib.parse import quote

import pytest

from optim_lab.ui.ws_client import (
    AppServer,
    Session,
    child_pids,
    process_rss_mb,
    run_blocking,
)

SESSIONS = 10
RUNS_PER_SESSION = 30
BOUND_MB = 150
FORMULAS = 200
FORMULA_BOUND_MB = 100  # growth of the app process over the formulas
HELPER_BOUND_MB = 1600  # a helper is replaced after a call that leaves it above 1,500 MB


def query(page: str, k: int) -> str:
    """A setting the page has not seen yet (k = 0, 1, 2, …)."""
    return {
        "arena": f"seed={k + 1}&x0={-2 + (k % 97) * 0.04:.2f}",
        "momentum": f"beta={0.5 + (k % 45) * 0.01:.2f}",
        "ewa": f"seed={k + 1}",
    }[page]


def settled_rss_mb(server: AppServer) -> float:
    """The server's memory once it stopped changing (the helpers may still be importing JAX)."""
    previous = server.rss_mb()
    for _ in range(30):
        time.sleep(1)
        now = server.rss_mb()
        if abs(now - previous) < 5:
            return now
        previous = now
    return previous


@pytest.fixture(scope="module")
def server():
    with AppServer(workers=1, startup_timeout=120) as app:
        yield app


async def student(url: str, number: int, errors: list) -> None:
    pages = ["arena", "momentum", "ewa"]
    async with Session(url, timeout=60) as session:
        for k in range(RUNS_PER_SESSION):
            page = pages[(number + k) % len(pages)]
            result = await session.run(page, query(page, number * RUNS_PER_SESSION + k))
            if result.status != "ok" or result.exceptions:
                errors.append((page, result.status, result.exceptions))


@pytest.mark.slow
def test_memory_returns_after_many_sessions(server):
    url = server.url

    async def warm_up():
        async with Session(url, timeout=120) as session:
            for page in ("arena", "momentum", "ewa"):
                for k in range(3):  # compiles and first imports happen here
                    await session.run(page, query(page, 10_000 + k))

    run_blocking(warm_up())
    start = settled_rss_mb(server)

    async def classroom():
        errors: list = []
        await asyncio.gather(*(student(url, n, errors) for n in range(SESSIONS)))
        return errors

    assert run_blocking(classroom()) == []
    time.sleep(3)  # the sessions' disconnects are handled
    assert server.rss_mb() - start < BOUND_MB


@pytest.mark.slow
def test_a_stream_of_new_formulas_keeps_the_app_process_flat(server):
    (app,) = server.app_pids()

    async def soak(start: int, count: int) -> list:
        errors = []
        async with Session(server.url, timeout=120) as session:
            for k in range(start, start + count):
                formula = f"x**2 + {1 + k / 7:.4f}*y**2 + sin({k % 13 + 1}*x)"
                result = await session.run("arena", f"surface=custom&n=1&f={quote(formula)}")
                if not result.ok or result.errors:
                    errors.append((formula, result.status, result.errors, result.exceptions))
        return errors

    assert run_blocking(soak(0, 5)) == []  # the arena's own programs compiled
    settled_rss_mb(server)
    start = process_rss_mb(app)
    assert run_blocking(soak(5, FORMULAS)) == []
    assert process_rss_mb(app) - start < FORMULA_BOUND_MB
    helpers = [process_rss_mb(pid) for pid in child_pids(app)]
    assert helpers and max(helpers) < HELPER_BOUND_MB, helpers
