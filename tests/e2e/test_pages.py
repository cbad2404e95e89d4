"""Every lesson page renders its charts in a real browser, without an exception; screenshots saved."""

import pytest

from optim_lab.ui import STOPPED_ON_ERROR
from optim_lab.ui.layout import LESSONS

pytestmark = pytest.mark.e2e

# the lessons (the Start pages, Home and Lectures, draw no chart: tests/e2e/test_home.py and
# test_presenter_browser.py open them)
LESSON_PAGES = [
    lesson for group, lessons in LESSONS.items() if group != "Start" for lesson in lessons
]


def url_path(lesson) -> str:
    return lesson.path.removeprefix("pages/lessons/").removesuffix(".py")


@pytest.mark.parametrize("lesson", LESSON_PAGES, ids=url_path)
def test_page_renders_charts(page, app_url, screenshot, lesson, wait_for_app):
    page.set_viewport_size({"width": 1400, "height": 2400})
    page.goto(f"{app_url}/{url_path(lesson)}")
    wait_for_app(page)
    charts = page.locator('[data-testid="stPlotlyChart"]')
    assert charts.count() >= 1
    # every chart drew something: plotly's main svg exists inside it
    page.wait_for_function(
        """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
                 .every(c => c.querySelector('.main-svg'))""",
        timeout=60_000,
    )
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.get_by_text(STOPPED_ON_ERROR).count() == 0
    # a deep link opens its page directly, without Streamlit's "Page not found" dialog
    assert page.get_by_text("Page not found").count() == 0
    screenshot(page, f"page-{url_path(lesson)}")


def test_malformed_url_parameter_shows_a_notice(page, app_url, wait_for_app):
    page.goto(f"{app_url}/arena?steps=abc&nonsense=1")
    wait_for_app(page)
    notice = page.get_by_text("could not be used")
    notice.first.wait_for(timeout=30_000)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.get_by_text(STOPPED_ON_ERROR).count() == 0
