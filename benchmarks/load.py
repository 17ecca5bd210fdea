"""Load benchmark: the API lists and the main pages, one endpoint at a time, under 50 concurrent clients.

    .venv/bin/python -m benchmarks.load                                   # all endpoints, 30 s each
    .venv/bin/python -m benchmarks.load --only api-needs,page-needs --duration 10
    .venv/bin/python -m benchmarks.load --worker-class gthread --workers 2 --threads 8
    .venv/bin/python -m benchmarks.load --no-reuse                        # every read built afresh
    .venv/bin/python -m benchmarks.load --writer --only api-needs --duration 10   # while a clerk saves a need
    .venv/bin/python -m benchmarks.load --url http://127.0.0.1:8000       # a running server (kenmu.py serve)

What it does, in order: a throw-away PostgreSQL (or DATABASE_URL when set), migrate, the register, the
demo, a realistic volume on top (`manage.py seed_volume`, backend/demo/volume.py: 長野県 with a few hundred
needs and experts and two national match runs), collectstatic; then gunicorn with production settings on
127.0.0.1 and a free port, a session sign-in per demo user through the login page, and one headless locust run
per endpoint (`benchmarks/locustfile.py`, FastHttpUser, no wait time). The trivial vendors list is measured
first in every run, and each row also reads as a ratio to it (req/s and p95), so that runs on a busy machine
compare. With `--writer`, a clerk (`benchmarks/writer.py`, its own process and database connection) saves one
need every second through the needs service while each endpoint is measured; its writes are counted per row.
With `--url`, the server and its database are the caller's (e.g. `kenmu.py serve` after `manage.py
seed_volume`): nothing is prepared or started but the clients (and the writer, which reaches the database
through the caller's DJANGO_SETTINGS_MODULE and DATABASE_URL, the quick start's by default); the server's and
the database's CPU are measured when their processes are on this machine (the port's listener, the settings'
postmaster). It prints a table and writes it with the setup, the commit, the machine load and the CPU
each party used to artifacts/load-<time>/results.json.

It owns only what it starts: gunicorn and locust run in their own process groups and are stopped at the
end, on error and on Ctrl-C (or SIGTERM); the throw-away database is stopped and deleted when the
process exits. It never edits the code it measures.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import http.client
import http.cookiejar
import json
import os
import platform
import re
import resource
import secrets
import shlex
import signal
import socket
import statistics
import string
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[1]
LOCUSTFILE = Path(__file__).resolve().with_name("locustfile.py")
DEMO_PASSWORD = "kenmu-demo"
# At the end of a run the clients finish the request they are waiting for, so slow responses still count.
STOP_TIMEOUT_S = 15
SINGLE_CLIENT_REQUESTS = 20  # timed one at a time before the load, for the service time without queueing
USERS = {"coordinator": "demo-coordinator", "municipal": "demo-municipal", "expert": "demo-expert"}
REFERENCE = "api-vendors"  # the trivial list every row is compared with, measured first in every run


@dataclass(frozen=True)
class Endpoint:
    key: str
    path: str
    role: str = "coordinator"
    expect: int = 200

    @property
    def label(self) -> str:
        return self.path if self.role == "coordinator" else f"{self.path} ({self.role})"


ENDPOINTS = (
    Endpoint("api-needs", "/api/v1/needs/"),
    Endpoint("api-needs-municipal", "/api/v1/needs/", "municipal"),
    Endpoint("api-experts", "/api/v1/experts/"),
    Endpoint("api-runs", "/api/v1/runs/"),
    Endpoint("api-engagements", "/api/v1/engagements/"),
    Endpoint("api-engagements-expert", "/api/v1/engagements/", "expert"),
    Endpoint("api-procurements", "/api/v1/procurements/"),
    Endpoint("api-vendors", "/api/v1/vendors/"),
    Endpoint("api-municipalities", "/api/v1/municipalities/"),
    Endpoint("api-audit-log", "/api/v1/audit-log/"),
    Endpoint("api-restrictions", "/api/v1/restrictions/"),
    Endpoint("page-home", "/", expect=302),  # the redirect to the role's start page: the floor of a request
    Endpoint("page-dashboard", "/dashboard/"),
    Endpoint("page-needs", "/needs/"),
    Endpoint("page-needs-municipal", "/needs/", "municipal"),
    Endpoint("page-experts", "/experts/"),
    Endpoint("page-runs", "/runs/"),
    Endpoint("page-engagements", "/engagements/"),
)


def say(message: str) -> None:
    print(f"[load] {message}", flush=True)


# -- the database and the data -------------------------------------------------------------------------

def database_url() -> tuple[str, bool]:
    """DATABASE_URL when set, else a throw-away embedded cluster deleted at exit; (url, embedded)."""
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"], False
    sys.path.insert(0, str(REPO))
    from backend.config.embedded_db import temporary_database_url

    return temporary_database_url(), True


def server_env(url: str) -> dict[str, str]:
    """Production settings from the environment, as an operator would set them (a fresh random secret)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "KENMU_"))}
    alphabet = string.ascii_letters + string.digits + "!#%&()*+-=@^_"
    env.update({
        "DJANGO_SETTINGS_MODULE": "backend.config.settings.production",
        "SECRET_KEY": "".join(secrets.choice(alphabet) for _ in range(50)),
        "DATABASE_URL": url,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_COOKIES": "false",
        "DEBUG": "false",
        "PYTHONPATH": str(REPO),
    })
    return env


