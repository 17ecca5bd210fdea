"""Municipal staff edit their own procurements; the register downloads as CSV and Excel with the page's
filters; coordinators download the import templates."""

import csv
import io

import openpyxl
import pytest

from backend.procurement.models import Procurement
from tests.backend.factories import (
    AffiliationFactory,
    CoordinatorFactory,
    MunicipalStaffFactory,
    ProcurementFactory,
    VendorFactory,
)
from tests.backend.restrictions.conftest import serve

pytestmark = pytest.mark.django_db


@pytest.fixture
def nagano_staff():
    return MunicipalStaffFactory(municipality_id="202011")


def test_staff_retitle_their_procurement_and_change_its_incumbent(client, nagano_staff):
    procurement = ProcurementFactory(municipality_id="202011", title="旧システム保守")
    successor = VendorFactory(name="信州システム株式会社")
    client.force_login(nagano_staff)

    form = client.get(f"/procurements/{procurement.pk}/edit/")
    assert form.status_code == 200 and "旧システム保守" in form.content.decode()

    response = client.post(f"/procurements/{procurement.pk}/edit/", {
        "title": "基幹系システム保守", "category": "operations", "status": "ongoing",
        "incumbent_vendor": str(successor.pk), "fiscal_year": "2027"})
    assert response.status_code == 302 and response["Location"] == "/procurements/"
    procurement.refresh_from_db()
    assert (procurement.title, procurement.incumbent_vendor_id) == ("基幹系システム保守", successor.pk)


def test_an_invalid_edit_shows_the_form_again_and_changes_nothing(client, nagano_staff):
    procurement = ProcurementFactory(municipality_id="202011", title="旧システム保守")
    client.force_login(nagano_staff)

    response = client.post(f"/procurements/{procurement.pk}/edit/", {
        "title": "新しい名前", "category": "catering", "status": "ongoing", "fiscal_year": "2027"})

    assert response.status_code == 400
    assert 'name="category"' in response.content.decode()
    assert Procurement.objects.get(pk=procurement.pk).title == "旧システム保守"


def test_a_coordinator_cannot_register_a_procurement_through_the_list_page(client):
    client.force_login(CoordinatorFactory(prefecture_id="20"))
    before = Procurement.objects.count()

    response = client.post("/procurements/", {"title": "x", "category": "operations", "status": "ongoing",
                                              "fiscal_year": "2027"})

    assert response.status_code == 403 and Procurement.objects.count() == before


def test_staff_register_a_procurement_and_a_bad_one_is_refused_with_the_form(client, nagano_staff):
    client.force_login(nagano_staff)
    good = {"title": "財務会計システム更改", "category": "design_development", "status": "planned",
            "fiscal_year": "2028"}

    assert client.post("/procurements/", good).status_code == 302
    assert Procurement.objects.filter(municipality_id="202011", title="財務会計システム更改").exists()
    bad = client.post("/procurements/", {**good, "title": "", "category": "catering"})
    assert bad.status_code == 400
    assert Procurement.objects.filter(municipality_id="202011").count() == 1


@pytest.fixture
def register(client, nagano_staff):
    """Two vendors each have an employee serving 長野市, so the register of 長野市 records both."""
    shinshu, kofu = VendorFactory(name="信州システム株式会社"), VendorFactory(name="甲府データ株式会社")
    for vendor in (shinshu, kofu):
        serve(AffiliationFactory(relation="employee", vendor=vendor).expert)
    client.force_login(nagano_staff)
    return client, shinshu, kofu


def _csv(client, **params) -> list[list[str]]:
    response = client.get("/restrictions/", {"format": "csv", **params})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_register_downloads_as_csv_and_excel_with_the_same_rows(register):
    client = register[0]
    csv_rows = _csv(client)
    workbook = client.get("/restrictions/", {"format": "xlsx"})
    assert workbook["Content-Disposition"].startswith('attachment; filename="kenmu-restrictions-')
    sheet = openpyxl.load_workbook(io.BytesIO(workbook.content)).active
    xlsx_rows = [[("" if v is None else str(v)) for v in row] for row in sheet.iter_rows(values_only=True)]

    assert len(csv_rows) == len(xlsx_rows) > 2  # a header and at least a row per vendor
    assert csv_rows[0] == xlsx_rows[0]
    assert {row[0] for row in csv_rows[1:]} == {row[0] for row in xlsx_rows[1:]} == {"信州システム株式会社",
                                                                                  "甲府データ株式会社"}


def test_the_register_download_keeps_the_vendor_filter(register):
    client, shinshu, kofu = register

    only_shinshu = _csv(client, vendor=str(shinshu.pk))
    assert len(only_shinshu) > 1 and {row[0] for row in only_shinshu[1:]} == {"信州システム株式会社"}
    assert len(_csv(client, vendor=str(10**9))) == 1, "an unknown vendor leaves the header alone"


def test_a_malformed_vendor_filter_is_ignored_rather_than_a_server_error(register):
    client = register[0]

    assert _csv(client, vendor="１２") == _csv(client)


@pytest.mark.parametrize("params", [{}, {"format": "csv"}])
def test_an_impossible_day_says_so_instead_of_showing_the_whole_register(register, params):
    # issue 21: 2027-02-30 was ignored and every restriction listed, as if no day had been asked.
    response = register[0].get("/restrictions/", {"on": "2027-02-30", **params})
    assert response.status_code == 400 and response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "基準日「2027-02-30」はありえない日付です" in html
    assert "信州システム株式会社" not in html.split("<tbody>")[1]


@pytest.mark.parametrize("kind", ["experts", "needs"])
def test_coordinators_download_each_import_template_as_csv_and_excel(client, kind):
    client.force_login(CoordinatorFactory(prefecture_id="20"))

    as_csv = client.get(f"/import/template/{kind}.csv")
    as_xlsx = client.get(f"/import/template/{kind}.xlsx")

    assert as_csv.status_code == 200 and as_csv["Content-Disposition"].endswith(f'kenmu-{kind}-template.csv"')
    header = next(csv.reader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    sheet = openpyxl.load_workbook(io.BytesIO(as_xlsx.content)).active
    assert [c.value for c in next(sheet.iter_rows(max_row=1))][:len(header)] == header


def test_an_unknown_import_template_is_not_found(client):
    client.force_login(CoordinatorFactory(prefecture_id="20"))

    assert client.get("/import/template/payroll.csv").status_code == 404
    assert client.get("/import/template/experts.pdf").status_code == 404
