"""Every write service of runs decides who may call it (issue 22, item 3): called directly, as each wrong role,
it refuses with ForbiddenError (403), never a 400, and writes nothing. The pages and the API keep only a first
gate; a third caller (a command, another app) gets the same answer.

Found missing: municipal staff could pin and forbid experts on their own needs through `decision_set`, and a
coordinator naming a scope without their prefecture got a 400 as if the input were wrong.
"""

import pytest

from backend.core.errors import ForbiddenError
from backend.core.models import AuditLog
from backend.geo.models import Prefecture
from backend.placement import services as placement_services
from backend.runs import services
from backend.runs.models import MatchRun, PairDecision, ScopeConsent
from tests.backend.factories import (
    CoordinatorFactory,
    ExpertFactory,
    ExpertUserFactory,
    MatchRunFactory,
    MunicipalStaffFactory,
    NeedFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ROLES = {
    "other prefecture's coordinator": lambda: CoordinatorFactory(prefecture_id="19"),
    "municipal staff": lambda: MunicipalStaffFactory(municipality_id="202011"),
    "expert": lambda: ExpertUserFactory(expert=ExpertFactory(registering_prefecture_id="20")),
    "administrator": lambda: UserFactory(),  # has no prefecture to consent for
}
NOT_OF_NAGANO = ("other prefecture's coordinator", "municipal staff", "expert")


def _run(status="succeeded"):
    return MatchRunFactory(prefecture_id="20", scope=["20"], status=status)


def _consent():
    return ScopeConsent.objects.create(grantor_id="20", grantee_id="10", fiscal_year=2027)


# Each write service, called as `actor` on what belongs to 長野県 (20), and the roles it must refuse.
CALLS = {
    "run_enqueue": (NOT_OF_NAGANO, lambda actor: placement_services.run_enqueue(actor=actor, fiscal_year=2027,
                                                                                scope=["20"])),
    "run_cancel": (NOT_OF_NAGANO, lambda actor: services.run_cancel(actor=actor, run=_run("queued"))),
    "run_retry": (NOT_OF_NAGANO, lambda actor: placement_services.run_retry(actor=actor, run=_run("failed"))),
    "run_rerun": (NOT_OF_NAGANO, lambda actor: placement_services.run_rerun(actor=actor, run=_run())),
    "decision_set": (NOT_OF_NAGANO, lambda actor: services.decision_set(
        actor=actor, need=NeedFactory(municipality_id="202011"), expert=ExpertFactory(), kind="forbid")),
    "scope_consent_grant": (("municipal staff", "expert", "administrator"), lambda actor: services.scope_consent_grant(
        actor=actor, grantee=Prefecture.objects.get(code="10"), fiscal_year=2027)),
    "scope_consent_revoke": (NOT_OF_NAGANO, lambda actor: services.scope_consent_revoke(actor=actor,
                                                                                        consent=_consent())),
}
CASES = [(service, role) for service, (roles, _call) in CALLS.items() for role in roles]


@pytest.mark.parametrize(("service", "role"), CASES, ids=[f"{s}-{r}" for s, r in CASES])
def test_each_write_service_refuses_each_wrong_role_with_a_403(service, role):
    _roles, call = CALLS[service]
    actor = ROLES[role]()
    with pytest.raises(ForbiddenError):
        call(actor)
    assert not AuditLog.objects.exists()  # every write of these services is audited: nothing was written
    assert not PairDecision.objects.exists()
    assert not MatchRun.objects.filter(status__in=["queued", "cancelled"], started_by=actor).exists()
    assert not ScopeConsent.objects.filter(revoked_at__isnull=False).exists()


def test_a_coordinator_naming_a_scope_without_their_prefecture_is_refused_not_corrected():
    with pytest.raises(ForbiddenError) as refused:
        placement_services.run_enqueue(actor=CoordinatorFactory(prefecture_id="20"), fiscal_year=2027, scope=["19"])
    assert refused.value.problems[0].field == "scope"
    assert not MatchRun.objects.exists()


@pytest.mark.parametrize("service", sorted(CALLS))
def test_the_coordinator_of_the_prefecture_passes_the_check(service, django_capture_on_commit_callbacks):
    actor = CoordinatorFactory(prefecture_id="20")
    with django_capture_on_commit_callbacks(execute=False):
        CALLS[service][1](actor)  # no ForbiddenError: the table above refuses only the wrong roles
