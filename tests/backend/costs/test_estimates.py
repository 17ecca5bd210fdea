"""The autumn budget estimate (予算要求見込み, issue 24 item 4): each need's fee range from the pool the engine finds
eligible, travel, the grant of the planned scheme and the net; the what-if answered without storing anything."""

import datetime as dt

import pytest
from django.utils import timezone

from backend.core.errors import DomainError, ForbiddenError
from backend.costs.estimates import budget_estimate, need_what_if
from backend.funding.models import SchemeKind
from backend.funding.selectors import schemes_of
from backend.needs.models import Need
from backend.runs.models import MatchRun
from tests.backend.conftest import client_for
from tests.backend.factories import (
    CoordinatorFactory,
    ExpertFactory,
    ExpertUserFactory,
    MunicipalStaffFactory,
    NeedFactory,
)

pytestmark = pytest.mark.django_db

AUTUMN = dt.date(2026, 10, 1)  # the budget request of FY2027


@pytest.fixture(autouse=True)
def autumn(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: AUTUMN)


def _offering(fee: int, **kwargs) -> Need:
    return NeedFactory(fiscal_year=2027, budget=3_000_000, fee_basis="annual", fee_amount=fee, offered_fee=fee,
                       **kwargs)


def _only(estimate):
    (municipality,) = estimate.municipalities
    (row,) = municipality.needs
    return row


def test_the_fee_runs_from_the_cheapest_eligible_expert_to_the_offered_fee_and_the_ineligible_are_not_counted():
    need = _offering(2_300_000)
    ExpertFactory(daily_rate=40_000)  # accepts 48 × 40,000 = 1,920,000
    ExpertFactory(daily_rate=45_000)  # 2,160,000
    ExpertFactory(daily_rate=30_000, skill_levels={"planning": 1})  # cheaper, but short of the required skills
    ExpertFactory(daily_rate=60_000)  # 2,880,000: more than the offered fee
    row = _only(budget_estimate(user=MunicipalStaffFactory(), fiscal_year=2027))
    assert row.need == need and row.eligible == 2 and row.fee_from_pool
    f = row.figures
    assert (f.fee_low, f.fee_high, f.travel_low, f.travel_high) == (1_920_000, 2_300_000, 0, 0)
    # 特別交付税（CIO補佐官等）, the default for a CIO adviser: half of what the municipality pays.
    assert row.scheme.kind == SchemeKind.CIO_GRANT and row.grant_eligible
    assert (f.grant_low, f.grant_high, f.net_low, f.net_high) == (960_000, 1_150_000, 960_000, 1_150_000)


def test_the_grant_follows_the_planned_scheme_and_a_threshold_scheme_reads_the_planned_onsite_days():
    schemes = {s.kind: s for s in schemes_of("20")}
    ExpertFactory(daily_rate=40_000, home_municipality_id="202029")  # 松本市: travel to 長野市
    general = _offering(2_000_000, funding_scheme=schemes[SchemeKind.GENERAL])
    few = _offering(2_000_000, funding_scheme=schemes[SchemeKind.REGIONAL_ADVISER], onsite_required=True,
                    onsite_days=9)
    enough = _offering(2_000_000, funding_scheme=schemes[SchemeKind.REGIONAL_ADVISER], onsite_required=True,
                       onsite_days=10)
    unoffered = NeedFactory(fiscal_year=2027, budget=3_000_000, onsite_required=True, onsite_days=10)
    rows = {r.need.pk: r for r in budget_estimate(user=MunicipalStaffFactory(), fiscal_year=2027)
            .municipalities[0].needs}
    assert rows[general.pk].figures.grant_high == 0 and not rows[general.pk].grant_eligible
    assert "一般財源" in str(rows[general.pk].grant_reasons[0])
    assert rows[few.pk].figures.grant_high == 0 and rows[few.pk].grant_state == "pending"
    high = rows[enough.pk].figures
    assert high.travel_low == high.travel_high > 0  # one eligible expert: the engine's round trips × 10 days
    assert high.grant_high == high.fee_high + high.travel_high  # rate 1, under the 560万円 cap
    assert high.net_high == 0
    # No offered fee: the expert's ask, and fee and travel within the budget (the engine's budget rule).
    f = rows[unoffered.pk].figures
    assert f.fee_low == 48 * 40_000 and f.fee_high + f.travel_high == 3_000_000


