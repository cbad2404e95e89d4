"""The launcher's preload: what a first page would otherwise wait for is loaded before the server
opens (checked in a new interpreter, where nothing is loaded yet)."""

import subprocess
import sys

import pytest

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


FORGET = """
import ctypes, os
from optim_lab.config import enable_compile_cache
from optim_lab.offload import process_rss_mb
from optim_lab.surfaces import SURFACES
from optim_lab.trajectory import RunSpec, run_many
from optim_lab.ui.serve import forget_programs_if_grown

enable_compile_cache()
baseline = process_rss_mb(os.getpid())
for name in ("bowl", "rosenbrock", "beale"):
    for optimizer in ("sgd", "momentum", "adam", "rmsprop", "adagrad"):
        for steps in (50, 100, 200, 500):
            run_many(SURFACES[name], [RunSpec(optimizer)], SURFACES[name].start, steps)
grown = process_rss_mb(os.getpid()) - baseline
kept = forget_programs_if_grown(baseline, budget_mb=grown + 50)
dropped = forget_programs_if_grown(baseline, budget_mb=grown / 2)
ctypes.CDLL("libc.so.6").malloc_trim(0)
after = process_rss_mb(os.getpid()) - baseline
(trajectory,) = run_many(SURFACES["bowl"], [RunSpec("adam")], SURFACES["bowl"].start, 50)
print(kept, dropped, round(grown), round(after), bool(trajectory.loss[-1] < trajectory.loss[0]))
"""


@pytest.mark.slow
def test_compiled_programs_past_the_budget_are_dropped_and_come_back():
    """60 programs hold well over 100 MB; dropped, most of it returns to the system, and a run
    afterwards compiles (or loads) its program again."""
    out = subprocess.run(
        [sys.executable, "-c", FORGET], capture_output=True, text=True, timeout=300, check=True
    )
    kept, dropped, grown, after, still_runs = out.stdout.split()[-5:]
    assert (kept, dropped, still_runs) == ("False", "True", "True")
    assert int(grown) > 100 and int(after) < int(grown) / 2, (grown, after)


class _StoredSession:
    def __init__(self, number: int):
        self.id = f"session-{number}"
        self.shut_down = 0

    def shutdown(self) -> None:
        self.shut_down += 1


def test_sessions_closed_past_the_reconnection_time_are_shut_down(monkeypatch):
    """In Streamlit's own session store: the sessions whose time ran out are shut down (their
    download files go) and leave the store; a session closed a moment ago stays, to be resumed."""
    from types import SimpleNamespace

    from streamlit.runtime import Runtime
    from streamlit.runtime.memory_session_storage import MemorySessionStorage
    from streamlit.runtime.session_manager import SessionInfo
    from streamlit.runtime.websocket_session_manager import WebsocketSessionManager

    now = [0.0]
    store = MemorySessionStorage(ttl_seconds=120)
    store._cache._timer = lambda: now[0]
    manager = WebsocketSessionManager(store, None, None, None)  # as the server makes it
    monkeypatch.setattr(Runtime, "exists", classmethod(lambda cls: True))
    monkeypatch.setattr(
        Runtime, "instance", classmethod(lambda cls: SimpleNamespace(_session_mgr=manager))
    )
    old = [_StoredSession(n) for n in range(3)]
    for session in old:
        store.save(SessionInfo(client=None, session=session))
    now[0] = 100.0
    recent = _StoredSession(3)
    store.save(SessionInfo(client=None, session=recent))
    now[0] = 121.0

    assert serve.forget_departed_sessions() == 3
    assert [s.shut_down for s in old] == [1, 1, 1] and recent.shut_down == 0
    assert [info.session for info in store.list()] == [recent]
    assert serve.forget_departed_sessions() == 0  # each one once

    manager._storage_lock = None  # a Streamlit whose store is not this one: left alone
    now[0] = 300.0
    assert serve.forget_departed_sessions() == 0 and recent.shut_down == 0


