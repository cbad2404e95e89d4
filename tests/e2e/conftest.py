"""Browser tests: a real `streamlit run` on 127.0.0.1 driven by Playwright in Debian's chromium.

The server is started once per session by the fixture below and stopped when the session ends.
Screenshots land in artifacts/screenshots/ (kept by CI as test artifacts).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from optim_lab.ui.ws_client import AppServer

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


@pytest.fixture(scope="session")
def app_url():
    """Starts the app on a free loopback port; stops it after the session (its output is kept in
    artifacts/streamlit.log)."""
    server = AppServer(workers=1, startup_timeout=120)
    try:
        with server:
            yield server.url
    finally:
        (ROOT / "artifacts").mkdir(exist_ok=True)
        (ROOT / "artifacts" / "streamlit.log").write_text(server.output())


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
