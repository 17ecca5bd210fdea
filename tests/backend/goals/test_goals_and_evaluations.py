"""Goals and evaluation (issue 23, item 7): up to five goals per engagement, the October and March evaluations of
the municipality and the expert's self-evaluation, kept apart; the coordinator sees all."""

import datetime as dt

import pytest
from django.db import IntegrityError
from django.utils import timezone

from backend.core.errors import ConflictError, DomainError, ForbiddenError
from backend.core.models import AuditLog
from backend.engagements.models import Engagement
from backend.engagements.pledge import PLEDGE_VERSION
from backend.goals.models import Evaluation, Goal
from backend.goals.selectors import evaluation_list, last_evaluation
from backend.goals.services import evaluation_submit, goals_set
from backend.needs.models import Need
from backend.notifications.models import Notification
from backend.renewals.services import renewal_prepare
from frontend.todo import todo_list
from tests.backend.conftest import client_for
from tests.backend.factories import ExpertUserFactory, NeedFactory

TODAY = dt.date(2027, 10, 15)


@pytest.fixture
def today(monkeypatch):
    state = {"day": TODAY}
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: state["day"])
    return state


@pytest.fixture
def engagement(today, expert_user):
    return Engagement.objects.create(
        expert=expert_user.expert, municipality_id="202011", need=NeedFactory(status="filled"), fiscal_year=2027,
        starts_on=dt.date(2027, 4, 1), ends_on=dt.date(2028, 3, 31), weekdays=["mon"], days_per_year=48,
        fee=2_400_000, employment_form="special_part_time", status="active", pledge_signed_at=timezone.now(),
        pledge_version=PLEDGE_VERSION)


@pytest.fixture
def goals(engagement, municipal):
    return goals_set(actor=municipal, engagement=engagement, texts=["窓口のオンライン化", "", "職員研修を年4回"])


def _all_achieved(goals) -> dict:
    return {g.pk: ("achieved", "") for g in goals}


def test_goals_are_capped_at_five_by_the_service_and_the_database(engagement, expert_user):
    with pytest.raises(DomainError) as refused:
        goals_set(actor=expert_user, engagement=engagement, texts=[f"目標{i}" for i in range(6)])
    assert refused.value.problems[0].field == "texts"
    assert [g.text for g in goals_set(actor=expert_user, engagement=engagement, texts=["a", "b"])] == ["a", "b"]
    with pytest.raises(IntegrityError):
        Goal.objects.create(engagement=engagement, position=6, text="六つ目", set_at=timezone.now())


def test_only_the_two_sides_set_goals_and_not_after_the_first_evaluation(engagement, goals, coordinator,
                                                                         other_municipal, municipal, expert_user):
    assert [(g.position, g.text) for g in goals] == [(1, "窓口のオンライン化"), (2, "職員研修を年4回")]
    for outsider in (coordinator, other_municipal):
        with pytest.raises(ForbiddenError):
            goals_set(actor=outsider, engagement=engagement, texts=["x"])
    assert AuditLog.objects.filter(action="goals.set").get().after == {"goals": ["窓口のオンライン化", "職員研修を年4回"]}
    evaluation_submit(actor=municipal, engagement=engagement, period="october", overall=4,
                      ratings=_all_achieved(goals))
    with pytest.raises(ConflictError):
        goals_set(actor=expert_user, engagement=engagement, texts=["変更"])


def test_an_evaluation_is_refused_before_its_period_opens(engagement, goals, municipal, today):
    today["day"] = dt.date(2027, 9, 30)
    with pytest.raises(DomainError) as refused:
        evaluation_submit(actor=municipal, engagement=engagement, period="october", overall=3,
                          ratings=_all_achieved(goals))
    assert refused.value.problems[0].field == "period" and "令和9年10月1日" in str(refused.value.problems[0].message)
    today["day"] = dt.date(2027, 10, 15)
    with pytest.raises(DomainError) as march:
        evaluation_submit(actor=municipal, engagement=engagement, period="march", overall=3,
                          ratings=_all_achieved(goals))
    assert "令和10年3月1日" in str(march.value.problems[0].message)


