"""Both sides' wishes in a run (issue 25, item 4): the instance carries them (`kenmu.instance/3`) with the vetoes in
force as forbids naming who vetoed, when and why; the run option 「希望を考慮する」; and the run's preference report
(first choices met, every blocking pair with what outweighed it, a debrief for each expert who was not placed),
stored by the worker and cut to the reader's part."""

import pytest
from django.utils import timezone

from backend.core.choices import WishLevel, WishSide
from backend.placement.execution import run_execute
from backend.placement.instance import scope_instance
from backend.placement.services import run_enqueue
from backend.runs.models import MatchRun
from backend.runs.params import RunParams
from backend.wishes.models import Veto, Wish
from tests.backend.conftest import client_for
from tests.backend.factories import ExpertFactory, MatchRunFactory, NeedFactory

FIRST, WANTED, ACCEPTABLE = WishLevel.FIRST, WishLevel.WANTED, WishLevel.ACCEPTABLE
M, X = WishSide.MUNICIPALITY, WishSide.EXPERT


def wish(need, expert, side, level) -> Wish:
    return Wish.objects.create(need=need, expert=expert, side=side, level=level)


@pytest.fixture
def solved(coordinator, django_capture_on_commit_callbacks):
    def run(**params) -> MatchRun:
        with django_capture_on_commit_callbacks(execute=False):
            queued = run_enqueue(actor=coordinator, fiscal_year=2027, params=RunParams(time_limit_s=10, **params))
        assert run_execute(run_id=queued.pk) == "succeeded"
        return MatchRun.objects.get(pk=queued.pk)
    return run


def assigned(run: MatchRun) -> dict[str, str]:
    return {a["need"]: a["expert"] for a in run.result["assignments"]}


def test_the_instance_carries_the_wishes_of_its_pairs_and_the_vetoes_in_force_naming_who_and_when():
    nagano, matsumoto = NeedFactory(municipality_id="202011"), NeedFactory(municipality_id="202029")
    a, b, c = ExpertFactory(), ExpertFactory(), ExpertFactory()
    gone = ExpertFactory(listed=False)
    wish(nagano, a, M, FIRST)
    wish(nagano, b, X, WANTED)
    wish(nagano, gone, M, WANTED)  # an expert outside the instance: dropped
    by_municipality = Veto.objects.create(side=M, need=nagano, expert=c, reason="昨年度の事業で連絡が滞った")
    by_expert = Veto.objects.create(side=X, municipality_id="202029", expert=b, reason="勤務先の取引先がある")
    Veto.objects.create(side=X, municipality_id="202011", expert=a, reason="取り下げた", withdrawn_at=timezone.now())

    doc = scope_instance(prefecture_codes=["20"], fiscal_year=2027)

    assert doc["format"] == "kenmu.instance/3"
    assert doc["preferences"] == [
        {"need": f"N{nagano.pk}", "expert": f"E{a.pk}", "side": "municipality", "level": 3},
        {"need": f"N{nagano.pk}", "expert": f"E{b.pk}", "side": "expert", "level": 2}]
    assert sorted((f["expert"], f["need"], f["by"], f["veto"], f["reason"]) for f in doc["forbids"]) == sorted([
        (f"E{c.pk}", f"N{nagano.pk}", "municipality", by_municipality.pk, "昨年度の事業で連絡が滞った"),
        (f"E{b.pk}", f"N{matsumoto.pk}", "expert", by_expert.pk, "勤務先の取引先がある")])
    assert all(f["at"].startswith(str(timezone.now().year)) for f in doc["forbids"])


def test_wishes_count_by_default_only_once_someone_stated_one_and_the_form_and_api_can_say_no(
        coordinator, client, django_capture_on_commit_callbacks):
    need = NeedFactory()
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=False):
        assert run_enqueue(actor=coordinator, fiscal_year=2027).params["wishes"] is False
        assert 'name="wishes" checked' not in client.get("/runs/").content.decode()
        MatchRun.objects.update(status="cancelled")
        wish(need, ExpertFactory(), X, ACCEPTABLE)
        assert run_enqueue(actor=coordinator, fiscal_year=2027).params["wishes"] is True
        assert 'name="wishes" checked' in client.get("/runs/").content.decode()
        MatchRun.objects.update(status="cancelled")
        client.post("/runs/new/", {"fiscal_year": 2027})  # the box unticked
        MatchRun.objects.update(status="cancelled")
        client_for(coordinator).post("/api/v1/runs/", {"fiscal_year": 2027, "wishes": False}, format="json")
    assert [r.params["wishes"] for r in MatchRun.objects.order_by("id")] == [False, True, False, False]


