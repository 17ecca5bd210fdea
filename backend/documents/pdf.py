"""The A4 page every document shares: ReportLab's Japanese CID fonts, a title, paragraphs, label–value tables and
a footer that names the document and the moment kenmu made it.

A document module builds a list of flowables with the helpers here and calls `render`; a view returns the bytes
with `pdf_response`. Text is escaped here (`para`), so a name with '<' or '&' prints as typed.
"""

import io
from urllib.parse import quote
from xml.sax.saxutils import escape

from django.http import HttpResponse
from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from backend.core.fiscal import wareki_datetime

MINCHO, GOTHIC = "HeiseiMin-W3", "HeiseiKakuGo-W5"
for _font in (MINCHO, GOTHIC):
    pdfmetrics.registerFont(UnicodeCIDFont(_font))

BODY = ParagraphStyle("body", fontName=MINCHO, fontSize=10.5, leading=16)
SMALL = ParagraphStyle("small", parent=BODY, fontSize=8.5, leading=12)
TITLE = ParagraphStyle("title", fontName=GOTHIC, fontSize=16, leading=24, alignment=TA_CENTER, spaceAfter=6 * mm)
HEADING = ParagraphStyle("heading", fontName=GOTHIC, fontSize=11.5, leading=17, spaceBefore=3 * mm, spaceAfter=1 * mm)
RIGHT = ParagraphStyle("right", parent=BODY, alignment=TA_RIGHT)
CELL = ParagraphStyle("cell", parent=BODY, fontSize=9.5, leading=13)
MARGIN = 20 * mm
WIDTH = A4[0] - 2 * MARGIN


def para(text, style: ParagraphStyle = BODY) -> Paragraph:
    """A paragraph of plain text (escaped; line breaks kept)."""
    return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)


def title(text) -> Paragraph:
    return para(text, TITLE)


def heading(text) -> Paragraph:
    return para(text, HEADING)


def gap(height_mm: float = 4) -> Spacer:
    return Spacer(1, height_mm * mm)


def fields(rows, *, label_width_mm: float = 42) -> Table:
    """A two-column table of (label, value) rows, the labels shaded."""
    data = [[para(label, CELL), para(value, CELL)] for label, value in rows]
    table = Table(data, colWidths=[label_width_mm * mm, WIDTH - label_width_mm * mm])
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
        ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f0f0f0")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    return table


def grid(header, rows, *, widths_mm=None, numeric_columns=()) -> Table:
    """A table with a header row; numbers in `numeric_columns` (indexes) right-aligned."""
    data = [[para(cell, CELL) for cell in header]]
    data += [[para(cell, CELL if i not in numeric_columns else ParagraphStyle("n", parent=CELL, alignment=TA_RIGHT))
              for i, cell in enumerate(row)] for row in rows]
    widths = [w * mm for w in widths_mm] if widths_mm else None
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f0f0f0")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    return table


def render(flowables, *, name: str) -> bytes:
    """The A4 PDF of `flowables`; every page's footer names the document, the page and when kenmu made it."""
    made = wareki_datetime(timezone.localtime())
    out = io.BytesIO()

    def footer(canvas, doc):
        canvas.saveState()
        canvas.setFont(MINCHO, 8)
        canvas.drawString(MARGIN, 10 * mm, f"{name}　kenmu {made} 作成")
        canvas.drawRightString(A4[0] - MARGIN, 10 * mm, f"{doc.page}")
        canvas.restoreState()

    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                            bottomMargin=MARGIN, title=name, author="kenmu")
    doc.build(list(flowables), onFirstPage=footer, onLaterPages=footer)
    return out.getvalue()


def pdf_response(content: bytes, *, filename: str) -> HttpResponse:
    """The PDF as a download named `filename` (UTF-8 file name per RFC 6266, opened inline by the browser)."""
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(filename)}"
    return response
