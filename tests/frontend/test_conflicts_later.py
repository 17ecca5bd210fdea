"""Conflicts that arise later, on the pages (issue 21, item 2): the clerk's procurement form records the conflict
the issue quotes, the coordinator and the municipality see it on the engagements page, the to-dos, the candidates
page and the register (and its export), in names and 令和 dates, and the coordinator resolves it there; a planned
procurement naming a restricted vendor is flagged to the clerk on save."""

import csv
import datetime as dt
import io

import pytest

from backend.core.audit import AuditAction
from backend.core.models import AuditLog
from backend.engagements.models import Engagement, EngagementConflict
from backend.notifications.models import Notification, NotificationKind
from backend.restrictions.models import BidRestriction
from frontend.todo import todo_list
from tests.backend.factories import (
    AffiliationFactory,
    CoordinatorFactory,
    ExpertFactory,
    ExpertUserFactory,
    MunicipalStaffFactory,
    NeedFactory,
    VendorFactory,
)
from tests.backend.placement.test_conflicts_later import NOZAWA, engagement_at

pytestmark = pytest.mark.django_db

FORM = {"title": "住民情報システム運用保守", "category": "operations", "status": "ongoing", "fiscal_year": "2027"}


@pytest.fixture
def world():
    expert, vendor = ExpertFactory(name="伊藤 健一"), VendorFactory(name="信州情報システム株式会社")
    AffiliationFactory(expert=expert, vendor=vendor)
    return {"expert": expert, "vendor": vendor, "engagement": engagement_at(NOZAWA, expert),
            "clerk": MunicipalStaffFactory(municipality_id=NOZAWA), "coordinator": CoordinatorFactory(prefecture_id="20")}


def _register(client, world, **changes):
    client.force_login(world["clerk"])
    return client.post("/procurements/", {**FORM, "incumbent_vendor": str(world["vendor"].pk), **changes})


def test_the_quoted_failure_through_the_clerks_form_is_recorded_told_and_shown_to_both_sides(client, world):
    assert _register(client, world).status_code == 302

    conflict = EngagementConflict.objects.get()
    assert conflict.engagement == world["engagement"] and conflict.state == "open"
    told = set(Notification.objects.filter(kind=NotificationKind.ENGAGEMENT_CONFLICT).values_list("recipient",
                                                                                                flat=True))
    assert told == {world["clerk"].pk, world["coordinator"].pk}
    note = "伊藤 健一さんの所属する信州情報システム株式会社が、野沢温泉村の契約中の調達「住民情報システム運用保守」の受託者です。"
    for user, home in ((world["coordinator"], "/dashboard/"), (world["clerk"], "/needs/")):
        client.force_login(user)
        page = client.get("/engagements/").content.decode()
        assert note in page and f'id="conflict-{conflict.pk}"' in page and "利益相反の確認待ち" in page
        todo = client.get(home).content.decode()
        assert 'id="todo-conflicts"' in todo and "利益相反" in todo
    client.force_login(world["coordinator"])
    page = client.get("/engagements/").content.decode()
    assert "例外として続ける" in page and "任用を終了する" in page
    for party in (world["clerk"], ExpertUserFactory(expert=world["expert"])):
        client.force_login(party)
        page = client.get("/engagements/").content.decode()
        assert "コーディネーターの判断待ち" in page and "例外として続ける…" not in page


def test_the_coordinators_to_do_counts_the_open_conflict_until_resolved(client, world):
    _register(client, world)
    assert {i.key: i.count for i in todo_list(user=world["coordinator"])}["conflicts"] == 1
    assert {i.key: i.count for i in todo_list(user=world["clerk"])}["conflicts"] == 1
    client.force_login(world["coordinator"])
    conflict = EngagementConflict.objects.get()
    client.post(f"/engagement-conflicts/{conflict.pk}/except/", {"reason": "仕様策定に関与しない"})
    assert {i.key: i.count for i in todo_list(user=world["coordinator"])}["conflicts"] == 0


