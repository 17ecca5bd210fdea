"""One vendor, one identity (issue 21, item 1): a vendor is a legal entity with a 法人番号; a second entry of it is
refused, today's duplicates are listed and merged, and a merged vendor answers one answer."""

import pytest

from backend.core.audit import AuditAction
from backend.core.errors import ConflictError, DomainError
from backend.core.models import AuditLog
from backend.notifications.models import Notification
from backend.procurement.models import Vendor, VendorDuplicate
from backend.procurement.names import vendor_name_key
from backend.procurement.selectors import vendor_pickable
from backend.procurement.services import (
    procurement_create,
    vendor_create,
    vendor_duplicates_find,
    vendor_merge,
    vendor_retire,
    vendor_update,
)
from backend.restrictions.models import BidRestriction
from backend.restrictions.selectors import vendor_may_bid
from tests.backend.factories import (
    AffiliationFactory,
    CoordinatorFactory,
    ProcurementFactory,
    VendorFactory,
    corporate_number,
)
from tests.backend.restrictions.conftest import serve

pytestmark = pytest.mark.django_db

CHIKUMA = "千曲テクノロジー株式会社"


def test_a_new_vendor_needs_its_corporate_number(municipal):
    with pytest.raises(DomainError) as refused:
        vendor_create(actor=municipal, data={"name": CHIKUMA})
    assert [(p.field, p.code) for p in refused.value.problems] == [("corporate_number", "required")]
    assert not Vendor.objects.exists()


def test_a_corporate_number_with_a_wrong_check_digit_is_refused(municipal):
    good = corporate_number(1)
    wrong = str((int(good[0]) + 1) % 10) + good[1:]
    with pytest.raises(DomainError) as refused:
        vendor_create(actor=municipal, data={"name": CHIKUMA, "corporate_number": wrong})
    assert refused.value.problems[0].field == "corporate_number"
    assert not Vendor.objects.exists()


def test_a_second_chikuma_technology_is_refused_naming_the_first_and_its_number(municipal, coordinator):
    """The quoted failure: a clerk registered a second 「千曲テクノロジー株式会社」 with no warning."""
    first = vendor_create(actor=coordinator, data={"name": CHIKUMA, "corporate_number": corporate_number(1)})

    with pytest.raises(ConflictError) as refused:
        vendor_create(actor=municipal, data={"name": CHIKUMA, "corporate_number": corporate_number(2)})

    problem = refused.value.problems[0]
    assert refused.value.status_code == 409 and problem.field == "name"
    assert CHIKUMA in problem.ja and first.corporate_number in problem.ja and first.corporate_number in problem.en
    assert list(Vendor.objects.values_list("pk", flat=True)) == [first.pk]


def test_the_same_corporate_number_under_another_name_is_refused_naming_the_vendor(coordinator):
    first = vendor_create(actor=coordinator, data={"name": CHIKUMA, "corporate_number": corporate_number(1)})
    with pytest.raises(ConflictError) as refused:
        vendor_create(actor=coordinator, data={"name": "千曲テック合同会社", "corporate_number": first.corporate_number})
    assert refused.value.problems[0].field == "corporate_number" and CHIKUMA in refused.value.problems[0].ja


@pytest.mark.parametrize("variant", ["千曲テクノロジー（株）", "千曲テクノロジー(株)", "㈱千曲テクノロジー", "千曲 テクノロジー　株式会社",
                                     "千曲テクノロジー有限会社", "千曲テクノロジー㈲", "千曲テクノロジー（有）", "千曲テクノロジー合同会社",
                                     "千曲ﾃｸﾉﾛｼﾞｰ株式会社"])
def test_legal_form_spacing_and_width_variants_are_one_name(coordinator, variant):
    vendor_create(actor=coordinator, data={"name": CHIKUMA, "corporate_number": corporate_number(1)})
    with pytest.raises(ConflictError):
        vendor_create(actor=coordinator, data={"name": variant, "corporate_number": corporate_number(2)})


def test_full_width_latin_names_fold_to_one():
    assert vendor_name_key("ＡＢＣシステム 株式会社") == vendor_name_key("abcシステム(株)") == "abcシステム"


