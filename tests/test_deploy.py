"""Serving a class: the nginx configs we ship pass `nginx -t`, the container and Kubernetes files
are well formed, and `python -m optim_lab.ui.workers` keeps each browser on one app process,
restarts a killed one and stops cleanly (the last test starts real servers)."""

from __future__ import annotations

import http.cookiejar
import inspect
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml

from optim_lab import offload
from optim_lab.cpu_tuning import available_cores
from optim_lab.ui import serve, workers

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
KUBERNETES = DEPLOY / "kubernetes"
KUBERNETES_VERSION = "1.30.0"  # the oldest Kubernetes the manifests promise to fit
NGINX = workers.nginx_binary()
needs_nginx = pytest.mark.skipif(
    NGINX is None, reason="nginx is not installed (`make nginx` installs Debian's)"
)


def nginx_test(conf_text: str, tmp_path: Path) -> None:
    conf = tmp_path / "nginx.conf"
    conf.write_text(conf_text)
    out = subprocess.run(
        [NGINX, "-t", "-p", str(tmp_path), "-c", str(conf), "-e", "stderr"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert out.returncode == 0, out.stderr


# -- nginx ---------------------------------------------------------------------------------------


@needs_nginx
def test_local_nginx_conf_passes_nginx_t(tmp_path):
    nginx_test(workers.local_nginx_conf("127.0.0.1", 8501, workers.worker_ports(8501, 3)), tmp_path)


@needs_nginx
def test_compose_nginx_conf_is_the_rendered_template_and_passes_nginx_t(tmp_path):
    text = (DEPLOY / "nginx.compose.conf").read_text()
    assert text == workers.compose_nginx_conf(), (
        "deploy/nginx.compose.conf is stale: python -m optim_lab.ui.workers --print-compose-conf"
        " > deploy/nginx.compose.conf"
    )
    # `app` is compose's service name, unknown here: nginx -t resolves upstream names.
    assert "server app:8501 " in text
    nginx_test(text.replace("server app:8501 ", "server 127.0.0.1:8501 "), tmp_path)


def test_nginx_conf_routes_by_browser_cookie_and_proxies_the_websocket():
    text = workers.local_nginx_conf("127.0.0.1", 8501, [8502, 8503])
    assert "daemon off;" in text
    assert "listen 127.0.0.1:8501;" in text
    assert "server 127.0.0.1:8502 max_fails=1 fail_timeout=10s;" in text
    assert "server 127.0.0.1:8503 max_fails=1 fail_timeout=10s;" in text
    assert "hash $route_key consistent;" in text
    assert "ip_hash" not in text and "$remote_addr consistent" not in text  # NAT: one IP, a class
    assert "add_header Set-Cookie $route_cookie always;" in text
    assert "optimlab_route=$request_id; Path=/; HttpOnly; SameSite=Lax" in text
    assert "add_header X-Worker $upstream_addr always;" in text
    assert "proxy_next_upstream error timeout;" in text
    assert "client_max_body_size 2m;" in text
    assert "gzip on;" in text and "application/javascript" in text and "application/json" in text
    stream = text[text.index("location /_stcore/stream") :]
    assert "proxy_read_timeout 1h;" in stream
    assert "proxy_set_header Upgrade $http_upgrade;" in text
    assert "proxy_set_header Connection $connection_upgrade;" in text
    assert "proxy_set_header Host $http_host;" in text  # Streamlit compares Origin with Host
    # Nothing outside nginx's prefix folder: relative paths only (logs go to stderr).
    for directive in ("pid", "access_log", "client_body_temp_path", "proxy_temp_path"):
        line = next(x for x in text.splitlines() if x.strip().startswith(directive + " "))
        assert "/" not in line.split()[1], line


def test_ipv6_listen_address_in_brackets():
    assert workers.listen_address("::1", 8501) == "[::1]:8501"
    assert workers.listen_address("0.0.0.0", 80) == "0.0.0.0:80"


def test_worker_count():
    assert workers.worker_count("auto") == available_cores()
    assert workers.worker_count("3") == 3
    for bad in ("0", "-1", "two"):
        with pytest.raises(Exception, match="positive integer or 'auto'"):
            workers.worker_count(bad)
    assert workers.worker_ports(8501, 2) == [8502, 8503]


def test_make_run_starts_one_process_unless_workers_is_set():
    def dry_run(*args):
        out = subprocess.run(
            ["make", "--no-print-directory", "-n", "run", *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        return out.stdout.splitlines()

    default = dry_run("PORT=8600")
    assert default[-1].endswith(
        "-m optim_lab.ui.serve --server.address 127.0.0.1 --server.port 8600 --server.headless true"
    )
    assert not any("nginx" in line for line in default)
    several = dry_run("WORKERS=auto", "PORT=8600")
    assert any("apt-get install -y -qq nginx" in line for line in several)
    assert several[-1].endswith(
        "-m optim_lab.ui.workers --workers auto --port 8600 --address 127.0.0.1"
    )


# -- containers and Kubernetes ---------------------------------------------------------------------


def test_dockerfile_runs_the_app_as_a_non_root_user_with_a_health_check():
    text = (DEPLOY / "Dockerfile").read_text()
    assert text.startswith("#") and "\nFROM python:3.11-slim\n" in text
    assert "pip install . " in text and "pip install -e" not in text
    assert "\nUSER 10001" in text
    assert "HEALTHCHECK" in text and "/_stcore/health" in text
    assert "OPTIM_LAB_JAX_CACHE=/tmp/cache" in text  # optim_lab.config's compile cache, writable
    cmd = next(line for line in text.splitlines() if line.startswith("CMD"))
    assert '"optim_lab.ui.serve", "--server.address", "0.0.0.0", "--server.port", "8501"' in cmd
    ignored = (ROOT / ".dockerignore").read_text().split()
    for path in (".venv", ".git", "artifacts", ".pytest_cache", ".hypothesis"):
        assert path in ignored


def test_compose_runs_replicas_behind_nginx_with_the_shipped_config():
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    app, nginx = compose["services"]["app"], compose["services"]["nginx"]
    assert app["build"] == {"context": "..", "dockerfile": "deploy/Dockerfile"}
    assert (DEPLOY / app["build"]["context"] / app["build"]["dockerfile"]).is_file()
    assert app["deploy"]["replicas"] >= 2
    assert "/_stcore/health" in " ".join(app["healthcheck"]["test"])
    assert "./nginx.compose.conf:/etc/nginx/optim-lab.conf:ro" in nginx["volumes"]
    assert nginx["command"][:3] == ["nginx", "-p", "/tmp/"]
    assert "/etc/nginx/optim-lab.conf" in nginx["command"]
    assert nginx["depends_on"]["app"]["condition"] == "service_healthy"
    assert any(port.endswith(":80") for port in nginx["ports"])


def kubernetes_documents() -> list[dict]:
    kustomization = yaml.safe_load((KUBERNETES / "kustomization.yaml").read_text())
    listed = kustomization["resources"]
    on_disk = sorted(p.name for p in KUBERNETES.glob("*.yaml") if p.name != "kustomization.yaml")
    assert sorted(listed) == on_disk
    return [doc for name in listed for doc in yaml.safe_load_all((KUBERNETES / name).read_text())]


def test_kubernetes_manifests_validate_offline():
    import kubernetes_validate

    documents = kubernetes_documents()
    assert {doc["kind"] for doc in documents} == {"Deployment", "Service", "Ingress"}
    for doc in documents:
        kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)


def mebibytes(quantity: str) -> float:
    """A Kubernetes memory quantity (``1536Mi``, ``4Gi``) in MiB."""
    number, unit = quantity[:-2], quantity[-2:]
    return float(number) * {"Mi": 1, "Gi": 1024}[unit]


def test_kubernetes_probes_affinity_and_wiring():
    docs = {doc["kind"]: doc for doc in kubernetes_documents()}
    deployment, service, ingress = docs["Deployment"], docs["Service"], docs["Ingress"]
    pod = deployment["spec"]["template"]
    (container,) = pod["spec"]["containers"]
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        assert container[probe]["httpGet"] == {"path": "/_stcore/health", "port": 8501}
    resources = container["resources"]
    assert resources["requests"]["cpu"] == resources["limits"]["cpu"] == "1"  # one helper per core
    # the app (about 1 GB) beside a short-call helper and the long-call one, each up to the size
    # past which it is replaced
    recycle_mb = inspect.signature(offload.start).parameters["recycle_mb"].default
    assert mebibytes(resources["limits"]["memory"]) >= 1000 + 2 * recycle_mb
    assert mebibytes(resources["requests"]["memory"]) <= mebibytes(resources["limits"]["memory"])
    assert pod["spec"]["securityContext"]["runAsNonRoot"] is True
    assert deployment["spec"]["replicas"] >= 2
    labels = pod["metadata"]["labels"]
    assert service["spec"]["selector"].items() <= labels.items()
    assert deployment["spec"]["selector"]["matchLabels"].items() <= labels.items()
    assert service["spec"]["ports"][0]["targetPort"] == container["ports"][0]["name"]
    notes = ingress["metadata"]["annotations"]
    assert notes["nginx.ingress.kubernetes.io/affinity"] == "cookie"
    assert notes["nginx.ingress.kubernetes.io/session-cookie-name"] == "optimlab_route"
    assert int(notes["nginx.ingress.kubernetes.io/proxy-read-timeout"]) >= 3600
    backend = ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
    assert backend == {"name": service["metadata"]["name"], "port": {"name": "http"}}


# -- the supervisor, for real -----------------------------------------------------------------------

DIRECT = urllib.request.ProxyHandler({})  # never through an HTTP proxy from the environment


class Browser:
    """An HTTP client with its own cookie jar, as one student's browser."""

    def __init__(self, port: int) -> None:
        self.base = f"http://127.0.0.1:{port}"
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            DIRECT, urllib.request.HTTPCookieProcessor(self.jar)
        )

    def get(self, path: str) -> tuple[int, str]:
        """The status and the worker that answered (nginx's X-Worker header)."""
        try:
            with self.opener.open(self.base + path, timeout=10) as response:
                return response.status, response.headers["X-Worker"]
        except urllib.error.HTTPError as error:  # a 404 still says who answered
            return error.code, error.headers["X-Worker"]

    def cookie(self, name: str) -> str | None:
        return next((c.value for c in self.jar if c.name == name), None)


def free_port_block(size: int) -> int:
    """A port p with p .. p+size-1 all free on 127.0.0.1."""
    for _ in range(100):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port + size < 65536 and all(
            workers.port_free("127.0.0.1", p) for p in range(port, port + size)
        ):
            return port
    raise RuntimeError("no free block of ports")


def children_of(pid: int) -> dict[int, str]:
    """Live child processes of ``pid``: their command lines."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        if fields[0] != "Z" and int(fields[1]) == pid:
            found[int(entry.name)] = cmdline
    return found


def descendants(pid: int) -> set[int]:
    found = set(children_of(pid))
    for child in list(found):
        found |= descendants(child)
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return state[state.rindex(")") + 2] != "Z"


def ours(pid: int) -> bool:
    """Still one of the processes the supervisor started (not a reused pid)."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
    return alive(pid) and (b"optim_lab.ui.serve" in cmdline or b"nginx" in cmdline)


def worker_pid(supervisor: int, port: int) -> int | None:
    return next(
        (
            pid
            for pid, cmd in children_of(supervisor).items()
            if f"--server.port {port} " in cmd and "optim_lab.ui.serve" in cmd
        ),
        None,
    )


def wait_for(condition, timeout: float, what: str, log: Path):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.5)
    raise AssertionError(f"{what} within {timeout:.0f} s\n{log.read_text()[-3000:]}")


def worker_healthy(port: int) -> bool:
    return workers.answers_health(f"http://127.0.0.1:{port}{workers.HEALTH_PATH}")


@pytest.mark.slow
@needs_nginx
def test_workers_sticky_per_browser_restart_a_killed_one_and_stop_cleanly(tmp_path):
    port = free_port_block(3)
    app_ports = workers.worker_ports(port, 2)
    log = tmp_path / "workers.log"
    seen: set[int] = set()
    with log.open("w") as out:
        supervisor = subprocess.Popen(
            [sys.executable, "-m", "optim_lab.ui.workers", "--workers", "2", "--port", str(port)],
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    try:
        wait_for(lambda: all(map(worker_healthy, app_ports)), 90, "both app processes healthy", log)
        wait_for(lambda: Browser(port).get("/_stcore/health")[0] == 200, 10, "nginx up", log)
        assert len(children_of(supervisor.pid)) == 3  # two app processes and nginx
        seen |= descendants(supervisor.pid)  # nginx's own worker too

        # (a) Fresh browsers spread over both processes; each keeps to its own.
        browsers = [Browser(port) for _ in range(20)]
        first = [b.get("/") for b in browsers]
        assert all(status == 200 for status, _ in first)
        used = {worker for _, worker in first}
        assert used == {f"127.0.0.1:{p}" for p in app_ports}, used
        for b in browsers:
            assert len(b.cookie("optimlab_route") or "") == 32
        other = next(i for i, (_, worker) in enumerate(first) if worker != first[0][1])
        (a, home_a), (b, home_b) = (browsers[0], first[0][1]), (browsers[other], first[other][1])
        for path in ("/", "/_stcore/health", "/_stcore/host-config", "/media/missing.png"):
            assert a.get(path)[1] == home_a, path
            assert b.get(path)[1] == home_b, path
        assert a.cookie("optimlab_route") != b.cookie("optimlab_route")
        with a.opener.open(a.base + "/momentum", timeout=10) as page:  # its header passes nginx
            assert page.headers["Link"] == f"<{serve.plotly_script()}>; rel=modulepreload"

        # The websocket goes through nginx to the browser's process too.
        from websockets.sync.client import connect

        cookies = "; ".join(f"{c.name}={c.value}" for c in a.jar)
        with connect(
            f"ws://127.0.0.1:{port}/_stcore/stream",
            subprotocols=["streamlit"],
            additional_headers={"Cookie": cookies},
            origin=f"http://127.0.0.1:{port}",
            open_timeout=10,
            proxy=None,
        ) as ws:
            assert ws.response.status_code == 101
            assert ws.response.headers["X-Worker"] == home_a

        # (b) SIGKILL b's process: the supervisor starts a new one; a stays where it was, and
        # b's requests meanwhile go to the other process.
        killed_port = int(home_b.rsplit(":", 1)[1])
        killed = worker_pid(supervisor.pid, killed_port)
        assert killed is not None
        os.kill(killed, signal.SIGKILL)
        deadline = time.monotonic() + 60
        statuses_b = []
        while not (
            (new := worker_pid(supervisor.pid, killed_port)) not in (None, killed)
            and worker_healthy(killed_port)
        ):
            assert time.monotonic() < deadline, f"no restart in 60 s\n{log.read_text()[-3000:]}"
            assert a.get("/_stcore/health") == (200, home_a)
            statuses_b.append(b.get("/_stcore/health")[0])
            time.sleep(0.5)
        seen.add(new)
        assert statuses_b and set(statuses_b) == {200}, statuses_b
        assert worker_pid(supervisor.pid, int(home_a.rsplit(":", 1)[1])) in seen
        assert "exited with status" in log.read_text()
        assert a.get("/") == (200, home_a)

        # (c) SIGTERM: every child stops, the supervisor exits cleanly.
        seen |= descendants(supervisor.pid)
        supervisor.send_signal(signal.SIGTERM)
        assert supervisor.wait(30) == 0, log.read_text()[-3000:]
        assert not [pid for pid in seen if alive(pid)]
        assert not any(map(worker_healthy, app_ports))
        assert not workers.accepts_connections("127.0.0.1", port)
    finally:
        if supervisor.poll() is None:
            supervisor.terminate()
            try:
                supervisor.wait(20)
            except subprocess.TimeoutExpired:
                supervisor.kill()
                supervisor.wait()
        for pid in seen:
            if ours(pid):
                os.kill(pid, signal.SIGKILL)


def test_supervisor_restarts_a_child_that_stops_answering_or_keeps_failing(monkeypatch):
    monkeypatch.setattr(workers, "CHECK_INTERVAL", 0.0)
    monkeypatch.setattr(workers, "UNHEALTHY_AFTER", 0.3)
    answers = True
    child = workers.Child(
        "sleeper", [sys.executable, "-c", "import time; time.sleep(60)"], lambda: answers
    )
    crasher = workers.Child("crasher", [sys.executable, "-c", "raise SystemExit(3)"], lambda: True)
    try:
        child.tend(time.monotonic())  # starts it
        first = child.proc.pid
        child.tend(time.monotonic())
        assert child.ever_ok
        answers = False
        time.sleep(0.4)
        child.tend(time.monotonic())  # no answer for 0.4 s: stopped, restart planned
        assert child.proc is None and not alive(first)
        assert child.early_failures == 0  # it had worked: restarted at once, no back-off
        child.tend(child.next_start)
        assert child.proc.pid != first

        pauses = []
        for _ in range(3):
            crasher.tend(crasher.next_start)  # starts it
            crasher.proc.wait(30)
            now = time.monotonic()
            crasher.tend(now)  # notices the exit
            pauses.append(round(crasher.next_start - now))
        assert crasher.early_failures == 3 and pauses == [1, 2, 4]
    finally:
        child.stop()
        crasher.stop()
