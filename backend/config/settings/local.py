"""Development and demo (`kenmu.py serve`): the embedded PostgreSQL unless DATABASE_URL is given.

Safe to leave running on a machine others can reach: DEBUG is off unless DEBUG=1 (environment or .env),
and without SECRET_KEY a random key is generated once and kept in .data/secret_key, never a public one.
"""

import os
import secrets
import tempfile
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from backend.config.embedded_db import REPO_ROOT

from .base import *  # noqa: F403
from .base import database_settings, env

SECRET_KEY_FILE = REPO_ROOT / ".data" / "secret_key"


def secret_key_from_file(path: Path) -> str:
    """The key kept in `path`; the first caller creates it (mode 0600) so that sessions survive restarts.

    The web workers and the task worker start together: the key is written to a temporary file and
    linked into place, so a reader sees either no file or the whole key, and only one key ever wins.
    """
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, draft = tempfile.mkstemp(dir=path.parent, prefix=".secret_key.")  # mkstemp creates it 0600
        try:
            with os.fdopen(fd, "w") as file:
                file.write(secrets.token_urlsafe(50))
            os.link(draft, path)
        except FileExistsError:
            pass  # another process was first; its key is the one
        finally:
            os.unlink(draft)
    key = path.read_text().strip()
    if len(key) < 32:
        raise ImproperlyConfigured(f"{path} holds no usable secret key; delete it and a new one is generated")
    return key


DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = SECRET_KEY or secret_key_from_file(SECRET_KEY_FILE)  # noqa: F405

if env("DATABASE_URL", default=""):
    _url = env("DATABASE_URL")
else:
    from backend.config.embedded_db import service_database_url

    _url = service_database_url()
DATABASES = {"default": database_settings(_url)}
