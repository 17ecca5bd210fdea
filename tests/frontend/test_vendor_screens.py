"""The vendor screens (issue 21, item 1): every picker shows the 法人番号, a coordinator edits, merges and retires
vendors and works through the duplicate list, and a vendor form names the vendor's 名称, not a person's 氏名."""

import pytest

from backend.procurement.models import Vendor, VendorDuplicate
from tests.backend.factories import (
    AffiliationFactory,
    CoordinatorFactory,
    ExpertFactory,
    MunicipalStaffFactory,
    ProcurementFactory,
    VendorFactory,
    corporate_number,
)
from tests.backend.restrictions.conftest import serve

pytestmark = pytest.mark.django_db

CHIKUMA = "千曲テクノロジー株式会社"


def test_an_empty_vendor_name_names_the_vendors_name_not_a_persons(client):
    client.force_login(MunicipalStaffFactory(municipality_id="202011"))
    page = client.post("/vendors/new/", {"name": "", "corporate_number": corporate_number(1)}).content.decode()
    assert "事業者の名称を入力してください" in page
    assert "氏名を入力してください" not in page


def test_registering_a_second_chikuma_on_the_page_is_refused_naming_the_first(client):
    first = VendorFactory(name=CHIKUMA)
    client.force_login(MunicipalStaffFactory(municipality_id="202011"))
    response = client.post("/vendors/new/", {"name": "千曲テクノロジー（株）", "corporate_number": corporate_number(99)})
    page = response.content.decode()
    assert response.status_code == 400
    assert f"{CHIKUMA}（法人番号 {first.corporate_number}）" in page
    assert Vendor.objects.count() == 1


def test_a_vendor_without_a_number_is_refused_on_the_page(client):
    client.force_login(MunicipalStaffFactory(municipality_id="202011"))
    page = client.post("/vendors/new/", {"name": "新規システム株式会社", "corporate_number": ""}).content.decode()
    assert "法人番号（13桁）を入力してください" in page
    assert not Vendor.objects.exists()


@pytest.mark.parametrize(("who", "path"), [
    ("municipal", "/may-bid/"), ("municipal", "/procurements/"), ("coordinator", "/restrictions/"),
    ("coordinator", "/experts/new/"), ("expert", "/me/affiliations/"),
])
def test_every_vendor_picker_shows_the_corporate_number_and_leaves_out_retired_vendors(client, who, path):
    current = VendorFactory(name="甲信データ株式会社")
    VendorFactory(name="解散システム株式会社", retired_at="2026-01-01T00:00:00Z")
    user = {"municipal": lambda: MunicipalStaffFactory(municipality_id="202011"),
            "coordinator": lambda: CoordinatorFactory(prefecture_id="20"),
            "expert": lambda: _expert_user()}[who]()
    client.force_login(user)
    page = client.get(path).content.decode()
    assert f"甲信データ株式会社（法人番号 {current.corporate_number}）" in page
    if path != "/restrictions/":  # the register's filter reads history: retired vendors stay findable there
        assert "解散システム株式会社" not in page


def _expert_user():
    from tests.backend.factories import UserFactory

    return UserFactory(role="expert", expert=ExpertFactory())


def test_the_vendors_page_is_in_the_coordinators_menu_and_shows_missing_numbers(client):
    Vendor.objects.create(name="古い登録株式会社", prefecture_id="20")
    client.force_login(CoordinatorFactory(prefecture_id="20"))
    page = client.get("/vendors/").content.decode()
    assert 'href="/vendors/"' in page and "法人番号未登録" in page and "古い登録株式会社" in page


def test_municipal_staff_do_not_open_the_vendors_page(client):
    client.force_login(MunicipalStaffFactory(municipality_id="202011"))
    assert client.get("/vendors/").status_code == 403


def test_a_coordinator_fills_in_a_missing_number_and_is_told(client):
    old = Vendor.objects.create(name="古い登録株式会社", prefecture_id="20")
    client.force_login(CoordinatorFactory(prefecture_id="20"))
    response = client.post(f"/vendors/{old.pk}/", {"name": "古い登録株式会社", "corporate_number": corporate_number(7)},
                           follow=True)
    old.refresh_from_db()
    assert old.corporate_number == corporate_number(7)
    assert "事業者「古い登録株式会社」を保存しました。" in response.content.decode()


