"""Renewal into the next fiscal year (issue 13, item 5): last year's active engagements become next year's needs
with the same terms and expert, once, waiting for the municipality; not matched until it confirms them."""

import datetime as dt

import pytest
from django.utils import timezone

from backend.core.audit import AuditAction
from backend.core.errors import ConflictError, ForbiddenError
from backend.core.models import AuditLog
from backend.engagements.models import Engagement
from backend.engagements.pledge import PLEDGE_VERSION
from backend.funding.selectors import schemes_of
from backend.needs.models import Need, NeedStatus
from backend.needs.services import need_renewal_confirm, need_renewal_drop, need_reopen, need_update
from backend.placement.instance import scope_instance
from backend.renewals.services import renewal_prepare
from tests.backend.conftest import client_for
from tests.backend.factories import ExpertFactory, NeedFactory


def engagement(*, need, expert=None, status="active", fiscal_year=2026, form="contract", fee=2_400_000):
    active = status == "active"
    return Engagement.objects.create(
        expert=expert or ExpertFactory(), municipality_id=need.municipality_id, need=need, fiscal_year=fiscal_year,
        starts_on=dt.date(fiscal_year, 4, 1), ends_on=dt.date(fiscal_year + 1, 3, 31), weekdays=["mon"],
        days_per_year=need.days_per_year, fee=fee, employment_form=form, status=status,
        pledge_signed_at=timezone.now() if active else None, pledge_version=PLEDGE_VERSION if active else "")


@pytest.fixture
def last_year():
    """長野市: an active CIO post with terms worth copying, an ended one and a declined one; 松本市: an active
    one; 甲府市 (山梨県): an active one the Nagano coordinator must not renew."""
    terms = NeedFactory(municipality_id="202011", fiscal_year=2026, status="filled", role="ciso_adviser",
                        title="情報セキュリティ", pattern="monthly", pattern_days=2, days_per_year=24, weekly_days=0,
                        weekdays=["tue", "thu"], onsite_required=True, onsite_days=10, budget=1_800_000,
                        fee_basis="daily", fee_amount=60_000, offered_fee=1_440_000, priority=5,
                        adjusted_priority=2, employment_forms=["contract", "commission"],
                        required={"security": 3, "network": 2})
    return {
        "active": engagement(need=terms, form="commission"),
        "ended": engagement(need=NeedFactory(municipality_id="202011", fiscal_year=2026, status="filled"),
                            status="ended"),
        "declined": engagement(need=NeedFactory(municipality_id="202011", fiscal_year=2026), status="declined"),
        "matsumoto": engagement(need=NeedFactory(municipality_id="202029", fiscal_year=2026, status="filled")),
        "kofu": engagement(need=NeedFactory(municipality_id="192015", fiscal_year=2026, status="filled")),
        "this_year": engagement(need=NeedFactory(municipality_id="202011", fiscal_year=2027, status="filled"),
                                fiscal_year=2027),
    }


def test_renewal_creates_one_need_per_active_engagement_of_the_prefecture_last_year(coordinator, last_year):
    prepared = renewal_prepare(actor=coordinator, prefecture_id="20", fiscal_year=2027)
    assert sorted(n.renewed_from_id for n in prepared.created) == sorted(
        [last_year["active"].pk, last_year["matsumoto"].pk])
    assert set(Need.objects.filter(renewed_from__isnull=False).values_list("fiscal_year", "status")) == {
        (2027, NeedStatus.RENEWAL)}
    assert AuditLog.objects.filter(action=AuditAction.NEED_RENEWAL_PREPARE).count() == 2


def test_preparing_twice_creates_no_duplicates(coordinator, last_year):
    first = renewal_prepare(actor=coordinator, prefecture_id="20", fiscal_year=2027)
    assert len(first.created) == 2 and first.already == 0  # what it just made is not "renewed before"
    again = renewal_prepare(actor=coordinator, prefecture_id="20", fiscal_year=2027)
    assert again.created == [] and again.already == 2
    assert Need.objects.filter(renewed_from__isnull=False).count() == 2


def test_a_dropped_renewal_is_not_made_again(coordinator, municipal, last_year):
    (renewal,) = [n for n in renewal_prepare(actor=coordinator, prefecture_id="20", fiscal_year=2027).created
                  if n.municipality_id == "202011"]
    need_renewal_drop(actor=municipal, need=renewal)
    assert renewal_prepare(actor=coordinator, prefecture_id="20", fiscal_year=2027).created == []


