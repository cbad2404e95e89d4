"""A page, or a section of one, that raises shows a message and logs the traceback; a computation
past the helpers' budget shows why it stopped."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from optim_lab.ui import STOPPED_ON_ERROR, layout

APP = str(Path(__file__).resolve().parents[2] / "app.py")


@pytest.fixture
def failing_page(tmp_path, monkeypatch):
    def with_body(body: str) -> None:
        page = tmp_path / "failing.py"
        page.write_text(body)
        lesson = layout.Lesson(str(page), "Failing", ":material/error:", "", default=True)
        monkeypatch.setattr(layout, "LESSONS", {"Start": [lesson]})

    return with_body


def test_an_unexpected_error_shows_a_message_not_a_traceback(failing_page, caplog):
    failing_page("raise RuntimeError('/srv/secret/path')\n")
    with caplog.at_level(logging.ERROR, logger="optim_lab"):
        at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception
    (error,) = at.error
    assert error.value.startswith(f"**This page {STOPPED_ON_ERROR}")
    assert "/srv/secret" not in error.value
    assert "RuntimeError: /srv/secret/path" in caplog.text  # the traceback is in the server's log


def test_a_stopped_computation_says_why(failing_page):
    failing_page(
        "from optim_lab.offload import ComputeLimitError\n"
        "raise ComputeLimitError('the computation took longer than 120 s and was stopped')\n"
    )
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception and not at.error
    (warning,) = at.warning
    assert "took longer than 120 s" in warning.value and "Smaller settings" in warning.value


def test_an_error_in_one_section_leaves_the_others(failing_page, caplog):
    failing_page(
        "import streamlit as st\n"
        "from optim_lab.ui.sections import section\n"
        "with section('First'):\n"
        "    raise ValueError('broken first part')\n"
        "with section('Second'):\n"
        "    st.markdown('second part shown')\n"
        "    st.stop()\n"  # Streamlit's own stop is not an error
        "st.markdown('never shown')\n"
    )
    with caplog.at_level(logging.ERROR, logger="optim_lab"):
        at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception
    (error,) = at.error
    assert error.value.startswith(f"**This part of the page {STOPPED_ON_ERROR}")
    assert [m.value for m in at.markdown] == ["second part shown"]
    assert [h.value for h in at.subheader] == ["First", "Second"]
    assert "ValueError: broken first part" in caplog.text


def test_every_titled_part_of_every_page_is_a_guarded_section():
    """A page's parts are `with section(...)` (or a guarded tab), never a bare header: an error in
    one part must leave the others running."""
    import ast

    pages = Path(APP).parent / "pages"
    for page in sorted(pages.rglob("*.py")):
        tree = ast.parse(page.read_text())
        bare = [
            node.lineno
            for node in tree.body
            if isinstance(node, ast.Expr)
            and isinstance(node.value, ast.Call)
            and ast.unparse(node.value.func) in ("st.header", "st.subheader")
        ]
        assert not bare, f"{page.name}: a title outside a section at line(s) {bare}"


def test_every_page_file_reads_in_at_most_150_lines():
    """A page is controls, one experiment call and figures; what is longer belongs in its lesson
    unit or, for a lesson in parts, in one module per part (pages/parts/<lesson>/)."""
    pages = Path(APP).parent / "pages"
    long = {
        str(page.relative_to(pages)): n
        for page in sorted(pages.rglob("*.py"))
        if (n := len(page.read_text().splitlines())) > 150
    }
    assert not long, f"pages over 150 lines: {long}"