def _python(env: dict, *args: str, capture: bool = False) -> str:
    done = subprocess.run([sys.executable, *args], cwd=REPO, env=env, check=True, text=True,
                          stdout=subprocess.PIPE if capture else None)
    return done.stdout or ""


def prepare_database(env: dict) -> dict:
    """Schema, register, demo, volume and static files; returns the volume summary."""
    steps = {}
    for name, args in (("migrate", ("migrate", "--no-input", "-v", "0")), ("load_register", ("load_register",)),
                       ("seed_demo", ("seed_demo",))):
        started = time.perf_counter()
        say(f"manage.py {' '.join(args)}")
        _python(env, "manage.py", *args, capture=True)
        steps[name] = round(time.perf_counter() - started, 1)
    say("manage.py seed_volume: three 長野県 instances, one national instance, two national runs, approvals")
    started = time.perf_counter()
    # --allow-production: the throw-away database of this benchmark, or the DATABASE_URL its caller chose.
    summary = json.loads(_python(env, "manage.py", "seed_volume", "--allow-production", "--json",
                                 capture=True).strip().splitlines()[-1])
    steps["volume"] = round(time.perf_counter() - started, 1)
    _python(env, "manage.py", "collectstatic", "--no-input", "-v", "0")
    return {**summary, "setup_seconds": steps}


def postmaster_pid(url: str) -> int | None:
    """The PostgreSQL postmaster's pid when it runs on this machine (the parent of our backend)."""
    try:
        import psycopg

        with psycopg.connect(url) as connection:
            backend = connection.execute("select pg_backend_pid()").fetchone()[0]
        return psutil.Process(backend).ppid()
    except Exception:  # a remote server: its CPU is not ours to measure
        return None


def caller_postmaster_pid(env: dict) -> int | None:
    """The postmaster of the database the caller's settings name (a server given by --url), when local."""
    code = ("import django, psutil; django.setup(); from django.db import connection\n"
            "with connection.cursor() as c: c.execute('select pg_backend_pid()'); print(psutil.Process("
            "c.fetchone()[0]).ppid())")
    try:
        return int(_python(env, "-c", code, capture=True).strip().splitlines()[-1])
    except Exception:  # a remote database, or settings that do not reach it: its CPU is not ours to measure
        return None