def test_merging_from_the_duplicate_list_makes_may_bid_agree(client):
    first = VendorFactory(name=CHIKUMA, prefecture_id="20")
    second = VendorFactory(name="千曲テクノロジー（株）", prefecture_id="20")
    serve(AffiliationFactory(vendor=first, relation="employee").expert)
    procurement = ProcurementFactory(municipality_id="202011", status="planned", incumbent_vendor=None)
    duplicate = VendorDuplicate.objects.create(first=first, second=second, reason="name")
    client.force_login(CoordinatorFactory(prefecture_id="20"))
    assert CHIKUMA in client.get("/vendors/").content.decode()

    response = client.post(f"/vendors/{second.pk}/merge/", {"survivor": first.pk, "reason": "同じ法人の重複登録"},
                           follow=True)

    assert "所属・受託・入札参加制限は統合先に移りました" in response.content.decode()
    duplicate.refresh_from_db()
    assert duplicate.resolved_at is not None
    staff = MunicipalStaffFactory(municipality_id="202011")
    client.force_login(staff)
    for vendor in (first, second):
        answer = client.get("/may-bid/", {"procurement": procurement.pk, "vendor": vendor.pk}).content.decode()
        assert "いいえ。" in answer


def test_a_merge_without_a_survivor_or_reason_says_which(client):
    vendor = VendorFactory(prefecture_id="20")
    client.force_login(CoordinatorFactory(prefecture_id="20"))
    page = client.post(f"/vendors/{vendor.pk}/merge/", {"survivor": "", "reason": ""}).content.decode()
    assert "統合先の事業者を選んでください。" in page
    other = VendorFactory(prefecture_id="20")
    page = client.post(f"/vendors/{vendor.pk}/merge/", {"survivor": other.pk, "reason": ""}).content.decode()
    assert "統合の理由を入力してください。" in page


def test_retiring_a_vendor_from_its_page(client):
    vendor = VendorFactory(name="解散システム株式会社", prefecture_id="20")
    client.force_login(CoordinatorFactory(prefecture_id="20"))
    response = client.post(f"/vendors/{vendor.pk}/retire/", {"reason": "解散"}, follow=True)
    vendor.refresh_from_db()
    assert vendor.retired_at is not None and "を廃止しました" in response.content.decode()


def test_another_prefectures_coordinator_sees_no_edit_forms_and_cannot_merge(client):
    vendor = VendorFactory(prefecture_id="19")
    other = VendorFactory(prefecture_id="20")
    client.force_login(CoordinatorFactory(prefecture_id="20"))
    page = client.get(f"/vendors/{vendor.pk}/").content.decode()
    assert "統合する" not in page
    response = client.post(f"/vendors/{vendor.pk}/merge/", {"survivor": other.pk, "reason": "同一"})
    assert response.status_code == 403
    assert client.post(f"/vendors/{vendor.pk}/retire/", {"reason": "解散"}).status_code == 403
    assert client.post(f"/vendors/{vendor.pk}/", {"name": "乗っ取り", "corporate_number": ""}).status_code == 403
    vendor.refresh_from_db()
    assert vendor.retired_at is None


def test_dismissing_a_duplicate_keeps_both_vendors(client):
    first, second = VendorFactory(name=CHIKUMA, prefecture_id="20"), VendorFactory(name="㈱千曲テクノロジー", prefecture_id="20")
    duplicate = VendorDuplicate.objects.create(first=first, second=second, reason="name")
    client.force_login(CoordinatorFactory(prefecture_id="20"))
    response = client.post(f"/vendor-duplicates/{duplicate.pk}/dismiss/", follow=True)
    duplicate.refresh_from_db()
    assert duplicate.resolved_at is not None and "別の事業者として" in response.content.decode()
    assert Vendor.objects.filter(retired_at__isnull=True).count() == 2


def test_the_audit_page_says_a_merge_in_words(client):
    from backend.procurement.services import vendor_merge

    coordinator = CoordinatorFactory(prefecture_id="20")
    first = VendorFactory(name=CHIKUMA, prefecture_id="20")
    second = VendorFactory(name="㈱千曲テクノロジー", prefecture_id="20")
    AffiliationFactory(vendor=second, relation="employee")
    vendor_merge(actor=coordinator, survivor=first, absorbed=second, reason="同一法人")
    client.force_login(coordinator)
    page = client.get("/audit/", {"action": "vendor.merge"}).content.decode()
    assert "事業者の統合" in page and "統合先に移した記録（件数）" in page and "所属事業者（事業者）: 1" in page
    assert "experts.affiliation" not in page


def test_a_coordinator_registers_a_vendor_on_the_vendors_page_and_a_twin_is_refused(client):
    client.force_login(CoordinatorFactory(prefecture_id="20"))
    done = client.post("/vendors/", {"name": CHIKUMA, "corporate_number": corporate_number(4)}, follow=True)
    assert f"事業者「{CHIKUMA}」を登録しました。" in done.content.decode()
    twin = client.post("/vendors/", {"name": "千曲テクノロジー㈱", "corporate_number": corporate_number(6)})
    assert twin.status_code == 400 and corporate_number(4) in twin.content.decode()
    empty = client.post("/vendors/", {"name": "", "corporate_number": corporate_number(6)}).content.decode()
    assert "事業者の名称を入力してください" in empty and "氏名" not in empty
    assert Vendor.objects.count() == 1
