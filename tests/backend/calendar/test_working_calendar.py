"""The working calendar (issue 23, item 1): 祝日 with 振替休日 and 国民の休日, 年末年始, and the closed days a
prefecture or a municipality adds; the workable days per weekday the issue quotes."""

import datetime as dt

import pytest

from backend.calendar.models import ClosedDay
from backend.calendar.selectors import (
    closed_days,
    closed_days_named,
    national_closed_days,
    weekly_capacity,
    workable_days_by_weekday,
)
from backend.calendar.services import closed_day_create, closed_day_delete
from backend.core.audit import AuditAction
from backend.core.errors import ConflictError, DomainError
from backend.core.models import AuditLog

FIVE = ("mon", "tue", "wed", "thu", "fri")


def _weekdays(counts):
    return tuple(counts[day] for day in FIVE)


def test_fiscal_2026_has_45_mondays_46_tuesdays_49_wednesdays_50_thursdays_51_fridays(db):
    assert _weekdays(workable_days_by_weekday(2026)) == (45, 46, 49, 50, 51)


def test_fiscal_2027_has_45_mondays_50_tuesdays_47_wednesdays_50_thursdays_51_fridays(db):
    assert _weekdays(workable_days_by_weekday(2027)) == (45, 50, 47, 50, 51)


def test_substitute_and_citizens_holidays_and_the_year_end_are_closed(db):
    named = national_closed_days(2026)
    assert "振替休日" in named[dt.date(2026, 5, 6)]  # 憲法記念日 fell on a Sunday
    assert named[dt.date(2026, 9, 22)] == "国民の休日"  # between 敬老の日 and 秋分の日
    assert named[dt.date(2027, 1, 1)] == "元日"
    assert {dt.date(2026, 12, 29), dt.date(2026, 12, 30), dt.date(2026, 12, 31), dt.date(2027, 1, 2),
            dt.date(2027, 1, 4) - dt.timedelta(days=1)} <= set(named)
    assert dt.date(2027, 1, 4) not in named and dt.date(2026, 12, 28) not in named
    assert min(named) >= dt.date(2026, 4, 1) and max(named) <= dt.date(2027, 3, 31)


def test_a_prefectures_closed_day_closes_its_municipalities_and_not_others(coordinator):
    closed_day_create(actor=coordinator, data={"date": dt.date(2026, 11, 2), "label": "県民の日", "prefecture": "20"})
    assert _weekdays(workable_days_by_weekday(2026, prefecture="20")) == (44, 46, 49, 50, 51)
    assert _weekdays(workable_days_by_weekday(2026, municipality="202029")) == (44, 46, 49, 50, 51)
    assert _weekdays(workable_days_by_weekday(2026, prefecture="19")) == (45, 46, 49, 50, 51)
    assert _weekdays(workable_days_by_weekday(2026, municipality="192015")) == (45, 46, 49, 50, 51)
    assert closed_days_named(2026, municipality="202011")[dt.date(2026, 11, 2)] == "県民の日"


def test_a_municipalitys_closed_day_closes_only_that_municipality(municipal):
    closed_day_create(actor=municipal, data={"date": dt.date(2026, 8, 14), "label": "市の閉庁日",
                                             "municipality": "202011"})
    assert dt.date(2026, 8, 14) in closed_days(2026, municipality="202011")
    assert dt.date(2026, 8, 14) not in closed_days(2026, municipality="202029")
    assert dt.date(2026, 8, 14) not in closed_days(2026, prefecture="20")
    assert _weekdays(workable_days_by_weekday(2026, municipality="202011")) == (45, 46, 49, 50, 50)


def test_adding_and_removing_a_closed_day_is_audited_and_gives_the_day_back(coordinator):
    day = closed_day_create(actor=coordinator, data={"date": dt.date(2027, 6, 1), "label": "県の記念日",
                                                     "prefecture": "20"})
    closed_day_delete(actor=coordinator, closed_day=day)
    assert not ClosedDay.objects.exists()
    assert dt.date(2027, 6, 1) not in closed_days(2027, prefecture="20")
    rows = list(AuditLog.objects.order_by("id").values_list("action", "prefecture_id", "after", "before"))
    assert rows == [
        (AuditAction.CLOSED_DAY_CREATE.value, "20",
         {"date": "2027-06-01", "label": "県の記念日", "prefecture": "20", "municipality": None}, None),
        (AuditAction.CLOSED_DAY_DELETE.value, "20", None,
         {"date": "2027-06-01", "label": "県の記念日", "prefecture": "20", "municipality": None}),
    ]


def test_a_day_is_added_once_per_place(coordinator):
    data = {"date": dt.date(2026, 11, 2), "label": "県民の日", "prefecture": "20"}
    closed_day_create(actor=coordinator, data=data)
    with pytest.raises(ConflictError) as refused:
        closed_day_create(actor=coordinator, data=data)
    assert refused.value.problems[0].ja == "令和8年11月2日は既に閉庁日として登録されています。"


def test_a_national_holiday_is_not_added_again(coordinator):
    with pytest.raises(DomainError) as refused:
        closed_day_create(actor=coordinator, data={"date": dt.date(2026, 11, 3), "label": "文化の日", "prefecture": "20"})
    assert refused.value.problems[0].ja == "令和8年11月3日は既に休日（文化の日）です。"
    assert not ClosedDay.objects.exists()


def test_a_closed_day_names_one_place_not_both_nor_none(coordinator, municipal):
    for data in ({"prefecture": "20", "municipality": "202011"}, {}):
        with pytest.raises(DomainError) as refused:
            closed_day_create(actor=coordinator, data={"date": dt.date(2026, 11, 2), "label": "x", **data})
        assert refused.value.problems[0].code == "one_place"


def test_a_weekly_post_holds_at_most_the_workable_days_of_its_best_weekdays(db):
    counts = workable_days_by_weekday(2026)
    assert weekly_capacity(counts, weekdays=["mon"], weekly_days=1) == 45
    assert weekly_capacity(counts, weekdays=["mon", "fri"], weekly_days=1) == 51
    assert weekly_capacity(counts, weekdays=["mon", "fri"], weekly_days=2) == 96


def test_two_coordinators_adding_the_same_day_at_once_get_one_row_and_a_409(committed_db):
    from tests.backend.concurrency import race
    from tests.backend.factories import CoordinatorFactory

    first, second = CoordinatorFactory(prefecture_id="20"), CoordinatorFactory(prefecture_id="20")
    data = {"date": dt.date(2026, 11, 2), "label": "県民の日", "prefecture": "20"}
    outcomes = race([lambda: closed_day_create(actor=first, data=data),
                     lambda: closed_day_create(actor=second, data=data)], expected=(ConflictError,))
    assert sorted(type(o).__name__ for o in outcomes) == ["ClosedDay", "ConflictError"]
    assert ClosedDay.objects.count() == 1
    assert AuditLog.objects.filter(action=AuditAction.CLOSED_DAY_CREATE.value).count() == 1
