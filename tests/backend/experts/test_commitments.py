"""Commitments elsewhere (他の業務): declared by the expert, taken from what the instance and the approval see."""

import pytest

from backend.core.audit import AuditAction
from backend.core.errors import DomainError, ForbiddenError
from backend.core.models import AuditLog
from backend.experts.commitments import commitment_remove, commitment_set
from backend.experts.models import ExternalCommitment
from backend.placement.candidates import candidates_instance
from backend.placement.services import proposal_approve
from backend.runs.refs import expert_ref
from tests.backend.factories import ExpertFactory, ExpertUserFactory, NeedFactory, ProposalFactory


def _declare(user, **kw):
    values = {"fiscal_year": 2027, "kind": "regional_informatization_adviser", "days_per_year": 30,
              "weekdays": ["mon"], "note": "総務省"} | kw
    return commitment_set(actor=user, expert=user.expert, **values)


def test_a_commitment_takes_its_days_and_weekdays_from_the_instance(expert_user):
    _declare(expert_user, weekdays=["tue", "mon"])
    _declare(expert_user, kind="employer", days_per_year=10, weekdays=[], fiscal_year=2028)  # another year
    need = NeedFactory()
    doc = next(e for e in candidates_instance(needs=[need])["experts"] if e["id"] == expert_ref(expert_user.expert.pk))
    assert doc["capacity_days"] == 96 - 30 and doc["weekdays"] == ["wed", "thu", "fri"]


def test_an_approval_that_overbooks_counting_the_commitment_is_refused(coordinator):
    user = ExpertUserFactory(expert=ExpertFactory(capacity_days=60))
    _declare(user, days_per_year=20, weekdays=[])
    with pytest.raises(DomainError) as refused:  # 20 declared + 48 > 60
        proposal_approve(actor=coordinator, proposal=ProposalFactory(expert=user.expert, weekdays=["tue"]))
    assert [p.code for p in refused.value.problems] == ["rule_10"]
    assert "60" not in str(refused.value.problems[0].message) and "40日" in str(refused.value.problems[0].message)


def test_an_approval_on_a_committed_weekday_is_refused(coordinator, expert_user):
    _declare(expert_user, days_per_year=5, weekdays=["tue"])
    with pytest.raises(DomainError) as refused:
        proposal_approve(actor=coordinator, proposal=ProposalFactory(expert=expert_user.expert, weekdays=["tue"]))
    assert "rule_5" in [p.code for p in refused.value.problems]


def test_only_the_expert_declares_validated_and_audited(coordinator, expert_user, other_expert_user):
    with pytest.raises(ForbiddenError):
        commitment_set(actor=coordinator, expert=expert_user.expert, fiscal_year=2027, kind="employer",
                       days_per_year=5, weekdays=[], note="")
    with pytest.raises(ForbiddenError):
        commitment_set(actor=other_expert_user, expert=expert_user.expert, fiscal_year=2027, kind="employer",
                       days_per_year=5, weekdays=[], note="")
    with pytest.raises(DomainError) as bad:
        _declare(expert_user, kind="nap", days_per_year=97, weekdays=["xyz"])
    assert {p.field for p in bad.value.problems} == {"kind", "days_per_year", "weekdays"}
    c = _declare(expert_user)
    c = _declare(expert_user, days_per_year=12, commitment=c)
    assert ExternalCommitment.objects.get(pk=c.pk).days_per_year == 12
    with pytest.raises(ForbiddenError):
        commitment_remove(actor=coordinator, commitment=c)
    commitment_remove(actor=expert_user, commitment=c)
    assert not ExternalCommitment.objects.filter(expert=expert_user.expert).exists()
    actions = list(AuditLog.objects.filter(action__startswith="commitment.").values_list("action", flat=True))
    assert sorted(actions) == sorted([AuditAction.COMMITMENT_SET] * 2 + [AuditAction.COMMITMENT_REMOVE])