def test_every_goal_must_be_rated(engagement, goals, municipal):
    with pytest.raises(DomainError) as refused:
        evaluation_submit(actor=municipal, engagement=engagement, period="october", overall=3,
                          ratings={goals[0].pk: ("partly", "半分")})
    assert [p.field for p in refused.value.problems] == [f"ratings.{goals[1].pk}"]
    assert "職員研修を年4回" in str(refused.value.problems[0].message)
    assert not Evaluation.objects.exists()


def test_the_sides_are_kept_apart_and_told(engagement, goals, municipal, expert_user, coordinator):
    mine = evaluation_submit(actor=municipal, engagement=engagement, period="october", overall=2, comment="遅れ気味",
                             ratings={goals[0].pk: ("partly", "半分"), goals[1].pk: ("not_achieved", "")})
    assert (mine.side, [r.rating for r in mine.ratings.order_by("goal__position")]) == (
        "municipality", ["partly", "not_achieved"])
    assert {n.recipient_id for n in Notification.objects.filter(kind="evaluation_submitted")} == {
        expert_user.pk, coordinator.pk}
    with pytest.raises(ConflictError):
        evaluation_submit(actor=municipal, engagement=engagement, period="october", overall=3,
                          ratings=_all_achieved(goals))
    # The expert does not see the municipality's evaluation before giving their own.
    assert list(evaluation_list(user=expert_user)) == []
    own = evaluation_submit(actor=expert_user, engagement=engagement, period="october", overall=4,
                            ratings=_all_achieved(goals))
    assert own.side == "expert"
    assert {e.side for e in evaluation_list(user=expert_user)} == {"municipality", "expert"}
    assert {e.side for e in evaluation_list(user=coordinator)} == {"municipality", "expert"}
    assert last_evaluation(expert_id=engagement.expert_id, municipality_id="202011") == mine


def test_the_api_lists_for_the_coordinator_and_hides_from_another_prefecture(engagement, goals, municipal,
                                                                             coordinator, other_coordinator,
                                                                             other_municipal):
    body = {"engagement": engagement.pk, "period": "october", "overall": 5, "comment": "順調",
            "ratings": [{"goal": g.pk, "rating": "achieved"} for g in goals]}
    assert client_for(other_municipal).post("/api/v1/evaluations/", body, format="json").status_code == 404
    assert client_for(coordinator).post("/api/v1/evaluations/", body, format="json").status_code == 403
    made = client_for(municipal).post("/api/v1/evaluations/", body, format="json")
    assert made.status_code == 201 and made.json()["overall"] == 5
    rows = client_for(coordinator).get("/api/v1/evaluations/?fiscal_year=2027").json()["results"]
    assert [(r["municipality_name"], r["period"], r["side"], r["overall"]) for r in rows] == [
        ("長野市", "october", "municipality", 5)]
    assert client_for(other_coordinator).get("/api/v1/evaluations/").json()["results"] == []
    assert client_for(other_coordinator).get(f"/api/v1/evaluations/{made.json()['id']}/").status_code == 404
    goals_url = f"/api/v1/goals/?engagement={engagement.pk}"
    assert [g["text"] for g in client_for(coordinator).get(goals_url).json()["results"]] == [
        "窓口のオンライン化", "職員研修を年4回"]
    assert client_for(other_coordinator).post("/api/v1/goals/set/", {"engagement": engagement.pk, "texts": ["x"]},
                                              format="json").status_code == 404
    assert client_for(ExpertUserFactory()).post("/api/v1/goals/set/", {"engagement": engagement.pk, "texts": ["x"]},
                                                format="json").status_code == 404


def _renewal_of(engagement, coordinator):
    renewal_prepare(actor=coordinator, prefecture_id="20", fiscal_year=2028)
    return Need.objects.get(renewed_from=engagement)


