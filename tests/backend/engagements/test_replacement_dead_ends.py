"""Replacement and the dead ends after it (issue 21, item 5), each as the issue quotes it.

- "The successor's proposal row shows 「ニーズ充足済（別の任用）」 and no 承認 button (only the API can approve it)."
- "Replacing before the fiscal year starts leaves 「令和9年4月1日〜令和9年3月31日 0円 終了」 and a restriction that
  ends before it starts; the audit log names the successor as the one who ended it; the replaced expert is told
  nothing."
- "After a successor declines, the need shows 募集中 although someone still serves it."
- "Revoking an exception leaves the pin it made, and the next three runs were 「実行不能」 with 「E61 → N59：rule 7
  conflict…」, announced as 「…が終わりました。提案は0件です」."
- "Offers to 上田市 and 大町市 (no municipal account) wait forever without a warning."
- "The next run lists approved pairs as 「再計算（データの変更や他のニーズとの調整）」."
"""

import datetime as dt
import re

import pytest
from django.utils import timezone

from backend.core.fiscal import prorate
from backend.core.models import AuditLog
from backend.engagements.models import CoiOverride, Engagement, ReplacementRequest
from backend.engagements.pledge import PLEDGE_VERSION
from backend.engagements.services import coi_override_revoke, engagement_respond, replacement_request
from backend.needs.models import Need
from backend.notifications.models import Notification
from backend.placement.execution import run_execute
from backend.placement.instance import scope_instance
from backend.placement.services import need_place_with_exception, proposal_approve, run_enqueue
from backend.restrictions.models import BidRestriction
from backend.runs.models import MatchRun, PairDecision, Proposal
from backend.runs.params import RunParams
from backend.runs.selectors import proposal_live_states, run_report_for
from tests.backend.conftest import client_for
from tests.backend.factories import (
    AffiliationFactory,
    ExpertFactory,
    ExpertUserFactory,
    MatchRunFactory,
    MunicipalStaffFactory,
    NeedFactory,
    ProcurementFactory,
    ProposalFactory,
)


def _active(expert, need, *, starts_on=dt.date(2027, 4, 1)):
    return Engagement.objects.create(
        expert=expert, municipality_id="202011", need=need, fiscal_year=2027, starts_on=starts_on,
        ends_on=dt.date(2028, 3, 31), weekdays=["mon"], days_per_year=48, fee=2_400_000,
        employment_form="special_part_time", status="active", pledge_signed_at=timezone.now(),
        pledge_version=PLEDGE_VERSION)


@pytest.fixture
def serving(coordinator):
    """長野市's need served by an active engagement whose staff asked for a replacement, and a replacement run
    that proposes a successor."""
    need = NeedFactory(municipality_id="202011", status="filled", budget=3_600_000)
    current = _active(ExpertUserFactory().expert, need)
    staff = MunicipalStaffFactory(municipality_id="202011")
    request = replacement_request(actor=staff, engagement=current, reason="週の後半に来てほしい")
    successor = ExpertUserFactory(expert=ExpertFactory(daily_rate=50_000)).expert
    run = MatchRunFactory(kind="replacement", replacement=request)
    proposal = ProposalFactory(run=run, need=need, expert=successor, days_per_year=48, fee=2_400_000)
    return {"need": need, "current": current, "staff": staff, "request": request, "successor": successor,
            "proposal": proposal}


def test_a_successor_proposal_stays_approvable_while_the_engagement_it_replaces_fills_the_need(serving):
    proposal = Proposal.objects.select_related("need", "expert").get(pk=serving["proposal"].pk)
    assert proposal_live_states([proposal])[proposal.pk].state == "proposed"


def test_a_successor_proposal_is_not_offered_twice_while_another_successor_awaits_an_answer(coordinator, serving):
    proposal_approve(actor=coordinator, proposal=serving["proposal"])
    second = ProposalFactory(run=MatchRunFactory(kind="replacement", replacement=serving["request"]),
                             need=serving["need"], expert=ExpertFactory())
    second = Proposal.objects.select_related("need", "expert").get(pk=second.pk)
    assert proposal_live_states([second])[second.pk].state == "need_filled"


@pytest.fixture
def before_the_year(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: dt.date(2027, 2, 15))


