"""The training playground trains live in a real browser: Run → the view changes over time → Pause
→ it stops changing."""

import re
import time

import pytest

from optim_lab.ui import STOPPED_ON_ERROR

pytestmark = pytest.mark.e2e


def iteration(page) -> int:
    text = page.get_by_text(re.compile(r"epoch \d+ · iteration \d+")).first.inner_text()
    return int(re.search(r"iteration (\d+)", text).group(1))


def test_run_updates_live_then_pause_stops(page, app_url, screenshot, wait_for_app):
    page.set_viewport_size({"width": 1400, "height": 1800})
    page.goto(f"{app_url}/playground")
    wait_for_app(page)
    assert iteration(page) == 0
    page.get_by_role("button", name="Run").click()
    # the first chunk compiles (seconds); then the counter keeps moving on its own
    page.wait_for_function(
        """() => /iteration [1-9]/.test(document.body.innerText)""", timeout=90_000
    )
    first = iteration(page)
    time.sleep(3)
    second = iteration(page)
    assert second > first, "live training did not advance"
    # While training runs the charts redraw in place: sampled every few milliseconds, each keeps
    # one and the same drawn chart (Streamlit's own Plotly chart is rebuilt, and blank, at every
    # redraw).
    probe = """() => [...document.querySelectorAll('iframe')]
        .filter(f => f.src.includes('live_chart'))
        .map(f => {
            f.dataset.seen = f.dataset.seen || String(Math.random());
            const drawn = !!(f.contentDocument && f.contentDocument.querySelector('.main-svg'));
            return f.dataset.seen + (drawn ? '' : ' blank');
        })"""
    # once all four are drawn: boundary, network diagram, curves, diagnostics (on a busy machine
    # the last one's first drawing can lag)
    page.wait_for_function(
        f"() => {{ const s = ({probe})(); return s.length === 4 && !s.join().includes('blank'); }}",
        timeout=30_000,
    )
    samples = []
    for _ in range(60):
        samples.append(page.evaluate(probe))
        time.sleep(0.03)
    assert len(samples[0]) == 4, samples[0]
    changed = [sample for sample in samples if sample != samples[0]]
    assert not changed, f"a live chart was rebuilt or blank: {samples[0]} then {changed[0]}"
    assert iteration(page) > second, "live training stopped while sampled"
    # the network diagram follows the training: its unit maps change from one redraw to the next
    diagram_z = """() => {
        for (const f of document.querySelectorAll('iframe')) {
            const chart = f.contentDocument && f.contentDocument.getElementById('chart');
            const units = chart && chart.data && chart.data.find(t => t.name === 'units');
            if (units) return JSON.stringify(units.z).slice(0, 4000);
        }
        return null;
    }"""
    before = page.evaluate(diagram_z)
    page.wait_for_function(f"(b) => ({diagram_z})() !== b", arg=before, timeout=10_000)
    screenshot(page, "playground-running")
    page.get_by_role("button", name="Pause").click()
    time.sleep(2)  # let the last update land
    paused = iteration(page)
    time.sleep(2.5)
    assert iteration(page) == paused, "training went on after Pause"
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.get_by_text(STOPPED_ON_ERROR).count() == 0
    page.wait_for_function(
        """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
                 .every(c => c.querySelector('.main-svg'))""",
        timeout=60_000,
    )
    screenshot(page, "playground-paused")


def test_hovering_a_link_of_the_network_diagram_shows_its_weight(
    page, app_url, screenshot, wait_for_app
):
    page.set_viewport_size({"width": 1400, "height": 1800})
    page.goto(f"{app_url}/playground?ds=xor&layers=0&feat=x1x2")
    wait_for_app(page)
    diagram = page.locator('[data-testid="stPlotlyChart"]').nth(1)
    diagram.scroll_into_view_if_needed()
    # the middle of the one link (x₁x₂ → output 1), in page pixels, from the chart's own axes
    point = diagram.evaluate(
        """(el) => {
            const gd = el.querySelector('.js-plotly-plot');
            const trace = gd._fullData.find(t => t.name === 'weights');  // decoded
            const layout = gd._fullLayout, box = gd.getBoundingClientRect();
            return {
                x: box.left + layout.xaxis._offset + layout.xaxis.l2p(trace.x[0]),
                y: box.top + layout.yaxis._offset + layout.yaxis.l2p(trace.y[0]),
                w: trace.customdata[0],
            };
        }"""
    )
    page.mouse.move(point["x"], point["y"])
    label = page.locator(".hoverlayer .hovertext").first
    label.wait_for(timeout=10_000)
    text = label.text_content()
    assert "x₁x₂ → out 1" in text and f"w = {point['w']:.3f}" in text, text
    screenshot(diagram, "playground-diagram-hover")
