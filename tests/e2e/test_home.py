import pytest

pytestmark = pytest.mark.e2e


def test_home_renders_lessons_and_presets(page, app_url, screenshot):
    page.goto(app_url)
    page.get_by_role("heading", name="Lessons").wait_for(timeout=60_000)
    arena = page.get_by_role("link", name="Optimizer arena")
    arena.first.wait_for(timeout=30_000)
    assert arena.count() >= 1
    screenshot(page, "home")
