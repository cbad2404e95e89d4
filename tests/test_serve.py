"""The launcher's preload: what a first page would otherwise wait for is loaded before the server
opens (checked in a new interpreter, where nothing is loaded yet)."""

import subprocess
import sys

from optim_lab.ui import serve

CHECK = """
import sys
from optim_lab.ui.serve import LAZY_MODULES, preload
preload()
missing = [m for m in (*LAZY_MODULES, "scipy.linalg", "optim_lab.figures.surface") if m not in sys.modules]
print(missing)
"""


def test_preload_loads_the_lazy_modules_and_lapack():
    assert "scipy.linalg" not in serve.LAZY_MODULES  # loaded through JAX's first linear solve
    out = subprocess.run(
        [sys.executable, "-c", CHECK], capture_output=True, text=True, timeout=120, check=True
    )
    assert out.stdout.strip().splitlines()[-1] == "[]"
