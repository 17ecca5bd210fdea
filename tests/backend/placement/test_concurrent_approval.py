"""Many coordinators approving at the same moment never overbook an expert (real PostgreSQL)."""

from itertools import combinations

import pytest

from backend.core.errors import DomainError
from backend.engagements.models import Engagement
from backend.placement.services import proposal_approve
from tests.backend.concurrency import race
from tests.backend.factories import CoordinatorFactory, ExpertFactory, NeedFactory, ProposalFactory

# The marker (not only the fixture) lets pytest-django run these after the rollback-based tests,
# whose register would otherwise be flushed away.
pytestmark = pytest.mark.django_db(transaction=True)


def _race(calls) -> list:
    return race(calls, expected=(DomainError,))


def test_parallel_approvals_never_exceed_capacity_weekdays_or_engagements(committed_db):
    coordinators = [CoordinatorFactory(prefecture_id="20") for _ in range(4)]
    expert = ExpertFactory(capacity_days=144, max_engagements=4, weekdays=["mon", "tue", "wed", "thu", "fri"])
    weekday_pairs = list(combinations(["mon", "tue", "wed", "thu", "fri"], 1))
    proposals = []
    for index in range(12):
        need = NeedFactory(municipality_id="202011", days_per_year=48, weekly_days=1)
        proposals.append(ProposalFactory(expert=expert, need=need, weekdays=list(weekday_pairs[index % 5])))

    outcomes = _race([
        (lambda p=p, u=coordinators[i % 4]: proposal_approve(actor=u, proposal=p))
        for i, p in enumerate(proposals)
    ])

    engagements = list(Engagement.objects.filter(expert=expert))
    assert all(isinstance(o, (Engagement, DomainError)) for o in outcomes), outcomes
    assert len(engagements) == sum(isinstance(o, Engagement) for o in outcomes)
    assert len(engagements) == 3  # capacity 144 = exactly three weekly one-day needs
    assert sum(e.days_per_year for e in engagements) <= expert.capacity_days
    used = [d for e in engagements for d in e.weekdays]
    assert len(used) == len(set(used)), "a weekday was booked twice"


def test_parallel_approvals_of_one_need_create_one_engagement(committed_db):
    need = NeedFactory(municipality_id="202011")
    proposals = [ProposalFactory(need=need, expert=ExpertFactory()) for _ in range(6)]
    user = CoordinatorFactory(prefecture_id="20")
    outcomes = _race([(lambda p=p: proposal_approve(actor=user, proposal=p)) for p in proposals])
    assert sum(isinstance(o, Engagement) for o in outcomes) == 1
    assert Engagement.objects.filter(need=need).count() == 1
