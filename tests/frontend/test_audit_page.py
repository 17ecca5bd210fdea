"""The audit log page speaks the clerk's language: actions and objects by name, changes field by field,
filters by who, what, when and which object, and a CSV of what is shown."""

import csv
import datetime as dt
import io
from unittest import mock

import pytest
from django.utils import timezone

from backend.core.audit import AuditAction, audit_record
from tests.backend.factories import CoordinatorFactory, ExpertFactory, NeedFactory

pytestmark = pytest.mark.django_db


def _rows(html: str) -> str:
    return html[html.index("<tbody>"):html.index("</tbody>")]


@pytest.fixture
def logged(db):
    clerk = CoordinatorFactory(prefecture_id="20", username="suzuki")
    need = NeedFactory(municipality_id="202011", title="窓口DX", priority=3)
    audit_record(actor=clerk, action=AuditAction.NEED_UPDATE, obj=need, prefecture="20",
                 before={"priority": 3, "budget": 2_000_000}, after={"priority": 5, "budget": 2_000_000})
    expert = ExpertFactory(name="山田 花子")
    audit_record(actor=None, action=AuditAction.EXPERT_CREATE, obj=expert, prefecture="20", after={"name": "山田 花子"})
    audit_record(actor=None, action=AuditAction.NEED_UPDATE, obj=NeedFactory(municipality_id="192015"),
                 prefecture="19")
    # An older row is written at an older time: the log refuses to be back-dated afterwards.
    with mock.patch("backend.core.audit.timezone.now",
                    return_value=timezone.make_aware(dt.datetime(2026, 4, 1, 10, 0))):
        audit_record(actor=clerk, action=AuditAction.NEED_WITHDRAW, obj=need, prefecture="20")
    return clerk


def test_rows_name_the_action_the_object_and_what_changed(client, logged):
    client.force_login(logged)
    rows = _rows(client.get("/audit/").content.decode())
    assert "ニーズの変更" in rows and "ニーズ：長野市：窓口DX" in rows
    assert "優先度：3 → 5" in rows and "予算" not in rows  # only what changed
    assert "専門人材の登録" in rows and "専門人材：山田 花子" in rows
    assert "need.update" not in rows and "Need #" not in rows and "{" not in rows
    assert "松本" not in rows and rows.count("<tr>") == 3  # 山梨県's row is not 長野県's


def test_filters_by_who_what_and_when(client, logged):
    client.force_login(logged)
    by_clerk = _rows(client.get("/audit/", {"actor": "suzuki"}).content.decode())
    assert by_clerk.count("<tr>") == 2 and "専門人材の登録" not in by_clerk
    withdrawn = _rows(client.get("/audit/", {"action": "need.withdraw"}).content.decode())
    assert withdrawn.count("<tr>") == 1 and "ニーズの取り下げ" in withdrawn
    since = _rows(client.get("/audit/", {"since": "2026-05-01"}).content.decode())
    assert since.count("<tr>") == 2 and "ニーズの取り下げ" not in since
    experts = _rows(client.get("/audit/", {"kind": "Expert"}).content.decode())
    assert experts.count("<tr>") == 1


def test_a_date_that_cannot_be_read_is_said_and_the_rest_still_filters(client, logged):
    client.force_login(logged)
    page = client.get("/audit/", {"since": "令和8年", "actor": "suzuki"}).content.decode()
    assert "開始日は日付（例：2027-04-01）で入力してください。" in page
    assert _rows(page).count("<tr>") == 2


def test_the_csv_holds_the_filtered_rows_in_words_and_inert(client, logged):
    ExpertFactory(name="=HYPERLINK(1)")
    audit_record(actor=None, action=AuditAction.EXPERT_CREATE, obj=ExpertFactory(name="=cmd|x"), prefecture="20",
                 after={"name": "=cmd|x"})
    client.force_login(logged)
    response = client.get("/audit/export.csv", {"kind": "Expert"})
    assert response["Content-Type"].startswith("text/csv")
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert table[0] == ["番号", "日時", "操作者", "操作", "対象の種類", "対象", "変更内容", "ハッシュ", "前の行のハッシュ"]
    assert len(table) == 3 and {row[4] for row in table[1:]} == {"専門人材"}
    assert all(not cell.startswith("=") for row in table for cell in row)


