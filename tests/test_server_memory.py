"""A soak through the running server: many page runs from many sessions, with new settings each
time, do not make the server's memory grow once the sessions have left (Streamlit's forced
collection after every run is off; Python's own collector returns the memory)."""

import asyncio
import time

import pytest

from optim_lab.ui.ws_client import AppServer, Session, run_blocking

SESSIONS = 10
RUNS_PER_SESSION = 30
BOUND_MB = 150


def query(page: str, k: int) -> str:
    """A setting the page has not seen yet (k = 0, 1, 2, …)."""
    return {
        "arena": f"seed={k + 1}&x0={-2 + (k % 97) * 0.04:.2f}",
        "momentum": f"beta={0.5 + (k % 45) * 0.01:.2f}",
        "ewa": f"seed={k + 1}",
    }[page]


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
    start = server.rss_mb()

    async def classroom():
        errors: list = []
        await asyncio.gather(*(student(url, n, errors) for n in range(SESSIONS)))
        return errors

    assert run_blocking(classroom()) == []
    time.sleep(3)  # the sessions' disconnects are handled
    assert server.rss_mb() - start < BOUND_MB
