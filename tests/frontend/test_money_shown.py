"""Money on screens in 万円 as clerks budget it, never an amount that reads as nothing (0万円, 0.0万円)."""

import pytest
from django.utils import translation

from frontend.templatetags.kenmu import man_yen


@pytest.mark.parametrize(("yen", "shown"), [
    (2_400_000, "240万円"),
    (2_405_000, "240.5万円"),
    (12_345_000, "1,234.5万円"),
    (10_000, "1万円"),
    (1_000, "0.1万円"),
    (400, "400円"),  # travel of a few hundred yen is not 0.0万円
    (0, "0円"),
    (None, ""),
])
def test_amounts_are_shown_in_man_yen_and_small_ones_in_yen(yen, shown):
    with translation.override("ja"):
        assert man_yen(yen) == shown


def test_english_pages_show_yen():
    with translation.override("en"):
        assert (man_yen(2_405_000), man_yen(0)) == ("¥2,405,000", "¥0")
