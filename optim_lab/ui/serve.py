"""Starts the app: ``python -m optim_lab.ui.serve [streamlit options]`` runs ``streamlit run app.py``.

Streamlit treats an app with a ``pages/`` folder as an old-style multipage app unless told otherwise,
and in that mode answers every deep link (``/momentum?beta=0.9``) with a "Page not found" dialog
before ``app.py``'s own navigation takes over. Our ``pages/`` folder only holds the targets of
``st.navigation``, so the launcher switches that mode off before the first session starts.
"""

from __future__ import annotations

import gc
import logging
import os
import sys
import threading
import time
from pathlib import Path

from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli

from optim_lab import offload
from optim_lab.offload import process_rss_mb

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

    # Caches declared before the server runs warn that no app is running, one line each.
    caching_log = logging.getLogger("streamlit.runtime.caching.cache_data_api")
    level = caching_log.level
    caching_log.setLevel(logging.ERROR)
    for module in pkgutil.walk_packages(optim_lab.__path__, "optim_lab."):
        if not module.name.endswith(("__main__", ".serve", ".workers", ".ws_client")):
            importlib.import_module(module.name)
    caching_log.setLevel(level)
    for name in LAZY_MODULES:
        with contextlib.suppress(ImportError):  # moved in another version: the first page waits
            importlib.import_module(name)
    enable_compile_cache()
    # JAX starts LAPACK (importing scipy.linalg, 0.2 s) when it first lowers a linear solve:
    # Newton's method in the second-order lesson.
    jnp.linalg.solve(jnp.eye(2), jnp.ones(2)).block_until_ready()


def coalesce_session_wakeups() -> None:
    """Lets a page run wake the server's event loop once per batch of messages, not once per
    element.

    Streamlit hands each element a page sends to the event loop with its own
    ``call_soon_threadsafe``, which writes to the loop's wake-up socket: a system call, and a
    switch of threads, per element. Here a session's callbacks wait in one queue, in order, and the
    loop runs all that are waiting each time it wakes."""
    from streamlit.runtime.app_session import AppSession

    hand_over = getattr(AppSession, "_call_soon_on_event_loop", None)
    if hand_over is None or getattr(hand_over, "coalesced", False):
        return  # a Streamlit version without this hand-over keeps waking the loop per element
    lock = threading.Lock()

    def call_soon(session: AppSession, callback) -> None:
        with lock:
            waiting = session.__dict__.setdefault("_waiting_callbacks", [])
            waiting.append(callback)
            if len(waiting) > 1:  # a wake-up is on its way and will run this one too
                return
        hand_over(session, lambda: run_waiting(session))

    def run_waiting(session: AppSession) -> None:
        with lock:
            batch = session.__dict__.pop("_waiting_callbacks", [])
        for callback in batch:
            try:
                callback()
            except Exception as error:  # as the loop treats a callback's error: logged, not fatal
                session._event_loop.call_exception_handler(
                    {"message": "Exception in a session callback", "exception": error}
                )

    call_soon.coalesced = True
    AppSession._call_soon_on_event_loop = call_soon


def plotly_script() -> str | None:
    """The address of Streamlit's Plotly chart code (its file name carries a hash), relative to a
    page; None when this Streamlit version has no such file."""
    import streamlit

    folder = Path(streamlit.__file__).parent / "static" / "static" / "js"
    found = sorted(folder.glob("PlotlyChart.*.js"))
    return f"./static/js/{found[0].name}" if found else None


def preload_plotly_with_pages() -> None:
    """Sends every page (``index.html``) with a ``Link`` header that tells the browser to load
    Streamlit's Plotly chart code (4.7 MB) at once.

    Streamlit asks for that code only when a page's first chart arrives, after the page has run on
    the server; a browser that has not cached it yet then loads it before drawing anything. With the
    header it loads while the page's own scripts start and the server runs the page."""
    try:
        from streamlit.web.server.starlette import starlette_static_routes as routes
    except ImportError:
        return  # another Streamlit: pages load the chart code when their first chart arrives
    create = getattr(routes, "create_streamlit_static_handler", None)
    script = plotly_script()
    if create is None or script is None or getattr(create, "preloads_plotly", False):
        return

    def create_with_link(directory: str, base_url: str | None):
        handler = create(directory, base_url)
        apply_cache_headers = getattr(handler, "_apply_cache_headers", None)
        if apply_cache_headers is None:
            return handler

        def apply_headers(response, served_path: str) -> None:
            apply_cache_headers(response, served_path)
            if response.headers.get("content-type", "").startswith("text/html"):
                response.headers["Link"] = f"<{script}>; rel=modulepreload"

        handler._apply_cache_headers = apply_headers
        return handler

    create_with_link.preloads_plotly = True
    routes.create_streamlit_static_handler = create_with_link


# glibc's malloc arenas for the server and its helpers: two, not up to eight per core (each thread
# that allocates may get its own, every page run is a new thread, and memory freed in one arena is
# not reused by another).
MALLOC_ARENAS = 2
_M_ARENA_MAX = -8  # mallopt's parameter number


