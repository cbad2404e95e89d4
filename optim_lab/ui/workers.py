"""Serves the app from several processes behind nginx:
``python -m optim_lab.ui.workers --workers N --port PORT [--address A] [streamlit options]``.

One Python process runs one page at a time (the GIL), so a class on a machine with several cores
needs several processes. This supervisor starts ``N`` app processes (``optim_lab.ui.serve``) on
127.0.0.1, ports ``PORT+1 .. PORT+N``, and nginx on ``A:PORT`` in front of them, with sticky
sessions per browser (a cookie nginx sets; see ``deploy/nginx.conf.template``). It polls each
process's ``/_stcore/health`` and restarts one that died or stopped answering, leaving the others
alone; SIGINT or SIGTERM stops every child, and the supervisor exits with status 0.

nginx runs as a child too (``daemon off``), with its config, pid file, logs and temporary files in a
private runtime folder removed on exit: no root needed. ``--workers auto`` starts one process per
usable core. Options it does not know (``--server.runOnSave true``, ...) go to every app process.
"""

from __future__ import annotations

import argparse
import ctypes
import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from optim_lab.cpu_tuning import available_cores
from optim_lab.offload import PROCESSES_ENV

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "deploy" / "nginx.conf.template"
HEALTH_PATH = "/_stcore/health"
WORKER_ADDRESS = "127.0.0.1"
# Behind nginx, whose client_max_body_size (2m) leaves room for the multipart framing.
MAX_UPLOAD_MB = 1

# Health policy: a process gets STARTUP_TIMEOUT seconds to answer its first health check (JAX and
# the engine load first, slower when N processes start together on few cores), then is restarted
# once it has not answered for UNHEALTHY_AFTER seconds (a page run holds the GIL only in slices,
# so a busy process still answers). A child that fails before it ever worked is retried with a
# growing pause; after MAX_EARLY_FAILURES in a row the supervisor gives up.
CHECK_INTERVAL = 2.0
CHECK_TIMEOUT = 3.0
STARTUP_TIMEOUT = 180.0
UNHEALTHY_AFTER = 20.0
STOP_GRACE = 10.0
MAX_BACKOFF = 30.0
MAX_EARLY_FAILURES = 5


def log(message: str) -> None:
    print(f"[workers] {message}", file=sys.stderr, flush=True)


def worker_count(value: str) -> int:
    """``auto`` (one per usable core) or a positive integer."""
    if value == "auto":
        return available_cores()
    try:
        count = int(value)
    except ValueError:
        count = 0
    if count < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer or 'auto', got {value!r}")
    return count


def worker_ports(port: int, workers: int) -> list[int]:
    """The app processes' ports: the ``workers`` ports after the public one."""
    return [port + 1 + i for i in range(workers)]


def render_nginx_conf(*, listen: str, servers: list[str], access_log: str) -> str:
    """Fills ``deploy/nginx.conf.template``'s ``{{name}}`` fields.

    Args:
        listen: nginx's ``listen`` value (``127.0.0.1:8501``, ``80``).
        servers: the app processes, ``host:port`` each.
        access_log: a file (relative to nginx's prefix folder) or ``/dev/stdout``.
    """
    fields = {
        "listen": listen,
        "servers": "".join(
            f"        server {server} max_fails=1 fail_timeout=10s;\n" for server in servers
        ),
        "access_log": access_log,
    }
    text = TEMPLATE.read_text()
    for name, value in fields.items():
        text = text.replace("{{" + name + "}}", value)
    if "{{" in text:
        raise ValueError(f"unfilled field in {TEMPLATE}: {text[text.index('{{') :][:40]!r}")
    return text


def listen_address(address: str, port: int) -> str:
    """``host:port``, with an IPv6 host in brackets."""
    return f"[{address}]:{port}" if ":" in address else f"{address}:{port}"


def local_nginx_conf(address: str, port: int, ports: list[int]) -> str:
    """The config for ``make run WORKERS=N`` (nginx's prefix: a private runtime folder)."""
    return render_nginx_conf(
        listen=listen_address(address, port),
        servers=[f"{WORKER_ADDRESS}:{p}" for p in ports],
        access_log="access.log",
    )


def compose_nginx_conf() -> str:
    """``deploy/nginx.compose.conf``: the service ``app`` (every replica: Docker's DNS gives nginx
    one address per replica when it starts), nginx listening on 80 in its container, prefix /tmp."""
    return render_nginx_conf(listen="80", servers=["app:8501"], access_log="/dev/stdout")


def nginx_binary() -> str | None:
    """Debian's nginx (``/usr/sbin`` is not on every user's PATH)."""
    found = shutil.which("nginx")
    if found:
        return found
    return "/usr/sbin/nginx" if os.access("/usr/sbin/nginx", os.X_OK) else None


