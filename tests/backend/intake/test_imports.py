"""Excel/CSV import: templates, per-row and per-column errors, all or nothing."""

import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from openpyxl import Workbook, load_workbook
from openpyxl.chart import BarChart, Reference

from backend.experts.models import Expert
from backend.needs.models import Need
from backend.procurement.models import Vendor
from tests.backend.conftest import client_for
from tests.backend.factories import VendorFactory, corporate_number


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
    assert expert.registering_prefecture_id == "20"


def test_one_bad_row_stops_the_whole_import_and_names_row_and_column(coordinator):
    client = client_for(coordinator)
    header, example = _template_rows(client, "needs")
    bad = list(example)
    bad[header.index("年間予算(万円)")] = "-5"
    worse = list(example)
    worse[header.index("市区町村")] = "202012"
    response = client.post("/api/v1/import/needs/", {"file": _xlsx([header, example, bad, worse])},
                           format="multipart")
    assert response.status_code == 400
    errors = {(e["row"], e["column"]) for e in response.json()["errors"]}
    assert errors == {(3, "年間予算(万円)"), (4, "市区町村")}
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


# A file is untrusted: every way it can be wrong is a 400 naming the file, or the row and the column,
# and nothing is stored.

def _post(client, kind: str, name: str, content: bytes):
    return client.post(f"/api/v1/import/{kind}/", {"file": SimpleUploadedFile(name, content)}, format="multipart")


def _file_error(response, code: str, name: str) -> dict:
    assert response.status_code == 400, response.content
    (error,) = response.json()["errors"]
    assert (error["field"], error["code"], error["row"], error["column"]) == ("file", code, None, None)
    assert f"「{name}」" in error["ja"] and name in error["en"]
    return error


