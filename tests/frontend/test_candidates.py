"""Candidates for a need (issue 11, item 4): every expert of the prefecture with their standing in words, load
and free weekdays; pin, forbid, and place a conflict-blocked expert with a recorded exception.

Tried as a new user: pin and forbid existed only on proposed rows, so an expert employed by the incumbent
vendor could not be placed on purpose.
"""

import re

import pytest

from backend.engagements.models import CoiOverride, Engagement
from backend.placement.candidates import need_candidates
from backend.runs.models import PairDecision
from backend.runs.params import RunParams
from tests.backend.factories import (
    AffiliationFactory,
    CoordinatorFactory,
    ExpertFactory,
    NeedFactory,
    ProcurementFactory,
    ProposalFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    need = NeedFactory(municipality_id="202011", budget=3_000_000)
    eligible = ExpertFactory(name="適格 一郎")
    dear = ExpertFactory(name="高額 二郎", daily_rate=100_000)
    employed = ExpertFactory(name="受託 三郎")
    ProcurementFactory(municipality_id="202011", incumbent_vendor=AffiliationFactory(expert=employed).vendor)
    return {"need": need, "eligible": eligible, "dear": dear, "employed": employed,
            "coordinator": CoordinatorFactory(prefecture_id="20")}


def test_every_expert_of_the_prefecture_appears_with_the_first_rule_that_blocks_them(world):
    rows = {c.expert.name: c for c in need_candidates(user=world["coordinator"], need=world["need"])}
    assert rows["適格 一郎"].blocked_by is None
    assert rows["高額 二郎"].blocked_by == "over_budget"
    assert rows["受託 三郎"].blocked_by == "conflict" and rows["受託 三郎"].placeable_with_exception
    assert rows["適格 一郎"].free_weekdays == ("mon", "tue", "wed", "thu", "fri")


def test_the_page_words_the_standing_and_places_the_conflicted_expert_with_an_exception(client, world):
    need, employed = world["need"], world["employed"]
    client.force_login(world["coordinator"])
    page = client.get(f"/needs/{need.pk}/candidates/").content.decode()
    assert "報酬が予算を超える" in page and "現在の受託事業者" in page and not re.search(r"ルール\s*[0-9]", page) and "適格" in page
    assert "例外として配置する" in page
    done = client.post(f"/needs/{need.pk}/candidates/decide/",
                       {"expert": employed.pk, "kind": "exception", "reason": "庁内に他の候補がいない"}, follow=True)
    assert "例外を記録し" in done.content.decode()
    assert CoiOverride.objects.get().reason == "庁内に他の候補がいない"
    assert PairDecision.objects.get(need=need, expert=employed).kind == "pin"
    rows = {c.expert.pk: c for c in need_candidates(user=world["coordinator"], need=need)}
    assert rows[employed.pk].blocked_by is None  # the exception lifts rule 7


def test_any_expert_can_be_forbidden_and_an_exception_is_refused_for_other_rules(client, world):
    client.force_login(world["coordinator"])
    client.post(f"/needs/{world['need'].pk}/candidates/decide/", {"expert": world["dear"].pk, "kind": "forbid"})
    assert PairDecision.objects.get(expert=world["dear"]).kind == "forbid"
    refused = client.post(f"/needs/{world['need'].pk}/candidates/decide/",
                          {"expert": world["eligible"].pk, "kind": "exception", "reason": "x"}, follow=True)
    assert "例外では配置できません" in refused.content.decode() and not CoiOverride.objects.exists()


def test_an_expert_whose_engagements_leave_no_room_is_not_eligible_and_the_page_says_why(client, world):
    """Rules 1-8 allow the pair, but the engagements the expert holds leave too few days (rule 10): the engine's
    joint check says capacity, where the page used to call the expert eligible."""
    busy = ExpertFactory(name="多忙 四郎", capacity_days=60)
    held = NeedFactory(municipality_id="202011", status="filled")
    Engagement.objects.create(
        expert=busy, municipality_id="202011", need=held, proposal=ProposalFactory(need=held, expert=busy),
        fiscal_year=2027, starts_on="2027-04-01", ends_on="2028-03-31", weekdays=["mon"], days_per_year=48,
        fee=2_400_000, employment_form="special_part_time", status="offered")
    rows = {c.expert.name: c for c in need_candidates(user=world["coordinator"], need=world["need"])}
    assert rows["多忙 四郎"].blocked_by == "capacity" and rows["多忙 四郎"].used_days == 48
    assert rows["適格 一郎"].blocked_by is None
    client.force_login(world["coordinator"])
    page = client.get(f"/needs/{world['need'].pk}/candidates/").content.decode()
    assert "兼務数または年間稼働日数の上限に達している" in page


def test_candidates_come_eligible_first_then_the_conflict_then_by_the_order_of_the_rules(world):
    order = [c.blocked_by for c in need_candidates(user=world["coordinator"], need=world["need"])]
    assert order == [None, "conflict", "over_budget"]


def test_another_prefectures_coordinator_gets_404(client, world):
    client.force_login(CoordinatorFactory(prefecture_id="19"))
    assert client.get(f"/needs/{world['need'].pk}/candidates/").status_code == 404


def test_the_run_page_names_experts_and_the_conflict_blocked_candidates(client, world, django_capture_on_commit_callbacks):
    from backend.experts.models import ExpertSkill
    from backend.placement.execution import run_execute
    from backend.placement.services import run_enqueue

    ExpertSkill.objects.create(expert=world["employed"], skill="data", level=3)
    need = NeedFactory(municipality_id="202011", required={"data": 3})  # only the employed expert has it
    with django_capture_on_commit_callbacks(execute=False):
        run = run_enqueue(actor=world["coordinator"], fiscal_year=2027, params=RunParams(time_limit_s=10))
    run_execute(run_id=run.pk)
    client.force_login(world["coordinator"])
    page = client.get(f"/runs/{run.pk}/").content.decode()
    unmatched = page[page.index('id="h-unmatched"'):]
    assert f"E{world['employed'].pk}" not in unmatched and 'data-reason="conflict"' in unmatched
    assert "利益相反だけで除外されている人材：受託 三郎" in unmatched
    assert f'href="/needs/{need.pk}/candidates/"' in unmatched


def test_a_priority_without_its_reason_keeps_what_was_typed_and_says_so_beside_the_reason(client, world):
    need = world["need"]
    client.force_login(world["coordinator"])
    refused = client.post(f"/needs/{need.pk}/priority/", {"adjusted_priority": "5", "priority_reason": ""})
    page = refused.content.decode()
    assert refused.status_code == 400
    assert '<option value="5" selected>' in page
    assert 'id="priority_reason-errors"' in page and "優先度を調整する理由を入力してください。" in page
    need.refresh_from_db()
    assert need.adjusted_priority is None

    saved = client.post(f"/needs/{need.pk}/priority/", {"adjusted_priority": "5", "priority_reason": "議会で優先"},
                        follow=True)
    assert "優先度の調整を保存しました。" in saved.content.decode()
    need.refresh_from_db()
    assert (need.adjusted_priority, need.priority_reason) == (5, "議会で優先")
