"""Loading the municipal register (idempotent, all or nothing), and changing a prefecture's settings."""

import csv
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from backend.config.embedded_db import REPO_ROOT
from backend.core.audit import AuditAction, audit_record
from backend.core.validators import is_valid_municipality_code
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


@transaction.atomic
def prefecture_setting_update(*, user, prefecture: Prefecture, data: dict) -> PrefectureSetting:
    """Change a prefecture's settings (the travel rate, the estimated 特別交付税 rate); the row is created on the
    first change."""
    setting, _created = PrefectureSetting.objects.select_for_update().get_or_create(prefecture=prefecture)
    before = {"travel_yen_per_km": setting.travel_yen_per_km, "special_grant_rate": setting.special_grant_rate}
    for field in ("travel_yen_per_km", "special_grant_rate"):
        if field in data:
            setattr(setting, field, data[field])
    setting.save()
    audit_record(actor=user, action=AuditAction.PREFECTURE_SETTING_UPDATE, obj=setting, prefecture=prefecture, before=before,
                 after={"travel_yen_per_km": setting.travel_yen_per_km,
                        "special_grant_rate": setting.special_grant_rate})
    return setting
