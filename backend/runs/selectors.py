"""Reads for match runs and their proposals (the audit log is backend.audit, engagements backend.engagements,
the restriction register backend.restrictions)."""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from backend.accounts.models import UserRole
from backend.accounts.permissions import is_admin
from backend.core.choices import ACTIVE_RELATIONS, ProcurementStatus
from backend.experts.models import Affiliation
from backend.experts.selectors import expert_list
from backend.needs.models import Need, NeedStatus
from backend.procurement.models import Procurement
from backend.runs.filters import RunProposalFilter
from backend.runs.models import MatchRun, Proposal, ScopeConsent
from backend.runs.parts import instance_part, result_part
from backend.runs.refs import expert_ref, parse_ref
from backend.runs.report import EXPERT_REF, run_report_stored
from backend.runs.words import places_named, vendors_named_in


def run_list(*, user) -> QuerySet[MatchRun]:
    """Coordinators see runs whose scope includes their prefecture (their own, or a joint run they consented
    to). The instance and the result are never loaded for a list: read them through `run_instance_for`."""
    queryset = MatchRun.objects.select_related("started_by").defer("instance", "result", "report").order_by(
        "-created_at", "-id")
    if is_admin(user):
        return queryset
    if user.role == UserRole.COORDINATOR:
        return queryset.filter(scope__contains=[user.prefecture_id])
    return queryset.none()


def reader_prefectures(*, user) -> set[str] | None:
    """The prefectures whose part of a run the user reads; None for an administrator (all)."""
    if is_admin(user):
        return None
    return {user.prefecture_id} if user.role == UserRole.COORDINATOR else set()


def _visible_expert_refs(user, instance: dict) -> set[str]:
    ids = [parse_ref(e["id"]) for e in instance.get("experts", [])]
    return {expert_ref(pk) for pk in expert_list(user=user).filter(pk__in=ids).values_list("pk", flat=True)}


def run_instance_for(*, user, run: MatchRun) -> dict:
    """The instance the run solved, cut to the reader's part (whole for an administrator)."""
    instance = MatchRun.objects.values_list("instance", flat=True).get(pk=run.pk) or {}
    prefectures = reader_prefectures(user=user)
    if prefectures is None or not instance:
        return instance
    return instance_part(instance, prefectures=prefectures, expert_ids=_visible_expert_refs(user, instance))


def run_result_for(*, user, run: MatchRun) -> dict:
    """The run's result, cut to the reader's part; the objective only for the prefecture that started it."""
    instance, result = MatchRun.objects.values_list("instance", "result").get(pk=run.pk)
    prefectures = reader_prefectures(user=user)
    if prefectures is None or not result:
        return result or {}
    return result_part(result, instance=instance or {}, prefectures=prefectures,
                       whole_run=run.prefecture_id in prefectures)


def scope_consent_list(*, user) -> QuerySet[ScopeConsent]:
    """Consents the user's prefecture gave or received."""
    queryset = ScopeConsent.objects.select_related("grantor", "grantee", "granted_by", "revoked_by")
    if is_admin(user):
        return queryset
    if user.role == UserRole.COORDINATOR:
        return queryset.filter(Q(grantor_id=user.prefecture_id) | Q(grantee_id=user.prefecture_id))
    return queryset.none()


def proposal_scope(*, user) -> QuerySet[Proposal]:
    """Proposals the user may review and act on: those of their prefecture's needs, in runs they see."""
    queryset = Proposal.objects.filter(run__in=run_list(user=user)).select_related(
        "need__municipality", "expert", "engagement")
    if not is_admin(user) and user.role == UserRole.COORDINATOR:
        queryset = queryset.filter(need__municipality__prefecture_id=user.prefecture_id)
    return queryset


def proposal_list(*, user, run: MatchRun, filters: dict | None = None) -> QuerySet[Proposal]:
    """One run's proposals as the user may see them, ordered for review; `filters` by the need's prefecture and
    municipality (`RunProposalFilter`; a value it refuses leaves the list unfiltered: the API checks first)."""
    queryset = proposal_scope(user=user).filter(run=run).order_by("need__municipality_id", "need_id")
    if filters:
        filtered = RunProposalFilter(filters, queryset=queryset)
        return filtered.qs if filtered.is_valid() else queryset
    return queryset


