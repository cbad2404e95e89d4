"""The benchmarks know every lesson: a page added to the navigation gets settings a simulated
student can move in the classroom benchmark."""

import importlib.util
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "bench" / "bench_classroom.py"


def _classroom():
    spec = importlib.util.spec_from_file_location("bench_classroom", BENCH)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_the_classroom_benchmark_has_settings_for_every_page():
    classroom = _classroom()
    assert set(classroom.SETTINGS) == set(classroom.ALL_PAGES)