def test_a_replacement_before_the_start_cancels_the_old_engagement_as_never_started(coordinator, serving,
                                                                                   before_the_year):
    current = serving["current"]
    vendor = AffiliationFactory(expert=current.expert).vendor
    BidRestriction.objects.create(vendor=vendor, expert=current.expert, municipality_id="202011", engagement=current,
                                  relation="employee", starts_on=current.starts_on, ends_on=current.ends_on)
    successor = proposal_approve(actor=coordinator, proposal=serving["proposal"])
    assert successor.starts_on == dt.date(2027, 4, 1)
    engagement_respond(actor=serving["staff"], engagement=successor, accept=True)
    successor_user = serving["successor"].user
    engagement_respond(actor=successor_user, engagement=successor, accept=True, pledge_version=PLEDGE_VERSION)

    current.refresh_from_db()
    # Cancelled as never started: its own status, its term and fee as offered (not 「4月1日〜3月31日 0円 終了」).
    assert current.status == "cancelled"
    assert (current.starts_on, current.ends_on, current.fee) == (dt.date(2027, 4, 1), dt.date(2028, 3, 31), 2_400_000)
    # Its restriction never came into force: it leaves the register, and no row anywhere ends before it starts.
    assert not BidRestriction.objects.filter(engagement=current).exists()
    assert not [r for r in BidRestriction.objects.all() if r.ends_on < r.starts_on]
    removed = AuditLog.objects.get(action="restriction.cancel")
    assert removed.before["vendor"] == vendor.pk and removed.before["starts_on"] == "2027-04-01"
    # Done in the name of the staff who asked for the replacement, not of the successor who answered last.
    cancel = AuditLog.objects.get(action="engagement.cancel", object_id=str(current.pk))
    assert cancel.actor == serving["staff"] and cancel.actor != successor_user
    assert cancel.after["activated_by"] == successor_user.pk
    assert ReplacementRequest.objects.get().status == "completed"
    # The replaced expert is told.
    told = Notification.objects.get(recipient=current.expert.user, kind="engagement_replaced")
    assert serving["successor"].name in told.text and "取り消されました" in told.text


def test_a_replacement_during_the_year_ends_the_old_engagement_in_the_requester_s_name_and_tells_its_expert(
        coordinator, serving, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: dt.date(2027, 10, 15))
    days = prorate(48, start=dt.date(2027, 10, 15), end=dt.date(2028, 3, 31))
    Proposal.objects.filter(pk=serving["proposal"].pk).update(days_per_year=days, fee=50_000 * days)
    successor = proposal_approve(actor=coordinator, proposal=Proposal.objects.get(pk=serving["proposal"].pk))
    engagement_respond(actor=serving["staff"], engagement=successor, accept=True)
    engagement_respond(actor=serving["successor"].user, engagement=successor, accept=True,
                       pledge_version=PLEDGE_VERSION)
    current = Engagement.objects.get(pk=serving["current"].pk)
    assert current.status == "ended" and current.ends_on == dt.date(2027, 10, 14)
    assert AuditLog.objects.get(action="engagement.end", object_id=str(current.pk)).actor == serving["staff"]
    told = Notification.objects.get(recipient=current.expert.user, kind="engagement_replaced")
    assert "令和9年10月14日で終了しました" in told.text


def test_a_declined_successor_leaves_the_need_filled_with_its_current_expert(coordinator, serving):
    successor = proposal_approve(actor=coordinator, proposal=serving["proposal"])
    engagement_respond(actor=serving["successor"].user, engagement=successor, accept=False, decline_code="schedule", reason="都合がつかない")

    need = Need.objects.get(pk=serving["need"].pk)
    assert need.status == "filled"
    assert Engagement.objects.get(pk=serving["current"].pk).status == "active"
    told = Notification.objects.get(recipient=coordinator, kind="offer_declined")
    assert "募集中" not in told.text and serving["current"].expert.name in told.text
    # The next full run does not offer the need again (it is not an open need).
    instance = scope_instance(prefecture_codes=["20"], fiscal_year=2027)
    assert f"N{need.pk}" not in {n["id"] for n in instance["needs"]}
    # The replacement stays open: another successor can be looked for.
    assert ReplacementRequest.objects.get().status == "open"


@pytest.fixture
def conflicted():
    expert = ExpertFactory()
    ProcurementFactory(municipality_id="202011", incumbent_vendor=AffiliationFactory(expert=expert).vendor)
    return expert