def test_only_coordinators_read_the_log(client, logged):
    from tests.backend.factories import MunicipalStaffFactory

    client.force_login(MunicipalStaffFactory(municipality_id="202011"))
    assert client.get("/audit/").status_code == 403
    assert client.get("/audit/export.csv").status_code == 403


def test_values_are_shown_as_labels_names_and_era_dates(client, logged):
    need = NeedFactory(municipality_id="202011")
    audit_record(actor=None, action=AuditAction.NEED_UPDATE, obj=need, prefecture="20",
                 before={"status": "open", "municipality": "202011", "updated_at": "2027-04-01T01:00:00Z"},
                 after={"status": "withdrawn", "municipality": "202029", "updated_at": "2027-04-02T01:00:00Z"})
    client.force_login(logged)
    rows = _rows(client.get("/audit/", {"kind": "Need", "object": need.pk}).content.decode())
    assert "状況：募集中 → 取下げ" in rows
    assert "長野市 → 松本市" in rows and "202011" not in rows
    assert "令和9年4月1日 10:00 → 令和9年4月2日 10:00" in rows


def test_snapshot_keys_and_related_objects_are_named(client, logged):
    from backend.engagements.models import Engagement
    from tests.backend.factories import ExpertFactory

    expert = ExpertFactory(name="佐藤 次郎")
    need = NeedFactory(municipality_id="202011", title="庁内LAN")
    engagement = Engagement.objects.create(
        expert=expert, municipality_id="202011", need=need, fiscal_year=2027, starts_on=dt.date(2027, 4, 1),
        ends_on=dt.date(2028, 3, 31), weekdays=["mon"], days_per_year=48, fee=2_400_000,
        employment_form="special_part_time")
    audit_record(actor=None, action=AuditAction.ENGAGEMENT_ACCEPT, obj=engagement, prefecture="20",
                 before={"expert_accepted_at": None, "expert": None},
                 after={"expert_accepted_at": "2027-04-01T01:00:00Z", "expert": expert.pk})
    client.force_login(logged)
    rows = _rows(client.get("/audit/", {"kind": "Engagement"}).content.decode())
    assert "専門人材の承諾日時：— → 令和9年4月1日 10:00" in rows
    assert "専門人材：— → 佐藤 次郎" in rows and "accepted at" not in rows


def test_the_replacement_and_invitation_keys_are_labelled_and_their_values_named(client, logged):
    """Issue 21: rows read 「replaced：— → 1」 and 「state：— → used」."""
    from backend.accounts.models import Invitation
    from backend.engagements.models import Engagement

    expert = ExpertFactory(name="後任 三郎")
    old, new = (Engagement.objects.create(
        expert=e, municipality_id="202011", need=NeedFactory(municipality_id="202011"), fiscal_year=2027, starts_on=dt.date(2027, 4, 1),
        ends_on=dt.date(2028, 3, 31), weekdays=["mon"], days_per_year=48, fee=2_400_000,
        employment_form="special_part_time")
        for e in (ExpertFactory(name="前任 二郎"), expert))
    audit_record(actor=None, action=AuditAction.ENGAGEMENT_ACTIVATE, obj=new, prefecture="20",
                 after={"successor": new.pk, "replaced": old.pk})
    invitation = Invitation.objects.create(user=logged, email="x@example.jp", prefecture_id="20", nonce="n",
                                           sent_at=timezone.now(), expires_at=timezone.now(),
                                           used_at=timezone.now(), token_hash="0" * 64)
    audit_record(actor=logged, action=AuditAction.INVITATION_USE, obj=invitation, prefecture="20",
                 before={"state": "sent"}, after={"state": "used"})
    client.force_login(logged)
    rows = _rows(client.get("/audit/").content.decode())
    assert "replaced" not in rows and "successor" not in rows and "state：" not in rows and "used" not in rows
    assert "交代される任用・委託：— → 前任 二郎 → 長野市" in rows
    assert "後任の任用・委託：— → 後任 三郎 → 長野市" in rows
    assert "状態：送信済み → 使用済み" in rows


def test_a_run_is_named_by_its_year_and_start_not_its_number(client, logged):
    from tests.backend.factories import MatchRunFactory

    run = MatchRunFactory(prefecture_id="20")
    audit_record(actor=None, action=AuditAction.RUN_CANCEL, obj=run, prefecture="20")
    client.force_login(logged)
    rows = _rows(client.get("/audit/", {"kind": "MatchRun"}).content.decode())
    assert "長野県 令和9年度 令和" in rows and f"#{run.pk}" not in rows
