"""A client that speaks Streamlit's websocket protocol as a browser does, for load benchmarks and
server tests: it opens a session, asks for page runs (a page, its URL query, widget states,
fragment reruns) and reads the server's messages until the run is finished.

Nothing here is used by the app itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import http.client
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

import websockets
from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from ..offload import process_rss_mb
from . import STOPPED_ON_ERROR

FINISHED = {
    ForwardMsg.FINISHED_SUCCESSFULLY: "ok",
    ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY: "ok",
    ForwardMsg.FINISHED_WITH_COMPILE_ERROR: "compile error",
    ForwardMsg.FINISHED_EARLY_FOR_RERUN: "interrupted",
}


@dataclass
class RunResult:
    """What one page run sent back."""

    seconds: float
    status: str
    elements: int = 0
    exceptions: list[str] = field(default_factory=list)
    # labels and ids of the widgets drawn (buttons, sliders…), to press or set them later
    widgets: dict[str, str] = field(default_factory=dict)
    # fragments the server asked the browser to rerun on a clock: id -> interval in seconds
    auto_reruns: dict[str, float] = field(default_factory=dict)
    stopped_reruns: set[str] = field(default_factory=set)
    # texts of the st.warning / st.error boxes drawn (a bad link's notice is a warning)
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    page_not_found: bool = False
    # the URL query the page wrote back (None: unchanged); the session sends it from now on
    query_string: str | None = None
    # finished as a fragment run (False: the whole page ran, e.g. after st.rerun() in a fragment)
    fragment_run: bool = False
    bytes: int = 0

    @property
    def ok(self) -> bool:
        """Finished normally, with no exception shown."""
        return self.status == "ok" and not self.exceptions and not self.page_not_found


def _fetch_cookies(base_url: str, cookie: SimpleCookie, timeout: float) -> None:
    """GET /_stcore/health, keeping the cookies it sets (Streamlit's, and a proxy's)."""
    request = urllib.request.Request(f"{base_url}/_stcore/health")
    header = "; ".join(f"{k}={m.value}" for k, m in cookie.items())
    if header:
        request.add_header("Cookie", header)
    with _DIRECT.open(request, timeout=timeout) as response:
        for value in response.headers.get_all("Set-Cookie") or []:
            cookie.load(value)


def _widget_label(element) -> tuple[str, str] | None:
    kind = element.WhichOneof("type")
    if kind is None:
        return None
    proto = getattr(element, kind)
    label = getattr(proto, "label", None)
    widget_id = getattr(proto, "id", None)
    return (label, widget_id) if label and widget_id else None


class Session:
    """One browser tab's session. Use as ``async with Session(url) as s: await s.run("arena")``."""

    def __init__(self, base_url: str, *, timeout: float = 120.0):
        """Args:
        base_url: ``http://127.0.0.1:PORT``.
        timeout: seconds one run may take; a run that takes longer ends with status ``timeout``
            and closes the session (messages of that run could still arrive): open a new one.
        """
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.cookie: SimpleCookie = SimpleCookie()
        self._socket = None
        self.page = ""
        self.query = ""

    async def __aenter__(self) -> Session:
        await asyncio.to_thread(_fetch_cookies, self.base_url, self.cookie, self.timeout)
        header = "; ".join(f"{k}={m.value}" for k, m in self.cookie.items())
        ws_url = "ws" + self.base_url[len("http") :] + "/_stcore/stream"
        self._socket = await websockets.connect(
            ws_url,
            subprotocols=["streamlit"],
            additional_headers={"Cookie": header, "Origin": self.base_url},
            max_size=None,
            open_timeout=self.timeout,
        )
        return self

    async def __aexit__(self, *exc) -> None:
        await self.close()

    @property
    def closed(self) -> bool:
        return self._socket is None

    async def close(self) -> None:
        if self._socket is not None:
            await self._socket.close()
            self._socket = None

    async def run(
        self,
        page: str | None = None,
        query: str | None = None,
        *,
        widgets: dict[str, object] | None = None,
        trigger: str | None = None,
        fragment_id: str = "",
        auto: bool = False,
    ) -> RunResult:
        """Asks for a run of ``page`` with URL ``query`` and waits until it finishes.

        Args:
            page: the page's URL name (``arena``); the last page when omitted.
            query: its query string (``n=2&r1.opt=adam``); when omitted, the one the page last
                wrote to the URL (or the last one sent), as a browser does.
            widgets: widget id -> value to send (bool, int, float or str).
            trigger: a button's widget id to press.
            fragment_id: rerun only this fragment (as a ``run_every`` clock does).
            auto: the rerun comes from a fragment's clock.
        """
        self.page = self.page if page is None else page
        self.query = self.query if query is None else query
        message = BackMsg()
        state = message.rerun_script
        state.page_name = self.page
        state.query_string = self.query
        state.fragment_id = fragment_id
        state.is_auto_rerun = auto
        for widget_id, value in (widgets or {}).items():
            widget = state.widget_states.widgets.add()
            widget.id = widget_id
            if isinstance(value, bool):
                widget.bool_value = value
            elif isinstance(value, int):
                widget.int_value = value
            elif isinstance(value, float):
                widget.double_value = value
            else:
                widget.string_value = str(value)
        if trigger:
            widget = state.widget_states.widgets.add()
            widget.id = trigger
            widget.trigger_value = True
        if self._socket is None:
            raise RuntimeError("the session is closed (after a timeout: open a new one)")
        started = time.perf_counter()
        await self._socket.send(message.SerializeToString())
        result = RunResult(seconds=0.0, status="timeout")
        deadline = started + self.timeout
        try:
            while not await self._read_one(result, deadline):
                pass
        except TimeoutError:
            await self.close()
        result.seconds = time.perf_counter() - started
        if result.query_string is not None:  # as a browser, keep the URL the page wrote
            self.query = result.query_string
        return result

    async def _read_one(self, result: RunResult, deadline: float) -> bool:
        """Reads one message of the current run into ``result``; True once the run is finished."""
        raw = await asyncio.wait_for(self._socket.recv(), max(0.0, deadline - time.perf_counter()))
        result.bytes += len(raw)
        msg = ForwardMsg()
        msg.ParseFromString(raw)
        kind = msg.WhichOneof("type")
        if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            element = msg.delta.new_element
            result.elements += 1
            element_kind = element.WhichOneof("type")
            if element_kind == "exception":
                result.exceptions.append(f"{element.exception.type}: {element.exception.message}")
            elif element_kind == "alert":
                if element.alert.format == Alert.WARNING:
                    result.warnings.append(element.alert.body)
                elif element.alert.format == Alert.ERROR:
                    result.errors.append(element.alert.body)
                    if STOPPED_ON_ERROR in element.alert.body:  # app.py caught an exception
                        result.exceptions.append(element.alert.body)
            labelled = _widget_label(element)
            if labelled:
                result.widgets[labelled[0]] = labelled[1]
        elif kind == "auto_rerun":
            result.auto_reruns[msg.auto_rerun.fragment_id] = msg.auto_rerun.interval
        elif kind == "stop_auto_rerun":
            result.stopped_reruns.update(msg.stop_auto_rerun.fragment_ids)
        elif kind == "page_not_found":
            result.page_not_found = True
        elif kind == "page_info_changed":
            result.query_string = msg.page_info_changed.query_string
        elif kind == "script_finished":
            status = FINISHED.get(msg.script_finished, "unknown")
            if status != "interrupted":  # else a newer run of ours replaces it
                result.status = status
                result.fragment_run = (
                    msg.script_finished == ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY
                )
                return True
        return False


