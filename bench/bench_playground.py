"""Live training in the browser: how often the training playground redraws while it trains.

Starts the app on a free loopback port, opens the playground in Debian's chromium (headless),
presses Run and counts, for ``--seconds`` seconds, how many distinct iteration counts the page
shows (one per redraw of the step counter and decision boundary) and how many times the network
diagram is drawn (Plotly's ``afterplot`` events in its live chart). Needs the test extra
(playwright) and /usr/bin/chromium, like the browser tests.

Usage: python bench/bench_playground.py [--seconds 10]
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from optim_lab.ui.ws_client import AppServer

ITERATION = re.compile(r"epoch \d+ · iteration (\d+)")
# Counts the redraws of the live chart holding the network diagram (its "units" heat map).
COUNT_DIAGRAM = """() => {
    for (const frame of document.querySelectorAll('iframe')) {
        const chart = frame.contentDocument && frame.contentDocument.getElementById('chart');
        if (!chart || !chart.data || !chart.data.some(t => t.name === 'units')) continue;
        if (!chart.__counted) {
            chart.__counted = true;
            chart.__redraws = 0;
            chart.__drawn = chart.data;
            // a new figure replaces the data array; a resize redraws the same one
            chart.on('plotly_afterplot', () => {
                if (chart.data !== chart.__drawn) { chart.__redraws += 1; chart.__drawn = chart.data; }
            });
        }
        return chart.__redraws;
    }
    return null;
}"""


def launch_chromium(playwright):
    """Debian's chromium, headless (as in the browser tests)."""
    return playwright.chromium.launch(
        executable_path="/usr/bin/chromium", args=["--headless", "--no-sandbox", "--disable-gpu"]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument(
        "--query", default="", help="the page's URL parameters, e.g. 'layers=6&units=16'"
    )
    args = parser.parse_args()
    with AppServer(startup_timeout=90) as app, sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_page(viewport={"width": 1400, "height": 1800})
        page.goto(f"{app.url}/playground" + (f"?{args.query}" if args.query else ""))
        run = page.get_by_role("button", name="Run")
        run.wait_for(timeout=90_000)
        run.click()
        page.wait_for_function(
            "() => /iteration [1-9]/.test(document.body.innerText)", timeout=90_000
        )
        time.sleep(3)  # past the first chunks (compilation, first figures)

        def iteration() -> int:
            text = page.get_by_text(ITERATION).first.inner_text()
            return int(ITERATION.search(text).group(1))

        seen, first, t0 = set(), iteration(), time.monotonic()
        diagram_start = page.evaluate(COUNT_DIAGRAM)
        while time.monotonic() - t0 < args.seconds:
            seen.add(iteration())
            time.sleep(0.02)
        elapsed = time.monotonic() - t0
        last = iteration()
        diagram_end = page.evaluate(COUNT_DIAGRAM)  # None: no diagram (layers too wide)
        diagram_redraws = None if diagram_start is None else diagram_end - diagram_start
        browser.close()
    settings = args.query or "default settings"
    print(f"\nTraining playground in chromium, {settings}, {elapsed:.0f} s of live training")
    print(
        f"{'redraws (step counter + decision boundary) per second':55s} {len(seen) / elapsed:6.1f}"
    )
    if diagram_redraws is None:
        print(f"{'network diagram redraws per second':55s} {'not shown':>6s}")
    else:
        print(f"{'network diagram redraws per second':55s} {diagram_redraws / elapsed:6.1f}")
    print(f"{'training iterations per second':55s} {(last - first) / elapsed:6.1f}")
    print("(curves redraw every second and the diagnostics every two while training runs)")


if __name__ == "__main__":
    main()
