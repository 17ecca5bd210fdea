"""Test runs: a throw-away embedded PostgreSQL per session unless DATABASE_URL is given."""

from .base import *  # noqa: F403
from .base import database_settings, env

DEBUG = False
SECRET_KEY = "kenmu-test-key"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
ALLOWED_HOSTS = ["*"]

if env("DATABASE_URL", default=""):
    _url = env("DATABASE_URL")
else:
    import os

    from backend.config.embedded_db import temporary_database_url

    # Child processes (the live-server worker, subprocess tests) join the same cluster.
    _url = temporary_database_url()
    os.environ["DATABASE_URL"] = _url
DATABASES = {"default": database_settings(_url)}
KENMU_RUN_HEARTBEAT_S = 1
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
# Tests render pages without collectstatic; WhiteNoise serves straight from the app folders.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# django-axes stays on so that the lock-out is tested; force_login and force_authenticate never call
# authenticate(), so the tests that sign in with them never meet it.
AXES_ENABLED = True