def listening_pid(url: str) -> int | None:
    """The process serving a local URL's port: gunicorn's arbiter (the parent of the workers sharing the socket)."""
    port = urllib.parse.urlsplit(url).port or 80
    try:
        pids = {c.pid for c in psutil.net_connections("tcp")
                if c.status == psutil.CONN_LISTEN and c.laddr.port == port and c.pid}
    except psutil.AccessDenied:
        return None
    roots = [pid for pid in pids if psutil.Process(pid).ppid() not in pids]
    return roots[0] if len(roots) == 1 else None


# -- gunicorn --------------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Gunicorn:
    """gunicorn in its own process group; `stop` ends the group (TERM, then KILL after 15 s)."""

    def __init__(self, env: dict, *, workers: int, worker_class: str, threads: int, extra: list[str], log: Path):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.command = [sys.executable, "-m", "gunicorn", "backend.config.wsgi", "--chdir", str(REPO),
                        "--bind", f"127.0.0.1:{self.port}", "--workers", str(workers),
                        "--worker-class", worker_class, "--threads", str(threads), *extra]
        self.log = log.open("w")
        self.process = subprocess.Popen(self.command, cwd=REPO, env=env, stdout=self.log, stderr=subprocess.STDOUT,
                                        start_new_session=True)

    def wait_ready(self, timeout_s: float = 60) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}; see {self.log.name}")
            try:
                with urllib.request.urlopen(f"{self.base}/login/", timeout=5) as response:
                    if response.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"gunicorn did not answer within {timeout_s} s; see {self.log.name}")

    def stop(self) -> None:
        if self.process.poll() is None:
            _end_group(self.process, grace_s=15)
        self.log.close()


def _end_group(process: subprocess.Popen, *, grace_s: float) -> None:
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(grace_s)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    except ProcessLookupError:
        pass


# -- the writer -----------------------------------------------------------------------------------------------

class Writer:
    """`benchmarks.writer` in its own process group, from before an endpoint's measurement to after it."""

    def __init__(self, env: dict, *, log: Path):
        self.log = log.open("a")
        self.process = subprocess.Popen([sys.executable, "-m", "benchmarks.writer"], cwd=REPO, env=env,
                                        stdout=subprocess.PIPE, stderr=self.log, text=True, start_new_session=True)

    def stop(self) -> dict:
        """{"writes": n, "failures": m, ...} from the writer's last line; ends it (SIGTERM, then SIGKILL)."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            output, _ = self.process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            _end_group(self.process, grace_s=0)
            output = ""
        self.log.close()
        lines = [line for line in output.strip().splitlines() if line.startswith("{")]
        report = json.loads(lines[-1]) if lines else {}
        if "writes" not in report:
            raise RuntimeError(f"the writer reported no writes ({report or 'nothing'}); see {self.log.name}")
        return report


def writer_env(env: dict, *, url_given: bool) -> dict:
    """The server's settings and database for a server we started; the caller's own for one given by --url."""
    if not url_given:
        return env
    return {**os.environ, "PYTHONPATH": str(REPO),
            "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "backend.config.settings.local")}


# -- signing in -----------------------------------------------------------------------------------------

def sign_in(base: str, username: str) -> str:
    """The Cookie header of a session signed in through the login page (GET for the token, then POST)."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(f"{base}/login/", timeout=30) as response:
        page = response.read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if token is None:
        raise RuntimeError("no csrfmiddlewaretoken on the login page")
    form = urllib.parse.urlencode({"csrfmiddlewaretoken": token.group(1), "username": username,
                                   "password": DEMO_PASSWORD, "next": ""}).encode()
    with opener.open(f"{base}/login/", data=form, timeout=30) as response:
        response.read()
    cookies = {c.name: c.value for c in jar}
    if "sessionid" not in cookies:
        raise RuntimeError(f"signing in as {username} failed (no session cookie)")
    return "; ".join(f"{name}={value}" for name, value in sorted(cookies.items()))


