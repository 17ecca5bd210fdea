"""The four schemes every prefecture starts with (its coordinator edits them; each change is audited).

- 特別交付税（CIO補佐官等）: 措置率 0.5 of what the municipality pays its external CIO補佐官・CISO補佐官, recruitment costs
  included since FY2022 (募集を行うための経費).
- 地域力創造アドバイザー（外部専門家）: only with ≥ 10 days or ≥ 5 visits in the fiscal year, a day trip counting from 6
  hours (「1回あたり6時間以上」); capped at 560万円 a year for a private expert and 240万円 for staff of an advanced
  municipality; at most 3 years per municipality (the adviser may change), fully covered up to the cap. The eligible municipalities are named by conditions a coordinator states beside the scheme.
- 地域活性化起業人: up to 560万円 a year, a term of 6 months to 3 years, under an agreement with the sending company.
- 一般財源: the municipality's own money, no grant.

The rates of the two capped schemes are 1.0 of the capped amount (the cap is what the grant covers); a prefecture
whose figures differ edits them.
"""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from backend.core.choices import Role
from backend.funding.models import SchemeKind

SEEDS = (
    {"kind": SchemeKind.CIO_GRANT, "name": _("特別交付税（CIO補佐官等）"), "rate": Decimal("0.5"),
     "roles": [Role.CIO_ADVISER, Role.CISO_ADVISER], "counts_recruitment": True,
     "basis": _("特別交付税（市町村のCIO補佐官等の任用等に要する経費）")},
    {"kind": SchemeKind.REGIONAL_ADVISER, "name": _("地域力創造アドバイザー（外部専門家）"), "rate": Decimal("1"),
     "cap_yen": 5_600_000, "cap_public_staff_yen": 2_400_000, "min_days": 10, "min_visits": 5,
     "day_trip_min_hours": Decimal("6"), "max_years": 3,
     "conditions": _("対象団体の条件（三大都市圏外の市町村等）は総務省の要綱に従い、都道府県が確認します。"),
     "basis": _("地域力創造アドバイザー制度（総務省）")},
    {"kind": SchemeKind.ENTREPRENEUR, "name": _("地域活性化起業人"), "rate": Decimal("1"), "cap_yen": 5_600_000,
     "min_months": 6, "max_years": 3,
     "conditions": _("派遣元企業との協定に基づく受入れに限ります。"),
     "basis": _("地域活性化起業人制度（総務省）")},
    {"kind": SchemeKind.GENERAL, "name": _("一般財源"), "rate": Decimal("0"), "basis": ""},
)