def proposal_counts(proposals: QuerySet[Proposal]) -> tuple[int, int]:
    """How many of these proposals there are and how many a page shows with a note (⚠), for the whole run rather
    than from the rows of one page, in a fixed number of queries: a proposal is noted when the run flagged it, or
    when its expert's employer has since become the incumbent of an ongoing procurement there (`conflict_since`;
    the other live note, a pledge signed since, only ever replaces a flag)."""
    proposals = proposals.order_by()
    counts = proposals.aggregate(total=Count("pk"), flagged=Count("pk", filter=~Q(flags=[])))
    # Looked up per expert and municipality as `proposal_live_states` does: a correlated EXISTS per proposal took
    # 100 ms on a national run whose tables the planner had not analysed yet.
    unflagged = list(proposals.filter(flags=[]).values_list("expert_id", "need__municipality_id"))
    employers, incumbents = _employers_and_incumbents({e for e, _m in unflagged}, {m for _e, m in unflagged})
    since = sum(1 for expert, municipality in unflagged
                if employers.get(expert, set()) & incumbents.get(municipality, set()))
    return counts["total"], counts["flagged"] + since


def _employers_and_incumbents(expert_ids, municipality_ids) -> tuple[dict[int, set[int]], dict[str, set[int]]]:
    """The vendors each expert works for now, and the incumbents of each municipality's ongoing procurements."""
    employers: dict[int, set[int]] = {}
    for expert_id, vendor_id in Affiliation.objects.filter(
            expert_id__in=expert_ids, relation__in=ACTIVE_RELATIONS).values_list("expert_id", "vendor_id"):
        employers.setdefault(expert_id, set()).add(vendor_id)
    incumbents: dict[str, set[int]] = {}
    for municipality_id, vendor_id in Procurement.objects.filter(
            municipality_id__in=municipality_ids, status=ProcurementStatus.ONGOING,
            incumbent_vendor__isnull=False).values_list("municipality_id", "incumbent_vendor_id"):
        incumbents.setdefault(municipality_id, set()).add(vendor_id)
    return employers, incumbents


# -- the state of a proposal now ------------------------------------------------------------------------------

@dataclass(frozen=True)
class LiveState:
    """What a proposal stands for now, computed when shown (a run stores what was true when it ran).

    state: proposed, offered, active, declined, ended, superseded, need_withdrawn, need_filled.
    notes: pledge_signed_since (the run asked for a pledge the expert has signed since), conflict_since
    (the expert's employer became the incumbent of an ongoing procurement there since the run).
    """

    state: str
    notes: tuple[str, ...]


def proposal_live_states(proposals: list[Proposal]) -> dict[int, LiveState]:
    """The live state of each proposal, in a fixed number of queries for the whole list."""
    employers, incumbents = _employers_and_incumbents({p.expert_id for p in proposals},
                                                      {p.need.municipality_id for p in proposals})
    # A replacement run proposes a successor for a need its current engagement fills: approvable while the
    # request is open and no other successor awaits an answer (the need's filled status does not close it).
    open_replacement_runs = set(MatchRun.objects.filter(
        pk__in={p.run_id for p in proposals}, replacement__status="open").values_list("pk", flat=True))
    awaiting_successor = set(Need.objects.filter(
        pk__in={p.need_id for p in proposals if p.run_id in open_replacement_runs}, engagements__status="offered",
        engagements__replaces__isnull=False).values_list("pk", flat=True)) if open_replacement_runs else set()
    states = {}
    for p in proposals:
        engagement = getattr(p, "engagement", None)
        if engagement is not None:
            state = engagement.status
        elif p.status == "superseded":
            state = "superseded"
        elif p.need.status == NeedStatus.WITHDRAWN:
            state = "need_withdrawn"
        elif (p.need.status == NeedStatus.FILLED and p.run_id in open_replacement_runs
              and p.need_id not in awaiting_successor):
            state = "proposed"
        elif p.need.status == NeedStatus.FILLED:
            state = "need_filled"
        else:
            state = "proposed"
        flagged = {f.get("kind") for f in p.flags or []}
        notes = []
        if "pledge_required" in flagged and p.expert.pool_pledge_signed_on is not None:
            notes.append("pledge_signed_since")
        conflicted = employers.get(p.expert_id, set()) & incumbents.get(p.need.municipality_id, set())
        if conflicted and not flagged & {"incumbent_conflict_overridden"}:
            notes.append("conflict_since")
        states[p.pk] = LiveState(state, tuple(notes))
    return states


