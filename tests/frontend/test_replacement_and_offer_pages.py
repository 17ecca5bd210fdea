"""The pages of replacement and of the dead ends issue 21 quotes (item 5), through Django's test client:

- the successor's proposal row had no 承認 button (「ニーズ充足済（別の任用）」);
- an expert who accepted without signing saw 「相手方の回答待ち」 and no way to sign, and the 「誓約書への署名のお願い」
  notification linked to that same page;
- the exception's revoke form said nothing of its pins, and an infeasible run listed 「E61 → N59：rule 7 conflict…」;
- offers to a municipality with no account waited for ever without a warning;
- the municipality's 承諾 was one click that showed no restriction, no exception reason, no dates;
- the next run listed approved pairs as 「再計算（データの変更や他のニーズとの調整）」.
"""

import datetime as dt
import re

import pytest
from django.utils import timezone

from backend.engagements.models import CoiOverride, Engagement
from backend.engagements.pledge import PLEDGE_VERSION
from backend.engagements.services import coi_override_revoke, engagement_respond, replacement_request
from backend.notifications.models import Notification
from backend.placement.execution import run_execute
from backend.placement.services import need_place_with_exception, proposal_approve, run_enqueue
from backend.runs.models import MatchRun, PairDecision
from backend.runs.params import RunParams
from tests.backend.factories import (
    AffiliationFactory,
    CoordinatorFactory,
    ExpertFactory,
    ExpertUserFactory,
    MatchRunFactory,
    MunicipalStaffFactory,
    NeedFactory,
    ProcurementFactory,
    ProposalFactory,
)


@pytest.fixture
def coordinator(db):
    return CoordinatorFactory(prefecture_id="20")


@pytest.fixture
def replacement_run(coordinator):
    need = NeedFactory(municipality_id="202011", status="filled", title="CIO補佐官（交代）")
    current = Engagement.objects.create(
        expert=ExpertFactory(name="現任 一郎"), municipality_id="202011", need=need, fiscal_year=2027,
        starts_on=dt.date(2027, 4, 1), ends_on=dt.date(2028, 3, 31), weekdays=["mon"], days_per_year=48,
        fee=2_400_000, employment_form="special_part_time", status="active", pledge_signed_at=timezone.now(),
        pledge_version=PLEDGE_VERSION)
    staff = MunicipalStaffFactory(municipality_id="202011")
    request = replacement_request(actor=staff, engagement=current, reason="交代したい")
    run = MatchRunFactory(kind="replacement", replacement=request)
    proposal = ProposalFactory(run=run, need=need, expert=ExpertFactory(name="後任 二郎"))
    return run, proposal, current, staff


def test_the_successor_is_approved_from_the_run_page_reached_from_the_replacements_page(client, coordinator,
                                                                                      replacement_run):
    run, proposal, _current, _staff = replacement_run
    client.force_login(coordinator)
    replacements = client.get("/replacements/").content.decode()
    assert f'href="/runs/{run.pk}/#h-proposals"' in replacements and "後任の提案を見て承認" in replacements
    page = client.get(f"/runs/{run.pk}/").content.decode()
    row = page[page.index(f'id="proposal-{proposal.pk}"'):]
    row = row[:row.index("</tr>")]
    assert "ニーズ充足済" not in row and f"/proposals/{proposal.pk}/approve/" in row
    confirm = client.post(f"/proposals/{proposal.pk}/approve/").content.decode()
    assert "現任 一郎さんの任用は" in confirm
    client.post(f"/proposals/{proposal.pk}/approve/", {"confirmed": "1"})
    assert Engagement.objects.get(expert=proposal.expert).replaces_id == _current.pk