def test_a_session_wakes_the_event_loop_once_per_batch_and_keeps_the_order(monkeypatch):
    import asyncio
    import threading

    from streamlit.runtime.app_session import AppSession

    monkeypatch.setattr(AppSession, "_call_soon_on_event_loop", AppSession._call_soon_on_event_loop)
    serve.coalesce_session_wakeups()
    serve.coalesce_session_wakeups()  # a second call changes nothing
    loop = asyncio.new_event_loop()
    wakeups, ran, errors = [], [], []
    loop.set_exception_handler(lambda _, context: errors.append(context["exception"]))
    handing = loop.call_soon_threadsafe
    monkeypatch.setattr(loop, "call_soon_threadsafe", lambda f: (wakeups.append(1), handing(f)))
    session = type("Session", (), {"_event_loop": loop})()
    call_soon = AppSession._call_soon_on_event_loop

    def fail():
        raise ValueError("one callback fails")

    def page_run():  # the script thread sends 200 elements while the loop is busy elsewhere
        for i in range(200):
            call_soon(session, fail if i == 50 else (lambda i=i: ran.append(i)))

    def in_a_thread(work) -> None:  # the loop too: another test's loop may be running here
        thread = threading.Thread(target=work)
        thread.start()
        thread.join()

    def run_the_loop() -> None:
        loop.call_soon_threadsafe(loop.stop)
        loop.run_forever()

    in_a_thread(page_run)
    in_a_thread(run_the_loop)
    call_soon(session, lambda: ran.append("later"))  # after a batch: a new wake-up
    in_a_thread(run_the_loop)
    loop.close()
    assert ran == [i for i in range(200) if i != 50] + ["later"]
    assert [str(e) for e in errors] == ["one callback fails"]
    assert len(wakeups) == 2 + 2  # one per batch, and the two stops


def test_without_streamlits_hand_over_the_server_starts_unchanged(monkeypatch):
    from streamlit.runtime.app_session import AppSession

    monkeypatch.delattr(AppSession, "_call_soon_on_event_loop")
    serve.coalesce_session_wakeups()  # nothing to change, and no error
    assert not hasattr(AppSession, "_call_soon_on_event_loop")


def test_without_streamlits_static_handler_the_server_starts_unchanged(monkeypatch):
    from streamlit.web.server.starlette import starlette_static_routes as routes

    monkeypatch.delattr(routes, "create_streamlit_static_handler")
    serve.preload_plotly_with_pages()  # nothing to change, and no error
    assert not hasattr(routes, "create_streamlit_static_handler")


def test_pages_get_the_chart_code_link_and_other_files_do_not(monkeypatch):
    from streamlit.web.server.starlette import starlette_static_routes as routes

    class Response:
        def __init__(self, content_type: str) -> None:
            self.headers = {"content-type": content_type}

    class Handler:
        def _apply_cache_headers(self, response, served_path: str) -> None:
            response.headers["Cache-Control"] = "no-cache"

    class OtherHandler:  # a handler without the hook is served as it is
        pass

    made = iter([Handler(), OtherHandler()])
    monkeypatch.setattr(routes, "create_streamlit_static_handler", lambda *_: next(made))
    serve.preload_plotly_with_pages()
    serve.preload_plotly_with_pages()  # a second call changes nothing
    handler = routes.create_streamlit_static_handler("static", None)
    page, script = Response("text/html; charset=utf-8"), Response("text/javascript")
    handler._apply_cache_headers(page, "index.html")
    handler._apply_cache_headers(script, "static/js/index.js")
    assert page.headers == {
        "content-type": "text/html; charset=utf-8",
        "Cache-Control": "no-cache",
        "Link": f"<{serve.plotly_script()}>; rel=modulepreload",
    }
    assert "Link" not in script.headers and script.headers["Cache-Control"] == "no-cache"
    assert isinstance(routes.create_streamlit_static_handler("static", None), OtherHandler)


def test_once_every_visitor_has_left_the_programs_compiled_for_them_go(monkeypatch):
    """While a session is held (connected, or waiting for a reconnect) the compiled programs stay;
    once none is left they are dropped, once, until a visitor's run compiles one again."""
    from types import SimpleNamespace

    import jax
    import jax.numpy as jnp
    from streamlit.runtime import Runtime

    from optim_lab import programs

    sessions: list = ["a tab"]
    manager = SimpleNamespace(list_sessions=lambda: list(sessions))
    monkeypatch.setattr(
        Runtime, "instance", classmethod(lambda cls: SimpleNamespace(_session_mgr=manager))
    )
    monkeypatch.setattr(serve, "forget_departed_sessions", lambda: 0)
    cleared = []
    clear_caches = jax.clear_caches
    monkeypatch.setattr(jax, "clear_caches", lambda: (cleared.append(1), clear_caches()))

    @programs.per_program
    def scaled(factor, x):
        return factor * x

    scaled(2.0, jnp.ones(3))
    serve.forget_what_visitors_left()
    assert scaled._cache_size() == 1 and not cleared  # a session is held: nothing goes
    sessions.clear()
    serve.forget_what_visitors_left()
    assert scaled._cache_size() == 0 and programs.kept() == 0 and cleared == [1]
    serve.forget_what_visitors_left()
    assert cleared == [1]  # idle: nothing more to drop
    scaled(2.0, jnp.ones(3))  # a visitor came and left between two ticks
    serve.forget_what_visitors_left()
    assert scaled._cache_size() == 0 and cleared == [1, 1]
