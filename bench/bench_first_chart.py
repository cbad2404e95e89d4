"""First chart of a lesson page in the browser: how long a student waits before a figure appears.

Starts the app on a free loopback port (a new server process: nothing cached in memory; JAX's
persistent compile cache as after any earlier use) and opens the optimization lessons in Debian's
chromium (headless), timing until the page's first Plotly chart is drawn:

- **in the app**: Home is open and the lesson is chosen in the sidebar, the way a class moves
  through the lessons (each lesson is opened for the first time: cold on the server);
- **new browser**: the lesson's link opened in a fresh browser context (no cached scripts).

Needs the test extra (playwright) and /usr/bin/chromium. Usage: python bench/bench_first_chart.py
"""

from __future__ import annotations

import statistics
import time

from bench_playground import free_port, launch_chromium, start_app
from playwright.sync_api import sync_playwright

LESSONS = ("ewa", "arena", "momentum", "adaptive", "saddles", "second_order", "schedules")
CHART = '[data-testid="stPlotlyChart"] .main-svg'
TIMEOUT = 120_000


def chart_drawn(page, t0: float) -> float:
    page.wait_for_selector(CHART, timeout=TIMEOUT)
    return time.perf_counter() - t0


def main() -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    app = start_app(port)
    in_app, fresh = {}, {}
    try:
        with sync_playwright() as p:
            browser = launch_chromium(p)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(base)
            page.wait_for_selector('[data-testid="stSidebarNav"]', timeout=TIMEOUT)
            for name in LESSONS:
                link = page.locator(f'[data-testid="stSidebarNav"] a[href$="/{name}"]')
                t0 = time.perf_counter()
                link.click()
                in_app[name] = chart_drawn(page, t0)
                page.locator('[data-testid="stSidebarNav"] a').first.click()  # back to Home
                page.wait_for_selector(CHART, state="detached", timeout=TIMEOUT)
            for name in LESSONS:
                context = browser.new_context(viewport={"width": 1400, "height": 1000})
                tab = context.new_page()
                t0 = time.perf_counter()
                tab.goto(f"{base}/{name}")
                fresh[name] = chart_drawn(tab, t0)
                context.close()
            browser.close()
    finally:
        app.terminate()
        app.wait(timeout=10)
    print("\nFirst chart drawn, seconds (target: ≤ 4 s)")
    print(f"{'lesson':<16}{'in the app':>12}{'new browser':>13}")
    for name in LESSONS:
        print(f"{name:<16}{in_app[name]:>12.1f}{fresh[name]:>13.1f}")
    medians = statistics.median(in_app.values()), statistics.median(fresh.values())
    print(f"{'median':<16}{medians[0]:>12.1f}{medians[1]:>13.1f}")


if __name__ == "__main__":
    main()