def fetch(base: str, path: str, cookie: str) -> tuple[int, int, str]:
    """(status, body bytes, Location) of one GET without following redirects."""
    connection = http.client.HTTPConnection(base.removeprefix("http://"), timeout=60)
    try:
        connection.request("GET", path, headers={"Cookie": cookie})
        response = connection.getresponse()
        return response.status, len(response.read()), response.getheader("Location", "")
    finally:
        connection.close()


def preflight(base: str, endpoint: Endpoint, cookie: str, *, warm: int, timed: int) -> tuple[int, float]:
    """Check the endpoint answers as expected and warm the workers, then time `timed` requests one after
    another (a single client); returns (body bytes, median ms)."""
    size, times = 0, []
    for index in range(warm + timed):
        started = time.perf_counter()
        status, size, location = fetch(base, endpoint.path, cookie)
        if index >= warm:
            times.append(time.perf_counter() - started)
        if status != endpoint.expect or "/login/" in location:
            raise RuntimeError(f"{endpoint.label}: status {status} {location}, expected {endpoint.expect}")
    return size, round(statistics.median(times) * 1000, 1) if times else 0.0


# -- CPU accounting ---------------------------------------------------------------------------------------

def _tree_cpu_s(pid: int | None) -> float | None:
    """CPU seconds of a process, its live descendants and the children it already reaped."""
    if pid is None:
        return None
    try:
        root = psutil.Process(pid)
        processes = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return None
    total = 0.0
    for process in processes:
        try:
            times = process.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += times.user + times.system + times.children_user + times.children_system
    return total


def _machine_busy_s() -> float:
    times = psutil.cpu_times()
    return sum(times) - times.idle - getattr(times, "iowait", 0.0)


def _children_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


@dataclass
class Measurement:
    key: str
    endpoint: str
    requests: int
    failures: int
    rps: float
    p50_ms: float | None
    p95_ms: float | None
    p99_ms: float | None
    avg_ms: float | None
    max_ms: float | None
    bytes: int
    single_ms: float
    cpu_ms_per_request: float | None
    wall_s: float
    locust_cores: float
    server_cores: float | None
    database_cores: float | None
    others_cores: float
    locust_cpu_warning: bool
    rps_vs_vendors: float | None = None  # req/s ÷ the vendors list's req/s in the same run
    p95_vs_vendors: float | None = None  # p95 ÷ the vendors list's p95 in the same run
    writer_writes: int | None = None  # the clerk's saves during this endpoint's measurement (--writer)
    writer_failures: int | None = None


