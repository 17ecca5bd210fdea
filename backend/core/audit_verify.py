"""Walking the audit log's hash chain: the first row whose content or link does not match, if any."""

from dataclasses import dataclass

from backend.core.audit import GENESIS_HASH, audit_hash
from backend.core.models import AuditLog


@dataclass(frozen=True)
class ChainBreak:
    row_id: int
    problem: str  # "content": the row was changed; "link": a row before it was removed, added or reordered


@dataclass(frozen=True)
class ChainReport:
    rows: int
    last_hash: str
    broken: ChainBreak | None


def audit_chain_verify(*, chunk_size: int = 5000) -> ChainReport:
    """Recompute every row's hash in id order against the hash of the row before it."""
    previous, count = GENESIS_HASH, 0
    fields = ["id", "at", "actor_id", "prefecture_id", "scope", "action", "object_type", "object_id", "before",
              "after", "prev_hash", "hash"]
    for row in AuditLog.objects.order_by("id").only(*fields).iterator(chunk_size=chunk_size):
        count += 1
        if row.prev_hash != previous:
            return ChainReport(count, previous, ChainBreak(row.pk, "link"))
        if audit_hash(row) != row.hash:
            return ChainReport(count, previous, ChainBreak(row.pk, "content"))
        previous = row.hash
    return ChainReport(count, previous, None)