# -- what the run's page shows beyond its proposals: the stored report, the reader's part --------------------------

@dataclass(frozen=True)
class ProposalChange:
    """A need whose proposed expert differs from the previous run of the same scope, and why."""

    need_id: int
    before_expert_id: int | None
    after_expert_id: int | None
    reason: str  # pinned, forbidden, declined, new_need, recomputed, approved


@dataclass(frozen=True)
class UnmatchedNeed:
    """An unmatched need of the run with the solver's reason, and the experts (the reader may see) that the
    incumbent conflict alone keeps out: an exception recorded from the candidates can place them."""

    need_id: int
    reason: str
    detail: str  # the solver's words, with the experts it names that the reader may see named
    detail_ja: str  # empty in results stored before the solver wrote it
    conflicted: tuple[int, ...]


@dataclass(frozen=True)
class BlockingPair:
    """A pair both sides would rather have had (the result's `blocking_pairs`), and what outweighed it
    (backend.placement.outweighed: by lead, capacity, preference, rule, equal, not_counted or unanalysed)."""

    expert_id: int
    need_id: int
    municipality_level: int
    expert_level: int
    assigned_expert_id: int | None
    released_need_id: int | None
    by: str
    criterion: str | None  # by lead: priority or coverage
    rule: str | None  # by rule: the engine's reason
    lost_need_ids: tuple[int, ...]  # by lead or capacity: the needs that would lose their expert
    weightier: tuple[tuple[int, int, int, int], ...]  # by preference: (expert, need, municipality, expert level)


@dataclass(frozen=True)
class Debrief:
    """A need an expert wanted and did not get: the first rule that blocked them (the veto behind a forbid) or
    the expert preferred there."""

    expert_id: int
    need_id: int
    level: int
    rule: str | None
    veto_by: str | None
    veto_reason: str
    preferred_expert_id: int | None


@dataclass(frozen=True)
class PreferenceReport:
    """What became of both sides' wishes in a version 3 run, the reader's part."""

    counted: bool
    first_choices: dict[str, tuple[int, int]]  # side -> (met, stated)
    blocking: tuple[BlockingPair, ...]
    debrief: tuple[Debrief, ...]


@dataclass(frozen=True)
class RunReport:
    """The reader's part of a run's report (backend/runs/report.py), with the names to show."""

    unmatched: tuple[UnmatchedNeed, ...]
    changes: tuple[ProposalChange, ...]
    expert_names: dict[int, str]  # the experts the report refers to that the reader may see
    vendor_names: dict[int, str]
    procurement_titles: dict[int, str]
    preferences: PreferenceReport | None = None  # runs of version 1 or 2 have none


def _ref_id(ref: str | None) -> int | None:
    return parse_ref(ref) if ref else None


