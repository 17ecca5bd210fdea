"""Two clerks register one company at the same moment, or a merge meets a registration: real threads on PostgreSQL
(issue 21, item 1: one vendor, one identity)."""

import pytest

from backend.core.errors import ConflictError
from backend.procurement.models import Vendor
from backend.procurement.services import vendor_create, vendor_merge
from tests.backend.concurrency import race
from tests.backend.factories import CoordinatorFactory, MunicipalStaffFactory, VendorFactory, corporate_number

pytestmark = pytest.mark.django_db(transaction=True)


def test_one_company_registered_twice_at_once_is_one_vendor(committed_db):
    clerks = [MunicipalStaffFactory(municipality_id="202011"), MunicipalStaffFactory(municipality_id="202029")]
    names = ["千曲テクノロジー株式会社", "千曲テクノロジー（株）"]
    outcomes = race([(lambda c=c, n=n, i=i: vendor_create(actor=c, data={"name": n, "corporate_number": corporate_number(i)}))
                     for i, (c, n) in enumerate(zip(clerks, names, strict=True))], expected=(ConflictError,))
    assert sorted(type(o).__name__ for o in outcomes) == ["ConflictError", "Vendor"]
    assert Vendor.objects.count() == 1


def test_one_number_registered_twice_at_once_is_one_vendor(committed_db):
    clerk = MunicipalStaffFactory(municipality_id="202011")
    outcomes = race([(lambda n=n: vendor_create(actor=clerk, data={"name": n, "corporate_number": corporate_number(5)}))
                     for n in ("千曲テクノロジー株式会社", "更埴データ株式会社")], expected=(ConflictError,))
    assert sorted(type(o).__name__ for o in outcomes) == ["ConflictError", "Vendor"]
    assert Vendor.objects.count() == 1


def test_two_merges_of_one_pair_in_opposite_directions_leave_one_current_vendor(committed_db):
    coordinator = CoordinatorFactory(prefecture_id="20")
    first, second = VendorFactory(prefecture_id="20"), VendorFactory(prefecture_id="20")
    outcomes = race([lambda: vendor_merge(actor=coordinator, survivor=first, absorbed=second, reason="同一法人"),
                     lambda: vendor_merge(actor=coordinator, survivor=second, absorbed=first, reason="同一法人")],
                    expected=(ConflictError,))
    assert sorted(type(o).__name__ for o in outcomes) == ["ConflictError", "Vendor"]
    assert Vendor.objects.filter(retired_at__isnull=True).count() == 1