def test_a_tie_in_the_lead_is_broken_by_the_wishes_and_the_option_off_leaves_them_out(solved):
    need = NeedFactory(priority=3)
    cheap, wanted = ExpertFactory(daily_rate=40_000), ExpertFactory(daily_rate=45_000)
    wish(need, wanted, M, FIRST)

    off = solved(wishes=False)
    assert assigned(off) == {f"N{need.pk}": f"E{cheap.pk}"}  # the fee decides
    assert "preference" not in off.result["objective"] and off.report["preferences"]["counted"] is False

    on = solved()
    assert on.params["wishes"] is True
    assert assigned(on) == {f"N{need.pk}": f"E{wanted.pk}"}  # the same lead; the municipality's first choice
    assert on.result["objective"]["preference"]["value"] == 3
    assert on.report["preferences"]["first_choices"] == [
        {"side": "municipality", "need": f"N{need.pk}", "expert": f"E{wanted.pk}", "prefecture": "20", "met": True}]


def test_a_veto_is_honoured_as_a_forbid_with_its_reason_and_the_expert_who_wanted_the_need_is_told_why(
        solved, coordinator, client):
    need = NeedFactory()
    vetoed, other = ExpertFactory(daily_rate=40_000, name="不可 花子"), ExpertFactory(daily_rate=45_000)
    wish(need, vetoed, X, FIRST)
    Veto.objects.create(side=M, need=need, expert=vetoed, reason="以前の契約で守秘の問題があった")

    run = solved()

    assert assigned(run) == {f"N{need.pk}": f"E{other.pk}"}
    (forbid,) = run.instance["forbids"]
    assert (forbid["expert"], forbid["by"], forbid["reason"]) == (f"E{vetoed.pk}", "municipality",
                                                                  "以前の契約で守秘の問題があった")
    (debrief,) = run.report["preferences"]["debrief"]
    assert (debrief["expert"], debrief["rule"], debrief["veto"]["by"]) == (f"E{vetoed.pk}", "forbidden", "municipality")
    client.force_login(coordinator)
    page = client.get(f"/runs/{run.pk}/").content.decode()
    assert "希望の反映" in page and "不可 花子" in page and "市区町村が不可としました（理由：以前の契約で守秘の問題があった）" in page


@pytest.fixture
def contested(solved):
    """長野市's need (priority 5) only `star` can fill; 松本市's need (priority 1) is `star`'s first choice and
    松本市's too, but `star` takes one engagement: the lead puts `star` at 長野市, and (star, 松本市) blocks."""
    nagano = NeedFactory(municipality_id="202011", priority=5, required={"planning": 3})
    matsumoto = NeedFactory(municipality_id="202029", priority=1)
    star = ExpertFactory(name="希望 一郎", max_engagements=1, skill_levels={"security": 3, "planning": 3})
    stand_in = ExpertFactory(name="代わり 次郎", skill_levels={"security": 3, "planning": 1})
    hopeful = ExpertFactory(name="週末 三郎", weekdays=["sat"], skill_levels={"security": 3, "planning": 1})
    wish(matsumoto, star, M, FIRST)
    wish(matsumoto, star, X, FIRST)
    wish(nagano, star, X, ACCEPTABLE)
    wish(nagano, hopeful, X, WANTED)
    run = solved()
    return run, {"nagano": nagano, "matsumoto": matsumoto, "star": star, "stand_in": stand_in, "hopeful": hopeful}


