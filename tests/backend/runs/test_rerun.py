"""Re-runs: approved engagements stay fixed and everything else changes as little as possible."""

from backend.placement.execution import run_execute
from backend.placement.services import proposal_approve, run_enqueue
from backend.runs.models import DecisionKind, MatchRun, Proposal
from backend.runs.params import RunParams
from backend.runs.services import decision_set
from tests.backend.factories import ExpertFactory, NeedFactory


def _run(user, capture) -> list[tuple[int, int]]:
    with capture(execute=False):
        run = run_enqueue(actor=user, fiscal_year=2027, params=RunParams(time_limit_s=10))
    assert run_execute(run_id=run.pk) == "succeeded"
    return sorted((p.need_id, p.expert_id) for p in run.proposals.all())


def test_a_rerun_keeps_the_previous_expert_rather_than_a_cheaper_one(coordinator, django_capture_on_commit_callbacks):
    dear, cheap = ExpertFactory(daily_rate=50_000), ExpertFactory(daily_rate=40_000)
    need = NeedFactory()
    decision_set(actor=coordinator, need=need, expert=cheap, kind=DecisionKind.FORBID)
    assert _run(coordinator, django_capture_on_commit_callbacks) == [(need.pk, dear.pk)]
    decision_set(actor=coordinator, need=need, expert=cheap, kind=None)
    assert _run(coordinator, django_capture_on_commit_callbacks) == [(need.pk, dear.pk)]


def test_without_a_previous_run_the_cheaper_expert_is_chosen(coordinator, django_capture_on_commit_callbacks):
    ExpertFactory(daily_rate=50_000)
    cheap = ExpertFactory(daily_rate=40_000)
    need = NeedFactory()
    assert _run(coordinator, django_capture_on_commit_callbacks) == [(need.pk, cheap.pk)]


def test_approved_engagements_keep_their_days_and_weekdays_in_a_rerun(coordinator, django_capture_on_commit_callbacks):
    expert = ExpertFactory(capacity_days=96, weekdays=["mon", "tue"])
    first = NeedFactory(weekdays=["mon", "tue"])
    assert _run(coordinator, django_capture_on_commit_callbacks) == [(first.pk, expert.pk)]
    engagement = proposal_approve(actor=coordinator, proposal=Proposal.objects.get(need=first, status="proposed"))
    second, third = NeedFactory(weekdays=["mon", "tue"]), NeedFactory(weekdays=["mon", "tue"])
    proposals = _run(coordinator, django_capture_on_commit_callbacks)
    assert len(proposals) == 1, "one weekday and 48 days are left: exactly one more weekly need fits"
    assert proposals[0][0] in (second.pk, third.pk) and proposals[0][1] == expert.pk
    latest = MatchRun.objects.latest("created_at")
    (doc,) = latest.instance["experts"]
    taken = set(engagement.weekdays)
    assert doc["capacity_days"] == 48 and doc["max_engagements"] == 2 and not taken & set(doc["weekdays"])