def tune_malloc() -> None:
    """Limits this process to :data:`MALLOC_ARENAS` (before the preload starts JAX's threads), and
    the processes it starts through their environment (the helpers are new interpreters, whose
    glibc reads ``MALLOC_ARENA_MAX``), unless the environment sets it already."""
    arenas = os.environ.setdefault("MALLOC_ARENA_MAX", str(MALLOC_ARENAS))
    libc = offload.glibc()
    if libc is not None and arenas.isdigit():
        libc.mallopt(_M_ARENA_MAX, int(arenas))


# Runs and sweeps keep their most recently used programs only (optim_lab.programs); the other
# compiled programs, about 3 MB each, stay. Past this much growth since the start (or since the last
# drop) they are all dropped and traced again when next used (from the on-disk compile cache): a
# pause of a second or two for the pages in use, so the bound is a last resort for a long day.
PROGRAMS_BUDGET_MB = 1000.0


def drop_compiled_programs() -> None:
    """Drops the kept programs (:mod:`optim_lab.programs`) and JAX's compiled programs and traces;
    each is traced again when next used, its code loaded from the persistent compile cache."""
    import jax

    from optim_lab import programs

    programs.forget()
    jax.clear_caches()


def forget_programs_if_grown(baseline_mb: float, budget_mb: float = PROGRAMS_BUDGET_MB) -> bool:
    """Drops JAX's compiled programs and traces when this process holds more than ``budget_mb``
    above ``baseline_mb``; returns whether it did."""
    if process_rss_mb(os.getpid()) <= baseline_mb + budget_mb:
        return False
    drop_compiled_programs()
    gc.collect()
    return True


def forget_departed_sessions() -> int:
    """Shuts down the sessions whose tab closed more than ``server.disconnectedSessionTTL`` ago;
    returns how many. Runs on the server's event loop (the sessions' store is not thread-safe).

    Streamlit keeps a closed tab's session that long so that a tab that lost its connection for a
    moment can resume it. After that it stops counting the session but keeps it in the store until
    the store's next write, and then drops it without shutting it down: its download files stay in
    memory, and its objects, which refer to one another, wait for a full collection."""
    from streamlit.runtime import Runtime

    if not Runtime.exists():
        return 0
    manager = Runtime.instance()._session_mgr
    store = getattr(getattr(manager, "_session_storage", None), "_cache", None)
    lock = getattr(manager, "_storage_lock", None)
    if lock is None or not hasattr(store, "expire"):
        return 0  # another Streamlit version: its sessions leave as it decides
    with lock:
        departed = store.expire()
    for _, info in departed:
        info.session.shutdown()
    return len(departed)


def forget_what_visitors_left() -> None:
    """What the server lets go as its visitors leave; runs on the event loop (the sessions' store
    is not thread-safe, and no page can start a run meanwhile).

    The sessions of tabs closed past the reconnection time are shut down
    (:func:`forget_departed_sessions`). Once no session is left at all, the programs compiled for
    the visitors are dropped (a few MB each, up to :data:`optim_lab.programs.PROGRAMS_KEPT` of
    them): the next visitor's first runs load them again from the persistent compile cache, as on
    a newly started server."""
    from streamlit.runtime import Runtime

    from optim_lab import programs

    collect = forget_departed_sessions() > 0
    if programs.kept() and not Runtime.instance()._session_mgr.list_sessions():
        drop_compiled_programs()
        collect = True
    if collect:
        gc.collect()


def _forget_what_visitors_left_soon() -> None:
    """:func:`forget_what_visitors_left` on the server's event loop (from another thread)."""
    from streamlit.runtime import Runtime

    if not Runtime.exists():
        return
    loop = getattr(Runtime.instance()._async_objs, "eventloop", None)
    if loop is not None and not loop.is_closed():
        loop.call_soon_threadsafe(forget_what_visitors_left)


def return_freed_memory(every: float = 5.0) -> None:
    """Keeps the server's memory flat as page runs and sessions come and go.

    What page runs free can stay in glibc's heap instead of going back to the system: a trim every
    ``every`` seconds on a thread of its own (the call releases the GIL) returns it; compiled
    programs past :data:`PROGRAMS_BUDGET_MB` are dropped first, and what the visitors who left
    held goes (:func:`forget_what_visitors_left`). Nothing happens where the C library is not
    glibc."""
    if offload.glibc() is None:
        return
    baseline = process_rss_mb(os.getpid())

    def trim_forever() -> None:
        nonlocal baseline
        while True:
            time.sleep(every)
            _forget_what_visitors_left_soon()
            dropped = forget_programs_if_grown(baseline)
            offload.release_freed_memory()
            if dropped:  # the next budget counts from here: what stays is not programs
                baseline = process_rss_mb(os.getpid())

    threading.Thread(target=trim_forever, name="malloc-trim", daemon=True).start()


def main() -> None:
    tune_malloc()
    navigation_only()
    coalesce_session_wakeups()
    preload_plotly_with_pages()
    preload()
    # Streamlit's forced collection after every page run is off (.streamlit/config.toml); what the
    # preload built is frozen, so Python's own collections never walk JAX, Plotly and the engine.
    gc.collect()
    gc.freeze()
    return_freed_memory()
    if processes := offload.processes_wanted():
        offload.start(processes)
    sys.argv = ["streamlit", "run", str(APP), *sys.argv[1:]]
    sys.exit(cli.main())


if __name__ == "__main__":
    main()
