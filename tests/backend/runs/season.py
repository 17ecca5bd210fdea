"""A small season of two runs of 長野県 with every kind of row the run page shows beyond its proposals."""

from backend.experts.models import ExpertSkill
from backend.placement.execution import run_execute
from backend.placement.services import run_enqueue
from backend.runs.models import DecisionKind, MatchRun, Proposal
from backend.runs.params import RunParams
from backend.runs.services import decision_set
from tests.backend.factories import AffiliationFactory, ExpertFactory, NeedFactory, ProcurementFactory


def _solved(coordinator, capture) -> MatchRun:
    with capture(execute=False):
        run = run_enqueue(actor=coordinator, fiscal_year=2027, params=RunParams(time_limit_s=10))
    assert run_execute(run_id=run.pk) == "succeeded"
    return MatchRun.objects.get(pk=run.pk)


def small_season(coordinator, capture) -> dict:
    """Two runs of 長野県: a need only an expert of the incumbent vendor could take (unmatched, conflict), a need
    whose expert changes because the coordinator forbade the first one, and flags naming a vendor and a
    planned procurement."""
    employed = ExpertFactory(name="受託 三郎")
    ProcurementFactory(municipality_id="202011", incumbent_vendor=AffiliationFactory(expert=employed).vendor)
    ExpertSkill.objects.create(expert=employed, skill="data", level=3)
    blocked = NeedFactory(municipality_id="202011", required={"data": 3})
    cheap, dear = ExpertFactory(name="安価 一郎", daily_rate=40_000), ExpertFactory(name="高額 二郎", daily_rate=50_000)
    AffiliationFactory(expert=cheap)
    AffiliationFactory(expert=dear)
    ProcurementFactory(municipality_id="202011", status="planned", incumbent_vendor=None, title="基幹系更新")
    changing = NeedFactory(municipality_id="202011")
    first = _solved(coordinator, capture)
    assert Proposal.objects.get(run=first, need=changing).expert == cheap
    decision_set(actor=coordinator, need=changing, expert=cheap, kind=DecisionKind.FORBID)
    second = _solved(coordinator, capture)
    return {"first": first, "second": second, "blocked": blocked, "changing": changing, "employed": employed,
            "cheap": cheap, "dear": dear}
