"""Writing tabular exports (CSV and Excel) that a spreadsheet opens as inert data.

Every CSV or .xlsx file kenmu hands out is written here, so that one place owns the defence
against CSV injection (OWASP): a text cell that a spreadsheet would read as a formula — it begins
with =, +, -, @, a tab or a carriage return, or their full-width forms — gets a leading single
quote, and every text cell of a workbook is stored as text, never as a formula. Numbers and dates
stay numbers and dates. This module must never evaluate, trust or pass through a formula.
"""

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

# The media type of every Excel file kenmu gives (exports, templates, the API's file answers).
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")

Cell = str | int | float | Decimal | dt.date | None


# Excel's Japanese-calendar format (locale 411 = ja-JP): 令和9年4月1日, as on the screens.
WAREKI_DATE = '[$-411]ggge"年"m"月"d"日"'


def inert(value: Cell) -> Cell:
    """The value as a spreadsheet must show it: text that could start a formula gets a leading quote."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def csv_bytes(*, header: Sequence[str], rows: Iterable[Sequence[Cell]],
              preamble: Sequence[Sequence[Cell]] = ()) -> bytes:
    """UTF-8 with a BOM (Excel then opens Japanese text correctly) and CRLF line ends; any `preamble` rows (a
    document's header block) come before the header row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows([inert(value) for value in row] for row in preamble)
    writer.writerow([inert(value) for value in header])
    writer.writerows([inert(value) for value in row] for row in rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def xlsx_bytes(*, title: str, header: Sequence[str], rows: Iterable[Sequence[Cell]],
               more_sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence[Cell]]]] = (),
               preamble: Sequence[Sequence[Cell]] = ()) -> bytes:
    """A sheet with a bold, frozen header row, then the rows (and any `more_sheets` of the same shape after it);
    every text cell is stored as text. Any `preamble` rows (a document's header block) come before the first
    sheet's header row, which stays frozen below them."""
    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    for index, (sheet_title, sheet_header, sheet_rows) in enumerate(((title, header, rows), *more_sheets)):
        sheet = workbook.create_sheet(sheet_title)
        above = preamble if index == 0 else ()
        sheet.freeze_panes = f"A{len(above) + 2}"
        for row in above:
            sheet.append([_xlsx_cell(sheet, value) for value in row])
        sheet.append([_xlsx_cell(sheet, value, font=bold) for value in sheet_header])
        for row in sheet_rows:
            sheet.append([_xlsx_cell(sheet, value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_cell(sheet, value: Cell, *, font: Font | None = None) -> WriteOnlyCell:
    value = inert(value)
    if isinstance(value, str):
        # Control characters are not allowed in the XML of a workbook; show them as U+FFFD.
        value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl would otherwise make a formula of any text starting with "="
    elif isinstance(value, dt.date):
        cell.number_format = WAREKI_DATE  # a date cell (sorts and filters as a date), shown as 令和9年4月1日
    if font is not None:
        cell.font = font
    return cell