def run_locust(endpoint: Endpoint, *, base: str, cookie: str, users: int, duration_s: int, out: Path,
               server_pid: int, database_pid: int | None, single_ms: float) -> Measurement:
    """One headless locust run against one endpoint; statistics reset once every client is running."""
    prefix = out / endpoint.key
    env = {**os.environ, "KENMU_BENCH_PATH": endpoint.path, "KENMU_BENCH_NAME": endpoint.label,
           "KENMU_BENCH_COOKIE": cookie, "KENMU_BENCH_EXPECT": str(endpoint.expect)}
    command = [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless", "-u", str(users),
               "-r", str(users), "-t", f"{duration_s}s", "--host", base, "--csv", str(prefix), "--only-summary",
               "--reset-stats", "--stop-timeout", str(STOP_TIMEOUT_S), "--loglevel", "WARNING"]
    before = (_children_cpu_s(), _tree_cpu_s(server_pid), _tree_cpu_s(database_pid), _machine_busy_s())
    started = time.perf_counter()
    with prefix.with_suffix(".log").open("w") as log:
        process = subprocess.Popen(command, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
        try:
            process.wait(timeout=duration_s + STOP_TIMEOUT_S + 60)
        finally:
            if process.poll() is None:
                _end_group(process, grace_s=5)
    wall = time.perf_counter() - started
    after = (_children_cpu_s(), _tree_cpu_s(server_pid), _tree_cpu_s(database_pid), _machine_busy_s())
    locust_s = after[0] - before[0]
    server_s = after[1] - before[1] if None not in (before[1], after[1]) else None
    database_s = after[2] - before[2] if None not in (before[2], after[2]) else None
    others_s = (after[3] - before[3]) - locust_s - (server_s or 0) - (database_s or 0)
    row = _stats_row(prefix, endpoint.label)
    requests = int(row["Request Count"])
    served_s = (server_s or 0) + (database_s or 0)
    return Measurement(
        key=endpoint.key, endpoint=endpoint.label, requests=requests,
        failures=int(row["Failure Count"]), rps=float(row["Requests/s"]), p50_ms=_ms(row["50%"]),
        p95_ms=_ms(row["95%"]), p99_ms=_ms(row["99%"]), avg_ms=_ms(row["Average Response Time"]),
        max_ms=_ms(row["Max Response Time"]), bytes=round(float(row["Average Content Size"])), single_ms=single_ms,
        cpu_ms_per_request=round(served_s * 1000 / requests, 1) if requests and server_s is not None else None,
        wall_s=round(wall, 1), locust_cores=round(locust_s / wall, 2),
        server_cores=round(server_s / wall, 2) if server_s is not None else None,
        database_cores=round(database_s / wall, 2) if database_s is not None else None,
        others_cores=round(max(0.0, others_s) / wall, 2),
        locust_cpu_warning="CPU usage" in prefix.with_suffix(".log").read_text(errors="replace"),
    )


def _stats_row(prefix: Path, name: str) -> dict:
    """The endpoint's row of locust's statistics; no row (no request finished) reads as zero requests."""
    stats = Path(f"{prefix}_stats.csv")
    if not stats.exists():
        raise RuntimeError(f"locust wrote no statistics; see {prefix.with_suffix('.log')}")
    with stats.open(newline="") as handle:
        for row in csv.DictReader(handle):
            if row["Name"] == name:
                return row
    return {"Request Count": 0, "Failure Count": 0, "Requests/s": 0, "50%": "N/A", "95%": "N/A", "99%": "N/A",
            "Average Response Time": "N/A", "Max Response Time": "N/A", "Average Content Size": 0}


def _ms(value) -> float | None:
    return None if value in ("N/A", "", None) else float(value)


# -- report ------------------------------------------------------------------------------------------------

COLUMNS = (("endpoint", 34, "endpoint"), ("requests", 9, "requests"), ("fail", 6, "failures"),
           ("req/s", 8, "rps"), ("p50", 7, "p50_ms"), ("p95", 7, "p95_ms"), ("p99", 7, "p99_ms"),
           ("KB", 8, "bytes"), ("1 client", 9, "single_ms"), ("CPU/req", 8, "cpu_ms_per_request"),
           ("locust", 7, "locust_cores"), ("web", 6, "server_cores"),
           ("db", 6, "database_cores"), ("other", 6, "others_cores"), ("×req/s", 7, "rps_vs_vendors"),
           ("×p95", 6, "p95_vs_vendors"), ("writes", 7, "writer_writes"))


def table(rows: list[Measurement]) -> str:
    """Times in ms; KB is the response body; `1 client` the median of requests sent one at a time; CPU/req the
    web and database CPU ms per request under load; locust/web/db/other the CPU cores used during the run;
    ×req/s and ×p95 the row's against the vendors list's in the same run; writes the writer's saves meanwhile."""
    lines = ["".join(f"{title:<{width}}" if index == 0 else f"{title:>{width}}"
                     for index, (title, width, _) in enumerate(COLUMNS))]
    for row in rows:
        cells = []
        for index, (_, width, field) in enumerate(COLUMNS):
            value = getattr(row, field)
            if field == "bytes":
                value = f"{value / 1024:.1f}"
            elif field == "rps":
                value = f"{value:.1f}"
            elif isinstance(value, float):
                value = f"{value:g}"
            value = "-" if value is None else str(value)
            cells.append(f"{value:<{width}}" if index == 0 else f"{value:>{width}}")
        lines.append("".join(cells))
    return "\n".join(lines)


def machine_state() -> dict:
    uptime = subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()
    return {"uptime": uptime, "loadavg": os.getloadavg(), "cpus": psutil.cpu_count()}


def commit() -> dict:
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, check=False).stdout.strip()

    tracked = git("status", "--porcelain", "--untracked-files=no").splitlines()
    return {"head": git("rev-parse", "HEAD"), "changed_files": len(tracked)}


