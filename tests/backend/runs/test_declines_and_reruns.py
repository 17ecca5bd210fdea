"""Declines are remembered; re-runs keep the run's stages and say what changed and why (issue 11, items 5 and 7).

Each test replays what a new user met in the browser: 「指定を反映して再実行」 ran with no stages at all, and an
expert who declined 平谷村 was proposed there again by the next run, the coordinator's pin still in place.
"""

from backend.engagements.services import engagement_respond
from backend.placement.execution import run_execute
from backend.placement.services import proposal_approve, run_enqueue, run_rerun
from backend.runs.models import DecisionKind, MatchRun, PairDecision, Proposal
from backend.runs.params import RunParams
from backend.runs.selectors import run_changes
from backend.runs.services import decision_set
from tests.backend.conftest import client_for
from tests.backend.factories import ExpertFactory, ExpertUserFactory, MunicipalStaffFactory, NeedFactory


def _solve(run, capture):
    assert run_execute(run_id=run.pk) == "succeeded"
    return MatchRun.objects.get(pk=run.pk)


def _first_run(user, capture, **params):
    with capture(execute=False):
        run = run_enqueue(actor=user, fiscal_year=2027, params=RunParams(time_limit_s=10, **params))
    return _solve(run, capture)


def _rerun(user, run, capture):
    with capture(execute=False):
        again = run_rerun(actor=user, run=run)
    return _solve(again, capture)


def test_a_rerun_keeps_the_criteria_the_coordinator_chose(coordinator, django_capture_on_commit_callbacks):
    NeedFactory()
    ExpertFactory()
    chosen = _first_run(coordinator, django_capture_on_commit_callbacks, stages=["fee"])
    again = _rerun(coordinator, chosen, django_capture_on_commit_callbacks)
    assert again.params["stages"] == ["fee"]
    everything = _first_run(coordinator, django_capture_on_commit_callbacks)  # default: all stages
    assert _rerun(coordinator, everything, django_capture_on_commit_callbacks).params["stages"] is None


def test_the_rerun_button_posts_to_the_rerun_and_the_page_names_the_criteria(
        client, coordinator, django_capture_on_commit_callbacks):
    NeedFactory()
    ExpertFactory()
    run = _first_run(coordinator, django_capture_on_commit_callbacks, stages=["fee", "travel"])
    client.force_login(coordinator)
    page = client.get(f"/runs/{run.pk}/").content.decode()
    assert f'action="/runs/{run.pk}/rerun/"' in page
    assert "予算に対する報酬を低く" in page and "現地勤務の移動距離を少なく" in page
    assert "希望スキルへの適合" not in page.split('id="stages"')[1].split("</p>")[0]
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(f"/runs/{run.pk}/rerun/")
    again = MatchRun.objects.latest("created_at")
    assert response.status_code == 302 and again.pk != run.pk and again.params["stages"] == ["fee", "travel"]


def test_an_experts_decline_forbids_the_pair_and_the_next_run_says_why(coordinator,
                                                                        django_capture_on_commit_callbacks):
    need = NeedFactory(municipality_id="202011")
    first_choice, second_choice = ExpertFactory(daily_rate=40_000), ExpertFactory(daily_rate=45_000)
    decision_set(actor=coordinator, need=need, expert=first_choice, kind=DecisionKind.PIN)
    run = _first_run(coordinator, django_capture_on_commit_callbacks)
    engagement = proposal_approve(actor=coordinator, proposal=Proposal.objects.get(run=run))
    assert engagement.expert_id == first_choice.pk
    expert_user = ExpertUserFactory(expert=first_choice)
    engagement_respond(actor=expert_user, engagement=engagement, accept=False, decline_code="schedule", reason="日程が合わない")

    decision = PairDecision.objects.get(need=need, expert=first_choice)
    assert (decision.kind, decision.declined_by, decision.reason) == ("forbid", "expert", "日程が合わない")
    again = _rerun(coordinator, run, django_capture_on_commit_callbacks)
    assert {"expert": f"E{first_choice.pk}", "need": f"N{need.pk}"} in again.instance["forbids"]
    (proposal,) = Proposal.objects.filter(run=again)
    assert proposal.expert_id == second_choice.pk
    (change,) = run_changes(user=coordinator, run=again)
    assert (change.before_expert_id, change.after_expert_id, change.reason) == (
        first_choice.pk, second_choice.pk, "declined")


def test_a_municipalitys_decline_through_the_api_lifts_the_coordinators_pin(coordinator,
                                                                             django_capture_on_commit_callbacks):
    need = NeedFactory(municipality_id="202011")
    expert = ExpertFactory()
    decision_set(actor=coordinator, need=need, expert=expert, kind=DecisionKind.PIN)
    run = _first_run(coordinator, django_capture_on_commit_callbacks)
    engagement = proposal_approve(actor=coordinator, proposal=Proposal.objects.get(run=run))
    staff = client_for(MunicipalStaffFactory(municipality_id="202011"))
    response = staff.post(f"/api/v1/engagements/{engagement.pk}/decline/", {"decline_code": "council_budget", "reason": "予算の都合"}, format="json")
    assert response.status_code == 200, response.content
    decision = PairDecision.objects.get(need=need, expert=expert)
    assert (decision.kind, decision.declined_by, decision.reason) == ("forbid", "municipality", "予算の都合")
    listed = client_for(coordinator).get("/api/v1/decisions/").json()["results"]
    assert [(d["kind"], d["declined_by"]) for d in listed] == [("forbid", "municipality")]
    # The coordinator can lift the decline.
    cleared = client_for(coordinator).post("/api/v1/decisions/",
                                           {"need": need.pk, "expert": expert.pk, "kind": None}, format="json")
    assert cleared.status_code == 204 and not PairDecision.objects.exists()