def test_with_nobody_eligible_the_estimate_stands_on_the_offered_fee_and_says_why():
    _offering(2_000_000)
    ExpertFactory(daily_rate=60_000)
    row = _only(budget_estimate(user=MunicipalStaffFactory(), fiscal_year=2027))
    assert row.eligible == 0 and not row.fee_from_pool
    assert (row.figures.fee_low, row.figures.fee_high) == (2_000_000, 2_000_000)
    assert [(str(words), n) for words, n in row.blocked] == [("報酬が予算を超える", 1)]


def test_the_what_if_is_answered_by_the_engine_and_stores_nothing():
    need = _offering(2_300_000)
    ExpertFactory(daily_rate=40_000)
    before = Need.objects.filter(pk=need.pk).values().get()
    runs = MatchRun.objects.count()
    now, then = need_what_if(user=MunicipalStaffFactory(), need=need,
                             changes={"budget": 1_500_000, "offered_fee": 1_400_000, "days_per_year": 30})
    assert now.figures.fee_high == 2_300_000 and now.eligible == 1
    assert (then.figures.fee_low, then.figures.fee_high, then.eligible) == (1_200_000, 1_400_000, 1)
    then_short = need_what_if(user=MunicipalStaffFactory(), need=need, changes={"offered_fee": 1_000_000})[1]
    assert then_short.eligible == 0  # 48 days × 40,000 is more than 1,000,000
    assert MatchRun.objects.count() == runs
    assert Need.objects.filter(pk=need.pk).values().get() == before


def test_a_what_if_with_bad_figures_is_refused_naming_the_field():
    need = _offering(2_300_000)
    with pytest.raises(DomainError) as refused:
        need_what_if(user=MunicipalStaffFactory(), need=need, changes={"budget": 1_000_000})
    assert [p.field for p in refused.value.problems] == ["offered_fee"]
    with pytest.raises(DomainError) as refused:
        need_what_if(user=MunicipalStaffFactory(), need=need, changes={"days_per_year": 20, "onsite_days": 30})
    assert [p.field for p in refused.value.problems] == ["onsite_days"]
    with pytest.raises(ForbiddenError):
        need_what_if(user=ExpertUserFactory(), need=need, changes={})


def test_before_september_the_estimate_says_from_when(monkeypatch):
    _offering(2_300_000)
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: dt.date(2026, 8, 31))
    estimate = budget_estimate(user=MunicipalStaffFactory(), fiscal_year=2027)
    assert not estimate.is_open and estimate.municipalities == [] and estimate.opens_on == dt.date(2026, 9, 1)


def test_the_api_scopes_the_estimate_and_the_what_if():
    need = _offering(2_300_000)
    ExpertFactory(daily_rate=40_000)
    other = _offering(2_300_000, municipality_id="202029")
    staff = client_for(MunicipalStaffFactory())
    body = staff.get("/api/v1/costs/estimate/?fiscal_year=2027").json()
    (municipality,) = body["municipalities"]
    assert municipality["code"] == "202011" and [n["need"] for n in municipality["needs"]] == [need.pk]
    assert municipality["needs"][0]["fee_low"] == 1_920_000 and body["total"]["request"] == 2_300_000
    assert staff.get("/api/v1/costs/estimate/?fiscal_year=2027&municipality=202029").status_code == 404
    coordinator = client_for(CoordinatorFactory())
    codes = [m["code"] for m in coordinator.get("/api/v1/costs/estimate/?fiscal_year=2027").json()["municipalities"]]
    assert codes == ["202011", "202029"]
    answer = staff.post("/api/v1/costs/estimate/what-if/", {"need": need.pk, "offered_fee": 2_000_000}, format="json")
    assert answer.status_code == 200 and answer.json()["changed"]["fee_high"] == 2_000_000
    assert staff.post("/api/v1/costs/estimate/what-if/", {"need": other.pk}, format="json").status_code == 404
    refused = staff.post("/api/v1/costs/estimate/what-if/", {"need": need.pk, "budget": 100}, format="json")
    assert refused.status_code == 400 and refused.json()["errors"][0]["field"] == "offered_fee"
    expert = client_for(ExpertUserFactory())
    assert expert.get("/api/v1/costs/estimate/").status_code == 403
    assert expert.post("/api/v1/costs/estimate/what-if/", {"need": need.pk}, format="json").status_code == 403