def test_a_declined_successor_is_told_the_need_stays_filled(client, coordinator, replacement_run):
    _run, proposal, _current, _staff = replacement_run
    successor = proposal_approve(actor=coordinator, proposal=proposal)
    client.force_login(ExpertUserFactory(expert=proposal.expert))
    page = client.get(f"/engagements/{successor.pk}/decline/").content.decode()
    assert "引き続き現任 一郎さんの任用で充足します" in page and "再び募集中" not in page


@pytest.fixture
def accepted_unsigned(coordinator):
    """An offer the expert accepted through the API without the pledge (the API allows it)."""
    need = NeedFactory(municipality_id="202011")
    staff = MunicipalStaffFactory(municipality_id="202011")
    expert_user = ExpertUserFactory()
    engagement = proposal_approve(actor=coordinator, proposal=ProposalFactory(need=need, expert=expert_user.expert))
    engagement_respond(actor=staff, engagement=engagement, accept=True)
    engagement_respond(actor=expert_user, engagement=engagement, accept=True)
    return engagement, expert_user


def test_an_expert_who_accepted_without_signing_signs_from_the_offer_and_from_the_notification(client,
                                                                                             accepted_unsigned):
    engagement, expert_user = accepted_unsigned
    client.force_login(expert_user)
    offers = client.get("/engagements/").content.decode()
    row = offers[offers.index(f'id="engagement-{engagement.pk}"'):]
    row = row[:row.index("</tr>")]
    assert "相手方の回答待ち" not in row and f'action="/engagements/{engagement.pk}/pledge/"' in row

    notice = Notification.objects.get(recipient=expert_user, kind="pledge_to_sign")
    assert notice.link == f"/engagements/{engagement.pk}/"
    landing = client.get(notice.link).content.decode()
    assert f'action="/engagements/{engagement.pk}/pledge/"' in landing and "誓約書に署名する" in landing
    assert "業務上知り得た情報" in landing

    signed = client.post(f"/engagements/{engagement.pk}/pledge/",
                         {"pledge": "on", "pledge_version": PLEDGE_VERSION, "back": "detail"}, follow=True)
    assert signed.redirect_chain[-1][0] == f"/engagements/{engagement.pk}/"
    assert "任用は稼働中になりました" in signed.content.decode()
    engagement.refresh_from_db()
    assert engagement.status == "active"


@pytest.fixture
def conflicted():
    expert = ExpertFactory(name="受託 三郎")
    vendor = AffiliationFactory(expert=expert).vendor
    ProcurementFactory(municipality_id="202011", incumbent_vendor=vendor, title="基幹系システム運用保守")
    return expert


def test_the_revoke_form_offers_to_lift_the_pins_and_lifts_them_by_default(client, coordinator, conflicted):
    need = NeedFactory(municipality_id="202011", title="CIO補佐官（例外）")
    need_place_with_exception(actor=coordinator, need=need, expert=conflicted, reason="他に候補がいない")
    exception = CoiOverride.objects.get()
    client.force_login(coordinator)
    form = client.get(f"/exceptions/{exception.pk}/revoke/").content.decode()
    assert re.search(r'<input type="checkbox" name="lift_pins"\s+checked>', form)
    assert "受託 三郎 → 長野市「CIO補佐官（例外）」" in form
    done = client.post(f"/exceptions/{exception.pk}/revoke/", {"reason": "見直し", "lift_pins": "on"}, follow=True)
    assert "固定を解除しました" in done.content.decode()
    assert not PairDecision.objects.filter(need=need).exists()


def test_an_infeasible_run_page_names_the_pins_in_words(client, coordinator, conflicted,
                                                        django_capture_on_commit_callbacks):
    need = NeedFactory(municipality_id="202011", title="CIO補佐官（例外）")
    need_place_with_exception(actor=coordinator, need=need, expert=conflicted, reason="他に候補がいない")
    coi_override_revoke(actor=coordinator, override=CoiOverride.objects.get(), reason="見直し", lift_pins=False)
    with django_capture_on_commit_callbacks(execute=False):
        run = run_enqueue(actor=coordinator, fiscal_year=2027, params=RunParams(time_limit_s=5))
    run_execute(run_id=run.pk)
    client.force_login(coordinator)
    page = client.get(f"/runs/{run.pk}/").content.decode()
    summary = page[page.index('class="error-summary"'):]
    summary = summary[:summary.index("</div>")]
    assert "受託 三郎さん → 長野市「CIO補佐官（例外）」：利益相反" in summary
    assert not re.search(r"\b[EN]\d+\b|rule \d", summary)


