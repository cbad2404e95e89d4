"""Lecture mode in a real browser, on a projector-sized window: the presenter view hides the
sidebar and the controls the step does not name, → opens the next step's view, a prediction hides
the run until it is answered and is then explained with the run's numbers; a teacher's uploaded
script becomes links. Screenshots: artifacts/screenshots/presenter-*.png."""

import json

import pytest

from optim_lab.lectures import shipped
from optim_lab.lectures.readings import READINGS
from optim_lab.lectures.reveal import judge
from optim_lab.ui.layout import PRESENTER_TYPE_SCALE

pytestmark = pytest.mark.e2e

LECTURE = "saddles-cliffs-and-tricks"
PROJECTOR = {"width": 1400, "height": 900}


def idle(page, timeout: float = 90_000) -> None:
    """Waits until the page's run has finished (Streamlit's running widget stays away)."""
    gone = "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
    for _ in range(3):
        page.wait_for_function(gone, timeout=timeout)
        page.wait_for_timeout(500)


def open_step(page, app_url, query: str, heading: str) -> None:
    page.set_viewport_size(PROJECTOR)
    page.goto(f"{app_url}/{query}")
    page.get_by_role("heading", name=heading, exact=True).wait_for(timeout=90_000)
    idle(page)
    page.keyboard.press("Escape")  # a fresh server may greet a first deep link with a dialog


def tick_font_px(page) -> float:
    """The font size of the first chart's first x tick label, in pixels."""
    page.locator(".main-svg .xtick text").first.wait_for(timeout=60_000)
    size = page.evaluate("document.querySelector('.main-svg .xtick text').style.fontSize")
    return float(size.removesuffix("px"))


def test_present_hides_the_sidebar_and_the_controls_the_step_does_not_name(
    page, app_url, wait_for_app, screenshot
):
    query = f"saddles?lecture={LECTURE}&step=4&scenario=plateau"
    open_step(page, app_url, query + "&present=1", "Plateaus")
    wait_for_app(page)
    assert not page.locator('[data-testid="stSidebar"]').is_visible()
    assert page.locator('[data-testid="stSidebarNav"]').count() == 0
    assert page.evaluate("getComputedStyle(document.documentElement).fontSize") == "20px"
    assert not page.locator(".st-key-saddles-scenario").is_visible()  # not named by the step
    assert page.get_by_text("Far from the basin the surface is almost flat").is_visible()
    assert page.get_by_role("heading", name="Saddles, plateaus & cliffs").count() == 0
    screenshot(page, "presenter-plateau")
    presented = tick_font_px(page)

    page.get_by_role("link", name="Leave the presenter view").click()  # the same step, alone
    page.get_by_role("heading", name="Saddles, plateaus & cliffs").wait_for(timeout=60_000)
    wait_for_app(page)
    assert "present=1" not in page.url and "step=4" in page.url  # the address bar follows
    assert page.locator('[data-testid="stSidebarNav"]').is_visible()
    assert page.locator(".st-key-saddles-scenario").is_visible()
    assert page.evaluate("getComputedStyle(document.documentElement).fontSize") == "16px"
    # the figures' type was larger too (Streamlit's chart theme sets its sizes from ours): the
    # same step opened anew without the presenter view draws them at their own size
    open_step(page, app_url, query, "Saddles, plateaus & cliffs")
    wait_for_app(page)
    assert presented / tick_font_px(page) == pytest.approx(PRESENTER_TYPE_SCALE, rel=0.05)


def test_the_right_arrow_opens_the_next_step_s_view(page, app_url, wait_for_app, screenshot):
    open_step(page, app_url, f"saddles?lecture={LECTURE}&step=4&present=1", "Plateaus")
    wait_for_app(page)
    page.keyboard.press("ArrowRight")
    page.get_by_role("heading", name="Cliffs and gradient clipping", exact=True).wait_for(
        timeout=60_000
    )
    wait_for_app(page)
    assert "step=5" in page.url and "scenario=cliff" in page.url and "present=1" in page.url
    assert page.get_by_text("SGD, clip by norm").first.is_visible()  # the cliff's runs
    assert page.get_by_role("slider", name="wall slope h").is_visible()  # named by the step
    screenshot(page, "presenter-next-step")
    idle(page)
    page.keyboard.press("ArrowLeft")
    page.get_by_role("heading", name="Plateaus", exact=True).wait_for(timeout=60_000)
    assert "step=4" in page.url


def test_a_prediction_is_revealed_and_explained(page, app_url, wait_for_app, screenshot):
    step = shipped(LECTURE).steps[2]
    open_step(page, app_url, f"saddles?lecture={LECTURE}&step=3&present=1", "A saddle point")
    page.get_by_text("Predict first").wait_for(timeout=30_000)
    assert page.locator('[data-testid="stPlotlyChart"]').count() == 0  # the run is hidden
    screenshot(page, "presenter-predict")

    page.get_by_text("Momentum (heavy ball)", exact=True).click()
    page.get_by_role("button", name="Reveal the run").click()
    wait_for_app(page)
    assert "ans3=2" in page.url
    expected = judge(step.predict, "2", READINGS["saddle_escape"](step.params))
    assert expected.correct and "at step" in expected.explanation
    verdict = page.locator('[data-testid="stAlertContentSuccess"]').first
    assert verdict.inner_text().startswith("Right.")
    assert expected.explanation in verdict.inner_text()  # the run's numbers, as written
    screenshot(page, "presenter-revealed")


def test_an_uploaded_script_opens_from_its_link(page, app_url, tmp_path, screenshot):
    script = {
        "title": "Clipping, quickly",
        "steps": [
            {"title": "The cliff", "preset": "clipping_cliff", "points": ["Watch the wall."]},
            {
                "title": "The plateau",
                "page": "saddles",
                "params": {"scenario": "plateau"},
                "points": ["Flat ground."],
            },
        ],
    }
    path = tmp_path / "clipping.json"
    path.write_text(json.dumps(script))
    page.set_viewport_size(PROJECTOR)
    page.goto(f"{app_url}/lectures")
    page.get_by_role("heading", name="Your own script").wait_for(timeout=60_000)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(path))
    page.get_by_text("Clipping, quickly: 2 steps").wait_for(timeout=30_000)
    idle(page)
    screenshot(page, "lectures-upload")
    page.get_by_role("link", name="Present it (presenter view)").last.click()
    page.get_by_role("heading", name="The cliff", exact=True).wait_for(timeout=60_000)
    idle(page)
    assert "script=" in page.url and "present=1" in page.url
    page.keyboard.press("ArrowRight")
    page.get_by_role("heading", name="The plateau", exact=True).wait_for(timeout=60_000)
    assert "scenario=plateau" in page.url