def test_a_renewal_copies_the_terms_and_names_the_expert(coordinator, last_year):
    renewal_prepare(actor=coordinator, prefecture_id="20", fiscal_year=2027)
    source = last_year["active"]
    need = Need.objects.get(renewed_from=source)
    assert (need.municipality_id, need.role, need.title, need.pattern, need.pattern_days, need.days_per_year,
            need.weekdays, need.onsite_required, need.onsite_days, need.budget, need.fee_basis, need.fee_amount,
            need.offered_fee, need.priority) == (
        "202011", "ciso_adviser", "情報セキュリティ", "monthly", 2, 24, ["tue", "thu"], True, 10, 1_800_000, "daily",
        60_000, 1_440_000, 5)
    assert need.adjusted_priority is None
    assert need.employment_forms == ["commission"]  # the engagement's form, not the need's list
    assert need.current_expert_id == source.expert_id
    assert sorted((s.skill, s.level, s.required) for s in need.skills.all()) == [
        ("network", 2, True), ("security", 3, True)]


def test_a_pending_renewal_is_not_matched_until_the_municipality_confirms_it(coordinator, municipal, last_year):
    renewal_prepare(actor=coordinator, prefecture_id="20", fiscal_year=2027)
    need = Need.objects.get(renewed_from=last_year["active"])

    def matched():
        return {n["id"] for n in scope_instance(prefecture_codes=["20"], fiscal_year=2027)["needs"]}

    assert f"N{need.pk}" not in matched()
    need_renewal_confirm(actor=municipal, need=need)
    need.refresh_from_db()
    assert need.status == NeedStatus.OPEN
    assert f"N{need.pk}" in matched()
    assert AuditLog.objects.filter(action=AuditAction.NEED_RENEWAL_CONFIRM, object_id=str(need.pk)).exists()


def test_the_municipality_drops_a_renewal_and_it_is_dropped_not_withdrawn(coordinator, municipal, last_year):
    renewal_prepare(actor=coordinator, prefecture_id="20", fiscal_year=2027)
    need = need_renewal_drop(actor=municipal, need=Need.objects.get(renewed_from=last_year["active"]))
    assert need.status == NeedStatus.DROPPED
    assert AuditLog.objects.filter(action=AuditAction.NEED_RENEWAL_DROP, object_id=str(need.pk)).exists()
    with pytest.raises(ConflictError):
        need_renewal_confirm(actor=municipal, need=need)


def test_a_dropped_renewal_reopens_as_an_open_need_and_the_reopening_is_audited(coordinator, municipal, last_year):
    renewal_prepare(actor=coordinator, prefecture_id="20", fiscal_year=2027)
    need = need_renewal_drop(actor=municipal, need=Need.objects.get(renewed_from=last_year["active"]))

    need = need_reopen(actor=municipal, need=need)

    assert need.status == NeedStatus.OPEN
    row = AuditLog.objects.get(action=AuditAction.NEED_REOPEN, object_id=str(need.pk))
    assert (row.before["status"], row.after["status"]) == (NeedStatus.DROPPED, NeedStatus.OPEN)
    assert row.after["renewed_from"] == last_year["active"].pk


def test_the_municipality_edits_a_renewal_and_it_still_awaits_confirmation(coordinator, municipal, last_year):
    renewal_prepare(actor=coordinator, prefecture_id="20", fiscal_year=2027)
    need = need_update(actor=municipal, need=Need.objects.get(renewed_from=last_year["active"]),
                       data={"budget": 2_000_000, "title": "CISO補佐官（継続）"})
    assert (need.budget, need.title, need.status) == (2_000_000, "CISO補佐官（継続）", NeedStatus.RENEWAL)


def test_only_the_municipality_confirms_and_only_the_prefecture_prepares(coordinator, other_coordinator,
                                                                         other_municipal, last_year):
    with pytest.raises(ForbiddenError):
        renewal_prepare(actor=other_coordinator, prefecture_id="20", fiscal_year=2027)
    renewal_prepare(actor=coordinator, prefecture_id="20", fiscal_year=2027)
    nagano = Need.objects.get(renewed_from=last_year["active"])
    for user in (coordinator, other_municipal):
        with pytest.raises(ForbiddenError):
            need_renewal_confirm(actor=user, need=nagano)
    assert Need.objects.get(pk=nagano.pk).status == NeedStatus.RENEWAL


