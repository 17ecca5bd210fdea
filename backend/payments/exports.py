"""A municipality's payment sheet for one month (支払額の表), as Excel and as CSV, through backend.core.spreadsheet
(no cell is a live formula; text that would start one is quoted there).

One row per engagement whose month is confirmed. Amounts, days and hours are numbers; the confirmation day is a
date cell shown as 令和 in Excel and written as 令和 in the CSV (UTF-8 with BOM, which Excel in Japan opens).
"""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from backend.core.fiscal import era_date
from backend.core.spreadsheet import XLSX, csv_bytes, xlsx_bytes
from backend.needs.models import FeeBasis
from backend.payments.selectors import OwedMonth


def sheet_header() -> list[str]:
    return [_("専門人材"), _("件名・役割"), _("報酬の定め方"), _("単価（円）"), _("確認日数"), _("時間"), _("現地日数"),
            _("報酬（円）"), _("費用弁償（円）"), _("計（円）"), _("税"), _("照会番号"), _("確認日"), _("確認者"),
            _("備考")]


def confirmed_on(row: OwedMonth) -> dt.date:
    return timezone.localtime(row.work_month.confirmed_at).date()


def _confirmed_by(row: OwedMonth) -> str:
    user = row.work_month.confirmed_by
    return user.get_full_name() or user.username


def _notes(row: OwedMonth) -> str:
    notes = []
    if row.amount.rate_derived:
        notes.append(_("単価は契約の報酬額から算出"))
    if row.adjusted:
        notes.append(_("確認後に修正あり"))
    if row.work_month.paper_reference:
        notes.append(_("書面確認：%(ref)s") % {"ref": row.work_month.paper_reference})
    return "、".join(notes)


def _cells(row: OwedMonth, *, day) -> list:
    e, a = row.engagement, row.amount
    return [e.expert.name, str(e.need), str(FeeBasis(a.basis).label), a.unit_rate, a.worked.days,
            float(a.worked.hours), a.worked.onsite_days, a.fee, a.travel, a.total,
            _("税込") if a.includes_tax else _("税別"), row.work_month.reference, day(confirmed_on(row)),
            _confirmed_by(row), _notes(row)]


def sheet_xlsx(rows: list[OwedMonth], *, year: int, month: int) -> bytes:
    title = _("%(era)s分") % {"era": era_date(dt.date(year, month, 1))[:-2]}
    return xlsx_bytes(title=title, header=sheet_header(), rows=[_cells(r, day=lambda d: d) for r in rows])


def sheet_csv(rows: list[OwedMonth]) -> bytes:
    return csv_bytes(header=sheet_header(), rows=[_cells(r, day=era_date) for r in rows])


def sheet_file(rows: list[OwedMonth], *, code: str, year: int, month: int, file: str) -> tuple[bytes, str, str]:
    """(content, content type, file name) of the sheet in the format asked ("xlsx" or "csv")."""
    name = f"payments-{code}-{year}-{month:02d}.{file}"
    if file == "xlsx":
        return sheet_xlsx(rows, year=year, month=month), XLSX, name
    return sheet_csv(rows), "text/csv; charset=utf-8", name
