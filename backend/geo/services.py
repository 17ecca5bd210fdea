"""Loading the municipal register (idempotent, all or nothing). geo is reference data that every app reads
and none below it writes: a prefecture's settings are changed by backend.costs.services."""

import csv
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from backend.core.validators import is_valid_municipality_code
from backend.geo.models import Municipality, Prefecture

FIXTURES_DIR = Path(__file__).resolve().parents[2] / "fixtures"


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