def test_a_coordinator_fills_in_the_number_of_an_entry_from_before(coordinator):
    old = Vendor.objects.create(name="古い登録株式会社", prefecture_id="20")  # no 法人番号: still valid in the DB
    assert str(old.label) == "古い登録株式会社（法人番号未登録）"

    vendor = vendor_update(actor=coordinator, vendor=old, data={"corporate_number": corporate_number(5)})

    assert vendor.corporate_number == corporate_number(5)
    assert str(vendor.label) == f"古い登録株式会社（法人番号 {corporate_number(5)}）"
    with pytest.raises(DomainError):
        vendor_update(actor=coordinator, vendor=vendor, data={"corporate_number": ""})


@pytest.fixture
def two_entries():
    """The quoted failure: one company entered twice, an employee of the second entry serving 長野市."""
    first = VendorFactory(name=CHIKUMA, prefecture_id="20")
    second = VendorFactory(name="千曲テクノロジー（株）", prefecture_id="19")
    employed = AffiliationFactory(vendor=first, relation="employee")
    engagement = serve(employed.expert)
    side_job = AffiliationFactory(vendor=second, relation="side_job")
    procurement = ProcurementFactory(municipality_id="202011", status="planned", incumbent_vendor=None,
                                     fiscal_year=engagement.fiscal_year)
    incumbent_of = ProcurementFactory(municipality_id="202029", incumbent_vendor=second)
    return first, second, engagement, side_job, procurement, incumbent_of


def test_may_bid_agrees_for_both_former_entries_after_a_merge(two_entries, coordinator):
    first, second, engagement, side_job, procurement, incumbent_of = two_entries
    assert not vendor_may_bid(vendor_id=first.pk, procurement=procurement).allowed
    assert vendor_may_bid(vendor_id=second.pk, procurement=procurement).allowed  # two entries, two answers

    vendor_merge(actor=CoordinatorFactory(prefecture_id="19"), survivor=first, absorbed=second, reason="同一法人")

    answers = {vendor_may_bid(vendor_id=v.pk, procurement=procurement).allowed for v in (first, second)}
    assert answers == {False}


def test_a_merge_moves_every_row_that_names_the_absorbed_vendor_audits_and_tells_both_prefectures(two_entries):
    first, second, engagement, side_job, procurement, incumbent_of = two_entries
    VendorDuplicate.objects.create(first=first, second=second, reason="name")
    earlier = VendorFactory(name="千曲テクノロジー", merged_into=second, retired_at="2026-01-01T00:00:00Z")
    nagano, yamanashi = CoordinatorFactory(prefecture_id="20"), CoordinatorFactory(prefecture_id="19")

    survivor = vendor_merge(actor=yamanashi, survivor=first, absorbed=second, reason="同一法人の重複登録")

    assert survivor == first
    second.refresh_from_db()
    assert second.merged_into == first and second.retired_at is not None
    for rel in [r for r in Vendor._meta.get_fields(include_hidden=True) if r.one_to_many and not r.concrete]:
        if rel.related_model is not VendorDuplicate:
            assert not rel.related_model.objects.filter(**{rel.field.name: second}).exists(), rel
    side_job.refresh_from_db()
    incumbent_of.refresh_from_db()
    earlier.refresh_from_db()
    assert (side_job.vendor, incumbent_of.incumbent_vendor, earlier.merged_into) == (first, first, first)
    assert not VendorDuplicate.objects.filter(resolved_at__isnull=True).exists()
    row = AuditLog.objects.get(action=AuditAction.VENDOR_MERGE)
    assert row.object_id == str(second.pk) and row.after["merged_into"] == first.pk
    assert row.after["moved"]["experts.affiliation.vendor"] == 1 and row.after["reason"] == "同一法人の重複登録"
    told = set(Notification.objects.filter(kind="vendor_merged").values_list("recipient_id", flat=True))
    assert {nagano.pk, yamanashi.pk} <= told


def test_a_merge_moves_the_bid_restrictions_too(two_entries, coordinator):
    first, second, engagement, *_ = two_entries
    restriction = BidRestriction.objects.get(vendor=first)
    vendor_merge(actor=coordinator, survivor=second, absorbed=first, reason="同一法人")
    restriction.refresh_from_db()
    assert restriction.vendor == second


def test_an_affiliation_held_on_both_entries_stays_with_the_absorbed_one_as_history(coordinator):
    first, second = VendorFactory(prefecture_id="20"), VendorFactory(prefecture_id="20")
    twin = AffiliationFactory(vendor=first, relation="employee")
    AffiliationFactory(vendor=second, expert=twin.expert, relation="employee")

    vendor_merge(actor=coordinator, survivor=second, absorbed=first, reason="同一法人")

    twin.refresh_from_db()
    assert twin.vendor == first
    assert AuditLog.objects.get(action=AuditAction.VENDOR_MERGE).after["kept_with_absorbed"] == {
        "experts.affiliation.vendor": [twin.pk]}


