"""Status transitions as data (django-oscar's status pipeline, issue 22): each model declares its allowed moves
once, keyed by the audit action that records them, and `Workflow.move` is the one code that writes a status.

A move refuses any state outside its sources with a 409, writes the status (and the fields that change with
it), and the audit row with the move's `AuditAction` member, in the caller's transaction. The service that
owns the move checks its actor and locks the row first; this module knows nothing of permissions.

A model whose state is derived from timestamps (an exception is in force, lapsed or revoked) declares its
workflow with `state=` naming a property and `writes_status=False`: the move sets the timestamps it is given
and checks that the derived state is the move's target.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backend.core.audit import AuditAction, audit_record
from backend.core.errors import ConflictError, ErrorCode, interpolate
from backend.core.models import AuditLog


@dataclass(frozen=True)
class Move:
    """One allowed transition: from any of `sources` to `target`, recorded as `action`."""

    action: AuditAction
    sources: frozenset[str]
    target: str

    def __init__(self, action: AuditAction, sources: Iterable[str], target: str):
        object.__setattr__(self, "action", action)
        object.__setattr__(self, "sources", frozenset(str(s) for s in sources))
        object.__setattr__(self, "target", str(target))


class Workflow:
    """The allowed moves of one model's status, declared once beside the model."""

    def __init__(self, model: str, *moves: Move, state: str = "status", writes_status: bool = True,
                 labels: Mapping[str, Any] | None = None):
        self.model = model
        self.moves: dict[str, Move] = {}
        for move in moves:
            if move.action in self.moves:
                raise ValueError(f"{model}: {move.action} is declared twice")
            self.moves[move.action] = move
        self.state = state
        self.writes_status = writes_status
        self.labels = dict(labels or {})

    def allows(self, action: AuditAction, current: str) -> bool:
        return str(current) in self.moves[action].sources

    def move(self, obj, action: AuditAction, *, actor, prefecture=None, before: dict | None = None,
             after: dict | None = None, changes: Mapping[str, Any] | None = None, also_visible_to: Iterable = (),
             save: bool = True) -> AuditLog:
        """Move `obj` by `action`: refuse a state outside its sources, write the status and `changes`, save
        them (unless the caller saves the whole row itself) and write the audit row. `before` and `after`
        default to the status alone; whatever they hold, the row states the status on both sides."""
        move = self.moves[action]
        current = str(getattr(obj, self.state))
        if current not in move.sources:
            label = self.labels.get(current, current)
            raise ConflictError.single("status", ErrorCode.BAD_TRANSITION, interpolate(
                _("現在の状態（%(state)s）からはこの操作はできません。"), state=label))
        fields = list((changes or {}).keys())
        for name, value in (changes or {}).items():
            setattr(obj, name, value)
        if self.writes_status:
            obj.status = move.target
            fields.append("status")
        elif str(getattr(obj, self.state)) != move.target:
            raise AssertionError(f"{self.model}: {action} left {getattr(obj, self.state)}, not {move.target}")
        if save:
            if any(f.name == "updated_at" for f in obj._meta.get_fields()):
                fields.append("updated_at")
            obj.save(update_fields=fields)
        return audit_record(actor=actor, action=action, obj=obj, prefecture=prefecture,
                            also_visible_to=also_visible_to,
                            before={self.state: current, **(before or {})},
                            after={**(after or {}), self.state: move.target})

    def move_all(self, queryset, action: AuditAction, *, actor, on, prefecture=None, also_visible_to: Iterable = (),
                 after: dict | None = None) -> AuditLog | None:
        """Move every row of `queryset` in a source state of `action` to its target in one UPDATE, and write ONE
        audit row on `on` (what caused the move, e.g. the run that supersedes earlier proposals) naming the rows
        it moved. Rows in another state are left as they are. None when no row moved (and no row is written).

        The rows are locked first, so the ids named are exactly the rows the UPDATE wrote; call it inside the
        caller's transaction."""
        if not self.writes_status:
            raise ValueError(f"{self.model}: move_all writes a status column; this state is derived")
        move = self.moves[action]
        model = queryset.model
        moving = queryset.filter(**{f"{self.state}__in": move.sources}).order_by("pk").select_for_update()
        found = list(moving.values_list("pk", self.state))
        if not found:
            return None
        ids = [pk for pk, _state in found]
        values = {self.state: move.target}
        if any(f.name == "updated_at" for f in model._meta.get_fields()):
            values["updated_at"] = timezone.now()
        model.objects.filter(pk__in=ids).update(**values)
        return audit_record(actor=actor, action=action, obj=on, prefecture=prefecture,
                            also_visible_to=also_visible_to,
                            before={self.state: sorted({str(state) for _pk, state in found})},
                            after={**(after or {}), f"{model._meta.model_name}_ids": ids,
                                   self.state: move.target})


WORKFLOWS: dict[str, Workflow] = {}


def register(workflow: Workflow) -> Workflow:
    """Declare a workflow for the listing test and the architecture document (every transition and its action)."""
    WORKFLOWS[workflow.model] = workflow
    return workflow