class FragmentClocks:
    """The browser's side of ``@st.fragment(run_every=...)``: one clock per fragment.

    The server announces a clock with ``auto_rerun`` (fragment id, interval) and cancels it with
    ``stop_auto_rerun``; the browser then asks for a rerun of that fragment at every tick. As in
    the browser, a session has at most one request in flight: a tick that falls during another
    run waits for it (ticks missed meanwhile are not made up). Feed it every run's result with
    :meth:`update`; :meth:`next` says which fragment is due and when.
    """

    def __init__(self) -> None:
        self.intervals: dict[str, float] = {}
        self._due: dict[str, float] = {}

    def update(self, result: RunResult, now: float | None = None) -> None:
        """Takes the clocks a run announced or stopped; a run of the whole page replaces them all
        (a fragment without ``run_every`` in that run has no clock any more)."""
        now = time.perf_counter() if now is None else now
        if result.status == "ok" and not result.fragment_run:
            for fragment_id in set(self.intervals) - set(result.auto_reruns):
                self.intervals.pop(fragment_id)
                self._due.pop(fragment_id, None)
        for fragment_id in result.stopped_reruns:
            self.intervals.pop(fragment_id, None)
            self._due.pop(fragment_id, None)
        for fragment_id, interval in result.auto_reruns.items():
            if interval <= 0:
                continue
            if self.intervals.get(fragment_id) != interval:  # a new or changed clock restarts
                self._due[fragment_id] = now + interval
            self.intervals[fragment_id] = interval

    def clear(self) -> None:
        self.intervals.clear()
        self._due.clear()

    def next(self) -> tuple[str, float] | None:
        """The fragment due first and its due time (``time.perf_counter()``); None if no clock."""
        if not self._due:
            return None
        fragment_id = min(self._due, key=self._due.get)
        return fragment_id, self._due[fragment_id]

    def ran(self, fragment_id: str, now: float | None = None) -> None:
        """A tick of ``fragment_id`` was sent; its next tick is one interval later (or now)."""
        if fragment_id in self._due:
            now = time.perf_counter() if now is None else now
            self._due[fragment_id] = max(self._due[fragment_id] + self.intervals[fragment_id], now)

    @property
    def fastest(self) -> str | None:
        """The fragment with the shortest interval."""
        return min(self.intervals, key=self.intervals.get) if self.intervals else None


