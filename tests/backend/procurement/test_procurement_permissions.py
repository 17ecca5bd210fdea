"""Who may write a vendor or a procurement is decided by the procurement services themselves, whoever calls them
(issue 22, item 3): a procurement is its municipality's staff's; a vendor of the shared register is added by staff
and coordinators and kept by the coordinators of the prefecture that registered it. Everyone else gets a 403."""

import pytest

from backend.core.errors import ForbiddenError
from backend.core.models import AuditLog
from backend.geo.models import Municipality
from backend.procurement.models import Procurement, Vendor, VendorDuplicate
from backend.procurement.services import (
    procurement_create,
    procurement_delete,
    procurement_update,
    vendor_create,
    vendor_duplicate_dismiss,
    vendor_merge,
    vendor_retire,
    vendor_update,
)
from tests.backend.factories import ProcurementFactory, UserFactory, VendorFactory, corporate_number


def _nagano() -> Municipality:
    return Municipality.objects.get(pk="202011")


def test_staff_of_another_municipality_cannot_edit_a_procurement_nor_move_it_to_their_own(other_municipal):
    procurement = ProcurementFactory(municipality_id="202011", title="庁内LAN保守")

    with pytest.raises(ForbiddenError):
        procurement_update(actor=other_municipal, procurement=procurement, data={"title": "松本の件名"})

    procurement.refresh_from_db()
    assert (procurement.municipality_id, procurement.title) == ("202011", "庁内LAN保守")


def test_staff_of_another_municipality_cannot_delete_a_procurement(other_municipal):
    procurement = ProcurementFactory(municipality_id="202011")

    with pytest.raises(ForbiddenError):
        procurement_delete(actor=other_municipal, procurement=procurement)

    assert Procurement.objects.filter(pk=procurement.pk).exists()


def _procurement_data(**overrides) -> dict:
    return {"municipality": _nagano(), "title": "基幹系システム標準化", "category": "operations", "status": "ongoing",
            "fiscal_year": 2027, **overrides}


# Each write service, what it writes on, and the roles it must refuse. The objects are Nagano's: 長野市's
# procurement (`municipal` is its staff, `other_municipal` 松本市's) and a vendor registered by prefecture 20.
WRITES = {
    "procurement_create": (lambda actor, objs: procurement_create(actor=actor, data=_procurement_data()),
                           ["coordinator", "other_municipal", "other_coordinator", "expert_user"]),
    "procurement_update": (lambda actor, objs: procurement_update(actor=actor, procurement=objs["procurement"],
                                                                  data={"title": "変更後の件名"}),
                           ["coordinator", "other_municipal", "other_coordinator", "expert_user"]),
    "procurement_delete": (lambda actor, objs: procurement_delete(actor=actor, procurement=objs["procurement"]),
                           ["coordinator", "other_municipal", "other_coordinator", "expert_user"]),
    "vendor_create": (lambda actor, objs: vendor_create(actor=actor, data={"name": "新規システム株式会社",
                                                                          "corporate_number": corporate_number(900)}),
                      ["expert_user"]),
    "vendor_update": (lambda actor, objs: vendor_update(actor=actor, vendor=objs["vendor"],
                                                        data={"name": "改称システム株式会社"}),
                      ["municipal", "other_coordinator", "expert_user"]),
    "vendor_merge": (lambda actor, objs: vendor_merge(actor=actor, survivor=objs["survivor"], absorbed=objs["vendor"],
                                                      reason="同じ法人の重複登録"),
                     ["municipal", "other_municipal", "other_coordinator", "expert_user"]),
    "vendor_retire": (lambda actor, objs: vendor_retire(actor=actor, vendor=objs["vendor"], reason="解散"),
                      ["municipal", "other_municipal", "other_coordinator", "expert_user"]),
    "vendor_duplicate_dismiss": (lambda actor, objs: vendor_duplicate_dismiss(actor=actor, duplicate=objs["duplicate"]),
                                 ["municipal", "other_municipal", "other_coordinator", "expert_user"]),
}
RIGHT = {"procurement_create": "municipal", "procurement_update": "municipal", "procurement_delete": "municipal",
         "vendor_create": "municipal", "vendor_update": "coordinator", "vendor_merge": "coordinator",
         "vendor_retire": "coordinator", "vendor_duplicate_dismiss": "coordinator"}


@pytest.fixture
def objs(db):
    vendor = VendorFactory(prefecture_id="20", name="信濃システム株式会社")
    survivor = VendorFactory(prefecture_id="20", name="信濃システム（株）")
    return {"procurement": ProcurementFactory(municipality_id="202011", title="庁内LAN保守"), "vendor": vendor,
            "survivor": survivor, "duplicate": VendorDuplicate.objects.create(first=vendor, second=survivor,
                                                                              reason="name")}


def _state():
    return (sorted(Procurement.objects.values_list("id", "municipality_id", "title")),
            sorted(Vendor.objects.values_list("id", "name", "retired_at", "merged_into")),
            sorted(VendorDuplicate.objects.values_list("id", "resolved_at")), AuditLog.objects.count())


@pytest.mark.parametrize(("write", "role"), [(write, role) for write, (_, roles) in WRITES.items() for role in roles])
def test_each_write_service_refuses_each_wrong_role_and_writes_nothing(request, objs, write, role):
    call, _ = WRITES[write]
    before = _state()

    with pytest.raises(ForbiddenError) as refused:
        call(request.getfixturevalue(role), objs)

    assert refused.value.status_code == 403
    assert _state() == before


@pytest.mark.parametrize("write", list(WRITES))
def test_each_write_service_lets_the_right_role_through(request, objs, write):
    """The refusals above are the actor's, not the call's: the same call by the right role is accepted."""
    call, _ = WRITES[write]
    audit_rows = AuditLog.objects.count()
    call(request.getfixturevalue(RIGHT[write]), objs)
    assert AuditLog.objects.count() == audit_rows + 1


def test_municipal_staff_cannot_register_a_procurement_for_another_municipality(other_municipal):
    with pytest.raises(ForbiddenError) as refused:
        procurement_create(actor=other_municipal, data=_procurement_data())
    assert [(p.field, p.code) for p in refused.value.problems] == [("municipality", "not_your_municipality")]
    assert not Procurement.objects.exists()


def test_an_administrator_writes_any_procurement(db):
    admin = UserFactory()
    procurement = procurement_create(actor=admin, data=_procurement_data())
    procurement = procurement_update(actor=admin, procurement=procurement,
                                     data={"municipality": Municipality.objects.get(pk="192015")})
    assert procurement.municipality_id == "192015"
    procurement_delete(actor=admin, procurement=procurement)
    assert not Procurement.objects.exists()
