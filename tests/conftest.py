"""Test-wide fixtures: the real register loaded once per session into a real PostgreSQL; Hypothesis profiles."""

from pathlib import Path

import pytest
from hypothesis import settings
from hypothesis.database import DirectoryBasedExampleDatabase

ROOT = Path(__file__).resolve().parents[1]

# CI runs `--hypothesis-profile=ci --hypothesis-seed=...` (.ci/run): the same examples on every run, and a
# failing one is saved under .hypothesis/examples, so the next run on that machine replays it first.
# (derandomize=True would do the first but forbids an example database, hence the fixed seed instead.)
settings.register_profile(
    "ci",
    database=DirectoryBasedExampleDatabase(ROOT / ".hypothesis" / "examples"),
    print_blob=True,  # a failure prints the @reproduce_failure line that replays it anywhere
)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from backend.geo.services import register_load

    with django_db_blocker.unblock():
        register_load()


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    """Backend tests that reach the database only through fixtures get the plain django_db marker,
    so that pytest-django orders them before the transactional tests that flush the tables."""
    for item in items:
        if "tests/backend" in str(item.fspath) and item.get_closest_marker("django_db") is None:
            item.add_marker(pytest.mark.django_db)
