"""The live chart's page draws only what the page that embeds it sends: a message posted by any
other frame (another site's, in the same tab) is ignored."""

from __future__ import annotations

import json
from pathlib import Path

import plotly
import pytest

pytestmark = pytest.mark.e2e

CHART = Path(__file__).resolve().parents[2] / "optim_lab" / "ui" / "live_chart" / "index.html"
PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


def _render(title: str) -> str:
    figure = {"data": [{"type": "scatter", "y": [3, 1, 2]}], "layout": {"title": {"text": title}}}
    message = {
        "type": "streamlit:render",
        "args": {"spec": json.dumps(figure), "template": json.dumps({"layout": {}})},
        "theme": {},
    }
    return json.dumps(message)


def test_only_the_embedding_page_draws(page):
    sites = {
        "http://app.test/": (
            "<iframe id='chart' src='/chart/index.html'></iframe>"
            "<iframe id='other' src='http://other.test/'></iframe>"
        ),
        "http://other.test/": (  # another site in the same tab, posting to the chart's frame
            f"<script>function post() {{ parent.frames[0].postMessage({_render('forged')}, '*'); }}"
            "</script>"
        ),
        "http://app.test/chart/index.html": CHART.read_text(),
        "http://app.test/chart/plotly.min.js": PLOTLY_JS.read_text(),
    }
    page.route(
        "**/*",
        lambda route: route.fulfill(
            body=sites.get(route.request.url, ""),
            content_type="text/javascript" if route.request.url.endswith(".js") else "text/html",
        ),
    )
    page.goto("http://app.test/")
    chart = page.frame_locator("#chart")
    page.wait_for_function("() => window.frames[0].Plotly !== undefined")

    page.frame(url="http://other.test/").evaluate("post()")
    page.wait_for_timeout(500)
    assert chart.locator(".main-svg").count() == 0  # the forged figure was not drawn

    page.evaluate(f"window.frames[0].postMessage({_render('from the app')}, '*')")
    chart.locator(".gtitle").wait_for()
    assert chart.locator(".gtitle").text_content() == "from the app"
