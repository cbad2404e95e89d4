"""The arena in a real browser: clicking the contour, Play, sliders, presets."""

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from optim_lab.lessons.arena import presets as arena_presets

pytestmark = pytest.mark.e2e


def open_arena(page, app_url, wait_for_app, query: str = ""):
    page.set_viewport_size({"width": 1400, "height": 1400})
    page.goto(f"{app_url}/arena{query}")
    wait_for_app(page)
    page.keyboard.press("Escape")  # a fresh server may greet a first deep link with a dialog
    page.wait_for_timeout(2000)  # plotly binds its handlers after the first draw
    return page.locator('[data-testid="stPlotlyChart"]').first


def start_inputs(page):
    return page.get_by_label("start x").input_value(), page.get_by_label("start y").input_value()


def test_clicking_the_contour_moves_the_start_point(page, app_url, wait_for_app, screenshot):
    chart = open_arena(page, app_url, wait_for_app)
    before = start_inputs(page)
    drag = chart.locator(".nsewdrag").first
    box = drag.bounding_box()
    x, y = box["x"] + box["width"] * 0.75, box["y"] + box["height"] * 0.2
    page.mouse.move(x, y)
    page.mouse.click(x, y)
    for _ in range(60):
        page.wait_for_timeout(1000)
        after = start_inputs(page)
        if after != before:
            break
    assert after != before
    assert float(after[0]) > 0 > float(before[0])  # clicked in the right half
    wait_for_app(page)  # the rerun redraws (and replaces) the chart element
    screenshot(page, "arena-after-click")


def test_play_animates_and_the_contour_stays_drawn(page, app_url, wait_for_app, screenshot):
    chart = open_arena(page, app_url, wait_for_app)
    assert chart.locator("image").count() >= 1  # the contour is the background image
    chart.get_by_text("Play").first.click()
    page.wait_for_timeout(1500)
    label = chart.locator(".slider-container text").first  # "step k" above the scrubber
    mid = label.text_content()
    page.wait_for_timeout(2500)
    end = label.text_content()
    assert mid != end  # the step counter advanced while playing
    assert chart.locator("image").count() >= 1  # still drawn after playing
    screenshot(chart, "arena-after-play")


def test_moving_a_slider_redraws_the_figure(page, app_url, wait_for_app):
    chart = open_arena(page, app_url, wait_for_app)
    before = chart.locator(".scatterlayer").first.inner_html()
    slider = page.get_by_role("slider", name="condition number κ")
    changed = (
        "(before) => document.querySelector('[data-testid=\"stPlotlyChart\"] .scatterlayer')"
        ".innerHTML !== before"
    )
    # Under a full parallel test run a burst of key presses has once left the old drawing for a
    # minute; one more move must then redraw it.
    for presses, timeout in ((4, 30_000), (1, 60_000)):
        slider.focus()
        for _ in range(presses):
            slider.press("ArrowRight")
        try:
            page.wait_for_function(changed, arg=before, timeout=timeout)
            break
        except PlaywrightTimeoutError:
            if presses == 1:
                raise


def test_a_preset_from_home_loads_in_the_arena(page, app_url, wait_for_app, screenshot):
    preset = next(p for p in arena_presets.PRESETS if p.name == "lr_too_high")
    page.set_viewport_size({"width": 1400, "height": 1400})
    page.goto(app_url)
    page.get_by_role("link", name=preset.label).first.click()
    wait_for_app(page)
    page.get_by_text("diverged at step").first.wait_for(timeout=60_000)
    assert "r1.sgd.lr" in page.url
    screenshot(page, "arena-preset-lr-too-high")


def test_a_run_closed_after_a_change_keeps_it(page, app_url, wait_for_app):
    """Runs 2 and 3 start closed and their controls are drawn only when opened; an open run stays
    open when a change renames it, and what was set in it stays in the race and the link after
    it is closed again."""
    open_arena(page, app_url, wait_for_app)
    run_2 = page.locator('[data-testid="stExpander"]').filter(
        has=page.locator("summary", has_text="2: Momentum (EWA)")
    )
    summary = run_2.locator("summary")
    summary.wait_for(timeout=30_000)
    assert run_2.get_by_role("slider").count() == 0  # closed: nothing drawn
    summary.click()
    rate = run_2.get_by_role("slider").first
    rate.wait_for(timeout=30_000)
    before = rate.get_attribute("aria-valuetext")
    rate.focus()
    rate.press("ArrowRight")
    page.wait_for_url("**r2.momentum.lr=*", timeout=30_000)
    page.wait_for_timeout(1500)
    after = rate.get_attribute("aria-valuetext")  # still open, under its new title
    assert after != before
    assert f"α={after}" in summary.inner_text()
    summary.click()  # closed again: the run keeps its new rate
    run_2.get_by_role("slider").first.wait_for(state="detached", timeout=30_000)
    page.wait_for_timeout(1500)
    assert "r2.momentum.lr=" in page.url
    assert f"α={after}" in summary.inner_text()
    summary.click()
    assert (
        run_2.get_by_role("slider").first.get_attribute("aria-valuetext", timeout=30_000) == after
    )


def test_a_runs_tab_draws_its_controls_and_stays_chosen(page, app_url, wait_for_app):
    open_arena(page, app_url, wait_for_app)
    run_1 = page.locator('[data-testid="stExpander"]').filter(
        has=page.locator("summary", has_text="1: SGD")
    )
    pickers = run_1.locator('[data-testid="stSelectbox"]')
    assert pickers.count() == 1  # the optimizer; the schedule's tab is not drawn
    run_1.get_by_role("tab", name="lr schedule").click()
    pickers.nth(1).click()
    page.get_by_role("option", name="Cosine annealing").click()
    page.wait_for_url("**r1.sched=cosine*", timeout=30_000)
    run_1 = page.locator('[data-testid="stExpander"]').filter(
        has=page.locator("summary", has_text="1: SGD α=0.5, cosine annealing")
    )
    run_1.get_by_role("slider", name="T_max").wait_for(timeout=30_000)  # the schedule's own
    chosen = run_1.locator('[role="tab"][aria-selected="true"]')
    assert chosen.inner_text() == "lr schedule"