def test_the_renewal_default_follows_the_last_evaluation_at_that_municipality(engagement, goals, municipal,
                                                                             coordinator, client, today):
    evaluation_submit(actor=municipal, engagement=engagement, period="october", overall=4,
                      ratings=_all_achieved(goals))
    today["day"] = dt.date(2028, 3, 5)
    renewal = _renewal_of(engagement, coordinator)
    assert renewal.status == "renewal"  # prepared awaiting the municipality whatever the evaluation
    rows = client_for(municipal).get("/api/v1/renewals/?fiscal_year=2028").json()["results"]
    assert (rows[0]["last_evaluation"]["overall"], rows[0]["default"]) == (4, "continue")
    # The March evaluation, given after the renewals were prepared, is the last one and turns the default.
    evaluation_submit(actor=municipal, engagement=engagement, period="march", overall=2,
                      ratings={g.pk: ("not_achieved", "") for g in goals})
    rows = client_for(municipal).get("/api/v1/renewals/?fiscal_year=2028").json()["results"]
    assert (rows[0]["last_evaluation"]["period"], rows[0]["default"]) == ("march", "drop")
    client.force_login(municipal)
    page = client.get("/renewals/?fy=2028").content.decode()
    assert "★2/5" in page and "既定は「継続しない」" in page
    assert page.index("継続しない…") < page.index("継続する")  # the default answer comes first


def test_the_candidates_of_the_next_year_show_the_last_evaluation_there(engagement, goals, municipal, coordinator,
                                                                        client):
    evaluation_submit(actor=municipal, engagement=engagement, period="october", overall=5,
                      ratings=_all_achieved(goals))
    need = NeedFactory(fiscal_year=2028)
    rows = client_for(coordinator).get(f"/api/v1/needs/{need.pk}/candidates/").json()
    rows = rows["results"] if isinstance(rows, dict) else rows
    ours = next(r for r in rows if r["expert"] == engagement.expert_id)
    assert (ours["last_evaluation"]["overall"], ours["last_evaluation"]["fiscal_year"]) == (5, 2027)
    client.force_login(coordinator)
    assert "★5/5" in client.get(f"/needs/{need.pk}/candidates/").content.decode()


def test_the_engagement_page_sets_goals_and_evaluates_and_the_coordinator_sees_it(client, engagement, municipal,
                                                                                  expert_user, coordinator,
                                                                                  other_coordinator):
    client.force_login(expert_user)
    page = client.get(f"/engagements/{engagement.pk}/").content.decode()
    assert "目標と評価" in page and "目標を保存" in page
    saved = client.post(f"/engagements/{engagement.pk}/goals/", {"goal_1": "庁内DX計画の策定", "goal_2": ""}, follow=True)
    assert "目標を1件保存しました" in saved.content.decode()
    client.force_login(municipal)
    page = client.get(f"/engagements/{engagement.pk}/").content.decode()
    assert "令和9年度 中間評価（市区町村の評価）" in page
    (goal,) = Goal.objects.filter(engagement=engagement)
    done = client.post(f"/engagements/{engagement.pk}/evaluation/", {
        "fiscal_year": "2027", "period": "october", "overall": "4", "comment": "着実",
        f"rating_{goal.pk}": "partly", f"comment_{goal.pk}": "素案まで"}, follow=True).content.decode()
    assert "令和9年度の中間評価を提出しました（総合 4/5）" in done and "素案まで" in done
    assert "目標を保存" not in done  # goals are fixed once evaluated
    client.force_login(coordinator)
    listed = client.get("/evaluations/?fy=2027").content.decode()
    assert engagement.expert.name in listed and "★4/5" in listed
    client.force_login(other_coordinator)
    assert engagement.expert.name not in client.get("/evaluations/?fy=2027").content.decode()


def test_the_two_sides_are_asked_for_goals_and_for_the_open_evaluation_on_their_home_page(engagement, municipal,
                                                                                           expert_user):
    def counts(user):
        return {item.key: item.count for item in todo_list(user=user) if item.key in ("goals", "evaluations")}

    assert counts(municipal) == counts(expert_user) == {"goals": 1, "evaluations": 1}
    goals = goals_set(actor=municipal, engagement=engagement, texts=["目標"])
    evaluation_submit(actor=municipal, engagement=engagement, period="october", overall=3,
                      ratings=_all_achieved(goals))
    assert counts(municipal) == {"goals": 0, "evaluations": 0}
    assert counts(expert_user) == {"goals": 0, "evaluations": 1}  # the self-evaluation is still due