def test_the_report_counts_first_choices_explains_each_blocking_pair_and_debriefs_the_unplaced(contested):
    run, rows = contested
    star, nagano, matsumoto = rows["star"], rows["nagano"], rows["matsumoto"]
    assert assigned(run) == {f"N{nagano.pk}": f"E{star.pk}", f"N{matsumoto.pk}": f"E{rows['stand_in'].pk}"}
    report = run.report["preferences"]
    assert sorted((f["side"], f["met"]) for f in report["first_choices"]) == [("expert", False), ("municipality", False)]
    (pair,) = report["blocking"]
    assert (pair["expert"], pair["need"], pair["released_need"]) == (f"E{star.pk}", f"N{matsumoto.pk}",
                                                                     f"N{nagano.pk}")
    # Pinned there, 長野市's need would go unfilled: its higher priority outweighed both wishes.
    assert pair["outweighed"] == {"by": "lead", "criterion": "priority", "needs": [f"N{nagano.pk}"]}
    (debrief,) = report["debrief"]
    assert (debrief["expert"], debrief["need"], debrief["rule"]) == (f"E{rows['hopeful'].pk}", f"N{nagano.pk}",
                                                                     "no_skill")


def test_the_preference_report_is_the_reading_coordinators_and_nobody_elses(contested, coordinator, other_coordinator,
                                                                              municipal, expert_user):
    run, rows = contested
    body = client_for(coordinator).get(f"/api/v1/runs/{run.pk}/report/").json()["preferences"]
    assert body["counted"] is True
    assert body["first_choices"] == {"municipality": {"met": 0, "stated": 1}, "expert": {"met": 0, "stated": 1}}
    (pair,) = body["blocking_pairs"]
    assert pair["expert"] == {"id": rows["star"].pk, "name": "希望 一郎"} and pair["outweighed_by"] == "lead"
    assert pair["lost_needs"] == [rows["nagano"].pk] and pair["assigned_expert"]["name"] == "代わり 次郎"
    assert body["debrief"][0]["rule"] == "no_skill"
    assert client_for(other_coordinator).get(f"/api/v1/runs/{run.pk}/report/").status_code == 404
    for user in (municipal, expert_user):
        assert client_for(user).get(f"/api/v1/runs/{run.pk}/report/").status_code in (403, 404)


def test_a_run_stored_before_version_3_still_renders_without_a_preference_report(coordinator, client):
    need, expert = NeedFactory(), ExpertFactory()
    run = MatchRunFactory(
        instance={"format": "kenmu.instance/2", "needs": [{"id": f"N{need.pk}", "municipality": "202011",
                                                            "prefecture": "20"}], "experts": []},
        result={"format": "kenmu.result/2", "status": "optimal", "unmatched": [], "flags": [],
                "assignments": [{"need": f"N{need.pk}", "expert": f"E{expert.pk}", "weekdays": ["mon"]}],
                "objective": {"primary": 3, "primary_bound": 3}},
        params={"time_limit_s": 30, "seed": 0, "workers": 2, "stages": None, "lead": ["priority"]})

    client.force_login(coordinator)
    page = client.get(f"/runs/{run.pk}/")
    assert page.status_code == 200 and "希望の反映" not in page.content.decode()
    assert client_for(coordinator).get(f"/api/v1/runs/{run.pk}/report/").json()["preferences"] is None


def test_what_outweighed_a_pair_is_claimed_only_where_the_short_solve_proves_it():
    from backend.placement.outweighed import compare

    pair = {"expert": "E1", "need": "N2"}

    def result(primary, bound, preference, *assignments):
        return {"status": "feasible", "objective": {"lead": [{"name": "priority", "value": primary, "bound": bound}],
                                                    "preference": {"value": preference, "bound": preference}},
                "assignments": [{"expert": e, "need": n, "preference": {"municipality": m, "expert": x}}
                                for e, n, m, x in assignments]}

    run = result(6, 6, 5, ("E1", "N1", 3, 2), ("E2", "N2", 0, 0))
    assert compare(run, result(1, 1, 6, ("E1", "N2", 3, 3)), pair) == {"by": "lead", "criterion": "priority",
                                                                       "needs": ["N1"]}
    assert compare(run, result(1, 6, 6, ("E1", "N2", 3, 3)), pair) == {"by": "unanalysed"}  # not proven lost
    assert compare(run, result(6, 6, 3, ("E1", "N2", 3, 0), ("E3", "N1", 0, 0)), pair) == {
        "by": "preference", "pairs": [{"expert": "E1", "need": "N1", "municipality_level": 3, "expert_level": 2}]}
    assert compare(run, {"status": "infeasible", "conflicting_pins": [
        {"expert": "E1", "need": "N2", "reason": "rule 10 capacity"}]}, pair) == {"by": "rule", "rule": "capacity"}
