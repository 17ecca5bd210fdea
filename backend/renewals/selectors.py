"""Reads of renewals: the needs made from an engagement, as the user may see them."""

from collections.abc import Iterable

from django.db.models import QuerySet

from backend.accounts.scoping import scope_by_municipality
from backend.goals.models import Evaluation
from backend.goals.selectors import last_evaluations
from backend.needs.models import Need

# What a renewal proposes to the municipality, by the overall of the last evaluation it gave the expert there.
CONTINUE, DROP = "continue", "drop"


def renewal_list(*, user, fiscal_year: int | None = None) -> QuerySet[Need]:
    """Renewals in the user's scope (a coordinator their prefecture's, municipal staff their municipality's,
    experts none), with the expert and last year's engagement for the list."""
    queryset = (Need.objects.filter(renewed_from__isnull=False)
                .select_related("municipality", "current_expert", "renewed_from")
                .order_by("municipality_id", "id"))
    if fiscal_year is not None:
        queryset = queryset.filter(fiscal_year=fiscal_year)
    return scope_by_municipality(queryset, user)


def renewal_default(evaluation: Evaluation | None) -> str | None:
    """The answer the renewal page proposes (its first, highlighted button) after the municipality's last
    evaluation of the expert there: 1–2 「継続しない」 (the municipality judged the year poor and would not expect
    to be led into continuing), 4–5 「継続」, 3 or no evaluation none (the page keeps both answers alike). It is a
    default, not a decision: continuing a post is the municipality's (`need_renewal_confirm`/`need_renewal_drop`),
    and a renewal left unanswered is matched by no run. Read when shown, never stored, so a March evaluation given
    after the renewals were prepared still counts."""
    if evaluation is None or evaluation.overall == 3:
        return None
    return DROP if evaluation.overall <= 2 else CONTINUE


def renewal_evaluations(needs: Iterable[Need]) -> dict[int, Evaluation]:
    """The last evaluation of each renewal's current expert at its municipality, by need id (one query per
    municipality on the page)."""
    by_municipality: dict[str, list[Need]] = {}
    for need in needs:
        if need.current_expert_id:
            by_municipality.setdefault(need.municipality_id, []).append(need)
    found = {}
    for municipality_id, rows in by_municipality.items():
        last = last_evaluations(municipality_id=municipality_id, expert_ids={n.current_expert_id for n in rows})
        found.update({n.pk: last[n.current_expert_id] for n in rows if n.current_expert_id in last})
    return found
