"""`kenmu.py serve` is safe to leave running: it restarts a dead child without touching the other, and the
local settings it runs under keep DEBUG off and the secret key private."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import kenmu

ROOT = Path(__file__).resolve().parents[1]
SLEEPER = [sys.executable, "-c", "import time; time.sleep(60)"]
FAILS_AT_ONCE = [sys.executable, "-c", "raise SystemExit(3)"]


def _supervise(supervisor: kenmu.Supervisor, until, timeout: float = 20.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        supervisor.check()
        if until():
            return True
        time.sleep(0.05)
    return False


def test_a_killed_worker_is_restarted_and_the_web_keeps_its_process():
    supervisor = kenmu.Supervisor({"web": SLEEPER, "worker": SLEEPER}, first_backoff_s=0.1)
    supervisor.start()
    try:
        web, worker = supervisor.processes["web"], supervisor.processes["worker"]
        os.kill(worker.pid, signal.SIGKILL)
        restarted = _supervise(supervisor, lambda: supervisor.processes["worker"].pid != worker.pid)
        assert restarted
        assert supervisor.processes["worker"].poll() is None
        assert supervisor.processes["web"] is web and web.poll() is None
    finally:
        supervisor.stop(grace_s=5)
    assert all(process.poll() is not None for process in supervisor.processes.values())


def test_a_child_that_fails_right_after_every_start_makes_the_supervisor_give_up():
    supervisor = kenmu.Supervisor({"web": FAILS_AT_ONCE, "worker": SLEEPER}, first_backoff_s=0.01,
                                  max_backoff_s=0.05, give_up_after=3)
    supervisor.start()
    worker = supervisor.processes["worker"]
    try:
        with pytest.raises(kenmu.ChildKeepsFailing, match="web exited 3 times"):
            _supervise(supervisor, until=lambda: False)
        assert supervisor.processes["worker"] is worker and worker.poll() is None
    finally:
        supervisor.stop(grace_s=5)


@pytest.mark.parametrize(("cpus", "workers"), [(None, "2"), (1, "2"), (3, "3"), (64, "4")])
def test_the_web_runs_gunicorn_with_two_to_four_workers(cpus, workers):
    command = [str(part) for part in kenmu.web_command("127.0.0.1:8765", cpus)]
    assert command[1:4] == ["-m", "gunicorn", "backend.config.wsgi"]
    assert command[command.index("--workers") + 1] == workers
    assert command[command.index("--bind") + 1] == "127.0.0.1:8765"


def _local_settings(code: str, **env: str) -> str:
    """Run `code` after importing the local settings in a fresh interpreter; SECRET_KEY is given so that the
    import never writes the repository's own .data/secret_key."""
    clean = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY", "DJANGO_SETTINGS_MODULE")}
    clean.update({"DATABASE_URL": "postgres://kenmu@localhost/kenmu", "SECRET_KEY": "x" * 50, **env})
    done = subprocess.run([sys.executable, "-c", f"import backend.config.settings.local as s\n{code}"],
                          cwd=ROOT, env=clean, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_local_settings_keep_debug_off_unless_asked():
    assert _local_settings("print(s.DEBUG)") == "False"
    assert _local_settings("print(s.DEBUG)", DEBUG="1") == "True"


def test_the_secret_key_is_generated_once_kept_private_and_reused(tmp_path):
    path = tmp_path / "data" / "secret_key"
    out = _local_settings(
        "import json, pathlib, sys\n"
        f"path = pathlib.Path({str(path)!r})\n"
        "first = s.secret_key_from_file(path)\n"
        "second = s.secret_key_from_file(path)\n"
        "print(json.dumps([first, second]))\n")
    first, second = json.loads(out)
    assert first == second == path.read_text().strip()
    assert len(first) >= 50
    assert path.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["secret_key"]  # no draft left behind


def test_the_quick_start_says_where_mail_goes(monkeypatch, tmp_path):
    monkeypatch.setattr(kenmu, "ROOT", tmp_path)
    assert f"{tmp_path / '.data' / 'mail'}/" in kenmu.mail_destination({})
    assert "EMAIL_URL" in kenmu.mail_destination({"EMAIL_URL": "smtp://mail.example.jp:587"})
    (tmp_path / ".env").write_text("EMAIL_URL=smtp+tls://mail.example.jp:587\n")
    assert "SMTP server" in kenmu.mail_destination({})


def test_mail_links_follow_the_address_serve_binds_unless_kenmu_base_url_is_set(monkeypatch, tmp_path):
    """Issue 21: with `serve 127.0.0.1:8310` every mail link pointed to http://127.0.0.1:8000."""
    monkeypatch.setattr(kenmu, "ROOT", tmp_path)
    env = {}
    assert kenmu.link_base(env, "127.0.0.1:8310") == "http://127.0.0.1:8310" == env["KENMU_BASE_URL"]
    env = {"KENMU_BASE_URL": "https://kenmu.pref.nagano.lg.jp"}
    assert kenmu.link_base(env, "127.0.0.1:8310") == "https://kenmu.pref.nagano.lg.jp"
    (tmp_path / ".env").write_text("KENMU_BASE_URL=https://kenmu.example.jp\n")
    env = {}
    kenmu.link_base(env, "127.0.0.1:8310")
    assert "KENMU_BASE_URL" not in env  # .env's value stands; the settings read it


@pytest.mark.parametrize("argv, expected", [
    ([], ["-n", "auto"]),
    (["tests/frontend", "-x"], ["-n", "auto", "tests/frontend", "-x"]),
    (["-n", "0", "tests"], ["-n", "0", "tests"]),
    (["-n4"], ["-n4"]),
    (["--numprocesses=3"], ["--numprocesses=3"]),
    (["-p", "no:xdist"], ["-p", "no:xdist"]),
])
def test_the_test_command_spreads_the_suite_over_the_cores_unless_told_otherwise(argv, expected):
    assert kenmu.test_arguments(argv) == expected
