"""Which tables changed: a statement trigger on every table notes each writing transaction in
core_tablechange (models.TableChange), and `table_versions()` reads, in one query, a version per table that
moves with every committed write to it — whoever wrote it, through the ORM, a bulk update or raw SQL.

The rows are only inserted (one per table and transaction, ON CONFLICT DO NOTHING), so two writers never wait
on each other here and no lock order is added. A table's version is (count, sum, max) of its visible row ids:
ids are taken before commit, so a transaction that commits after a later one adds a smaller id; the sum still
moves. Old rows are pruned (`prune`) once there are more than PRUNE_ABOVE: every version then moves once.

The triggers are (re)installed after every migrate (apps.CoreConfig.ready), so a table a later migration adds
is covered too. UNTRACKED tables get none: they are written on every request (sessions, sign-in attempts, the
rate limit, the task queue) and no reused read may depend on them (reuse.py refuses to keep such a read).
"""

from django.db import connection, connections, transaction

CHANGES_TABLE = "core_tablechange"
UNTRACKED = frozenset({
    CHANGES_TABLE, "django_session", "django_migrations", "core_ratelimitwindow",
    "axes_accessattempt", "axes_accessattemptexpiration", "axes_accesslog", "axes_accessfailurelog",
    "django_tasks_database_dbtaskresult",
})
PRUNE_ABOVE = 2_000  # rows kept before the oldest are deleted
PRUNE_LOCK = 0x6B656E6D75_02  # advisory lock: one pruner at a time

NOTE_CHANGE = f"""
CREATE OR REPLACE FUNCTION kenmu_note_change() RETURNS trigger AS $$
BEGIN
    INSERT INTO {CHANGES_TABLE} ("table", xact) VALUES (TG_TABLE_NAME, pg_current_xact_id()::text::bigint)
        ON CONFLICT ("table", xact) DO NOTHING;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""


def tracked_tables() -> list[str]:
    return sorted(t for t in connection.introspection.table_names() if t not in UNTRACKED)


def install_triggers(using: str = "default", **_kwargs) -> None:
    """The function and a statement trigger on every tracked table; idempotent (post_migrate)."""
    conn = connections[using]
    tables = [t for t in conn.introspection.table_names() if t not in UNTRACKED]
    if CHANGES_TABLE not in conn.introspection.table_names():
        return  # before core's migration: nothing to note changes in yet
    with conn.cursor() as cursor:
        cursor.execute(NOTE_CHANGE)
        for table in tables:
            quoted = conn.ops.quote_name(table)
            cursor.execute(f"CREATE OR REPLACE TRIGGER kenmu_note_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
                           f"ON {quoted} FOR EACH STATEMENT EXECUTE FUNCTION kenmu_note_change()")


def table_versions() -> dict[str, tuple[int, int, int]] | None:
    """A version per table written since the last prune; None inside a transaction (its own writes would not
    be in what other readers see)."""
    if connection.in_atomic_block:
        return None
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT "table", count(*), sum(id), max(id) FROM {CHANGES_TABLE} GROUP BY "table"')
        rows = cursor.fetchall()
    versions = {table: (count, int(total), top) for table, count, total, top in rows}
    if sum(v[0] for v in versions.values()) > PRUNE_ABOVE:
        prune()
    return versions


def prune(keep: int = PRUNE_ABOVE // 2) -> None:
    """Delete all but the newest `keep` rows; one pruner at a time, and none waits for another."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [PRUNE_LOCK])
        if cursor.fetchone()[0]:
            cursor.execute(f"DELETE FROM {CHANGES_TABLE} WHERE id <= (SELECT max(id) FROM {CHANGES_TABLE}) - %s",
                           [keep])
