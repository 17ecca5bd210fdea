import pytest
from django.core.management import call_command

from backend.core.validators import is_valid_municipality_code
from backend.geo.models import Municipality, Prefecture


@pytest.mark.django_db
def test_register_holds_all_prefectures_and_municipalities():
    assert Prefecture.objects.count() == 47
    assert Municipality.objects.count() == 1741
    assert Municipality.objects.filter(kind="政令指定都市").count() == 20
    assert Municipality.objects.get(code="202011").name == "長野市"


@pytest.mark.django_db
def test_load_register_is_idempotent(capsys):
    before = list(Municipality.objects.order_by("code").values_list("code", "name", "population", "lat"))
    call_command("load_register")
    call_command("load_register")
    after = list(Municipality.objects.order_by("code").values_list("code", "name", "population", "lat"))
    assert after == before
    assert "created 0, updated 1741" in capsys.readouterr().out


@pytest.mark.django_db
def test_every_municipality_code_has_a_valid_check_digit_and_no_other_digit_is_valid():
    """Each registered code passes, and its nine alterations in the last place fail: a check that accepted
    everything, or the wrong digit, would be caught."""
    codes = list(Municipality.objects.values_list("code", flat=True))
    valid_endings = {code: [d for d in "0123456789" if is_valid_municipality_code(code[:5] + d)] for code in codes}
    assert {code: endings for code, endings in valid_endings.items() if endings != [code[5]]} == {}
