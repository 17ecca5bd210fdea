"""The closed days on the settings pages (issue 23, item 1): the prefecture's on its settings page for its
coordinator, the municipality's on a settings page of its own for its staff; each add and removal is told, the
workable days per weekday follow, dates are 令和."""

import datetime as dt

from backend.calendar.models import ClosedDay
from tests.backend.factories import CoordinatorFactory, ExpertUserFactory, MunicipalStaffFactory


def test_a_coordinator_adds_a_closed_day_on_the_settings_page_and_the_counts_follow(client, db):
    client.force_login(CoordinatorFactory(prefecture_id="20"))
    page = client.get("/settings/", {"fy": 2026}).content.decode()
    assert "令和8年度の勤務可能日：" in page and "月45" in page and "金51" in page
    assert "令和8年9月22日" in page and "国民の休日" in page

    response = client.post("/settings/closed-days/", {"date": "2026-11-02", "label": "県民の日"}, follow=True)
    page = response.content.decode()
    assert "閉庁日「県民の日」（令和8年11月2日）を追加しました。" in page
    assert "月44" in page and "令和8年11月2日" in page
    assert ClosedDay.objects.get().prefecture_id == "20"

    response = client.post(f"/settings/closed-days/{ClosedDay.objects.get().pk}/remove/", follow=True)
    assert "閉庁日「県民の日」（令和8年11月2日）を削除しました。" in response.content.decode()
    assert not ClosedDay.objects.exists()


def test_staff_add_their_municipalitys_closed_day_on_its_settings_page(client, db):
    client.force_login(MunicipalStaffFactory(municipality_id="202011"))
    ClosedDay.objects.create(date=dt.date(2026, 11, 2), label="県民の日", prefecture_id="20",
                             created_by=CoordinatorFactory(prefecture_id="20"))
    page = client.get("/municipality-settings/", {"fy": 2026}).content.decode()
    assert "市区町村の設定（長野市）" in page and "月44" in page and "県民の日" in page
    assert "「県民の日」を削除" not in page  # the prefecture's day is its coordinator's

    response = client.post("/settings/closed-days/", {"date": "2026-08-14", "label": "市の閉庁日"}, follow=True)
    assert "閉庁日「市の閉庁日」（令和8年8月14日）を追加しました。" in response.content.decode()
    assert "金50" in response.content.decode()
    assert ClosedDay.objects.get(label="市の閉庁日").municipality_id == "202011"


def test_a_holiday_or_an_empty_name_is_refused_with_a_message_naming_it(client, db):
    client.force_login(CoordinatorFactory(prefecture_id="20"))
    page = client.post("/settings/closed-days/", {"date": "2026-11-03", "label": "文化の日"}, follow=True).content.decode()
    assert "令和8年11月3日は既に休日（文化の日）です。" in page
    page = client.post("/settings/closed-days/", {"date": "2026-11-02", "label": ""}, follow=True).content.decode()
    assert "名称を入力してください。" in page
    page = client.post("/settings/closed-days/", {"date": "", "label": "県民の日"}, follow=True).content.decode()
    assert "日付を入力してください。" in page
    page = client.post("/settings/closed-days/", {"date": "2040-11-02", "label": "県民の日"}, follow=True).content.decode()
    assert "閉庁日の日付は、前年度から3年度先までの日付にしてください。" in page
    assert not ClosedDay.objects.exists()


def test_experts_have_no_closed_days_to_add_and_staff_cannot_remove_another_municipalitys(client, db):
    day = ClosedDay.objects.create(date=dt.date(2026, 8, 14), label="市の閉庁日", municipality_id="202029",
                                   created_by=MunicipalStaffFactory(municipality_id="202029"))
    client.force_login(ExpertUserFactory())
    assert client.post("/settings/closed-days/", {"date": "2026-08-13", "label": "x"}).status_code == 403
    assert client.get("/municipality-settings/").status_code == 403
    client.force_login(MunicipalStaffFactory(municipality_id="202011"))
    assert client.post(f"/settings/closed-days/{day.pk}/remove/").status_code == 404
    assert ClosedDay.objects.filter(pk=day.pk).exists()


def _mondays_only_engagement():
    from backend.engagements.models import Engagement
    from tests.backend.factories import ExpertFactory, NeedFactory

    need = NeedFactory(fiscal_year=2027, weekdays=["mon"])
    return Engagement.objects.create(
        expert=ExpertFactory(), municipality_id="202011", need=need, fiscal_year=2027, starts_on=dt.date(2027, 4, 1),
        ends_on=dt.date(2028, 3, 31), weekdays=["mon"], days_per_year=48, fee=2_400_000,
        employment_form="special_part_time")


def test_the_need_form_shows_the_workable_days_and_that_mondays_cannot_hold_48_dates(client, db):
    client.force_login(MunicipalStaffFactory(municipality_id="202011"))
    need = _mondays_only_engagement().need
    page = client.get(f"/needs/{need.pk}/edit/").content.decode()
    assert "令和9年度の勤務可能日：" in page and "月45" in page and "火50" in page and "水47" in page
    assert "月で週1日では、令和9年度の勤務可能日は最大45日で、年間48日に足りません。" in page

    page = client.get("/needs/new/").content.decode()  # 週1日, any weekday: Fridays hold 48
    assert "勤務可能日：" in page and "足りません" not in page


def test_the_engagement_page_shows_the_workable_days_and_the_shortfall(client, db):
    engagement = _mondays_only_engagement()
    client.force_login(MunicipalStaffFactory(municipality_id="202011"))
    page = client.get(f"/engagements/{engagement.pk}/").content.decode()
    assert "令和9年度の勤務可能日：" in page and "月45" in page
    assert "最大45日で、年間48日に足りません" in page


def test_the_coordinator_reads_the_closed_days_its_municipalities_added(client, db):
    ClosedDay.objects.create(date=dt.date(2026, 8, 14), label="市の閉庁日", municipality_id="202029",
                             created_by=MunicipalStaffFactory(municipality_id="202029"))
    ClosedDay.objects.create(date=dt.date(2026, 8, 14), label="よその閉庁日", municipality_id="192015",
                             created_by=MunicipalStaffFactory(municipality_id="192015"))
    client.force_login(CoordinatorFactory(prefecture_id="20"))
    page = client.get("/settings/", {"fy": 2026}).content.decode()
    table = page[page.index('id="municipal-closed-days"'):]
    assert "市の閉庁日" in table and "松本市" in table and "令和8年8月14日" in table
    assert "よその閉庁日" not in page and "「市の閉庁日」を削除" not in page
    assert "金51" in page  # a municipality's day does not change the prefecture's counts
