"""Test-wide fixtures: the real register loaded once per session into a real PostgreSQL."""

import pytest


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
