"""Production settings refuse to start misconfigured; nothing falls back to SQLite."""

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
