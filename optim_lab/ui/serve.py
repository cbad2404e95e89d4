"""Starts the app: ``python -m optim_lab.ui.serve [streamlit options]`` runs ``streamlit run app.py``.

Streamlit treats an app with a ``pages/`` folder as an old-style multipage app unless told otherwise,
and in that mode answers every deep link (``/momentum?beta=0.9``) with a "Page not found" dialog
before ``app.py``'s own navigation takes over. Our ``pages/`` folder only holds the targets of
``st.navigation``, so the launcher switches that mode off before the first session starts.
"""

from __future__ import annotations

import sys
from pathlib import Path

from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli

APP = Path(__file__).resolve().parents[2] / "app.py"


def navigation_only() -> None:
    """Routes every request through ``app.py``'s ``st.navigation`` (see the module docstring)."""
    PagesManager.uses_pages_directory = False


def preload() -> None:
    """Imports what every lesson needs (JAX and its CPU/GPU backend, Plotly, the engine) before the
    server opens, so the first visitor's page does not wait for them."""
    import jax
    import plotly.graph_objects  # noqa: F401

    import optim_lab.figures.surface
    import optim_lab.nn
    import optim_lab.trajectory  # noqa: F401
    from optim_lab.config import enable_compile_cache

    enable_compile_cache()
    jax.devices()


def main() -> None:
    navigation_only()
    preload()
    sys.argv = ["streamlit", "run", str(APP), *sys.argv[1:]]
    sys.exit(cli.main())


if __name__ == "__main__":
    main()