def test_the_coordinator_keeps_the_engagement_with_a_reason_from_the_page(client, world):
    _register(client, world)
    conflict = EngagementConflict.objects.get()
    client.force_login(world["coordinator"])

    refused = client.post(f"/engagement-conflicts/{conflict.pk}/except/", {"reason": ""}, follow=True)
    assert "理由" in refused.content.decode() and EngagementConflict.objects.get().state == "open"
    response = client.post(f"/engagement-conflicts/{conflict.pk}/except/", {"reason": "仕様策定に関与しない"},
                           follow=True)

    assert "例外を記録しました。伊藤 健一さんの野沢温泉村での任用は続きます" in response.content.decode()
    conflict.refresh_from_db()
    assert (conflict.state, conflict.resolution) == ("resolved", "exception")
    assert AuditLog.objects.filter(action=AuditAction.ENGAGEMENT_CONFLICT_EXCEPT, actor=world["coordinator"]).exists()
    assert 'id="h-conflicts"' not in response.content.decode()


def test_the_coordinator_ends_the_engagement_from_the_page_once_confirmed(client, world):
    _register(client, world)
    conflict = EngagementConflict.objects.get()
    client.force_login(world["coordinator"])

    unconfirmed = client.post(f"/engagement-conflicts/{conflict.pk}/end/", {}, follow=True)
    assert "この任用を終了します" in unconfirmed.content.decode()
    assert Engagement.objects.get(pk=world["engagement"].pk).status == "active"
    response = client.post(f"/engagement-conflicts/{conflict.pk}/end/", {"confirmed": "on"}, follow=True)

    assert "伊藤 健一さんの野沢温泉村での任用を終了しました。" in response.content.decode()
    assert Engagement.objects.get(pk=world["engagement"].pk).status == "ended"
    assert AuditLog.objects.filter(action=AuditAction.ENGAGEMENT_CONFLICT_END, actor=world["coordinator"]).exists()


def test_the_clerk_cannot_resolve_a_conflict_from_the_pages(client, world):
    _register(client, world)
    conflict = EngagementConflict.objects.get()
    client.force_login(world["clerk"])
    for action in ("except", "end"):
        assert client.post(f"/engagement-conflicts/{conflict.pk}/{action}/",
                           {"reason": "理由", "confirmed": "on"}).status_code == 403
    assert EngagementConflict.objects.get().state == "open"


def test_the_candidates_page_marks_an_expert_whose_engagement_is_in_conflict(client, world):
    _register(client, world)
    need = NeedFactory(municipality_id="202011")
    client.force_login(world["coordinator"])
    page = client.get(f"/needs/{need.pk}/candidates/").content.decode()
    assert "利益相反の確認待ち（野沢温泉村）" in page

    own = client.get(f"/needs/{world['engagement'].need_id}/candidates/").content.decode()
    assert "このニーズの任用に利益相反の確認待ちがあります" in own


def test_the_register_and_its_export_show_the_conflict_in_words(client, world):
    BidRestriction.objects.create(vendor=world["vendor"], expert=world["expert"], municipality_id=NOZAWA,
                                  engagement=world["engagement"], relation="employee", starts_on=dt.date(2027, 4, 1),
                                  ends_on=dt.date(2028, 3, 31))
    _register(client, world)
    client.force_login(world["coordinator"])

    page = client.get("/restrictions/").content.decode()
    assert "利益相反の確認待ちの任用" in page and "住民情報システム運用保守" in page
    rows = list(csv.reader(io.StringIO(client.get("/restrictions/", {"format": "csv"}).content.decode("utf-8-sig"))))
    assert rows[0][-1] == "要確認事項"
    assert "利益相反の確認待ち：信州情報システム株式会社が野沢温泉村の契約中の調達「住民情報システム運用保守」の受託者" in rows[1][-1]
    assert "令和" in rows[1][-1]


def test_a_planned_procurement_naming_a_restricted_vendor_is_flagged_to_the_clerk_on_save(client, world):
    BidRestriction.objects.create(vendor=world["vendor"], expert=world["expert"], municipality_id=NOZAWA,
                                  engagement=world["engagement"], relation="employee", starts_on=dt.date(2027, 4, 1),
                                  ends_on=dt.date(2028, 3, 31))

    response = _register(client, world, status="planned", title="次期住民情報システム構築")
    page = client.get(response["Location"]).content.decode()

    assert "調達「次期住民情報システム構築」を登録しました。" in page
    assert 'class="msg-warning"' in page
    assert "信州情報システム株式会社は野沢温泉村で入札参加制限中です（伊藤 健一さんの任用・委託による、令和9年4月1日〜令和10年3月31日）" in page
