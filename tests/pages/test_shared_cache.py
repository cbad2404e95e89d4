"""Students who open the same preset share one computation: the engine's results are cached for
the whole server (keyed by the settings, with a bounded number of entries), not per session."""

from pathlib import Path

from optim_lab.lessons.arena.presets import PRESETS
from optim_lab.ui import cache

from .apptest import open_page

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "lessons" / "arena.py")


def test_thirty_sessions_opening_one_preset_compute_it_once(monkeypatch):
    calls = []
    real = cache.run_many

    def counted(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(cache, "run_many", counted)
    # a start no other test uses, so the first session computes it here
    params = {**PRESETS[0].params, "x0": "-7.3125", "y0": "3.0625"}
    sessions = [open_page(PAGE, params) for _ in range(30)]  # each AppTest is a new session
    assert all(not at.exception for at in sessions)
    assert len(calls) == 1
    figures = {at.get("plotly_chart")[0].proto.spec for at in sessions}
    assert len(figures) == 1  # every student sees the same race


def test_the_shared_caches_are_bounded():
    for cached in (cache.runs, cache.grid, cache.sweep_grid, cache.range_test):
        assert 0 < cached._info.max_entries <= 256
