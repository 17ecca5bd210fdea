"""Reasons for declines (issue 25 item 7): a decline says why (a code, and the words for その他), kept on the
engagement and its audit row; the coordinator counts the year's declines and lapses by reason and side."""

import datetime as dt

import pytest

from backend.core.audit import AuditAction
from backend.core.errors import DomainError
from backend.core.models import AuditLog
from backend.engagements.models import Engagement
from backend.engagements.services import engagement_respond, engagements_lapse_due
from backend.placement.services import proposal_approve
from tests.backend.conftest import client_for
from tests.backend.factories import ExpertUserFactory, MunicipalStaffFactory, NeedFactory, ProposalFactory


def _offer(coordinator, **need):
    engagement = proposal_approve(actor=coordinator, proposal=ProposalFactory(need=NeedFactory(**need)))
    return engagement, MunicipalStaffFactory(municipality_id=engagement.municipality_id), \
        ExpertUserFactory(expert=engagement.expert)


@pytest.mark.django_db
def test_a_decline_requires_a_reason_code_and_the_words_for_other(coordinator):
    engagement, staff, _expert = _offer(coordinator)
    for code, reason, field in (("", "", "decline_code"), ("lapsed", "", "decline_code"), ("bogus", "", "decline_code"),
                                ("other", " ", "reason")):
        with pytest.raises(DomainError) as refused:
            engagement_respond(actor=staff, engagement=engagement, accept=False, decline_code=code, reason=reason)
        assert refused.value.problems[0].field == field
    url = f"/api/v1/engagements/{engagement.pk}/decline/"
    response = client_for(staff).post(url, {"reason": "予算が通らず"}, format="json")
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "decline_code"
    response = client_for(staff).post(url, {"decline_code": "council_budget", "reason": "予算が通らず"}, format="json")
    assert response.status_code == 200, response.json()
    assert (response.json()["decline_code"], response.json()["decline_reason"]) == ("council_budget", "予算が通らず")
    (row,) = AuditLog.objects.filter(action=AuditAction.ENGAGEMENT_DECLINE, object_id=str(engagement.pk))
    assert (row.after["decline_code"], row.after["reason"]) == ("council_budget", "予算が通らず")


@pytest.mark.django_db
def test_the_coordinator_counts_the_years_declines_and_lapses_by_reason_and_side(coordinator, other_coordinator):
    fee, schedule, lapse = (_offer(coordinator, fiscal_year=2027) for _ in range(3))
    engagement_respond(actor=fee[2], engagement=fee[0], accept=False, decline_code="fee")
    engagement_respond(actor=schedule[1], engagement=schedule[0], accept=False, decline_code="schedule", reason="議会日程")
    engagement_respond(actor=lapse[1], engagement=lapse[0], accept=True)
    Engagement.objects.filter(pk=lapse[0].pk).update(answer_by=dt.date(2027, 1, 1))
    engagements_lapse_due(today=dt.date(2027, 1, 2))
    body = client_for(coordinator).get("/api/v1/offers/declines/?fiscal_year=2027").json()
    counts = {r["code"]: (r["municipality"], r["expert"], r["both"]) for r in body["by_reason"] if r["total"]}
    assert counts == {"fee": (0, 1, 0), "schedule": (1, 0, 0), "lapsed": (0, 1, 0)}  # the expert had not answered
    assert {(d["code"], d["side"], d["words"]) for d in body["declines"]} == {
        ("fee", "expert", ""), ("schedule", "municipality", "議会日程"), ("lapsed", "expert", "")}
    assert client_for(other_coordinator).get("/api/v1/offers/declines/?fiscal_year=2027").json()["declines"] == []
    assert client_for(fee[1]).get("/api/v1/offers/declines/").status_code == 403
    sheet = client_for(coordinator).get("/api/v1/offers/declines/?fiscal_year=2027&file=csv")
    assert sheet.status_code == 200 and "議会日程" in sheet.content.decode("utf-8-sig")