def run_report_for(*, user, run: MatchRun) -> RunReport:
    """What the run page and the API show beyond the proposals, cut to the reader's prefectures: read from the
    report the worker stored (one read; no engine call), the experts named only where the reader may see them."""
    report = run_report_stored(run)
    prefectures = reader_prefectures(user=user)

    def own(entry: dict) -> bool:
        return prefectures is None or entry.get("prefecture") in prefectures

    unmatched = [u for u in report.get("unmatched", []) if own(u)]
    changes = [c for c in report.get("changes", []) if own(c)]
    named = {parse_ref(e) for u in unmatched for e in (*u.get("conflicted", []), *u.get("named", []))}
    named |= {parse_ref(e) for c in changes for e in (c["before"], c["after"]) if e}
    stored_preferences = report.get("preferences")
    preferences = _preferences_part(stored_preferences, own) if stored_preferences else None
    named |= _experts_named(preferences)
    expert_names = dict(expert_list(user=user).filter(pk__in=named).values_list("pk", "name")) if named else {}
    names = report.get("names", {})
    vendors = vendors_named_in(u.get(key) for u in unmatched for key in ("detail", "detail_ja"))

    def worded(text: str, refs: list[str]) -> str:
        """The solver's detail with the experts it names that the reader may see named ("E19" otherwise)."""
        shown = {ref: expert_names[parse_ref(ref)] for ref in refs if parse_ref(ref) in expert_names}
        return places_named(EXPERT_REF.sub(lambda m: shown.get(m.group(0), m.group(0)), text or ""), vendors)

    return RunReport(
        unmatched=tuple(UnmatchedNeed(
            need_id=parse_ref(u["need"]), reason=u["reason"], detail=worded(u.get("detail", ""), u.get("named", [])),
            detail_ja=worded(u.get("detail_ja", ""), u.get("named", [])),
            conflicted=tuple(parse_ref(e) for e in u.get("conflicted", []) if parse_ref(e) in expert_names))
            for u in unmatched),
        changes=tuple(ProposalChange(parse_ref(c["need"]), _ref_id(c["before"]), _ref_id(c["after"]), c["reason"])
                      for c in changes),
        expert_names=expert_names,
        vendor_names={parse_ref(ref): name for ref, name in names.get("vendors", {}).items()},
        procurement_titles={parse_ref(ref): title for ref, title in names.get("procurements", {}).items()},
        preferences=preferences,
    )


def _blocking_pair(b: dict) -> BlockingPair:
    why = b.get("outweighed") or {"by": "unanalysed"}
    return BlockingPair(
        expert_id=parse_ref(b["expert"]), need_id=parse_ref(b["need"]), municipality_level=b["municipality_level"],
        expert_level=b["expert_level"], assigned_expert_id=_ref_id(b.get("assigned_expert")),
        released_need_id=_ref_id(b.get("released_need")), by=why["by"], criterion=why.get("criterion"),
        rule=why.get("rule"), lost_need_ids=tuple(parse_ref(n) for n in why.get("needs", [])),
        weightier=tuple((parse_ref(p["expert"]), parse_ref(p["need"]), p["municipality_level"], p["expert_level"])
                        for p in why.get("pairs", [])))


def _preferences_part(stored: dict, own) -> PreferenceReport:
    """The reader's part of the stored preference report (`own`: an entry of the reader's prefectures)."""
    first = [f for f in stored.get("first_choices", []) if own(f)]
    return PreferenceReport(
        counted=bool(stored.get("counted")),
        first_choices={side: (sum(1 for f in first if f["side"] == side and f["met"]),
                              sum(1 for f in first if f["side"] == side)) for side in ("municipality", "expert")},
        blocking=tuple(_blocking_pair(b) for b in stored.get("blocking", []) if own(b)),
        debrief=tuple(Debrief(expert_id=parse_ref(d["expert"]), need_id=parse_ref(d["need"]), level=d["level"],
                              rule=d.get("rule"), veto_by=(d.get("veto") or {}).get("by"),
                              veto_reason=(d.get("veto") or {}).get("reason", ""),
                              preferred_expert_id=_ref_id(d.get("preferred")))
                      for d in stored.get("debrief", []) if own(d)),
    )


def _experts_named(preferences: PreferenceReport | None) -> set[int]:
    if preferences is None:
        return set()
    named = {b.expert_id for b in preferences.blocking} | {b.assigned_expert_id for b in preferences.blocking}
    named |= {p[0] for b in preferences.blocking for p in b.weightier}
    named |= {d.expert_id for d in preferences.debrief} | {d.preferred_expert_id for d in preferences.debrief}
    return named - {None}


def run_changes(*, user, run: MatchRun) -> list[ProposalChange]:
    """Against the previous run of the same scope: the reader's needs whose proposal changed, with the reason
    the coordinator can act on (a pin or forbid set before the run, an expert who declined, a new need)."""
    return list(run_report_for(user=user, run=run).changes)
