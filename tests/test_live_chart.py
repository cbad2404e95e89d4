"""The live chart component's files: its page and Plotly's script, installed side by side."""

import tempfile
from pathlib import Path

import plotly

from optim_lab.ui import live_chart


def test_install_copies_once_and_replaces_a_changed_file(tmp_path):
    source = tmp_path / "a.js"
    source.write_text("one")
    target = tmp_path / "out" / "a.js"
    target.parent.mkdir()
    live_chart._install(source, target)
    assert target.read_text() == "one"
    before = target.stat().st_mtime_ns
    live_chart._install(source, target)
    assert target.stat().st_mtime_ns == before  # unchanged: not rewritten
    source.write_text("two")
    live_chart._install(source, target)
    assert target.read_text() == "two"
    assert sorted(p.name for p in target.parent.iterdir()) == ["a.js"]  # no temporary files left


def test_component_folder_serves_the_page_with_plotlys_script():
    folder = Path(live_chart._component().path)
    page = (folder / "index.html").read_text()
    assert '<script src="plotly.min.js"></script>' in page and "Plotly.react" in page
    script = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    assert (folder / "plotly.min.js").read_bytes() == script.read_bytes()


def test_without_a_writable_home_the_files_go_to_a_private_temporary_folder(monkeypatch, tmp_path):
    home = tmp_path / "home"
    home.write_text("not a folder")  # so creating ~/.cache fails
    monkeypatch.setattr(Path, "home", lambda: home)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # the test's own temporary folder
    live_chart._component.cache_clear()
    try:
        folder = Path(live_chart._component().path)
        assert folder.parent == tmp_path and folder.name.startswith("optim_lab-live-chart-")
        assert (folder / "index.html").exists() and (folder / "plotly.min.js").exists()
    finally:
        live_chart._component.cache_clear()