def nginx_argv(nginx: str, runtime: Path, conf: Path, *test: str) -> list[str]:
    return [nginx, *test, "-p", str(runtime), "-c", str(conf), "-e", "stderr"]


def _die_with_parent() -> None:
    """In the child, before exec: SIGTERM when the supervisor dies, even by SIGKILL (Linux)."""
    _LIBC.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


_LIBC = ctypes.CDLL(None, use_errno=True) if sys.platform.startswith("linux") else None


# Health checks go straight to 127.0.0.1, never through an HTTP proxy from the environment.
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def answers_health(url: str) -> bool:
    """Whether ``url`` answers 200 within :data:`CHECK_TIMEOUT` seconds."""
    try:
        with _DIRECT.open(url, timeout=CHECK_TIMEOUT) as response:
            return response.status == 200
    except (OSError, http.client.HTTPException):
        return False


def accepts_connections(address: str, port: int) -> bool:
    """Whether something listens on ``address:port`` (a wildcard address: on this machine)."""
    host = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(address, address)
    try:
        with socket.create_connection((host, port), timeout=CHECK_TIMEOUT):
            return True
    except OSError:
        return False


def port_free(address: str, port: int) -> bool:
    """Whether ``address:port`` can be bound (as nginx and Streamlit will, with SO_REUSEADDR)."""
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    try:
        socket.create_server((address, port), family=family).close()
        return True
    except OSError:
        return False


