"""Test-wide fixtures: the real register loaded once per session into a real PostgreSQL."""

import pytest


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from backend.geo.services import register_load

    with django_db_blocker.unblock():
        register_load()
