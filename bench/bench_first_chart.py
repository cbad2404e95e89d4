"""First chart of a lesson page in the browser: how long a student waits before a figure appears.

Opens the optimization lessons in Debian's chromium (headless), timing until the page's first
Plotly chart is drawn (visible), in two ways, each against a newly started app on a free loopback
port (a new server process: nothing cached in memory, so every lesson is opened cold):

- **in the app**: Home is open and the lesson is chosen in the sidebar, the way a class moves
  through the lessons;
- **new browser**: the lesson's link opened in a fresh browser context (no cached scripts).

JAX's persistent compile cache is as after any earlier use; for a first start ever, point it at an
empty folder: ``OPTIM_LAB_JAX_CACHE=$(mktemp -d) python bench/bench_first_chart.py``.
Needs the test extra (playwright) and /usr/bin/chromium. Usage: python bench/bench_first_chart.py
"""

from __future__ import annotations

import statistics
import time
from contextlib import contextmanager

from bench_playground import launch_chromium
from playwright.sync_api import sync_playwright

from optim_lab.ui.ws_client import AppServer

LESSONS = ("ewa", "arena", "momentum", "adaptive", "saddles", "second_order", "schedules")
CHART = '[data-testid="stPlotlyChart"] .main-svg'
TIMEOUT = 120_000
# Streamlit keeps a Plotly chart hidden (visibility: hidden) until Plotly has drawn it. Checked at
# every animation frame: Playwright's wait_for_selector re-checks a hidden element only every
# 0.5–1 s, which would add up to a second to the figure.
VISIBLE_CHART = f"""() => [...document.querySelectorAll('{CHART}')]
    .some(svg => svg.checkVisibility({{visibilityProperty: true}}))"""


def chart_drawn(page, t0: float) -> float:
    page.wait_for_function(VISIBLE_CHART, polling="raf", timeout=TIMEOUT)
    return time.perf_counter() - t0


@contextmanager
def new_app():
    """The base URL of a newly started app, stopped on exit."""
    with AppServer(startup_timeout=90) as app:
        yield app.url


def in_the_app(browser) -> dict[str, float]:
    times = {}
    with new_app() as base:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(base)
        page.wait_for_selector('[data-testid="stSidebarNav"]', timeout=TIMEOUT)
        for name in LESSONS:
            link = page.locator(f'[data-testid="stSidebarNav"] a[href$="/{name}"]')
            t0 = time.perf_counter()
            link.click()
            times[name] = chart_drawn(page, t0)
            page.locator('[data-testid="stSidebarNav"] a').first.click()  # back to Home
            page.wait_for_selector(CHART, state="detached", timeout=TIMEOUT)
        page.close()
    return times


def in_new_browsers(browser) -> dict[str, float]:
    times = {}
    with new_app() as base:
        for name in LESSONS:
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            tab = context.new_page()
            t0 = time.perf_counter()
            tab.goto(f"{base}/{name}")
            times[name] = chart_drawn(tab, t0)
            context.close()
    return times


def main() -> None:
    with sync_playwright() as p:
        browser = launch_chromium(p)
        in_app, fresh = in_the_app(browser), in_new_browsers(browser)
        browser.close()
    print("\nFirst chart of a cold lesson drawn, seconds (target: ≤ 3 s)")
    print(f"{'lesson':<16}{'in the app':>12}{'new browser':>13}")
    for name in LESSONS:
        print(f"{name:<16}{in_app[name]:>12.1f}{fresh[name]:>13.1f}")
    medians = statistics.median(in_app.values()), statistics.median(fresh.values())
    print(f"{'median':<16}{medians[0]:>12.1f}{medians[1]:>13.1f}")


if __name__ == "__main__":
    main()