@pytest.mark.parametrize("role", ["other_coordinator", "municipal", "expert_user"])
def test_renewal_prepare_refuses_each_wrong_role_and_creates_nothing(request, role, last_year):
    with pytest.raises(ForbiddenError) as refused:
        renewal_prepare(actor=request.getfixturevalue(role), prefecture_id="20", fiscal_year=2027)
    assert refused.value.status_code == 403
    assert not Need.objects.filter(renewed_from__isnull=False).exists()
    assert not AuditLog.objects.filter(action=AuditAction.NEED_RENEWAL_PREPARE).exists()


# -- API ------------------------------------------------------------------------------------------------

def test_the_api_prepares_lists_and_confirms(coordinator, municipal, last_year):
    response = client_for(coordinator).post("/api/v1/renewals/prepare/", {"fiscal_year": 2027}, format="json")
    assert response.status_code == 201, response.content
    assert len(response.json()["created"]) == 2
    assert client_for(coordinator).post("/api/v1/renewals/prepare/", {"fiscal_year": 2027},
                                        format="json").json()["already"] == 2
    listed = client_for(municipal).get("/api/v1/renewals/?fiscal_year=2027").json()["results"]
    assert [r["renewed_from"] for r in listed] == [last_year["active"].pk]
    assert listed[0]["current_expert"] == last_year["active"].expert_id
    confirmed = client_for(municipal).post(f"/api/v1/renewals/{listed[0]['id']}/confirm/")
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "open"


def test_the_api_refuses_others(coordinator, other_coordinator, municipal, other_municipal, expert_user,
                                last_year):
    renewal_prepare(actor=coordinator, prefecture_id="20", fiscal_year=2027)
    nagano = Need.objects.get(renewed_from=last_year["active"])
    assert client_for(municipal).post("/api/v1/renewals/prepare/", {"fiscal_year": 2027},
                                      format="json").status_code == 403
    assert client_for(expert_user).get("/api/v1/renewals/").status_code == 403
    assert client_for(other_coordinator).get(f"/api/v1/renewals/{nagano.pk}/").status_code == 404
    assert client_for(other_municipal).post(f"/api/v1/renewals/{nagano.pk}/confirm/").status_code == 404
    assert client_for(other_municipal).post(f"/api/v1/renewals/{nagano.pk}/drop/").status_code == 404
    assert client_for(coordinator).post(f"/api/v1/renewals/{nagano.pk}/confirm/").status_code == 403
    assert Need.objects.get(pk=nagano.pk).status == NeedStatus.RENEWAL


def test_a_confirmed_renewal_names_its_expert_as_current_in_the_instance(coordinator):
    from backend.placement.instance import scope_instance
    from backend.runs.refs import expert_ref

    expert = ExpertFactory(registering_prefecture_id="20")
    need = NeedFactory(municipality_id="202011", fiscal_year=2028, current_expert=expert)
    gone = NeedFactory(municipality_id="202011", fiscal_year=2028, current_expert=ExpertFactory(listed=False))
    instance = scope_instance(prefecture_codes=["20"], fiscal_year=2028)
    by_id = {n["id"]: n for n in instance["needs"]}
    from backend.runs.refs import need_ref

    assert by_id[need_ref(need.pk)]["current_expert"] == expert_ref(expert.pk)
    assert by_id[need_ref(gone.pk)]["current_expert"] is None  # not in the pool: nobody's current expert


def test_a_renewal_plans_next_year_on_the_scheme_this_year_is_financed_by(coordinator, last_year):
    """Issue 24: the autumn estimate reads the renewal's planned scheme, so it is the engagement's, not the role's
    default."""
    source = last_year["active"]
    regional = schemes_of("20").get(kind="regional_adviser")
    Engagement.objects.filter(pk=source.pk).update(funding_scheme=regional)
    renewal_prepare(actor=coordinator, prefecture_id="20", fiscal_year=2027)
    assert Need.objects.get(renewed_from=source).funding_scheme == regional
