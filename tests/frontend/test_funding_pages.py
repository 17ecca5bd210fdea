"""The funding pages (issue 24, item 1): the register of schemes (the coordinator edits, the others read), a
municipality's recruitment costs with its add and remove, the planned scheme on the need form and the engagement
page's 「財源」 section with its tracker."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from backend.engagements.models import Engagement
from backend.funding.models import RecruitmentCost, SchemeKind
from backend.funding.selectors import schemes_of
from backend.worklog.models import WorkDay, WorkMonth
from tests.backend.factories import CoordinatorFactory, ExpertUserFactory, MunicipalStaffFactory, NeedFactory


def _engagement(expert) -> Engagement:
    return Engagement.objects.create(
        expert=expert, municipality_id="202011", need=NeedFactory(status="filled", fiscal_year=2026, title="DX推進"),
        fiscal_year=2026, starts_on=dt.date(2026, 4, 1), ends_on=dt.date(2027, 3, 31), weekdays=["mon"],
        days_per_year=48, fee=2_400_000, employment_form="special_part_time", status="active",
        pledge_signed_at=timezone.now())


def test_the_coordinator_edits_a_scheme_on_the_register_and_staff_only_read_it(client, db):
    coordinator = CoordinatorFactory(prefecture_id="20")
    client.force_login(coordinator)
    page = client.get("/funding/").content.decode()
    assert "地域力創造アドバイザー（外部専門家）" in page and "5,600,000円" in page and "10日以上または5回以上" in page
    assert "財源を追加" in page
    regional = schemes_of("20").get(kind=SchemeKind.REGIONAL_ADVISER)
    response = client.post(f"/funding/schemes/{regional.pk}/", {
        "name": regional.name, "rate_percent": "100", "cap_man": "560", "cap_public_staff_man": "240",
        "min_days": "12", "min_visits": "5", "day_trip_min_hours": "6", "max_years": "3", "active": "on"}, follow=True)
    assert "を保存しました。" in response.content.decode()
    regional.refresh_from_db()
    assert (regional.min_days, regional.cap_yen, regional.rate) == (12, 5_600_000, Decimal("1.000"))
    refused = client.post(f"/funding/schemes/{regional.pk}/", {"name": regional.name, "rate_percent": "150"},
                          follow=True).content.decode()
    assert "措置率" in refused

    client.force_login(MunicipalStaffFactory(municipality_id="202011"))
    page = client.get("/funding/").content.decode()
    assert "地域力創造アドバイザー" in page and "財源を追加" not in page and "を編集" not in page
    assert client.post(f"/funding/schemes/{regional.pk}/", {"name": "x"}).status_code == 403


def test_staff_record_and_remove_a_recruitment_cost_picked_by_need_name(client, db):
    client.force_login(MunicipalStaffFactory(municipality_id="202011"))
    need = NeedFactory(municipality_id="202011", fiscal_year=2026, title="CIO補佐官の募集")
    page = client.get("/funding/recruitment-costs/", {"fy": 2026}).content.decode()
    assert "CIO補佐官の募集" in page
    response = client.post("/funding/recruitment-costs/add/", {
        "target": f"need:{need.pk}", "kind": "advertisement", "amount": "55,000", "spent_on": "2026-06-01",
        "note": "求人サイトへの掲載"}, follow=True)
    page = response.content.decode()
    assert "募集経費「求人サイトへの掲載」55,000円を記録しました。" in page and "令和8年6月1日" in page
    cost = RecruitmentCost.objects.get()
    response = client.post(f"/funding/recruitment-costs/{cost.pk}/remove/", follow=True)
    assert "を削除しました。" in response.content.decode() and not RecruitmentCost.objects.exists()


def test_the_engagement_page_shows_the_tracker_and_the_coordinator_changes_the_scheme(client, db):
    expert_user = ExpertUserFactory()
    engagement = _engagement(expert_user.expert)
    coordinator = CoordinatorFactory(prefecture_id="20")
    client.force_login(coordinator)
    regional = schemes_of("20").get(kind=SchemeKind.REGIONAL_ADVISER)
    response = client.post(f"/engagements/{engagement.pk}/funding/", {"scheme": regional.pk}, follow=True)
    assert "財源を「地域力創造アドバイザー（外部専門家）」にしました。" in response.content.decode()
    now = timezone.now()
    month = WorkMonth.objects.create(engagement=engagement, year=2026, month=5, status="confirmed",
                                     deadline=dt.date(2026, 6, 12), reference="KM-FUND1", submitted_at=now,
                                     confirmed_at=now, confirmed_by=coordinator)
    WorkDay.objects.bulk_create([WorkDay(month=month, date=dt.date(2026, 5, d), onsite=True, hours=Decimal("7"),
                                         topics="支援", done="現地支援", logged_by=expert_user) for d in (11, 12, 18)])
    page = client.get(f"/engagements/{engagement.pk}/").content.decode()
    assert "要件未達" in page
    assert "10日中3日・5回中2回。令和9年3月31日までにあと7日またはあと3回" in page
    assert "年度内に10日以上または5回以上の招へいが必要です。" in page

    client.force_login(MunicipalStaffFactory(municipality_id="202011"))
    page = client.get(f"/engagements/{engagement.pk}/").content.decode()
    assert "10日中3日" in page and "財源を変更" not in page
    assert client.post(f"/engagements/{engagement.pk}/funding/", {"scheme": regional.pk}).status_code == 403


def test_the_need_form_offers_the_prefectures_active_schemes_as_the_planned_scheme(client, db):
    client.force_login(MunicipalStaffFactory(municipality_id="202011"))
    need = NeedFactory(municipality_id="202011", fiscal_year=2027)
    page = client.get(f"/needs/{need.pk}/edit/").content.decode()
    assert "予定の財源" in page and "地域活性化起業人" in page

