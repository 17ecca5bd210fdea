import pytest
from django.core.exceptions import ValidationError

from backend.core.fiscal import days_per_year, fiscal_year_label, fiscal_year_of
from backend.core.validators import (
    corporate_number_check_digit,
    is_valid_municipality_code,
    validate_corporate_number,
)


def test_municipality_code_check_digit_accepts_real_codes_and_rejects_altered_ones():
    assert is_valid_municipality_code("202011")  # 長野市
    assert is_valid_municipality_code("131016")  # 千代田区
    assert not is_valid_municipality_code("202012")
    assert not is_valid_municipality_code("20201")
    assert not is_valid_municipality_code("20201a")


def test_corporate_number_check_digit_matches_the_national_tax_agency_example():
    assert corporate_number_check_digit("000012050002") == "7"  # 国税庁 7000012050002
    validate_corporate_number("7000012050002")
    with pytest.raises(ValidationError):
        validate_corporate_number("8000012050002")


def test_fiscal_year_starts_in_april():
    import datetime as dt

    assert fiscal_year_of(dt.date(2027, 3, 31)) == 2026
    assert fiscal_year_of(dt.date(2027, 4, 1)) == 2027
    assert fiscal_year_label(2027) == "令和9年度"


def test_work_patterns_convert_to_days_per_year_as_the_exchange_format_defines():
    assert days_per_year("weekly", 2) == (96, 2)
    assert days_per_year("monthly", 1) == (12, 0)
    assert days_per_year("yearly", 6) == (6, 0)


def test_unicode_digits_are_not_a_municipality_code_and_not_a_server_error(db):
    from tests.backend.conftest import client_for
    from tests.backend.factories import CoordinatorFactory

    response = client_for(CoordinatorFactory(prefecture_id="20")).post("/api/v1/needs/", {
        "municipality": "²02011", "fiscal_year": 2027, "role": "cio_adviser", "pattern": "yearly",
        "pattern_days": 8, "budget": 1_000_000, "employment_forms": ["contract"]}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "municipality"
