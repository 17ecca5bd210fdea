"""The second round (二次調整): publishing the unfilled needs, closing, and the second-round run's instance."""

import datetime as dt

import pytest

from backend.core.audit import AuditAction
from backend.core.errors import ConflictError, DomainError, ForbiddenError
from backend.core.models import AuditLog
from backend.notifications.models import Notification, NotificationKind
from backend.placement.instance import run_instance
from backend.placement.round_runs import round_run
from backend.placement.services import proposal_approve
from backend.runs.models import RunKind
from backend.runs.refs import expert_ref, need_ref
from backend.wishes.rounds import round_close, round_publish
from tests.backend.factories import (
    ExpertFactory,
    ExpertUserFactory,
    NeedFactory,
    ProposalFactory,
)

TODAY = dt.date(2027, 5, 1)
DEADLINE = dt.date(2027, 5, 20)


def _publish(actor, **kw):
    return round_publish(actor=actor, prefecture="20", fiscal_year=2027, deadline=DEADLINE, today=TODAY, **kw)


@pytest.fixture
def main_round(coordinator):
    """After the main round: one need filled by an approved offer, one open, one withdrawn, one of another year."""
    expert = ExpertFactory(capacity_days=100, weekdays=["mon", "tue", "wed"])
    filled = ProposalFactory(expert=expert, weekdays=["mon"])
    engagement = proposal_approve(actor=coordinator, proposal=filled)
    return {"expert": expert, "engagement": engagement, "filled": filled.need,
            "open": NeedFactory(), "withdrawn": NeedFactory(status="withdrawn"),
            "next_year": NeedFactory(fiscal_year=2028), "elsewhere": NeedFactory(municipality_id="192015")}


def test_publishing_a_round_picks_exactly_the_unfilled_needs_audits_and_tells_the_pool(coordinator, main_round):
    pool = ExpertUserFactory(expert=ExpertFactory())
    outsider = ExpertUserFactory(expert=ExpertFactory(registering_prefecture_id="19"))
    r = _publish(coordinator)
    assert list(r.needs.all()) == [main_round["open"]]
    row = AuditLog.objects.get(action=AuditAction.ROUND_PUBLISH)
    assert row.after["needs"] == [main_round["open"].pk] and row.after["deadline"] == "2027-05-20"
    told = Notification.objects.filter(kind=NotificationKind.ROUND_PUBLISHED)
    assert pool.pk in {n.recipient_id for n in told} and outsider.pk not in {n.recipient_id for n in told}
    assert "令和9年5月20日" in told.get(recipient=pool).text


def test_a_round_is_refused_to_others_with_a_past_deadline_and_while_one_is_open(coordinator, other_coordinator,
                                                                                   expert_user, main_round):
    for actor in (other_coordinator, expert_user):
        with pytest.raises(ForbiddenError):
            _publish(actor)
    with pytest.raises(DomainError) as past:
        round_publish(actor=coordinator, prefecture="20", fiscal_year=2027, deadline=TODAY, today=TODAY)
    assert past.value.problems[0].field == "deadline"
    r = _publish(coordinator)
    with pytest.raises(ConflictError):
        _publish(coordinator)
    with pytest.raises(ForbiddenError):
        round_close(actor=other_coordinator, round=r)
    round_close(actor=coordinator, round=r)
    assert AuditLog.objects.filter(action=AuditAction.ROUND_CLOSE).count() == 1
    with pytest.raises(ConflictError):
        round_close(actor=coordinator, round=r)


def test_the_second_round_run_takes_only_the_rounds_open_needs_and_keeps_approved_engagements(
        coordinator, other_coordinator, main_round):
    r = _publish(coordinator)
    later = NeedFactory()  # posted after the round was published: not in it
    with pytest.raises(ForbiddenError):
        round_run(actor=other_coordinator, round=r)
    run = round_run(actor=coordinator, round=r)
    assert (run.kind, run.round_id) == (RunKind.SECOND_ROUND, r.pk)
    instance = run_instance(run)
    assert [n["id"] for n in instance["needs"]] == [need_ref(main_round["open"].pk)]
    assert need_ref(later.pk) not in {p["need"] for p in instance["previous_assignments"]}
    held = next(e for e in instance["experts"] if e["id"] == expert_ref(main_round["expert"].pk))
    # The approved offer keeps its Monday and its 48 days.
    assert held["weekdays"] == ["tue", "wed"] and held["capacity_days"] == 100 - 48