def test_approving_for_a_municipality_without_an_account_warns_and_links_the_prefilled_invitation(client, coordinator):
    need = NeedFactory(municipality_id="202037", title="上田市のCIO補佐官")  # 上田市: no account
    proposal = ProposalFactory(need=need)
    client.force_login(coordinator)
    confirm = client.post(f"/proposals/{proposal.pk}/approve/").content.decode()
    assert "上田市には有効な職員のアカウントがないため" in confirm
    approved = client.post(f"/proposals/{proposal.pk}/approve/", {"confirmed": "1"}, follow=True).content.decode()
    assert "上田市には有効な職員のアカウントがないため" in approved
    invite = "/invitations/new/?role=municipal&amp;municipality=202037"
    assert invite in approved
    assert invite in client.get("/engagements/").content.decode()
    form = client.get("/invitations/new/?role=municipal&municipality=202037").content.decode()
    assert re.search(r'<option value="202037"\s+selected>上田市</option>', form)


def test_the_municipality_confirms_on_a_page_that_shows_what_acceptance_brings(client, coordinator, conflicted):
    need = NeedFactory(municipality_id="202011", title="CIO補佐官（例外）", weekdays=["mon", "tue"])
    staff = MunicipalStaffFactory(municipality_id="202011")
    engagement = proposal_approve(actor=coordinator, proposal=ProposalFactory(need=need, expert=conflicted,
                                                                            weekdays=["tue"]),
                                  override_reason="データ利活用の専門家が他にいないため")
    vendor = conflicted.affiliations.get().vendor
    client.force_login(staff)
    offers = client.get("/engagements/").content.decode()
    row = offers[offers.index(f'id="engagement-{engagement.pk}"'):]
    row = row[:row.index("</tr>")]
    assert 'name="answer"' not in row and f'href="/engagements/{engagement.pk}/"' in row  # no one-click 承諾

    page = client.get(f"/engagements/{engagement.pk}/").content.decode()
    button = page.index("承諾する")
    before = page[:button]
    for shown in (vendor.name, "運用", "令和9年4月1日から令和10年3月31日まで", "データ利活用の専門家が他にいないため",
                  "240万円", "火", "セキュリティ", "受託 三郎さんのプロフィール"):
        assert shown in before, shown
    client.post(f"/engagements/{engagement.pk}/respond/", {"answer": "accept", "back": "detail"})
    engagement.refresh_from_db()
    assert engagement.municipality_accepted_at is not None


def test_the_next_run_lists_approved_pairs_as_approved(client, coordinator, django_capture_on_commit_callbacks):
    need = NeedFactory(municipality_id="202011", title="CIO補佐官（承認済み）")
    ExpertFactory()
    MunicipalStaffFactory(municipality_id="202011")

    def run_now() -> MatchRun:
        with django_capture_on_commit_callbacks(execute=False):
            run = run_enqueue(actor=coordinator, fiscal_year=2027, params=RunParams(time_limit_s=5))
        run_execute(run_id=run.pk)
        return run

    proposal_approve(actor=coordinator, proposal=run_now().proposals.get(need=need))
    second = run_now()
    client.force_login(coordinator)
    page = client.get(f"/runs/{second.pk}/").content.decode()
    changes = page[page.index('id="h-changes"'):page.index("</section>", page.index('id="h-changes"'))]
    assert "承認済み" in changes and "再計算" not in changes