def test_the_survivor_takes_the_number_of_an_absorbed_entry_when_it_had_none(coordinator):
    old = Vendor.objects.create(name=CHIKUMA, prefecture_id="20")
    numbered = VendorFactory(name="千曲テクノロジー（株）", prefecture_id="20")
    vendor_merge(actor=coordinator, survivor=old, absorbed=numbered, reason="同一法人")
    old.refresh_from_db()
    assert old.corporate_number == numbered.corporate_number


def test_a_retired_vendor_leaves_the_pickers_and_cannot_be_named_for_a_new_row(coordinator, municipal):
    vendor = VendorFactory(prefecture_id="20")
    vendor_retire(actor=coordinator, vendor=vendor, reason="解散")

    assert vendor not in vendor_pickable(user=municipal)
    assert AuditLog.objects.filter(action=AuditAction.VENDOR_RETIRE, object_id=str(vendor.pk)).exists()
    with pytest.raises(ConflictError) as refused:
        procurement_create(actor=municipal, data={"title": "庁内LAN", "category": "operations", "status": "ongoing",
                                                  "incumbent_vendor": vendor, "fiscal_year": 2027})
    assert refused.value.problems[0].field == "incumbent_vendor"


def test_the_duplicate_sweep_lists_one_pair_once_and_not_a_dismissed_or_retired_one(db):
    first = VendorFactory(name=CHIKUMA)
    second = VendorFactory(name="㈱千曲テクノロジー")
    VendorFactory(name="甲信データ株式会社")

    assert vendor_duplicates_find() == 1
    assert vendor_duplicates_find() == 0
    pair = VendorDuplicate.objects.get()
    assert (pair.first, pair.second, pair.reason) == (first, second, "name")


def test_a_retired_vendor_is_not_added_to_an_expert_but_an_affiliation_already_held_stays(coordinator):
    from backend.experts.services import expert_update

    held = AffiliationFactory(vendor=VendorFactory(prefecture_id="20"), relation="employee")
    vendor_retire(actor=coordinator, vendor=held.vendor, reason="解散")
    other = VendorFactory(prefecture_id="20")
    vendor_retire(actor=coordinator, vendor=other, reason="解散")
    keep = {"vendor": Vendor.objects.get(pk=held.vendor_id), "relation": "employee", "ended_on": None}

    expert_update(actor=coordinator, expert=held.expert, data={"affiliations": [keep]})
    with pytest.raises(ConflictError) as refused:
        expert_update(actor=coordinator, expert=held.expert, data={
            "affiliations": [keep, {"vendor": other, "relation": "side_job", "ended_on": None}]})
    assert refused.value.problems[0].field == "affiliations[1].vendor"


def test_the_data_migration_folds_every_name_and_lists_todays_duplicates(db):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("backend.procurement.migrations.0004_vendor_name_keys_and_duplicates")
    first = Vendor.objects.create(name=CHIKUMA)  # as registered before issue 21: no key, no number
    second = Vendor.objects.create(name="千曲 テクノロジー（株）")
    Vendor.objects.create(name="甲信データ株式会社")

    migration.forwards(apps, None)

    assert set(Vendor.objects.values_list("name_key", flat=True)) == {"千曲テクノロジー", "甲信データ"}
    pair = VendorDuplicate.objects.get()
    assert (pair.first_id, pair.second_id, pair.reason) == (first.pk, second.pk, "name")


def test_an_entry_retired_by_mistake_instead_of_merged_can_still_be_merged(coordinator):
    first, second = VendorFactory(prefecture_id="20"), VendorFactory(prefecture_id="20")
    held = AffiliationFactory(vendor=second, relation="employee")
    vendor_retire(actor=coordinator, vendor=second, reason="重複")
    vendor_merge(actor=coordinator, survivor=first, absorbed=Vendor.objects.get(pk=second.pk), reason="同一法人")
    held.refresh_from_db()
    assert held.vendor == first
    with pytest.raises(ConflictError):  # merged once is merged
        vendor_merge(actor=coordinator, survivor=first, absorbed=Vendor.objects.get(pk=second.pk), reason="同一法人")
