"""A soak through the running server: many page runs from many sessions, with new settings each
time, do not make the server's memory grow once the sessions have left (Streamlit's forced
collection after every run is off; Python's own collector returns the memory)."""

import asyncio
import socket
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from optim_lab.ui.ws_client import Session

ROOT = Path(__file__).resolve().parents[1]
SESSIONS = 10
RUNS_PER_SESSION = 30
BOUND_MB = 150


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def query(page: str, k: int) -> str:
    """A setting the page has not seen yet (k = 0, 1, 2, …)."""
    return {
        "arena": f"seed={k + 1}&x0={-2 + (k % 97) * 0.04:.2f}",
        "momentum": f"beta={0.5 + (k % 45) * 0.01:.2f}",
        "ewa": f"seed={k + 1}",
    }[page]


@pytest.fixture(scope="module")
def server():
    port = free_port()
    proc = subprocess.Popen(
        [
            *(sys.executable, "-m", "optim_lab.ui.serve"),
            *("--server.address", "127.0.0.1", "--server.port", str(port)),
            *("--server.headless", "true"),
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError("the app did not start") from None
                time.sleep(0.5)
        yield f"http://127.0.0.1:{port}", proc.pid
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def in_own_loop(coroutine):
    """Runs ``coroutine`` to its end on a thread of its own (a browser test in the same worker
    may leave an event loop running on this one)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


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
    url, pid = server

    async def warm_up():
        async with Session(url, timeout=120) as session:
            for page in ("arena", "momentum", "ewa"):
                for k in range(3):  # compiles and first imports happen here
                    await session.run(page, query(page, 10_000 + k))

    in_own_loop(warm_up())
    start = rss_mb(pid)

    async def classroom():
        errors: list = []
        await asyncio.gather(*(student(url, n, errors) for n in range(SESSIONS)))
        return errors

    assert in_own_loop(classroom()) == []
    time.sleep(3)  # the sessions' disconnects are handled
    assert rss_mb(pid) - start < BOUND_MB
