"""The one way services write audit rows."""

import json
from collections.abc import Iterable
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

from backend.core.models import AuditLog


def _plain(value: Any) -> Any:
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder)) if value is not None else None


def _code(prefecture) -> str:
    return prefecture if isinstance(prefecture, str) else prefecture.pk


def audit_record(*, actor, action: str, obj, prefecture=None, also_visible_to: Iterable = (),
                 before: dict | None = None, after: dict | None = None) -> AuditLog:
    """One audit row. `prefecture` is where the change happened; coordinators of it and of every
    prefecture in `also_visible_to` (Prefecture objects or codes) may read the row."""
    scope = {_code(p) for p in [prefecture, *also_visible_to] if p}
    return AuditLog.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        prefecture_id=_code(prefecture) if prefecture else None,
        scope=sorted(scope),
        action=action,
        object_type=type(obj).__name__,
        object_id=str(obj.pk),
        before=_plain(before),
        after=_plain(after),
    )