def test_revoking_an_exception_lifts_the_pin_it_made_unless_kept(coordinator, conflicted):
    need = NeedFactory(municipality_id="202011")
    need_place_with_exception(actor=coordinator, need=need, expert=conflicted, reason="他に候補がいない")
    assert PairDecision.objects.filter(need=need, expert=conflicted, kind="pin").exists()
    coi_override_revoke(actor=coordinator, override=CoiOverride.objects.get(), reason="受託が終わらないため")
    assert not PairDecision.objects.filter(need=need, expert=conflicted).exists()
    lifted = AuditLog.objects.filter(action="decision.set", object_id=str(need.pk)).latest("id")
    assert lifted.after["kind"] is None and lifted.after["because"] == "exception revoked"

    need_place_with_exception(actor=coordinator, need=need, expert=conflicted, reason="再度の例外")
    coi_override_revoke(actor=coordinator, override=CoiOverride.objects.in_force().get(), reason="見直し",
                        lift_pins=False)
    assert PairDecision.objects.filter(need=need, expert=conflicted, kind="pin").exists()


def test_the_revoke_api_lifts_the_pins_by_default(coordinator, conflicted):
    need = NeedFactory(municipality_id="202011")
    need_place_with_exception(actor=coordinator, need=need, expert=conflicted, reason="他に候補がいない")
    response = client_for(coordinator).post(f"/api/v1/exceptions/{CoiOverride.objects.get().pk}/revoke/",
                                            {"reason": "見直し"}, format="json")
    assert response.status_code == 200, response.content
    assert not PairDecision.objects.filter(need=need).exists()


def test_an_infeasible_run_is_announced_as_such_with_the_pins_in_words(coordinator, conflicted,
                                                                      django_capture_on_commit_callbacks):
    need = NeedFactory(municipality_id="202011", title="CIO補佐官（例外）")
    need_place_with_exception(actor=coordinator, need=need, expert=conflicted, reason="他に候補がいない")
    coi_override_revoke(actor=coordinator, override=CoiOverride.objects.get(), reason="見直し", lift_pins=False)
    with django_capture_on_commit_callbacks(execute=False):
        run = run_enqueue(actor=coordinator, fiscal_year=2027, params=RunParams(time_limit_s=5))
    assert run_execute(run_id=run.pk) == "infeasible"

    told = Notification.objects.get(recipient=coordinator, kind="run_finished")
    assert "実行できませんでした" in told.subject
    assert "提案は0件" not in told.text and "終わりました" not in told.text
    assert f"{conflicted.name}さん → 長野市「CIO補佐官（例外）」：利益相反" in told.text
    assert not re.search(r"\b[EN]\d+\b|rule \d|ルール\d", told.text)


def test_approving_for_a_municipality_without_an_active_account_warns_and_offers_the_invitation(coordinator):
    need = NeedFactory(municipality_id="202037")  # 上田市: nobody there has an account
    MunicipalStaffFactory(municipality_id="202037", is_active=False)
    proposal = ProposalFactory(need=need)
    response = client_for(coordinator).post(f"/api/v1/proposals/{proposal.pk}/approve/", {}, format="json")
    assert response.status_code == 201, response.content
    (warning,) = response.json()["warnings"]
    assert warning["code"] == "no_active_account" and warning["field"] == "municipality"
    assert "上田市" in warning["ja"] and "招待" in warning["ja"] and warning["en"]

    staffed = ProposalFactory(need=NeedFactory(municipality_id="202011"))
    MunicipalStaffFactory(municipality_id="202011")
    assert client_for(coordinator).post(f"/api/v1/proposals/{staffed.pk}/approve/", {},
                                        format="json").json()["warnings"] == []


def test_the_next_run_labels_the_pairs_approved_since_as_approved(coordinator, django_capture_on_commit_callbacks):
    need = NeedFactory(municipality_id="202011")
    ExpertFactory()
    MunicipalStaffFactory(municipality_id="202011")

    def run_now() -> MatchRun:
        with django_capture_on_commit_callbacks(execute=False):
            run = run_enqueue(actor=coordinator, fiscal_year=2027, params=RunParams(time_limit_s=5))
        run_execute(run_id=run.pk)
        return MatchRun.objects.get(pk=run.pk)

    first = run_now()
    proposal_approve(actor=coordinator, proposal=first.proposals.get(need=need))
    second = run_now()
    (change,) = run_report_for(user=coordinator, run=second).changes
    assert (change.need_id, change.after_expert_id, change.reason) == (need.pk, None, "approved")
