"""The funding register's writes and reads (issue 24, item 1): schemes seeded once and edited by their coordinator
with an audit row, each engagement's scheme named by its coordinator, recruitment costs recorded and removed by the
municipality or its coordinator, and the standing read from confirmed months only."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from backend.core.errors import ConflictError, DomainError, ForbiddenError
from backend.core.models import AuditLog
from backend.funding import rules
from backend.funding.models import FundingScheme, RecruitmentCost, SchemeKind
from backend.funding.selectors import funding_box, scheme_list, schemes_of, standing_of
from backend.funding.services import (
    engagement_funding_set,
    recruitment_cost_add,
    recruitment_cost_remove,
    scheme_create,
    scheme_update,
)
from backend.geo.models import Municipality
from backend.needs.services import need_update
from backend.worklog.models import WorkDay, WorkMonth
from tests.backend.factories import NeedFactory


def _regional(prefecture_id="20") -> FundingScheme:
    return schemes_of(prefecture_id).get(kind=SchemeKind.REGIONAL_ADVISER)


def _month(engagement, month: int, status: str, days: list[tuple[int, bool, str]], *, by) -> WorkMonth:
    """A month of the activity log with (day, on site, hours) rows."""
    now = timezone.now()
    work_month = WorkMonth.objects.create(
        engagement=engagement, year=2027, month=month, status=status, deadline=dt.date(2027, month + 1, 12),
        reference=f"KM-{month:02d}{status[:2]}", submitted_at=now,
        **({"confirmed_at": now, "confirmed_by": by} if status == "confirmed" else {}))
    WorkDay.objects.bulk_create([WorkDay(month=work_month, date=dt.date(2027, month, day), onsite=onsite,
                                         hours=Decimal(hours), topics="支援", done="現地支援", logged_by=by)
                                 for day, onsite, hours in days])
    return work_month


def test_seeding_on_first_read_is_idempotent(db):
    first = list(schemes_of("20").values_list("kind", flat=True))
    again = list(schemes_of("20").values_list("kind", flat=True))
    assert first == again == ["cio_grant", "regional_adviser", "entrepreneur", "general"]
    assert FundingScheme.objects.filter(prefecture_id="20").count() == 4


def test_the_coordinator_edits_a_scheme_with_an_audit_row_of_before_and_after(coordinator):
    scheme = _regional()
    scheme_update(actor=coordinator, scheme=scheme, data={"min_days": 12, "rate": "0.8"})
    scheme.refresh_from_db()
    assert (scheme.min_days, scheme.rate) == (12, Decimal("0.800"))
    row = AuditLog.objects.get(action="funding_scheme.update")
    assert (row.before["min_days"], row.after["min_days"], row.after["rate"]) == (10, 12, "0.800")


def test_a_scheme_edit_is_refused_to_anyone_but_its_coordinator(other_coordinator, municipal, expert_user):
    scheme = _regional()
    for outsider in (other_coordinator, municipal, expert_user):
        with pytest.raises(ForbiddenError):
            scheme_update(actor=outsider, scheme=scheme, data={"min_days": 1})
    assert not AuditLog.objects.filter(action="funding_scheme.update").exists()


def test_scheme_fields_are_validated_naming_each_field(coordinator):
    with pytest.raises(DomainError) as refused:
        scheme_update(actor=coordinator, scheme=_regional(), data={
            "rate": "1.5", "cap_yen": -1, "roles": ["chef"], "employment_forms": ["slave"], "name": " "})
    assert {p.field for p in refused.value.problems} == {"rate", "cap_yen", "roles", "employment_forms", "name"}
    with pytest.raises(ConflictError) as duplicate:
        scheme_create(actor=coordinator, prefecture="20", data={"name": "一般財源"})
    assert duplicate.value.problems[0].field == "name"
    own = scheme_create(actor=coordinator, prefecture="20", data={"name": "県単独補助", "rate": "0.25"})
    assert (own.kind, own.rate) == ("other", Decimal("0.250"))
    assert AuditLog.objects.get(action="funding_scheme.create").after["name"] == "県単独補助"


def test_engagement_funding_set_names_an_active_scheme_of_its_own_prefecture(coordinator, engagement, municipal):
    with pytest.raises(DomainError) as elsewhere:
        engagement_funding_set(actor=coordinator, engagement=engagement, scheme=_regional("19"))
    assert elsewhere.value.problems[0].field == "scheme"
    with pytest.raises(ForbiddenError):
        engagement_funding_set(actor=municipal, engagement=engagement, scheme=_regional())
    engagement_funding_set(actor=coordinator, engagement=engagement, scheme=_regional(), public_staff=True)
    engagement.refresh_from_db()
    assert engagement.funding_scheme.kind == "regional_adviser" and engagement.funding_public_staff
    row = AuditLog.objects.get(action="engagement.funding_set")
    assert row.before["funding_scheme"] is None and row.after["funding_public_staff"] is True
    inactive = scheme_create(actor=coordinator, prefecture="20", data={"name": "休止中の補助", "active": False})
    with pytest.raises(DomainError):
        engagement_funding_set(actor=coordinator, engagement=engagement, scheme=inactive)


def test_standing_counts_confirmed_months_only(coordinator, engagement, expert_user):
    engagement_funding_set(actor=coordinator, engagement=engagement, scheme=_regional())
    engagement.refresh_from_db()
    _month(engagement, 5, "confirmed", [(10, True, "7"), (11, True, "7"), (20, True, "7"), (25, True, "5")],
           by=expert_user)
    _month(engagement, 6, "submitted", [(day, True, "7") for day in (1, 8, 15, 22, 29)], by=expert_user)
    scheme, result = standing_of(engagement, 2027)
    assert scheme.kind == "regional_adviser"
    assert (result.activity.days, result.activity.visits, result.activity.short_day_trips) == (3, 2, 1)
    assert result.state == rules.PENDING and (result.days_needed, result.visits_needed) == (7, 3)
    box = funding_box(engagement, 2027)
    assert box.tracker == "10日中3日・5回中2回。令和10年3月31日までにあと7日またはあと3回"
    assert box.state_label == "要件未達"


def test_recruitment_costs_are_recorded_and_removed_by_the_municipality_or_its_coordinator(
        municipal, other_municipal, coordinator, other_coordinator, engagement):
    nagano = Municipality.objects.get(pk="202011")
    data = {"need": engagement.need, "kind": "advertisement", "amount": 55_000, "spent_on": dt.date(2027, 2, 10),
            "note": "求人サイトへの掲載"}
    for outsider in (other_municipal, other_coordinator):
        with pytest.raises(ForbiddenError):
            recruitment_cost_add(actor=outsider, municipality=nagano, data=data)
    with pytest.raises(DomainError) as refused:
        recruitment_cost_add(actor=municipal, municipality=nagano, data={**data, "amount": 0, "note": " "})
    assert {p.field for p in refused.value.problems} == {"amount", "note"}
    cost = recruitment_cost_add(actor=municipal, municipality=nagano, data=data)
    assert cost.fiscal_year == 2026  # the year it was paid in
    assert funding_box(engagement, 2027).recruitment_total == 55_000
    with pytest.raises(ForbiddenError):
        recruitment_cost_remove(actor=other_municipal, cost=cost)
    recruitment_cost_remove(actor=coordinator, cost=cost)
    assert not RecruitmentCost.objects.exists()
    assert list(AuditLog.objects.filter(action__startswith="recruitment_cost").order_by("id").values_list(
        "action", flat=True)) == [
        "recruitment_cost.add", "recruitment_cost.remove"]


def test_a_need_of_another_municipality_is_refused_for_a_recruitment_cost(municipal):
    other_need = NeedFactory(municipality_id="202029")
    with pytest.raises(DomainError) as refused:
        recruitment_cost_add(actor=municipal, municipality=Municipality.objects.get(pk="202011"), data={
            "need": other_need, "kind": "advertisement", "amount": 1000, "spent_on": dt.date(2027, 5, 1),
            "note": "広告"})
    assert refused.value.problems[0].field == "need"


def test_each_role_reads_the_schemes_of_its_own_prefecture(coordinator, other_coordinator, municipal, expert_user,
                                                           engagement):
    assert {s.prefecture_id for s in scheme_list(user=coordinator)} == {"20"}
    assert {s.prefecture_id for s in scheme_list(user=other_coordinator)} == {"19"}
    assert {s.prefecture_id for s in scheme_list(user=municipal)} == {"20"}
    assert {s.prefecture_id for s in scheme_list(user=expert_user)} == {"20"}


def test_a_need_plans_an_active_scheme_of_its_own_prefecture_only(municipal):
    need = NeedFactory(municipality_id="202011", fiscal_year=2027)
    with pytest.raises(DomainError) as refused:
        need_update(actor=municipal, need=need, data={"funding_scheme": _regional("19")})
    assert refused.value.problems[0].field == "funding_scheme"
    need_update(actor=municipal, need=need, data={"funding_scheme": _regional()})
    need.refresh_from_db()
    assert need.funding_scheme.kind == "regional_adviser"
    assert AuditLog.objects.filter(action="need.update").last().after["funding_scheme"] == need.funding_scheme_id
