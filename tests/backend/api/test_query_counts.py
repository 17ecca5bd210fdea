"""List endpoints cost the same number of queries for 2 rows as for 12 (no N+1), and the lean rows some lists
are built from (`*_list_rows` and their `*ListOutputSerializer`) read exactly as the objects do in detail."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from backend.applications.services import expert_application_decline, expert_application_submit
from backend.core.audit import AuditAction, audit_record
from backend.engagements.models import CoiOverride, Engagement
from backend.geo.models import Prefecture
from backend.needs.models import NeedSkill
from tests.backend.conftest import client_for
from tests.backend.factories import (
    AffiliationFactory,
    CoordinatorFactory,
    ExpertFactory,
    MatchRunFactory,
    NeedFactory,
    ProcurementFactory,
    VendorFactory,
)


def _row_of(kind: str, pk: int):
    """Something of that kind and number for an audit row to name (audit_record reads the class name and pk)."""
    return type(kind, (), {"pk": pk})()


def _engagement(*, expert=None, override=None, status="offered") -> Engagement:
    need = NeedFactory(municipality_id="202011")
    return Engagement.objects.create(
        expert=expert or ExpertFactory(registering_prefecture_id="20"), municipality_id="202011", need=need,
        fiscal_year=2027, starts_on=dt.date(2027, 4, 1), ends_on=dt.date(2028, 3, 31), weekdays=["mon"],
        days_per_year=48, fee=2_400_000, employment_form="special_part_time", status=status,
        municipality_accepted_at=timezone.now(), coi_override=override,
        pledge_signed_at=timezone.now() if status == "active" else None)


def _application(index: int):
    return expert_application_submit(prefecture=Prefecture.objects.get(code="20"), language="ja", data={
        "name": f"応募 {index}", "name_kana": "おうぼ", "email": f"applicant{index}@example.jp",
        "skills": {"security": 2}, "capacity_days": 48, "weekdays": ["mon"], "daily_rate": 40_000,
        "employment_forms": ["contract"], "affiliations": []})


def _make(endpoint: str, count: int) -> None:
    for index in range(count):
        if endpoint == "experts":
            AffiliationFactory(expert=ExpertFactory(registering_prefecture_id="20"))
        elif endpoint == "needs":
            NeedFactory(municipality_id="202011")
        elif endpoint in ("procurements", "vendors"):
            ProcurementFactory(municipality_id="202011")
        elif endpoint == "engagements":
            expert = ExpertFactory(registering_prefecture_id="20")
            override = CoiOverride.objects.create(expert=expert, municipality_id="202011", fiscal_year=2027,
                                                  reason="唯一の候補") if index % 2 else None
            _engagement(expert=expert, override=override)
        elif endpoint == "audit-log":
            audit_record(actor=None, action=AuditAction.NEED_UPDATE, obj=_row_of("Need", index), prefecture="20",
                         before={"priority": 3}, after={"priority": 5})
        elif endpoint == "runs":
            MatchRunFactory(summary={"by_prefecture": {"20": {"assigned": index, "unmatched": 1, "flags": 0}}})
        elif endpoint == "applications":
            application = _application(index)
            if index % 2:
                expert_application_decline(actor=CoordinatorFactory(prefecture_id="20"), application=application,
                                           reason="今年度の募集は終了しました。")


def _queries(client, url) -> int:
    return _answer(client, url)[0]


def _answer(client, url) -> tuple[int, int]:
    """(queries, rows on the page) of one list request."""
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries), len(response.json()["results"])


# The register is loaded, not made: a filter gives a page of one row and a page of twenty.
REGISTER = {"municipalities": ("/api/v1/municipalities/?name=長野市", "/api/v1/municipalities/?prefecture=20")}


@pytest.mark.parametrize("endpoint", ["experts", "needs", "procurements", "vendors", "municipalities", "engagements",
                                      "audit-log", "runs", "applications"])
def test_list_endpoint_query_count_does_not_grow_with_rows(coordinator, endpoint):
    client = client_for(coordinator)
    few_url, many_url = REGISTER.get(endpoint, (f"/api/v1/{endpoint}/",) * 2)
    _make(endpoint, 2)
    few, few_rows = _answer(client, few_url)
    _make(endpoint, 10)
    many, many_rows = _answer(client, many_url)
    assert few_rows < many_rows, f"{endpoint}: the case compares {few_rows} rows with {many_rows}"
    assert many == few, f"{endpoint}: {few} queries for {few_rows} rows, {many} for {many_rows}"


def test_the_municipal_needs_list_and_the_experts_own_engagements_keep_their_query_count(municipal, expert_user):
    needs, engagements = client_for(municipal), client_for(expert_user)
    NeedFactory(municipality_id="202011")
    _engagement(expert=expert_user.expert)
    few = (_queries(needs, "/api/v1/needs/"), _queries(engagements, "/api/v1/engagements/"))
    for _ in range(10):
        NeedFactory(municipality_id="202011")
        _engagement(expert=expert_user.expert)
    assert (_queries(needs, "/api/v1/needs/"), _queries(engagements, "/api/v1/engagements/")) == few


def _varied_rows() -> None:
    """Rows that exercise every kind of field the lean lists write: empty and full relations, nulls, dates."""
    former = VendorFactory()
    expert = ExpertFactory(registering_prefecture_id="20", serves=["20", "19"], skill_levels={"bpr": 1, "security": 3},
                           pool_pledge_signed_on=dt.date(2027, 3, 1))
    AffiliationFactory(expert=expert, relation="side_job")
    AffiliationFactory(expert=expert, vendor=former, relation="former_employee", ended_on=dt.date(2025, 3, 31))
    ExpertFactory(registering_prefecture_id="19", serves=["20"], skill_levels={"network": 2})  # serves ours only
    need = NeedFactory(municipality_id="202011", required={"security": 2, "network": 1}, description="庁内LAN")
    NeedSkill.objects.create(need=need, skill="bpr", level=1, required=False)
    NeedFactory(municipality_id="202029", required={})
    ProcurementFactory(municipality_id="202011", incumbent_vendor=None)
    ProcurementFactory(municipality_id="202029")
    override = CoiOverride.objects.create(expert=expert, municipality_id="202011", fiscal_year=2027, reason="唯一")
    _engagement(expert=expert, override=override, status="active")
    _engagement()
    audit_record(actor=None, action=AuditAction.NEED_UPDATE, obj=_row_of("Need", 1), prefecture="20",
                 before={"priority": 3}, after={"priority": 5, "weekdays": ["mon"]})
    audit_record(actor=None, action=AuditAction.RUN_START, obj=_row_of("MatchRun", 2), also_visible_to=["20"])


@pytest.mark.parametrize("endpoint", ["experts", "needs", "procurements", "engagements", "audit-log"])
def test_every_row_of_a_lean_list_reads_as_its_object_does_in_detail(coordinator, endpoint):
    _varied_rows()
    client = client_for(coordinator)
    rows = client.get(f"/api/v1/{endpoint}/").json()["results"]
    assert len(rows) >= 2
    for row in rows:
        detail = client.get(f"/api/v1/{endpoint}/{row['id']}/").json()
        assert list(row.items()) == list(detail.items()), endpoint  # the same fields, values and order
