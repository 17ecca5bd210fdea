"""Excel/CSV import: templates, per-row and per-column errors, all or nothing."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from backend.experts.models import Expert
from backend.needs.models import Need
from tests.backend.conftest import client_for


def _xlsx(rows) -> SimpleUploadedFile:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("import.xlsx", buffer.getvalue())


def _template_rows(client, kind):
    response = client.get(f"/api/v1/import/{kind}/template/?file=xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [[c.value for c in row] for row in sheet.iter_rows()]


def test_the_expert_template_imports_as_it_is(coordinator):
    client = client_for(coordinator)
    header, example = _template_rows(client, "experts")
    assert header[0] == "氏名"
    response = client.post("/api/v1/import/experts/", {"file": _xlsx([header, example, example])},
                           format="multipart")
    assert response.status_code == 201, response.content
    assert response.json()["created"] == 2
    expert = Expert.objects.first()
    assert expert.weekdays == ["mon", "tue", "thu"]
    assert expert.employment_forms == ["special_part_time", "contract"]
    assert dict(expert.skills.values_list("skill", "level")) == {"security": 3, "planning": 2}
    assert expert.home_prefecture_id == "20"


def test_one_bad_row_stops_the_whole_import_and_names_row_and_column(coordinator):
    client = client_for(coordinator)
    header, example = _template_rows(client, "needs")
    bad = list(example)
    bad[header.index("年間予算(円)")] = "-5"
    worse = list(example)
    worse[header.index("団体コード")] = "202012"
    response = client.post("/api/v1/import/needs/", {"file": _xlsx([header, example, bad, worse])},
                           format="multipart")
    assert response.status_code == 400
    errors = {(e["row"], e["column"]) for e in response.json()["errors"]}
    assert errors == {(3, "年間予算(円)"), (4, "団体コード")}
    assert all(e["ja"] and e["en"] for e in response.json()["errors"])
    assert Need.objects.count() == 0


def test_csv_import_of_needs(coordinator):
    client = client_for(coordinator)
    template = client.get("/api/v1/import/needs/template/?file=csv").content
    upload = SimpleUploadedFile("needs.csv", template)
    response = client.post("/api/v1/import/needs/", {"file": upload}, format="multipart")
    assert response.status_code == 201, response.content
    need = Need.objects.get()
    assert (need.municipality_id, need.days_per_year, need.onsite_required) == ("202011", 48, True)


def test_a_file_that_is_not_a_sheet_is_rejected(coordinator):
    upload = SimpleUploadedFile("notes.txt", b"hello")
    response = client_for(coordinator).post("/api/v1/import/experts/", {"file": upload}, format="multipart")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "file"


def test_only_coordinators_import(municipal):
    response = client_for(municipal).post("/api/v1/import/experts/", {"file": _xlsx([["氏名"]])},
                                          format="multipart")
    assert response.status_code == 403