def _stored_nothing():
    assert Expert.objects.count() == 0 and Need.objects.count() == 0


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _workbook_bytes(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("content", [
    b"name,email\nhanako,hanako@example.jp\n",  # a text file named .xlsx
    bytes(range(256)) * 8,  # arbitrary bytes
    b"PK\x03\x04 a zip header and then nothing",  # looks like a zip, is not one
    _zip({"notes.txt": b"not a workbook"}),  # a real zip that is not a workbook
], ids=["text", "bytes", "truncated-zip", "other-zip"])
def test_a_file_named_xlsx_that_is_not_a_workbook_is_a_400_naming_the_file(coordinator, content):
    response = _post(client_for(coordinator), "experts", "名簿.xlsx", content)
    error = _file_error(response, "not_a_workbook", "名簿.xlsx")
    assert ".xlsx" in error["ja"]
    _stored_nothing()


def test_a_workbook_with_broken_xml_inside_is_a_400_naming_the_file(coordinator):
    with zipfile.ZipFile(io.BytesIO(_workbook_bytes(Workbook()))) as source:
        entries = {info.filename: source.read(info) for info in source.infolist()}
    entries["xl/worksheets/sheet1.xml"] = b"<worksheet><sheetData><row r='1'><c r="
    response = _post(client_for(coordinator), "experts", "broken.xlsx", _zip(entries))
    _file_error(response, "unreadable", "broken.xlsx")
    _stored_nothing()


def test_a_workbook_whose_active_sheet_is_a_chart_is_a_400(coordinator):
    workbook = Workbook()
    workbook.active.append(["氏名"])
    chart = BarChart()
    chart.add_data(Reference(workbook.active, min_col=1, min_row=1, max_row=1))
    workbook.create_chartsheet("グラフ").add_chart(chart)
    workbook.active = 1
    response = _post(client_for(coordinator), "experts", "chart.xlsx", _workbook_bytes(workbook))
    _file_error(response, "no_worksheet", "chart.xlsx")


def test_a_workbook_without_any_worksheet_is_a_400(coordinator):
    with zipfile.ZipFile(io.BytesIO(_workbook_bytes(Workbook()))) as source:
        entries = {info.filename: source.read(info) for info in source.infolist()}
    entries["xl/workbook.xml"] = re.sub(rb"<sheets>.*</sheets>", b"<sheets/>", entries["xl/workbook.xml"])
    response = _post(client_for(coordinator), "experts", "nosheet.xlsx", _zip(entries))
    _file_error(response, "no_worksheet", "nosheet.xlsx")


def test_a_workbook_without_rows_is_a_400_naming_the_file(coordinator):
    response = _post(client_for(coordinator), "experts", "empty.xlsx", _workbook_bytes(Workbook()))
    _file_error(response, "empty", "empty.xlsx")


def test_a_role_of_only_separators_is_a_400_naming_row_and_column(coordinator):
    client = client_for(coordinator)
    header, example = _template_rows(client, "needs")
    bad = list(example)
    bad[header.index("役割")] = "、"
    response = client.post("/api/v1/import/needs/", {"file": _xlsx([header, example, bad])}, format="multipart")
    assert response.status_code == 400, response.content
    (error,) = response.json()["errors"]
    assert (error["row"], error["column"], error["field"], error["code"]) == (3, "役割", "role", "invalid_choice")
    assert "、" in error["ja"] and "、" in error["en"]
    _stored_nothing()


def test_two_roles_in_one_cell_are_a_400_not_the_first_of_them(coordinator):
    client = client_for(coordinator)
    header, example = _template_rows(client, "needs")
    bad = list(example)
    bad[header.index("役割")] = "CIO補佐官、CISO補佐官"
    response = client.post("/api/v1/import/needs/", {"file": _xlsx([header, bad])}, format="multipart")
    assert response.status_code == 400, response.content
    assert [(e["row"], e["column"]) for e in response.json()["errors"]] == [(2, "役割")]
    _stored_nothing()


@pytest.mark.parametrize("kind, column, level", [("needs", "必須スキル", "²"), ("experts", "スキル", "²"),
                                                 ("experts", "スキル", "9" * 5000)])
def test_a_skill_level_that_is_not_an_ascii_number_is_a_400_naming_row_and_column(coordinator, kind, column,
                                                                                   level):
    client = client_for(coordinator)
    header, example = _template_rows(client, kind)
    bad = list(example)
    bad[header.index(column)] = f"security:{level}"
    response = client.post(f"/api/v1/import/{kind}/", {"file": _xlsx([header, bad])}, format="multipart")
    assert response.status_code == 400, response.content
    (error,) = response.json()["errors"]
    assert (error["row"], error["column"]) == (2, column)
    assert error["field"].endswith("skills.security")
    _stored_nothing()


def test_a_csv_saved_by_japanese_excel_in_shift_jis_imports(coordinator):
    client = client_for(coordinator)
    template = client.get("/api/v1/import/needs/template/?file=csv").content.decode("utf-8-sig")
    response = _post(client, "needs", "needs.csv", template.encode("cp932"))
    assert response.status_code == 201, response.content
    assert Need.objects.get().title == "CIO補佐官の募集"


def test_a_csv_with_a_nul_byte_is_a_400(coordinator):
    client = client_for(coordinator)
    template = client.get("/api/v1/import/needs/template/?file=csv").content
    response = _post(client, "needs", "needs.csv", template.replace("募集".encode(), b"\x00"))
    _file_error(response, "null_character", "needs.csv")
    _stored_nothing()


def test_a_csv_in_neither_utf8_nor_shift_jis_is_a_400(coordinator):
    neither = "団体コード\n".encode() + b"\x85\x40\n"  # 0x85 0x40: no UTF-8 sequence, and unassigned in cp932
    response = _post(client_for(coordinator), "needs", "needs.csv", neither)
    error = _file_error(response, "encoding", "needs.csv")
    assert "Shift_JIS" in error["ja"]


@override_settings(KENMU_IMPORT_MAX_BYTES=100)
def test_an_upload_over_the_size_limit_is_a_400_naming_the_file_and_the_limit(coordinator):
    client = client_for(coordinator)
    template = client.get("/api/v1/import/needs/template/?file=csv").content
    assert len(template) > 100
    error = _file_error(_post(client, "needs", "needs.csv", template), "too_large", "needs.csv")
    assert "100 バイト" in error["ja"] and "100 bytes" in error["en"]
    _stored_nothing()


@override_settings(KENMU_IMPORT_MAX_ROWS=2)
def test_more_rows_than_the_limit_is_a_400_and_stores_nothing(coordinator):
    client = client_for(coordinator)
    header, example = _template_rows(client, "needs")
    assert client.post("/api/v1/import/needs/", {"file": _xlsx([header, example, [], example])},
                       format="multipart").status_code == 201  # two rows and a blank one are within the limit
    Need.objects.all().delete()
    response = client.post("/api/v1/import/needs/", {"file": _xlsx([header, example, example, example])},
                           format="multipart")
    error = _file_error(response, "too_many_rows", "import.xlsx")
    assert "2 行" in error["ja"]
    _stored_nothing()


@override_settings(KENMU_IMPORT_MAX_COLUMNS=5)
def test_more_columns_than_the_limit_is_a_400(coordinator):
    client = client_for(coordinator)
    template = client.get("/api/v1/import/needs/template/?file=csv").content
    error = _file_error(_post(client, "needs", "needs.csv", template), "too_many_columns", "needs.csv")
    assert "1 行目" in error["ja"] and "5 列" in error["ja"]


def test_a_sheet_declaring_an_absurd_range_is_refused_before_reading_it(coordinator):
    workbook = Workbook()
    workbook.active["A1"] = "氏名"
    workbook.active["A1000000"] = "x"
    response = _post(client_for(coordinator), "experts", "huge.xlsx", _workbook_bytes(workbook))
    error = _file_error(response, "too_large", "huge.xlsx")
    assert "1,000,000 行" in error["ja"]


@override_settings(KENMU_IMPORT_MAX_UNZIPPED_BYTES=1_000)
def test_a_workbook_that_unpacks_to_too_much_is_a_400(coordinator):
    client = client_for(coordinator)
    template = client.get("/api/v1/import/experts/template/?file=xlsx").content
    _file_error(_post(client, "experts", "bomb.xlsx", template), "too_large", "bomb.xlsx")


@override_settings(KENMU_IMPORT_MAX_SECONDS=0)
def test_an_import_over_the_time_limit_stops_with_a_400(coordinator):
    client = client_for(coordinator)
    template = client.get("/api/v1/import/needs/template/?file=csv").content
    error = _file_error(_post(client, "needs", "needs.csv", template), "timeout", "needs.csv")
    assert "制限時間（0秒）" in error["ja"]
    _stored_nothing()


def test_the_template_speaks_the_clerks_language_and_explains_itself(coordinator):
    response = client_for(coordinator).get("/api/v1/import/needs/template/?file=xlsx")
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["ニーズ", "記入方法"]
    header, example = [[c.value for c in row] for row in workbook["ニーズ"].iter_rows()]
    row = dict(zip(header, example, strict=True))
    assert row["市区町村"] == "長野市" and row["年間予算(万円)"] == "240"
    assert row["必須スキル"] == "情報セキュリティ:2"
    instructions = {r[0].value: r[1].value for r in workbook["記入方法"].iter_rows(min_row=2)}
    assert set(instructions) == set(header) and "万円" in instructions["年間予算(万円)"]


def test_names_in_place_of_codes_are_read(coordinator):
    from backend.procurement.models import Vendor

    vendor = Vendor.objects.create(name="信州システム株式会社", prefecture_id="20", corporate_number=corporate_number(3))
    client = client_for(coordinator)
    header, example = _template_rows(client, "experts")
    row = dict(zip(header, example, strict=True))
    # issue 21: a vendor is matched by its 法人番号 (typed with hyphens here), the name column may stay blank
    number = corporate_number(3)
    row.update({"対応都道府県": "長野、山梨県", "所属事業者1": "", "所属事業者1の法人番号": f"{number[0]}-{number[1:5]}-{number[5:9]}-{number[9:]}",
                "関係1": "在籍",
                "スキル": "情報セキュリティ：3、業務改革(BPR):1"})
    response = client.post("/api/v1/import/experts/", {"file": _xlsx([header, [row[h] for h in header]])},
                           format="multipart")
    assert response.status_code == 201, response.content
    expert = Expert.objects.get()
    assert {p.code for p in expert.serves_prefectures.all()} == {"20", "19"}
    assert list(expert.affiliations.values_list("vendor_id", "relation")) == [(vendor.pk, "employee")]
    assert dict(expert.skills.values_list("skill", "level")) == {"security": 3, "bpr": 1}


def _expert_row(client, **cells) -> tuple[list, list]:
    header, example = _template_rows(client, "experts")
    row = dict(zip(header, example, strict=True))
    row.update(cells)
    return header, [row[h] for h in header]


def test_a_vendor_without_its_number_is_named_by_row_and_column(coordinator):
    """issue 21 changes this: vendors are matched by 法人番号, not by name (one name may be two entities)."""
    VendorFactory(name="信州システム株式会社")
    client = client_for(coordinator)
    header, row = _expert_row(client, **{"所属事業者1": "信州システム（株）", "関係1": "在籍"})
    response = client.post("/api/v1/import/experts/", {"file": _xlsx([header, row])}, format="multipart")
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert (error["row"], error["column"]) == (2, "所属事業者1の法人番号")
    assert "信州システム株式会社（法人番号" in error["ja"]


def test_an_unknown_number_with_a_name_registers_the_vendor(coordinator):
    client = client_for(coordinator)
    header, row = _expert_row(client, **{"所属事業者1": "千曲テクノロジー株式会社", "所属事業者1の法人番号": corporate_number(8),
                                         "関係1": "在籍"})
    response = client.post("/api/v1/import/experts/", {"file": _xlsx([header, row])}, format="multipart")
    assert response.status_code == 201, response.content
    vendor = Vendor.objects.get(corporate_number=corporate_number(8))
    assert vendor.name == "千曲テクノロジー株式会社" and Expert.objects.get().affiliations.get().vendor == vendor


def test_an_unknown_number_for_a_name_already_registered_is_refused_naming_that_vendor(coordinator):
    existing = VendorFactory(name="千曲テクノロジー株式会社")
    client = client_for(coordinator)
    header, row = _expert_row(client, **{"所属事業者1": "㈱千曲テクノロジー", "所属事業者1の法人番号": corporate_number(8),
                                         "関係1": "在籍"})
    response = client.post("/api/v1/import/experts/", {"file": _xlsx([header, row])}, format="multipart")
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error["column"] == "所属事業者1" and existing.corporate_number in error["ja"]
    assert Vendor.objects.count() == 1 and not Expert.objects.exists()


def test_a_vendor_a_refused_file_would_have_registered_is_not_kept(coordinator):
    client = client_for(coordinator)
    header, good = _expert_row(client, **{"所属事業者1": "千曲テクノロジー株式会社", "所属事業者1の法人番号": corporate_number(8),
                                          "関係1": "在籍"})
    _, bad = _expert_row(client, **{"年間稼働日数": "abc"})
    response = client.post("/api/v1/import/experts/", {"file": _xlsx([header, good, bad])}, format="multipart")
    assert response.status_code == 400
    assert not Vendor.objects.exists() and not Expert.objects.exists()


def test_a_needs_file_by_municipality_name_and_budget_in_man_yen(coordinator):
    client = client_for(coordinator)
    header, example = _template_rows(client, "needs")
    row = dict(zip(header, example, strict=True))
    row.update({"市区町村": "長野県松本市", "年間予算(万円)": "240.5"})
    response = client.post("/api/v1/import/needs/", {"file": _xlsx([header, [row[h] for h in header]])},
                           format="multipart")
    assert response.status_code == 201, response.content
    need = Need.objects.get()
    assert (need.municipality_id, need.budget) == ("202029", 2_405_000)


def test_a_needs_file_names_its_planned_funding_scheme_by_the_registers_name(coordinator):
    """Issue 24: the planned scheme is a column like every field of the need form, named as the register names it."""
    from backend.funding.selectors import schemes_of

    regional = schemes_of("20").get(kind="regional_adviser")
    client = client_for(coordinator)
    header, example = _template_rows(client, "needs")
    row = dict(zip(header, example, strict=True))
    unknown = {**row, "予定の財源": "ふるさと基金"}
    response = client.post("/api/v1/import/needs/", {"file": _xlsx([header, [unknown[h] for h in header]])},
                           format="multipart")
    assert response.status_code == 400 and "funding_scheme" in response.content.decode()
    assert not Need.objects.exists()
    row["予定の財源"] = regional.name
    response = client.post("/api/v1/import/needs/", {"file": _xlsx([header, [row[h] for h in header]])},
                           format="multipart")
    assert response.status_code == 201, response.content
    assert Need.objects.get().funding_scheme == regional


def test_a_workbook_saved_on_its_instruction_sheet_still_reads_the_data_sheet(coordinator):
    client = client_for(coordinator)
    workbook = load_workbook(io.BytesIO(client.get("/api/v1/import/needs/template/?file=xlsx").content))
    workbook.active = 1  # the clerk saved it looking at 記入方法
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload = SimpleUploadedFile("needs.xlsx", buffer.getvalue())
    response = client.post("/api/v1/import/needs/", {"file": upload}, format="multipart")
    assert response.status_code == 201, response.content


def test_the_templates_carry_every_field_the_forms_have():
    """Issue 21: the templates lacked the home, the description, the on-site days and the offered fee."""
    from backend.experts.serializers import ExpertInputSerializer
    from backend.intake.imports import SPECS
    from backend.needs.serializers import NeedInputSerializer

    need_columns = {c.field for c in SPECS["needs"]().columns}
    expert_columns = {c.field for c in SPECS["experts"]().columns} | {"affiliations"}  # 所属事業者1, 関係1, …
    assert set(NeedInputSerializer().fields) <= need_columns
    # The registering prefecture is the importer's own; listing is the coordinator's later decision.
    assert set(ExpertInputSerializer().fields) - {"registering_prefecture", "listed"} <= expert_columns


def test_an_imported_expert_has_a_home_by_name(coordinator):
    client = client_for(coordinator)
    header, example = _template_rows(client, "experts")
    row = dict(zip(header, example, strict=True))
    assert row["自宅・拠点の市区町村"] == "松本市"
    row["自宅・拠点の市区町村"] = "長野県上田市"
    response = client.post("/api/v1/import/experts/", {"file": _xlsx([header, [row[h] for h in header]])},
                           format="multipart")
    assert response.status_code == 201, response.content
    assert Expert.objects.get().home_municipality_id == "202037"


@pytest.mark.parametrize(("basis", "amount", "hours", "fee_amount"), [
    ("年額", "180", "", 1_800_000),  # 万円, as on the need form
    ("月額", "15.5", "", 155_000),
    ("日額", "40,000", "", 40_000),  # yen
    ("時間額", "5000", "7.5", 5_000),
])
def test_an_imported_need_carries_its_description_onsite_days_and_offered_fee(coordinator, basis, amount, hours,
                                                                              fee_amount):
    client = client_for(coordinator)
    header, example = _template_rows(client, "needs")
    row = dict(zip(header, example, strict=True))
    row.update({"業務内容": "職員研修の企画", "現地勤務": "要", "現地勤務の日数": "12", "提示報酬の定め方": basis,
                "提示報酬の額": amount, "1日の時間数": hours, "報酬額は消費税込み": ""})
    response = client.post("/api/v1/import/needs/", {"file": _xlsx([header, [row[h] for h in header]])},
                           format="multipart")
    assert response.status_code == 201, response.content
    need = Need.objects.get()
    assert (need.description, need.onsite_days, need.fee_amount) == ("職員研修の企画", 12, fee_amount)


def _one_row(client, kind, **cells):
    header, example = _template_rows(client, kind)
    row = dict(zip(header, example, strict=True))
    row.update(cells)
    response = client.post(f"/api/v1/import/{kind}/", {"file": _xlsx([header, [row[h] for h in header]])},
                           format="multipart")
    assert response.status_code == 400
    return response.json()["errors"]


def test_an_unknown_prefecture_is_named_by_its_column_and_what_was_written(coordinator):
    """Issue 21: 「主キー "ながの" は不正です」 named neither the column nor what to do."""
    (error,) = _one_row(client_for(coordinator), "experts", 対応都道府県="ながの")
    assert error["column"] == "対応都道府県"
    assert error["ja"] == "対応都道府県の「ながの」が見つかりません。記入方法のシートのとおりに書いてください。"
    assert "主キー" not in error["ja"]


def test_a_missing_value_names_its_column_not_null(coordinator):
    """Issue 21: 「この項目はnullにできません。」."""
    errors = _one_row(client_for(coordinator), "experts", 年間稼働日数="")
    by_column = {e["column"]: e["ja"] for e in errors}
    assert by_column["年間稼働日数"] == "年間稼働日数を入力してください。"
    assert all("null" not in e["ja"] and "この項目" not in e["ja"] for e in errors)


def test_a_budget_over_the_limit_is_said_in_man_yen_as_its_column(coordinator):
    (error,) = _one_row(client_for(coordinator), "needs", **{"年間予算(万円)": "999999999"})
    assert error["ja"] == "年間予算(万円)は100,000以下で書いてください。"


def test_a_relation_without_its_vendor_names_the_vendors_column_and_our_own_message_is_kept(coordinator):
    """Issue 21: 「この項目はnullにできません。」 for an affiliation whose vendor cell was empty."""
    errors = _one_row(client_for(coordinator), "experts", 関係1="元在籍", 所属事業者1="", 退職日1="")
    by_column = {e["column"]: e["ja"] for e in errors}
    assert by_column["所属事業者1"] == "所属事業者1を入力してください。"
    assert all("null" not in e["ja"] for e in errors), errors
