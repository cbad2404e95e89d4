"""Home: the lesson map and every lecture preset, grouped by the lesson it opens."""

from optim_lab.lessons import all_presets
from optim_lab.ui.layout import LESSONS, preset_box_key
from tests.pages.apptest import open_page

LESSON_PATHS = [lesson.path for group in LESSONS.values() for lesson in group]


def test_every_preset_opens_a_listed_lesson():
    presets = all_presets()
    assert len({p.name for p in presets}) == len(presets)
    assert all(p.page in LESSON_PATHS for p in presets)


def test_home_links_every_lesson_and_the_presets_of_each_open_box():
    at = open_page("../../app.py")  # page links need the navigation
    assert not at.exception
    lessons = [lesson.title for group in LESSONS.values() for lesson in group if not lesson.default]
    presets = all_presets()
    every_lesson = [lesson for group in LESSONS.values() for lesson in group]
    boxes = [le.path for le in every_lesson if any(p.page == le.path for p in presets)]  # in order
    first_two = {p.label for p in presets if p.page in boxes[:2]}

    labels = [link.proto.label for link in at.get("page_link")]
    assert set(lessons) <= set(labels)
    assert len(labels) == len(lessons) + len(first_two)  # closed boxes send nothing
    assert first_two <= set(labels)

    for lesson in every_lesson:
        if lesson.path in boxes:
            at.session_state[preset_box_key(lesson)] = True
    at.run()
    labels = [link.proto.label for link in at.get("page_link")]
    assert {p.label for p in presets} <= set(labels)
    assert len(labels) == len(lessons) + len(presets)


def test_the_sidebar_holds_only_the_lesson_list():
    at = open_page("../../app.py")
    assert not at.sidebar.markdown  # sidebar content would shorten the lesson list
