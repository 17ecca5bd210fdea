"""The register as CSV and Excel with Japanese headers, for procurement officers.

Cells go through backend.core.spreadsheet, which keeps every text cell inert (no formula ever runs).
Procurements are named by their titles, as on the screens. Dates are date cells shown as 令和 dates in Excel
and ISO dates in the CSV (which Excel reads back as dates).
"""

from collections.abc import Mapping

from backend.core.choices import AffiliationRelation, ProcurementCategory
from backend.core.spreadsheet import csv_bytes, xlsx_bytes
from backend.restrictions.models import RestrictionState
from backend.restrictions.selectors import Restriction

HEADERS = ["事業者", "事業者ID", "市区町村", "団体コード", "制限される契約区分", "制限開始日", "制限終了日", "状態",
           "専門人材", "専門人材ID", "所属関係", "任用ID", "影響を受ける予定調達"]


def restriction_rows(restrictions: list[Restriction]) -> list[list]:
    categories = dict(ProcurementCategory.choices)
    relations = dict(AffiliationRelation.choices)
    states = dict(RestrictionState.choices)
    return [
        [r.vendor_name, r.vendor_id, r.municipality_name, r.municipality_code,
         "、".join(str(categories[c]) for c in r.categories), r.starts_on, r.ends_on,
         str(states[r.state]), r.expert_name, r.expert_id, str(relations.get(r.relation, r.relation)),
         r.engagement_id, "、".join(p.title for p in r.affected_procurements)]
        for r in restrictions
    ]


# With `notes` (by engagement id: what the engagement awaits, e.g. a conflict found after the offer, which the apps
# above know of), the file has one more column saying it; rows without a note leave it empty.
NOTE_HEADER = "要確認事項"


def _with_notes(restrictions: list[Restriction], notes: Mapping[int, str] | None) -> tuple[list, list[list]]:
    rows = restriction_rows(restrictions)
    if notes is None:
        return HEADERS, rows
    return [*HEADERS, NOTE_HEADER], [[*row, notes.get(r.engagement_id, "")] for row, r in zip(rows, restrictions,
                                                                                          strict=True)]


def restrictions_csv(restrictions: list[Restriction], *, notes: Mapping[int, str] | None = None) -> bytes:
    header, rows = _with_notes(restrictions, notes)
    return csv_bytes(header=header, rows=rows)


def restrictions_xlsx(restrictions: list[Restriction], *, notes: Mapping[int, str] | None = None) -> bytes:
    header, rows = _with_notes(restrictions, notes)
    return xlsx_bytes(title="入札参加制限", header=header, rows=rows)
