"""A succeeded run's report (issue 22, item 6): what the run page shows beyond the proposals is computed by the
worker when the run ends and stored with the run. It holds exactly what the page used to compute on every view,
with the engine (`matching.blocking_rules` over every expert-need pair) and up to seven reads of the stored
instance and result."""

import re

import matching
from backend.experts.selectors import expert_list
from backend.procurement.models import Procurement, Vendor
from backend.runs.models import MatchRun, PairDecision, Proposal
from backend.runs.refs import parse_ref
from backend.runs.selectors import run_instance_for, run_report_for, run_result_for
from backend.runs.words import places_named
from tests.backend.factories import MatchRunFactory
from tests.backend.runs.season import small_season

EXPERT_REF = re.compile(r"\bE(\d+)\b")


# -- what the page computed on every view before issue 22 (frontend/views/runs.py, backend/runs/selectors.py) --

def old_unmatched(user, run) -> dict[int, dict]:
    instance = run_instance_for(user=user, run=run)
    rules = matching.blocking_rules(instance) if instance.get("experts") and instance.get("needs") else {}
    names = dict(expert_list(user=user).filter(
        pk__in=[parse_ref(e["id"]) for e in instance.get("experts", [])]).values_list("pk", "name"))
    rows = {}
    for u in run_result_for(user=user, run=run).get("unmatched", []):
        rows[parse_ref(u["need"])] = {
            "reason": u["reason"],
            # Places and vendors by name since issue 21 (the page showed 202011 and V2).
            "detail": places_named(EXPERT_REF.sub(lambda m: names.get(int(m.group(1)), m.group(0)),
                                                  u.get("detail", ""))),
            "conflicted": sorted(names[parse_ref(e)] for (e, n), reason in rules.items()
                                 if n == u["need"] and reason == "conflict" and parse_ref(e) in names)}
    return rows


def old_changes(user, run) -> list[tuple]:
    previous = (MatchRun.objects.filter(scope_key=run.scope_key, status="succeeded", created_at__lt=run.created_at)
                .order_by("-created_at").first())
    if previous is None:
        return []
    before = {parse_ref(a["need"]): parse_ref(a["expert"])
              for a in run_result_for(user=user, run=previous).get("assignments", [])}
    after = {parse_ref(a["need"]): parse_ref(a["expert"]) for a in run_result_for(user=user, run=run)["assignments"]}
    known = {parse_ref(n["id"]) for n in run_instance_for(user=user, run=previous).get("needs", [])}
    decisions = {(d.need_id, d.expert_id): d for d in PairDecision.objects.filter(need_id__in=set(before) | set(after))}
    changes = []
    for need_id in sorted(set(before) | set(after)):
        was, now = before.get(need_id), after.get(need_id)
        if was == now:
            continue
        if need_id not in known:
            reason = "new_need"
        elif now is not None and getattr(decisions.get((need_id, now)), "kind", None) == "pin":
            reason = "pinned"
        elif was is not None and getattr(decisions.get((need_id, was)), "declined_by", ""):
            reason = "declined"
        elif was is not None and getattr(decisions.get((need_id, was)), "kind", None) == "forbid":
            reason = "forbidden"
        else:
            reason = "recomputed"
        changes.append((need_id, was, now, reason))
    return changes


def old_flag_names(run) -> tuple[dict, dict]:
    flags = [f for p in Proposal.objects.filter(run=run) for f in p.flags]
    vendors = dict(Vendor.objects.filter(pk__in={parse_ref(f["vendor"]) for f in flags if f.get("vendor")})
                   .values_list("pk", "name"))
    titles = dict(Procurement.objects.filter(pk__in={parse_ref(p) for f in flags for p in f.get("procurements", [])})
                  .values_list("pk", "title"))
    return vendors, titles


def test_the_stored_report_says_what_the_page_computed_on_every_view(coordinator, django_capture_on_commit_callbacks):
    season = small_season(coordinator, django_capture_on_commit_callbacks)
    for run in (season["first"], season["second"]):
        assert MatchRun.objects.values_list("report", flat=True).get(pk=run.pk) is not None  # stored by the worker
        report = run_report_for(user=coordinator, run=run)
        assert {u.need_id: {"reason": u.reason, "detail": u.detail,
                            "conflicted": sorted(report.expert_names[e] for e in u.conflicted)}
                for u in report.unmatched} == old_unmatched(coordinator, run)
        assert [(c.need_id, c.before_expert_id, c.after_expert_id, c.reason)
                for c in report.changes] == old_changes(coordinator, run)
        vendors, titles = old_flag_names(run)
        assert (report.vendor_names, report.procurement_titles) == (vendors, titles)
    # The season has each kind of row, so the comparison above compared something.
    report = run_report_for(user=coordinator, run=season["second"])
    (unmatched,) = report.unmatched
    assert (unmatched.need_id, unmatched.reason) == (season["blocked"].pk, "conflict")
    assert [report.expert_names[e] for e in unmatched.conflicted] == ["受託 三郎"]
    assert [(c.need_id, c.reason) for c in report.changes] == [(season["changing"].pk, "forbidden")]
    assert "基幹系更新" in report.procurement_titles.values() and report.vendor_names


def test_a_run_stored_before_reports_gets_its_report_once_when_first_read(coordinator,
                                                                          django_capture_on_commit_callbacks):
    season = small_season(coordinator, django_capture_on_commit_callbacks)
    second = season["second"]
    stored = MatchRun.objects.values_list("report", flat=True).get(pk=second.pk)
    MatchRun.objects.filter(pk=second.pk).update(report=None)  # as a run made before the report existed
    run_report_for(user=coordinator, run=second)
    assert MatchRun.objects.values_list("report", flat=True).get(pk=second.pk) == stored


def test_a_run_that_did_not_succeed_has_no_report_and_computes_none(coordinator):
    failed = MatchRunFactory(status="failed", result=None)
    report = run_report_for(user=coordinator, run=failed)
    assert (report.unmatched, report.changes) == ((), ())
    assert MatchRun.objects.values_list("report", flat=True).get(pk=failed.pk) is None


def test_each_prefecture_reads_its_own_part_of_a_joint_runs_report(coordinator, other_coordinator):
    def entry(need, prefecture):
        return {"need": need, "prefecture": prefecture, "reason": "no_skill", "detail": "", "conflicted": [],
                "named": []}

    run = MatchRunFactory(prefecture_id="20", scope=["19", "20"], report={
        "version": 1, "previous_run": None, "names": {"vendors": {}, "procurements": {}},
        "unmatched": [entry("N1", "20"), entry("N2", "19")],
        "changes": [{"need": "N3", "prefecture": "19", "before": None, "after": None, "reason": "new_need"}]})
    nagano, yamanashi = run_report_for(user=coordinator, run=run), run_report_for(user=other_coordinator, run=run)
    assert ([u.need_id for u in nagano.unmatched], nagano.changes) == ([1], ())
    assert ([u.need_id for u in yamanashi.unmatched], [c.need_id for c in yamanashi.changes]) == ([2], [3])
