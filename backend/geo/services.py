"""Loading the municipal register (idempotent, all or nothing), and changing a prefecture's settings."""

import csv
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from backend.accounts.models import User
from backend.accounts.permissions import coordinates
from backend.config.embedded_db import REPO_ROOT
from backend.core.audit import AuditAction, audit_record
from backend.core.errors import ForbiddenError
from backend.core.services import model_update
from backend.core.validators import is_valid_municipality_code
from backend.geo.errors import ErrorCode
from backend.geo.models import Municipality, Prefecture, PrefectureSetting

FIXTURES_DIR = REPO_ROOT / "fixtures"


@dataclass(frozen=True)
class RegisterLoadResult:
    prefectures: int
    municipalities: int
    created: int
    updated: int


def _read(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@transaction.atomic
def register_load(*, directory: Path = FIXTURES_DIR) -> RegisterLoadResult:
    """Load the public register of prefectures and municipalities from the repository's fixtures.

    No actor, on purpose: reference data loaded by whoever runs `manage.py load_register` on the server (and
    by the test setup), not a change anyone makes through the service; it is not audited."""
    prefectures = _read(directory / "prefectures.csv")
    municipalities = _read(directory / "municipalities.csv")
    for row in municipalities:
        if not is_valid_municipality_code(row["code"]):
            raise ValueError(f"municipalities.csv: invalid 団体コード {row['code']} ({row['name']})")

    Prefecture.objects.bulk_create(
        [Prefecture(code=r["code"], name=r["name"], kana=r["kana"], population=int(r["population"]))
         for r in prefectures],
        update_conflicts=True, unique_fields=["code"], update_fields=["name", "kana", "population"],
    )
    existing = set(Municipality.objects.values_list("code", flat=True))
    Municipality.objects.bulk_create(
        [
            Municipality(
                code=r["code"], prefecture_id=r["prefecture_code"], name=r["name"], kana=r["kana"],
                kind=r["kind"], population=int(r["population"]), population_year=int(r["population_year"]),
                lat=float(r["lat"]), lon=float(r["lon"]),
            )
            for r in municipalities
        ],
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["prefecture", "name", "kana", "kind", "population", "population_year", "lat", "lon"],
        batch_size=500,
    )
    created = sum(1 for r in municipalities if r["code"] not in existing)
    return RegisterLoadResult(len(prefectures), len(municipalities), created, len(municipalities) - created)


SETTING_FIELDS = ("special_grant_rate", "travel_yen_per_km")
RATE_STEP = Decimal("0.001")  # the column's three decimals


def prefecture_setting_snapshot(setting: PrefectureSetting) -> dict:
    rate = Decimal(setting.special_grant_rate).quantize(RATE_STEP)  # a new row holds the default as given, 0.5
    return {"special_grant_rate": str(rate), "travel_yen_per_km": setting.travel_yen_per_km}


@transaction.atomic
def prefecture_setting_update(*, actor: User, prefecture_id: str, data: dict) -> PrefectureSetting:
    """Change a prefecture's settings (the estimated 特別交付税 rate, a Decimal from 0 to 1; the travel
    reimbursement per km, whole yen); the row is created on the first change."""
    if not coordinates(actor, prefecture_id):
        raise ForbiddenError.single("prefecture", ErrorCode.NOT_YOUR_PREFECTURE, _("担当都道府県の設定のみ変更できます。"))
    setting, _created = PrefectureSetting.objects.select_for_update().get_or_create(prefecture_id=prefecture_id)
    before = prefecture_setting_snapshot(setting)
    if "special_grant_rate" in data:
        data = {**data, "special_grant_rate": Decimal(data["special_grant_rate"]).quantize(RATE_STEP)}
    if model_update(instance=setting, fields=SETTING_FIELDS, data=data):
        setting.full_clean()
        setting.save()
        audit_record(actor=actor, action=AuditAction.PREFECTURE_SETTING_UPDATE, obj=setting,
                     prefecture=prefecture_id, before=before, after=prefecture_setting_snapshot(setting))
    return setting
