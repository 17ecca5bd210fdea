"""Dates on screens in the Japanese era, as clerks write them (ISO stays in the API and files)."""

import datetime as dt

import pytest
from django.utils import translation

from backend.core.fiscal import era_date
from frontend.templatetags.kenmu import wareki, wareki_time


@pytest.mark.parametrize(("day", "shown"), [
    (dt.date(2027, 4, 1), "令和9年4月1日"),
    (dt.date(2019, 5, 1), "令和元年5月1日"),
    (dt.date(2019, 4, 30), "平成31年4月30日"),
    (dt.date(1989, 1, 8), "平成元年1月8日"),
    (dt.date(1989, 1, 7), "昭和64年1月7日"),
])
def test_a_date_is_written_in_its_era(day, shown):
    assert era_date(day) == shown


def test_a_time_is_shown_as_its_local_date_and_minutes():
    at = dt.datetime(2027, 3, 31, 16, 5, tzinfo=dt.UTC)  # 1:05 on 1 April in Japan
    with translation.override("ja"):
        assert wareki_time(at) == "令和9年4月1日 01:05"
        assert wareki(at) == "令和9年4月1日"


def test_english_pages_write_the_date_in_english():
    with translation.override("en"):
        assert wareki(dt.date(2027, 4, 1)) == "1 Apr 2027"


def test_no_date_shows_nothing():
    assert wareki(None) == "" and wareki_time("") == ""