def compare_to_reference(rows: list[Measurement]) -> None:
    """Fill each row's ratios to the vendors list measured in the same run (the first row)."""
    reference = next((row for row in rows if row.key == REFERENCE), None)
    if reference is None:
        return
    for row in rows:
        row.rps_vs_vendors = round(row.rps / reference.rps, 2) if reference.rps else None
        row.p95_vs_vendors = (round(row.p95_ms / reference.p95_ms, 2)
                              if row.p95_ms is not None and reference.p95_ms else None)


def selected_endpoints(only: str) -> list[Endpoint]:
    """The endpoints asked for, the vendors list first whatever was asked: every run carries its reference."""
    keys = {key for key in only.split(",") if key}
    chosen = [e for e in ENDPOINTS if not keys or e.key in keys or e.key == REFERENCE]
    return sorted(chosen, key=lambda e: e.key != REFERENCE)


# -- main ----------------------------------------------------------------------------------------------------

def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.load", description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50, help="concurrent clients (default 50)")
    parser.add_argument("--duration", type=int, default=30, help="seconds per endpoint (default 30)")
    parser.add_argument("--only", default="", help="comma-separated endpoint keys: " +
                        ", ".join(e.key for e in ENDPOINTS))
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (default 4)")
    parser.add_argument("--worker-class", default="sync", help="gunicorn worker class: sync (default) or gthread")
    parser.add_argument("--threads", type=int, default=1, help="threads per gthread worker (default 1)")
    parser.add_argument("--gunicorn-args", default="",
                        help='more gunicorn options, e.g. "--config gc_tuning.py" (one string, split like a shell)')
    parser.add_argument("--label", default="", help="a word for the artifact folder, e.g. before or after")
    parser.add_argument("--no-reuse", action="store_true",
                        help="KENMU_REUSE_READS=0 for the server: every request builds its answer, as the first "
                             "read after a write does (the server never sees the caller's KENMU_ variables)")
    parser.add_argument("--writer", action="store_true",
                        help="while each endpoint is measured, a clerk saves one need every second through the "
                             "needs service (benchmarks/writer.py); the writes are counted per row")
    parser.add_argument("--url", default="",
                        help="measure a running server, e.g. http://127.0.0.1:8000 from `kenmu.py serve` after "
                             "`manage.py seed_volume`: nothing is prepared or started but the clients")
    parser.add_argument("--prepare-only", action="store_true",
                        help="prepare the database (DATABASE_URL) and exit, e.g. to profile against it")
    args = parser.parse_args(argv)
    if args.url and (args.no_reuse or args.prepare_only):
        parser.error("--url measures the server as it runs: --no-reuse and --prepare-only need a server of our own")
    args.url = args.url.rstrip("/")
    known = {e.key for e in ENDPOINTS}
    unknown = {k for k in args.only.split(",") if k} - known
    if unknown:
        parser.error(f"unknown endpoint keys: {', '.join(sorted(unknown))}")
    return args


