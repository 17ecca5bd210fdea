"""The one way services write audit rows."""

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

from backend.core.models import AuditLog


def _plain(value: Any) -> Any:
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder)) if value is not None else None


def audit_record(*, actor, action: str, obj, prefecture=None, before: dict | None = None,
                 after: dict | None = None) -> AuditLog:
    return AuditLog.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        prefecture=prefecture,
        action=action,
        object_type=type(obj).__name__,
        object_id=str(obj.pk),
        before=_plain(before),
        after=_plain(after),
    )
