"""The council pack (議会答弁資料, issue 24 item 6): the ten questions a council asks about an adviser, answered from
kenmu's records, each naming its source; one A4 page; the municipality and its prefecture's coordinator only."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from pypdf import PdfReader

from backend.core.audit import AuditAction, audit_record
from backend.documents.council import council_pack, council_pdf
from backend.engagements.models import CoiOverride, Engagement
from backend.engagements.pledge import PLEDGE_VERSION
from backend.goals.models import Evaluation, Goal, GoalRating
from backend.restrictions.models import BidRestriction
from backend.visits.models import PlannedVisit
from backend.worklog.models import WorkDay, WorkMonth
from tests.backend.conftest import client_for
from tests.backend.factories import (
    AffiliationFactory,
    ExpertFactory,
    ExpertUserFactory,
    MatchRunFactory,
    NeedFactory,
    ProposalFactory,
    VendorFactory,
)

TODAY = dt.date(2027, 10, 15)


def _month(engagement, month: int, status: str, by, days):
    """A work month of 2027 with its days: (day, onsite, counted)."""
    row = WorkMonth.objects.create(
        engagement=engagement, year=2027, month=month, status=status, deadline=dt.date(2027, month + 1, 7),
        reference=f"KM-T{month:02d}{engagement.pk}", confirmed_at=timezone.now() if status == "confirmed" else None,
        confirmed_by=by if status == "confirmed" else None)
    for day, onsite, counted in days:
        WorkDay.objects.create(month=row, date=dt.date(2027, month, day), onsite=onsite, hours=Decimal("6"),
                               topics="セキュリティポリシー", done="改定案の検討", counted=counted, logged_by=by)


@pytest.fixture
def engagement(coordinator, municipal):
    """An adviser of 長野市 in FY2027 as the demo's are: proposed by a run, approved, an exception, a restriction,
    a plan, an April confirmed and a May not yet, goals and the October evaluation."""
    expert = ExpertFactory(name="信濃 花子", email="hanako@example.jp", phone="090-1234-5678")
    vendor = VendorFactory(name="信州データ株式会社")
    AffiliationFactory(expert=expert, vendor=vendor)
    need = NeedFactory(status="filled", title="情報セキュリティ強化の助言", description="庁内ポリシーの改定と研修",
                       fee_basis="monthly", fee_amount=200_000, offered_fee=2_400_000)
    proposal = ProposalFactory(run=MatchRunFactory(started_at=timezone.now()), need=need, expert=expert,
                               status="approved")
    override = CoiOverride.objects.create(expert=expert, municipality_id="202011", fiscal_year=2027,
                                          reason="調達の審査から外れることを確認済み", created_by=coordinator)
    engagement = Engagement.objects.create(
        expert=expert, municipality_id="202011", need=need, proposal=proposal, fiscal_year=2027,
        starts_on=dt.date(2027, 4, 1), ends_on=dt.date(2028, 3, 31), weekdays=["mon"], days_per_year=24,
        fee=2_400_000, employment_form="special_part_time", status="active", pledge_signed_at=timezone.now(),
        pledge_version=PLEDGE_VERSION, coi_override=override, approved_by=coordinator)
    audit_record(actor=coordinator, action=AuditAction.PROPOSAL_APPROVE, obj=proposal, prefecture="20")
    BidRestriction.objects.create(vendor=vendor, expert=expert, municipality_id="202011", engagement=engagement,
                                  relation="employee", starts_on=engagement.starts_on, ends_on=engagement.ends_on)
    for day, onsite in ((5, True), (12, False), (19, True), (26, False)):
        PlannedVisit.objects.create(engagement=engagement, expert=expert, date=dt.date(2027, 4, day), onsite=onsite)
    PlannedVisit.objects.create(engagement=engagement, expert=expert, date=dt.date(2027, 4, 27), status="cancelled")
    _month(engagement, 4, "confirmed", municipal, [(5, True, True), (12, False, True), (19, True, False)])
    _month(engagement, 5, "submitted", municipal, [(10, False, True), (17, True, True)])
    goal = Goal.objects.create(engagement=engagement, position=1, text="ポリシーの改定", set_at=timezone.now())
    evaluation = Evaluation.objects.create(engagement=engagement, fiscal_year=2027, period="october",
                                           side="municipality", overall=4, by=municipal, at=timezone.now())
    GoalRating.objects.create(evaluation=evaluation, goal=goal, rating="partly")
    return engagement


def _answers(engagement) -> dict:
    return {a.key: a for a in council_pack(engagement, today=TODAY).answers}


def test_the_pack_answers_the_ten_questions_each_citing_its_records(engagement, coordinator):
    answers = _answers(engagement)
    assert [a.number for a in answers.values()] == list(range(1, 11))
    assert all(a.text and a.sources for a in answers.values())
    assert "情報セキュリティ（レベル3）" in answers["background"].text
    assert "信州データ株式会社（在籍）" in answers["background"].text
    assert "地方公務員法第3条第3項第3号" in answers["legal_basis"].text
    assert "庁内ポリシーの改定と研修" in answers["duties"].text
    assert "情報セキュリティ強化の助言" in answers["duties"].sources[0]
    assert "決裁権限はありません" in answers["position"].text
    selection = answers["selection"]
    assert f"マッチング実行#{engagement.proposal.run_id}" in selection.text
    assert coordinator.username in selection.text and "監査ログ（提案の承認" in " ".join(selection.sources)
    assert "令和9年4月1日〜令和10年3月31日" in selection.text
    assert "中間（市区町村" in answers["evaluation"].text and "総合4/5" in answers["evaluation"].text
    assert "目標1 一部達成" in answers["evaluation"].text
    fairness = answers["fairness"]
    assert "信州データ株式会社" in fairness.text and "システム監査" in fairness.text
    assert "調達の審査から外れることを確認済み" in fairness.text and coordinator.username in fairness.text
    assert "入札参加制限の登録簿（1件）" in fairness.sources
    assert "任期途中の終了" in answers["ending"].text
    fee = answers["fee"]
    assert "2,400,000円" in fee.text and "月額200,000円" in fee.text and "理由は記録されていません" in fee.text


def test_work_days_count_the_counted_days_of_confirmed_months_only(engagement):
    work = _answers(engagement)["work_days"]
    # April: three days logged, one left out by the municipality; May is submitted, not confirmed.
    assert "確認済みの勤務日数は2日（うち現地1日、確認済み1か月分）" in work.text
    assert "訪問予定は4日（うち現地2日）" in work.text
    assert "訪問予定（4件）" in work.sources and "活動記録の月次確認（令和9年4月〜令和9年4月）" in work.sources


def test_the_pack_reads_in_a_bounded_number_of_queries(engagement, django_assert_max_num_queries):
    with django_assert_max_num_queries(20):
        council_pack(engagement, today=TODAY)


def test_an_engagement_with_few_records_says_what_is_missing_rather_than_invent_it(db, expert_user):
    need = NeedFactory(status="filled", role="dx_supporter")
    engagement = Engagement.objects.create(
        expert=expert_user.expert, municipality_id="202011", need=need, fiscal_year=2027,
        starts_on=dt.date(2027, 4, 1), ends_on=dt.date(2027, 9, 30), weekdays=["tue"], days_per_year=12,
        fee=600_000, employment_form="contract", status="ended", pledge_signed_at=timezone.now(),
        end_reason="庁内体制の変更", ended_by_side="municipality")
    answers = _answers(engagement)
    assert "評価はまだありません" in answers["evaluation"].text
    assert "マッチング実行による提案の記録はありません" in answers["selection"].text
    assert "入札参加制限はありません" in answers["fairness"].text
    assert "利益相反の例外による配置ではありません" in answers["fairness"].text
    assert "民法の準委任" in answers["legal_basis"].text
    assert "決裁権限はありません" not in answers["position"].text
    assert "庁内体制の変更" in answers["ending"].text and "市区町村" in answers["ending"].text
    assert "理由は記録されていません" in answers["fee"].text
    assert "確認済みの勤務日数は0日" in answers["work_days"].text


def _pdf_text(content: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(content))
    return len(reader.pages), "".join(page.extract_text() for page in reader.pages)


def test_the_pdf_is_one_a4_page_with_the_expert_the_municipality_and_the_fee_and_no_contact(engagement):
    pages, text = _pdf_text(council_pdf(council_pack(engagement, today=TODAY)))
    assert pages == 1
    for shown in ("議会答弁資料", "信濃 花子", "長野市", "2,400,000円", "出典", "10. 報酬と月額"):
        assert shown in text
    assert "hanako@example.jp" not in text and "090-1234-5678" not in text
    # A need described at length shrinks onto the page rather than spill onto a second one.
    engagement.need.description = "庁内の情報セキュリティ対策を点検し、改善を助言する。" * 80
    engagement.need.save(update_fields=["description"])
    assert _pdf_text(council_pdf(council_pack(engagement, today=TODAY)))[0] == 1


def test_the_api_serves_the_municipality_and_its_coordinator_only(engagement, coordinator, municipal, other_municipal,
                                                                 other_coordinator):
    url = f"/api/v1/engagements/{engagement.pk}/council/"
    for reader in (coordinator, municipal):
        response = client_for(reader).get(url)
        assert response.status_code == 200
        body = response.json()
        assert len(body["answers"]) == 10 and body["expert_name"] == "信濃 花子"
        assert all(a["sources"] for a in body["answers"])
    for outsider in (other_municipal, other_coordinator):
        assert client_for(outsider).get(url).status_code == 404
    expert = ExpertUserFactory(expert=engagement.expert)
    assert client_for(expert).get(url).status_code == 403
    assert client_for(coordinator).get("/api/v1/engagements/999999/council/").status_code == 404



def test_the_page_and_its_pdf_open_for_the_clerk_and_not_for_the_expert_or_another_town(
        engagement, client, municipal, other_municipal):
    page, pdf_url = f"/engagements/{engagement.pk}/council/", f"/engagements/{engagement.pk}/council.pdf"
    client.force_login(municipal)
    body = client.get(page).content.decode()
    assert body.count('<h2 id="q-') == 10 and "調達の審査から外れることを確認済み" in body and pdf_url in body
    assert "hanako@example.jp" not in body and "090-1234-5678" not in body
    response = client.get(pdf_url)
    assert response["Content-Type"] == "application/pdf" and _pdf_text(response.content)[0] == 1
    assert f'href="{page}"' in client.get(f"/engagements/{engagement.pk}/").content.decode()
    client.force_login(other_municipal)
    assert client.get(page).status_code == 404 and client.get(pdf_url).status_code == 404
    client.force_login(ExpertUserFactory(expert=engagement.expert))
    assert client.get(page).status_code == 403 and client.get(pdf_url).status_code == 403
    assert f'href="{page}"' not in client.get(f"/engagements/{engagement.pk}/").content.decode()
