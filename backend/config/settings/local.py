"""Development and demo: the embedded PostgreSQL unless DATABASE_URL is given."""

from .base import *  # noqa: F403
from .base import database_settings, env

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = SECRET_KEY or "kenmu-local-development-key-not-for-production"  # noqa: F405

if env("DATABASE_URL", default=""):
    _url = env("DATABASE_URL")
else:
    from backend.config.embedded_db import service_database_url

    _url = service_database_url()
DATABASES = {"default": database_settings(_url)}
