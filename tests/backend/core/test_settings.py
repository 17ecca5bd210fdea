"""Production settings refuse to start misconfigured; nothing falls back to SQLite."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def _import_production(env: dict) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS")}
    return subprocess.run(
        [sys.executable, "-c", "import django, os; os.environ['DJANGO_SETTINGS_MODULE']="
         "'backend.config.settings.production'; from django.conf import settings; print(settings.DATABASES)"],
        cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, timeout=60)


def test_production_refuses_to_start_without_a_secret_key():
    result = _import_production({"DATABASE_URL": "postgres://u:p@db/kenmu", "ALLOWED_HOSTS": "kenmu.example.jp"})
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_a_database_url():
    result = _import_production({"SECRET_KEY": "x" * 40, "ALLOWED_HOSTS": "kenmu.example.jp"})
    assert result.returncode != 0 and "DATABASE_URL" in result.stderr


def test_production_rejects_a_non_postgres_database():
    result = _import_production({"SECRET_KEY": "x" * 40, "ALLOWED_HOSTS": "kenmu.example.jp",
                                 "DATABASE_URL": "mysql://u:p@db/kenmu"})
    assert result.returncode != 0 and "PostgreSQL only" in result.stderr


def test_production_starts_when_configured():
    result = _import_production({"SECRET_KEY": "x" * 40, "ALLOWED_HOSTS": "kenmu.example.jp",
                                 "DATABASE_URL": "postgres://u:p@db.example.jp:5432/kenmu"})
    assert result.returncode == 0, result.stderr
    assert "'HOST': 'db.example.jp'" in result.stdout and "postgresql" in result.stdout


def _database_options(module: str, env: dict, *, web: bool = False) -> dict:
    """CONN_MAX_AGE and CONN_HEALTH_CHECKS as `module` sets them; `web` loads the gunicorn config first, as
    `kenmu.py serve` and the production unit do for the web (never for the task worker)."""
    clean = {k: v for k, v in os.environ.items()
             if k not in ("CONN_MAX_AGE", "CONN_HEALTH_CHECKS", "DJANGO_SETTINGS_MODULE")}
    code = ("import json, os; " + ("import backend.config.gunicorn; " if web else "") +
            f"os.environ['DJANGO_SETTINGS_MODULE'] = '{module}'; from django.conf import settings; "
            "d = settings.DATABASES['default']; print(json.dumps([d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS']]))")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env={**clean, **env}, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return dict(zip(("max_age", "health_checks"), json.loads(result.stdout), strict=True))


def test_the_quick_start_and_production_keep_connections_and_only_the_worker_checks_them():
    url = {"DATABASE_URL": "postgres://u:p@db.example.jp:5432/kenmu"}
    production = {**url, "SECRET_KEY": "x" * 40, "ALLOWED_HOSTS": "kenmu.example.jp"}
    local = {**url, "SECRET_KEY": "y" * 40}
    for module, env in (("backend.config.settings.local", local), ("backend.config.settings.production", production)):
        assert _database_options(module, env) == {"max_age": 60, "health_checks": True}  # the task worker
        assert _database_options(module, env, web=True) == {"max_age": 60, "health_checks": False}
    assert _database_options("backend.config.settings.production", {**production, "CONN_MAX_AGE": "0"})["max_age"] == 0


def test_the_test_settings_open_a_connection_per_request():
    from django.conf import settings

    assert settings.DATABASES["default"]["CONN_MAX_AGE"] == 0
