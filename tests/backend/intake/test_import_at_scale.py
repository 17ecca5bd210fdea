"""Imports in seconds (issue 26, step 4): the queries of an import do not grow with its rows, every object still
has its audit row in an unbroken chain, and a bad row anywhere still stores nothing."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from backend.core.audit_verify import audit_chain_verify
from backend.core.models import AuditLog
from backend.experts.models import Affiliation, Expert
from backend.intake.imports import SPECS, import_rows
from backend.needs.models import Need, NeedSkill
from backend.procurement.models import Vendor
from tests.backend.factories import VendorFactory, corporate_number


def _need(n: int) -> dict[str, str]:
    return {"市区町村": "長野市", "年度": "2027", "役割": "CIO補佐官", "件名": f"募集 {n}", "勤務パターン": "週", "日数": "1",
            "勤務可能曜日": "月火水", "年間予算(万円)": "240", "必須スキル": "情報セキュリティ:2", "歓迎スキル": "企画・計画:1",
            "任用形態": "業務委託"}


def _expert(n: int, vendor_number: str) -> dict[str, str]:
    return {"氏名": f"取込 花子{n}", "対応都道府県": "長野県、山梨県", "現地対応都道府県": "長野県", "年間稼働日数": "48",
            "稼働曜日": "月火", "日額報酬の下限(円)": "40000", "任用形態": "業務委託", "スキル": "調達:2",
            "自宅・拠点の市区町村": "松本市", "所属事業者1の法人番号": vendor_number, "関係1": "在籍"}


def _queries(kind: str, rows: list[dict], actor) -> int:
    with CaptureQueriesContext(connection) as queries:
        import_rows(spec=SPECS[kind](), actor=actor, rows=rows)
    return len(queries)


def test_an_import_of_four_times_the_rows_asks_the_database_no_more(coordinator):
    vendor = VendorFactory(corporate_number=corporate_number(901))
    needs_small = _queries("needs", [_need(n) for n in range(5)], coordinator)
    needs_big = _queries("needs", [_need(n) for n in range(20)], coordinator)
    experts_small = _queries("experts", [_expert(n, vendor.corporate_number) for n in range(5)], coordinator)
    experts_big = _queries("experts", [_expert(n, vendor.corporate_number) for n in range(20)], coordinator)

    assert needs_big <= needs_small and experts_big <= experts_small
    assert Need.objects.count() == 25 and Expert.objects.count() == 25


def test_every_imported_object_has_its_audit_row_and_the_chain_holds(coordinator):
    rows = [_expert(1, corporate_number(902)) | {"所属事業者1": "新規情報システム株式会社"},
            _expert(2, corporate_number(902)), _expert(3, "")]
    rows[2].pop("関係1")
    experts = import_rows(spec=SPECS["experts"](), actor=coordinator, rows=rows)
    needs = import_rows(spec=SPECS["needs"](), actor=coordinator, rows=[_need(1), _need(2)])

    audited = list(AuditLog.objects.order_by("id").values_list("action", "object_id"))
    vendor = Vendor.objects.get(corporate_number=corporate_number(902))
    assert audited == [("vendor.create", str(vendor.pk)),
                       *[("affiliation.change", str(e.pk)) for e in experts[:2]],
                       *[("expert.create", str(e.pk)) for e in experts],
                       *[("need.submit", str(n.pk)) for n in needs]]
    first = AuditLog.objects.get(action="expert.create", object_id=str(experts[0].pk)).after
    assert (first["serves_prefectures"], first["onsite_prefectures"], first["skills"]) == (["19", "20"], ["20"],
                                                                                          {"procurement": 2})
    assert first["affiliations"] == [[vendor.pk, "employee", None]]
    assert AuditLog.objects.get(action="need.submit", object_id=str(needs[0].pk)).after["skills"] == [
        ["planning", 1, False], ["security", 2, True]]
    report = audit_chain_verify()
    assert report.broken is None and report.rows == len(audited) == 8


def test_a_bad_row_at_the_end_of_a_big_file_stores_nothing_and_is_named(coordinator):
    rows = [_expert(n, corporate_number(903)) | {"所属事業者1": "末尾でも取消株式会社"} for n in range(60)]
    needs = [_need(n) for n in range(60)]
    needs[-1] |= {"提示報酬の定め方": "年額", "提示報酬の額": "300"}  # more than the budget: refused when written
    import_rows(spec=SPECS["experts"](), actor=coordinator, rows=rows)
    before = (Need.objects.count(), NeedSkill.objects.count(), AuditLog.objects.count())

    with pytest.raises(Exception) as refused:
        import_rows(spec=SPECS["needs"](), actor=coordinator, rows=needs)

    assert {(e["row"], e["column"]) for e in refused.value.errors} == {(61, "提示報酬の額")}
    assert (Need.objects.count(), NeedSkill.objects.count(), AuditLog.objects.count()) == before
    assert Affiliation.objects.count() == 60 and audit_chain_verify().broken is None
