"""Browser tests: a real `streamlit run` on 127.0.0.1 driven by Playwright in Debian's chromium.

The server is started once per session by the fixture below and stopped when the session ends.
Screenshots land in artifacts/screenshots/ (kept by CI as test artifacts).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM = os.environ.get("OPTIM_LAB_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def app_url():
    """Starts the app on a free loopback port; stops it after the session."""
    port = _free_port()
    (ROOT / "artifacts").mkdir(exist_ok=True)
    log = open(ROOT / "artifacts" / "streamlit.log", "w")  # noqa: SIM115 (closed in finally)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "optim_lab.ui.serve",
            "--server.address",
            "127.0.0.1",
            "--server.port",
            str(port),
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
            "--server.fileWatcherType",
            "none",
        ],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not start (see {log.name})")
            time.sleep(0.5)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """pytest-playwright: Debian's chromium, never a downloaded browser."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1400, "height": 1100}}


@pytest.fixture
def screenshot():
    """screenshot(page_or_locator, name): saves artifacts/screenshots/<name>.png."""
    SHOTS.mkdir(parents=True, exist_ok=True)

    def take(target, name: str) -> Path:
        path = SHOTS / f"{name}.png"
        target.screenshot(path=str(path))
        return path

    return take


def _wait_for_app(page, timeout: float = 90_000) -> None:
    """Waits until the script has finished running and at least one chart is drawn."""
    page.wait_for_selector('[data-testid="stPlotlyChart"]', timeout=timeout)
    # Streamlit shows its "running" widget a moment after a run starts: wait until it has stayed
    # away for a second, not just until it is absent once.
    idle = "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
    for _ in range(3):
        page.wait_for_function(idle, timeout=timeout)
        page.wait_for_timeout(500)
    page.wait_for_function(idle, timeout=timeout)


@pytest.fixture
def wait_for_app():
    """wait_for_app(page): waits until the script has finished and a chart is drawn."""
    return _wait_for_app
