"""Engagements moved out of the runs app without touching the database, and the migrations say all of it."""

from io import StringIO

import pytest
from django.core.management import call_command

MOVE = [("engagements", "0001_initial"), ("restrictions", "0003_engagement_moved_to_engagements_app"),
        ("runs", "0008_engagements_moved_out")]


def _statements(sql: str) -> list[str]:
    return [line for line in sql.splitlines()
            if line.strip() and not line.startswith("--") and line not in ("BEGIN;", "COMMIT;")]


@pytest.mark.parametrize("backwards", [False, True], ids=["forwards", "backwards"])
@pytest.mark.parametrize(("app", "migration"), MOVE)
def test_the_move_of_engagements_runs_no_sql(app, migration, backwards):
    out = StringIO()
    call_command("sqlmigrate", app, migration, backwards=backwards, stdout=out)
    assert _statements(out.getvalue()) == []


def test_the_models_and_the_migrations_agree():
    """makemigrations --check exits 1 when a model changed without its migration (a lost db_table, say)."""
    call_command("makemigrations", "--check", "--dry-run", stdout=StringIO())