async def run_clocks(
    session: Session, clocks: FragmentClocks, until: float, on_result=None
) -> RunResult | None:
    """Reruns fragments on their clocks until ``until`` (a ``time.perf_counter()`` time) or until
    no clock is left.

    Args:
        session: an open session whose last run announced the clocks.
        clocks: the clocks, updated with each run's result.
        until: when to stop (no new tick starts after it).
        on_result: called as ``on_result(fragment_id, result)`` after each fragment run.

    Returns:
        The last run's result (None if no tick was due before ``until``).
    """
    last = None
    while True:
        due = clocks.next()
        if due is None:
            return last
        fragment_id, at = due
        if at >= until:
            return last
        await asyncio.sleep(max(0.0, at - time.perf_counter()))
        clocks.ran(fragment_id)
        last = await session.run(fragment_id=fragment_id, auto=True)
        clocks.update(last)
        if on_result is not None:
            on_result(fragment_id, last)
        if last.status != "ok" or session.closed:
            return last


# ------------------------------------------------------------------------------------------------
# The server's side, for benchmarks and tests: start the app on 127.0.0.1 and read its processes.

ROOT = Path(__file__).resolve().parents[2]


def run_blocking(coroutine):
    """Runs ``coroutine`` to its end on a thread of its own and returns its result (the calling
    thread may have an event loop running already, as a browser test's Playwright leaves one)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def free_port(count: int = 1) -> int:
    """A loopback port that is free, with the ``count - 1`` ports after it free too."""
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        if port + count < 65536 and all(_port_free(port + i) for i in range(1, count)):
            return port
    raise RuntimeError(f"no {count} free consecutive loopback ports found")


def _port_free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


class AppServer:
    """The app, served on a free loopback port for as long as the ``with`` block lasts.

    ``workers=1`` runs one Streamlit process (``optim_lab.ui.serve``); more run
    ``optim_lab.ui.workers`` (N processes behind nginx, which must be installed). Output goes to
    a temporary log file (removed when it stops; :meth:`output` keeps the text), so
    :meth:`log_problems` can list the tracebacks it printed.
    """

    def __init__(
        self,
        workers: int = 1,
        *,
        startup_timeout: float = 240.0,
        env: dict[str, str] | None = None,
    ):
        self.workers = workers
        self.env = env  # set in the server's environment, over this process's
        self.startup_timeout = startup_timeout
        self.port = 0
        self.proc: subprocess.Popen | None = None
        self.log_path: Path | None = None
        self.log_text = ""  # the server's output, once it stopped (the log file is then removed)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def worker_urls(self) -> list[str]:
        """Each app process's own address (with several: behind nginx, ports after :attr:`port`)."""
        if self.workers == 1:
            return [self.url]
        return [f"http://127.0.0.1:{self.port + 1 + i}" for i in range(self.workers)]

    def __enter__(self) -> AppServer:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self) -> None:
        self.port = free_port(self.workers + 1 if self.workers > 1 else 1)
        if self.workers == 1:
            argv = ["-m", "optim_lab.ui.serve", "--server.address", "127.0.0.1"]
            argv += ["--server.port", str(self.port), "--server.headless", "true"]
        else:
            argv = ["-m", "optim_lab.ui.workers", "--workers", str(self.workers)]
            argv += ["--port", str(self.port), "--address", "127.0.0.1"]
        fd, name = tempfile.mkstemp(prefix="optim-lab-server-", suffix=".log")
        self.log_path = Path(name)
        try:
            self.proc = subprocess.Popen(
                [sys.executable, *argv],
                cwd=ROOT,
                env={**os.environ, **(self.env or {})},
                stdin=subprocess.DEVNULL,
                stdout=fd,
                stderr=subprocess.STDOUT,
            )
        finally:
            os.close(fd)
        try:
            self._wait_ready()
        except BaseException:
            self.stop()
            raise

    def _wait_ready(self) -> None:
        # the app processes first, then (with several) nginx in front of them
        ports = [self.port + 1 + i for i in range(self.workers)] if self.workers > 1 else []
        ports.append(self.port)
        deadline = time.monotonic() + self.startup_timeout
        waiting = list(ports)
        while waiting:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"the server exited ({self.proc.returncode}):\n{self.log_tail()}"
                )
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"no answer within {self.startup_timeout:.0f} s:\n{self.log_tail()}"
                )
            if _health_ok(waiting[0]):
                waiting.pop(0)
            else:
                time.sleep(0.5)

    def stop(self) -> None:
        """SIGTERM (the launcher then stops its children), SIGKILL after 20 s."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None
        if self.log_path is not None and self.log_path.exists():
            self.log_text = self.log_path.read_text(errors="replace")
            self.log_path.unlink()

    def app_pids(self) -> list[int]:
        """The processes that run pages: the server, or the launcher's Streamlit children."""
        if self.proc is None:
            return []
        if self.workers == 1:
            return [self.proc.pid]
        return [
            pid
            for pid in child_pids(self.proc.pid)
            if b"optim_lab.ui.serve" in Path(f"/proc/{pid}/cmdline").read_bytes()
        ]

    def cpu_seconds(self) -> float:
        """CPU time used so far by the app processes, together."""
        return sum(server_cpu_seconds(pid) for pid in self.app_pids())

    def rss_mb(self) -> float:
        """Resident memory of the app processes, together, in MB."""
        return sum(server_rss_mb(pid) for pid in self.app_pids())

    def output(self) -> str:
        """What the server printed so far."""
        if self.log_path is not None and self.log_path.exists():
            return self.log_path.read_text(errors="replace")
        return self.log_text

    def log_tail(self, lines: int = 30) -> str:
        return "\n".join(self.output().splitlines()[-lines:])

    def log_problems(self) -> list[str]:
        """The last line of every traceback the server printed (and its error log lines)."""
        problems, in_traceback = [], False
        for line in self.output().splitlines():
            if line.startswith("Traceback"):
                in_traceback = True
            elif in_traceback and line and not line.startswith((" ", "\t")):
                problems.append(line.strip())
                in_traceback = False
            elif " ERROR " in line or line.startswith("ERROR"):
                problems.append(line.strip())
        return problems


