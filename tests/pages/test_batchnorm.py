"""AppTest checks of the batch-normalization page (pages/lessons/batchnorm.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from .apptest import charts, open_page

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "lessons" / "batchnorm.py")


@pytest.mark.slow  # trains eight networks on a cold cache; `make test` runs it
def test_every_part_renders_and_the_transform_follows_its_controls():
    at = open_page(PAGE, timeout=600)
    assert not at.exception and not at.error
    figs = charts(at)
    assert len(figs) == 5  # transform, loss, spread, rates, placement
    assert len(at.metric) == 2 and len(at.get("download_button")) >= 1
    before = figs[0]
    at.slider(key="batchnorm:gamma").set_value(2.0).run()
    assert not at.exception
    assert at.query_params.get("gamma") in ("2.0", ["2.0"], "2", ["2"])
    assert charts(at)[0] != before  # y = γx̂ + β moved
    at.radio(key="batchnorm:m").set_value("64").run()
    assert not at.exception and len(charts(at)) == 5
