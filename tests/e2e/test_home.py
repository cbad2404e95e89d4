import pytest

pytestmark = pytest.mark.e2e


def test_home_renders_lessons_and_presets(page, app_url, screenshot):
    page.set_viewport_size({"width": 1400, "height": 1800})
    page.goto(app_url)
    page.get_by_role("heading", name="Lessons").wait_for(timeout=60_000)
    # lesson links in the page (besides the sidebar's) and the presets of the first lesson
    arena = page.get_by_role("link", name="Optimizer arena")
    preset = page.get_by_role("link", name="Poor conditioning: SGD zig-zags, momentum rolls")
    preset.wait_for(timeout=30_000)
    assert arena.count() >= 2
    assert page.get_by_text("Page not found").count() == 0
    screenshot(page, "home")


def test_a_closed_preset_box_lists_its_presets_once_opened(page, app_url):
    page.goto(app_url)
    saddle = page.get_by_role("link", name="Saddle point: SGD stalls, momentum escapes")
    box = page.locator('[data-testid="stExpander"] summary', has_text="Saddles, plateaus & cliffs")
    box.wait_for(timeout=60_000)
    assert saddle.count() == 0  # a closed box sends nothing
    box.click()
    saddle.wait_for(timeout=30_000)


def test_a_preset_link_opens_its_lesson_with_its_settings(page, app_url):
    page.goto(app_url)
    page.get_by_role("link", name="Poor conditioning: SGD zig-zags, momentum rolls").click()
    page.get_by_role("heading", name="Optimizer arena").wait_for(timeout=60_000)
    page.locator('[data-testid="stPlotlyChart"]').first.wait_for(timeout=60_000)
    assert "s.kappa=100" in page.url and "r3.momentum.lr=6" in page.url
    assert page.get_by_text("could not be used").count() == 0