@dataclass
class Child:
    """One supervised process: its command, how to check it, and what is known of its health."""

    name: str
    argv: list[str]
    check: Callable[[], bool]
    proc: subprocess.Popen | None = None
    started: float = 0.0
    last_ok: float = 0.0
    ever_ok: bool = False
    early_failures: int = 0
    next_start: float = 0.0
    next_check: float = 0.0

    def start(self) -> None:
        self.proc = subprocess.Popen(
            self.argv,
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            preexec_fn=_die_with_parent if _LIBC is not None else None,
        )
        self.started = self.last_ok = time.monotonic()
        self.ever_ok = False
        self.next_check = self.started + CHECK_INTERVAL
        log(f"{self.name}: started (pid {self.proc.pid})")

    def stop(self) -> None:
        """SIGTERM, then SIGKILL after :data:`STOP_GRACE` seconds."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(STOP_GRACE)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def failed(self, now: float, reason: str) -> None:
        """Stops it (if still running) and plans the restart."""
        log(f"{self.name}: {reason}; restarting")
        self.stop()
        if self.ever_ok:
            self.early_failures = 0
        else:
            self.early_failures += 1
        pause = min(MAX_BACKOFF, 2.0 ** (self.early_failures - 1)) if self.early_failures else 0.5
        self.next_start = now + pause

    def tend(self, now: float) -> None:
        """One supervision step: start when due, notice an exit, check health when due."""
        if self.proc is None:
            if now >= self.next_start:
                self.start()
            return
        code = self.proc.poll()
        if code is not None:
            self.failed(now, f"exited with status {code}")
            return
        if now < self.next_check:
            return
        self.next_check = now + CHECK_INTERVAL
        if self.check():
            if not self.ever_ok:
                log(f"{self.name}: healthy after {now - self.started:.1f} s")
            self.ever_ok, self.last_ok, self.early_failures = True, now, 0
        elif not self.ever_ok and now - self.started > STARTUP_TIMEOUT:
            self.failed(now, f"no answer within {STARTUP_TIMEOUT:.0f} s of starting")
        elif self.ever_ok and now - self.last_ok > UNHEALTHY_AFTER:
            self.failed(now, f"no answer for {UNHEALTHY_AFTER:.0f} s")


class Stop(Exception):
    """Raised by the SIGINT/SIGTERM handler while the supervisor sleeps."""


class Signals:
    """SIGINT/SIGTERM set :attr:`received`; during :meth:`sleep` they also end the sleep at once.
    (Raising anywhere else could leave a process half started.)"""

    def __init__(self) -> None:
        self.received: str | None = None
        self._sleeping = False
        self._previous = {
            s: signal.signal(s, self._handle) for s in (signal.SIGINT, signal.SIGTERM)
        }

    def _handle(self, signum, frame) -> None:
        self.received = signal.Signals(signum).name
        if self._sleeping:
            raise Stop(self.received)

    def sleep(self, seconds: float) -> None:
        """Sleeps unless a signal came; may raise :class:`Stop`."""
        self._sleeping = True
        try:
            if self.received is None:
                time.sleep(seconds)
        finally:
            self._sleeping = False

    def ignore(self) -> None:
        for s in self._previous:
            signal.signal(s, signal.SIG_IGN)

    def restore(self) -> None:
        for s, handler in self._previous.items():
            signal.signal(s, handler)


def app_argv(port: int, streamlit_args: list[str]) -> list[str]:
    """One app process on 127.0.0.1:``port`` (options given later win over these)."""
    return [
        sys.executable,
        "-m",
        "optim_lab.ui.serve",
        "--server.address",
        WORKER_ADDRESS,
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--server.maxUploadSize",
        str(MAX_UPLOAD_MB),
        "--logger.hideWelcomeMessage",
        "true",
        *streamlit_args,
    ]


def stop_all(children: list[Child]) -> None:
    """SIGTERM to every running child at once, SIGKILL to those left after :data:`STOP_GRACE`."""
    running = [c for c in children if c.proc is not None and c.proc.poll() is None]
    for child in running:
        child.proc.terminate()
    deadline = time.monotonic() + STOP_GRACE
    for child in running:
        try:
            child.proc.wait(max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            log(f"{child.name}: still running after {STOP_GRACE:.0f} s; killing it")
            child.proc.kill()
            child.proc.wait()


def supervise(workers: int, port: int, address: str, streamlit_args: list[str]) -> int:
    """Runs the app processes and nginx until SIGINT/SIGTERM; returns the exit status."""
    nginx = nginx_binary()
    if nginx is None:
        log("nginx not found: install Debian's nginx (`make nginx`)")
        return 1
    ports = worker_ports(port, workers)
    busy = [p for p in ports if not port_free(WORKER_ADDRESS, p)]
    if not port_free(address, port):
        busy.insert(0, port)
    if busy:
        log(f"port(s) in use: {', '.join(map(str, busy))}; choose another --port")
        return 1
    runtime = Path(tempfile.mkdtemp(prefix="optim-lab-nginx-"))
    try:
        # Readable by nginx's worker processes, which drop to `nobody` when nginx starts as root.
        runtime.chmod(0o755)
        conf = runtime / "nginx.conf"
        conf.write_text(local_nginx_conf(address, port, ports))
        if subprocess.run(nginx_argv(nginx, runtime, conf, "-t", "-q"), check=False).returncode:
            return 1
        # The cores are shared out: each app process gets as many computing helpers (offload).
        os.environ.setdefault(PROCESSES_ENV, str(max(1, available_cores() // workers)))
        children = [
            Child(
                f"worker {i + 1} (port {p})",
                app_argv(p, streamlit_args),
                check=lambda p=p: answers_health(f"http://{WORKER_ADDRESS}:{p}{HEALTH_PATH}"),
            )
            for i, p in enumerate(ports)
        ]
        front = Child(
            "nginx", nginx_argv(nginx, runtime, conf), lambda: accepts_connections(address, port)
        )
        return _run(children, front, f"http://{listen_address(address, port)}")
    finally:
        shutil.rmtree(runtime, ignore_errors=True)


def _run(workers: list[Child], front: Child, url: str) -> int:
    signals = Signals()
    children = [*workers, front]
    status, announced = 0, False
    try:
        try:
            while signals.received is None:
                now = time.monotonic()
                for child in children:
                    if signals.received is not None:
                        break
                    child.tend(now)
                    if child.early_failures >= MAX_EARLY_FAILURES:
                        log(
                            f"{child.name}: failed {child.early_failures} times in a row; giving up"
                        )
                        status = 1
                        signals.received = "failures"
                if not announced and all(c.ever_ok for c in children):
                    announced = True
                    log(f"{len(workers)} app processes ready: open {url}")
                signals.sleep(0.5)
        except Stop:
            pass
        log(f"stopping ({signals.received})")
    finally:
        signals.ignore()  # no second signal may cut the clean-up short
        stop_all([front])  # first, so no request meets a stopping app process
        stop_all(workers)
        signals.restore()
    return status


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m optim_lab.ui.workers",
        description="Serve the app from several processes behind nginx (sticky per browser).",
        allow_abbrev=False,
    )
    parser.add_argument(
        "--workers", type=worker_count, default=available_cores(), help="a number or 'auto'"
    )
    parser.add_argument("--port", type=int, default=8501, help="nginx's (public) port")
    parser.add_argument("--address", default="127.0.0.1", help="nginx's (public) address")
    parser.add_argument(
        "--print-compose-conf",
        action="store_true",
        help="print deploy/nginx.compose.conf (rendered from the template) and exit",
    )
    args, streamlit_args = parser.parse_known_args(argv)
    if args.print_compose_conf:
        sys.stdout.write(compose_nginx_conf())
        return 0
    return supervise(args.workers, args.port, args.address, streamlit_args)


if __name__ == "__main__":
    sys.exit(main())
