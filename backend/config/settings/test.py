"""Test runs: a throw-away embedded PostgreSQL per session unless DATABASE_URL is given."""

import os

from .base import *  # noqa: F403
from .base import database_settings, env

DEBUG = False
SECRET_KEY = "kenmu-test-key"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
ALLOWED_HOSTS = ["*"]

# The pytest-xdist worker this process is ("" for a run in one process). The throw-away cluster a process starts
# is named for it, so that child processes (the live-server worker, subprocess tests) join their own process's
# cluster, while each xdist worker starts its own, so no worker's databases, connections and locks are shared
# with another's (this began when reuse was keyed on pg_current_snapshot(), which is cluster-wide).
_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if env("DATABASE_URL", default="") and os.environ.get("KENMU_TEST_CLUSTER_FOR", _worker) == _worker:
    _url = env("DATABASE_URL")  # the operator's server, or this process's (or its parent's) own cluster
else:
    from backend.config.embedded_db import temporary_database_url

    _url = temporary_database_url()
    os.environ["DATABASE_URL"] = _url
    os.environ["KENMU_TEST_CLUSTER_FOR"] = _worker
DATABASES = {"default": database_settings(_url)}
# A connection per request, as before issue 26: the test client never closes connections anyway, and the worker
# and server processes some tests start must not hold the test database past its teardown (DROP DATABASE waits
# for no one). CONN_MAX_AGE in the environment still wins, to try the suite with kept connections.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
KENMU_RUN_HEARTBEAT_S = 1
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
# Tests render pages without collectstatic; WhiteNoise serves straight from the app folders.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# django-axes stays on so that the lock-out is tested; force_login and force_authenticate never call
# authenticate(), so the tests that sign in with them never meet it.
AXES_ENABLED = True