def _health_ok(port: int) -> bool:
    try:
        with _DIRECT.open(f"http://127.0.0.1:{port}/_stcore/health", timeout=3) as response:
            return response.read().strip() == b"ok"
    except (OSError, http.client.HTTPException):
        return False


# Requests to the local server never go through an HTTP proxy from the environment.
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def child_pids(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (an app process's: its computing helpers)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if int(_stat_fields(int(entry.name))[1]) == pid:
                    found.append(int(entry.name))
    return found


def _stat_fields(pid: int) -> list[str]:
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().rsplit(")", 1)[1].split()


def server_cpu_seconds(pid: int) -> float:
    """User + system CPU time so far of a process (all its threads, finished ones included) and
    of its child processes (the computing helpers), running or ended."""
    fields = _stat_fields(pid)
    ended_children = sum(int(f) for f in fields[13:15]) / os.sysconf("SC_CLK_TCK")
    total = _process_cpu_seconds(pid, fields) + ended_children
    for child in child_pids(pid):
        with contextlib.suppress(OSError):
            total += server_cpu_seconds(child)
    return total


def _process_cpu_seconds(pid: int, fields: list[str]) -> float:
    """One process's CPU time: Linux's CPU clock of that process (nanoseconds; its clock id is
    ``MAKE_PROCESS_CPUCLOCK(pid, CPUCLOCK_SCHED)``) where it can be read, else /proc's 10 ms
    ticks, too coarse to time one page run."""
    try:
        return time.clock_gettime(((~pid) << 3) | 2)
    except (OSError, AttributeError):  # another system
        return sum(int(f) for f in fields[11:13]) / os.sysconf("SC_CLK_TCK")


def server_rss_mb(pid: int) -> float:
    """Resident memory of a process and of its child processes, in MB."""
    return process_rss_mb(pid) + sum(server_rss_mb(child) for child in child_pids(pid))
