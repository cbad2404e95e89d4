"""Starts the app: ``python -m optim_lab.ui.serve [streamlit options]`` runs ``streamlit run app.py``.

Streamlit treats an app with a ``pages/`` folder as an old-style multipage app unless told otherwise,
and in that mode answers every deep link (``/momentum?beta=0.9``) with a "Page not found" dialog
before ``app.py``'s own navigation takes over. Our ``pages/`` folder only holds the targets of
``st.navigation``, so the launcher switches that mode off before the first session starts.
"""

from __future__ import annotations

import gc
import sys
from pathlib import Path

from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli

# Beside the package in a checkout; an installed package (a container image) runs from the folder
# that holds app.py and pages/.
APP = next(
    (
        path
        for path in (Path(__file__).resolve().parents[2] / "app.py", Path.cwd() / "app.py")
        if path.exists()
    ),
    Path("app.py"),
)


def navigation_only() -> None:
    """Routes every request through ``app.py``'s ``st.navigation`` (see the module docstring)."""
    PagesManager.uses_pages_directory = False


# Imported by the first page that needs them, 0.1–0.2 s each: Streamlit's emoji table (icons) and
# pyarrow's pandas bridge (tables).
LAZY_MODULES = ("streamlit.emojis", "pyarrow.pandas_compat")


def preload() -> None:
    """Imports every module the lessons use (JAX and its CPU/GPU backend, Plotly, pandas, the
    engine, the figures and the page helpers) and starts LAPACK before the server opens, so the
    first visitor's page does not wait for them."""
    import contextlib
    import importlib
    import pkgutil

    import jax.numpy as jnp
    import pandas  # noqa: F401

    import optim_lab
    from optim_lab.config import enable_compile_cache

    for module in pkgutil.walk_packages(optim_lab.__path__, "optim_lab."):
        if not module.name.endswith(("__main__", ".serve")):
            importlib.import_module(module.name)
    for name in LAZY_MODULES:
        with contextlib.suppress(ImportError):  # moved in another version: the first page waits
            importlib.import_module(name)
    enable_compile_cache()
    # JAX starts LAPACK (importing scipy.linalg, 0.2 s) when it first lowers a linear solve:
    # Newton's method in the second-order lesson.
    jnp.linalg.solve(jnp.eye(2), jnp.ones(2)).block_until_ready()


def main() -> None:
    navigation_only()
    preload()
    # Streamlit collects garbage after every page run (runner.postScriptGC) so that memory is
    # returned between runs; freezing what the preload built keeps that collection from walking
    # JAX, Plotly and the engine every time.
    gc.collect()
    gc.freeze()
    sys.argv = ["streamlit", "run", str(APP), *sys.argv[1:]]
    sys.exit(cli.main())


if __name__ == "__main__":
    main()