def _terminate(signum, frame):
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _terminate)
    selected = selected_endpoints(args.only)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    out = REPO / "artifacts" / f"load-{stamp}{'-' + args.label if args.label else ''}"
    out.mkdir(parents=True, exist_ok=True)
    report = {"started_at": dt.datetime.now().astimezone().isoformat(timespec="seconds"), "commit": commit(),
              "python": platform.python_version(), "machine_before": machine_state(),
              "gunicorn": None if args.url else {"workers": args.workers, "worker_class": args.worker_class,
                                                 "threads": args.threads, "more": args.gunicorn_args},
              "server_url": args.url or None, "writer": args.writer, "reference": REFERENCE,
              "users": args.users, "duration_s": args.duration}
    gunicorn, server_pid, database_pid = None, None, None
    if args.url:
        env = writer_env({}, url_given=True)
        server_pid, database_pid = listening_pid(args.url), caller_postmaster_pid(env)
        say(f"server: {args.url} (not started here), its process {server_pid or 'not found'}, the database's "
            f"{database_pid or 'not found'} (CPU of those not found is not measured); artifacts: {out}")
    else:
        url, embedded = database_url()
        say(f"database: {'throw-away embedded PostgreSQL' if embedded else 'DATABASE_URL'}; artifacts: {out}")
        env = server_env(url)
        if args.no_reuse:
            env["KENMU_REUSE_READS"] = "0"
        report["data"] = prepare_database(env)
        if args.prepare_only:
            print(json.dumps(report["data"], ensure_ascii=False, indent=1))
            return 0
        database_pid = postmaster_pid(url)
    results: list[Measurement] = []
    try:
        if args.url:
            base, warm = args.url, 8
        else:
            gunicorn = Gunicorn(env, workers=args.workers, worker_class=args.worker_class, threads=args.threads,
                                extra=shlex.split(args.gunicorn_args), log=out / "gunicorn.log")
            gunicorn.wait_ready()
            say(f"gunicorn on {gunicorn.base}: {args.workers} {args.worker_class} workers × {args.threads} threads")
            base, server_pid, warm = gunicorn.base, gunicorn.process.pid, 2 * args.workers * args.threads
        cookies = {role: sign_in(base, USERS[role]) for role in sorted({e.role for e in selected})}
        for endpoint in selected:
            writer = Writer(env, log=out / "writer.log") if args.writer else None
            try:
                size, single_ms = preflight(base, endpoint, cookies[endpoint.role], warm=warm,
                                            timed=SINGLE_CLIENT_REQUESTS)
                say(f"{endpoint.label}: {size / 1024:.1f} KB, {single_ms} ms alone; {args.users} clients for "
                    f"{args.duration} s{' while the writer saves a need every second' if writer else ''}")
                measured = run_locust(endpoint, base=base, cookie=cookies[endpoint.role], users=args.users,
                                      duration_s=args.duration, out=out, server_pid=server_pid,
                                      database_pid=database_pid, single_ms=single_ms)
            finally:
                written = writer.stop() if writer else None
            if written is not None:
                measured.writer_writes, measured.writer_failures = written["writes"], written["failures"]
            results.append(measured)
            compare_to_reference(results)
            print(table([measured]).splitlines()[1], flush=True)
    finally:
        if gunicorn is not None:
            gunicorn.stop()
        report["machine_after"] = machine_state()
        report["results"] = [asdict(r) for r in results]
        (out / "results.json").write_text(json.dumps(report, ensure_ascii=False, indent=1, default=str))
    print()
    print(table(results))
    print(f"\nms; KB = response body; 1 client = median ms of {SINGLE_CLIENT_REQUESTS} requests one at a time; "
          f"CPU/req = web + db CPU ms per request under load;\nlocust/web/db/other = CPU cores used while "
          f"measuring ({psutil.cpu_count()} cores in all); ×req/s, ×p95 = the row's against {REFERENCE} in this run"
          f"{'; writes = the writer' + chr(39) + 's saves of one need while the row was measured' if args.writer else ''}.\n"
          f"commit {report['commit']['head'][:10]} ({report['commit']['changed_files']} files changed); "
          f"before: {report['machine_before']['uptime']}\nafter:  {report['machine_after']['uptime']}\n"
          f"results: {out / 'results.json'}")
    failed_writes = any(r.writer_failures for r in results)
    return 1 if any(r.failures for r in results) or failed_writes else 0

if __name__ == "__main__":
    sys.exit(main())
