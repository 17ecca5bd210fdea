"""The role predicates every write asks, in one module, and no service spelling them out again."""

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser

from backend.accounts.models import User, UserRole
from backend.accounts.permissions import coordinates, is_admin, is_coordinator, is_expert_self, is_staff_of
from tests.backend.factories import CoordinatorFactory, ExpertUserFactory, MunicipalStaffFactory

ROOT = Path(__file__).resolve().parents[3]


def test_a_coordinator_coordinates_their_prefecture_only_and_an_administrator_every_one():
    nagano = CoordinatorFactory(prefecture_id="20")
    admin = User.objects.create_user(username="root", password="x-long-password", role=UserRole.ADMIN)
    assert coordinates(nagano, "20") and not coordinates(nagano, "10")
    assert coordinates(admin, "10") and is_coordinator(admin) and is_admin(admin)
    assert is_coordinator(nagano) and not is_admin(nagano)


def test_staff_and_experts_act_for_their_own_municipality_and_record_only():
    staff = MunicipalStaffFactory(municipality_id="202011")
    expert = ExpertUserFactory()
    assert is_staff_of(staff, "202011") and not is_staff_of(staff, "202029")
    assert not coordinates(staff, "20") and not is_coordinator(staff)
    assert is_expert_self(expert, expert.expert_id) and not is_expert_self(expert, expert.expert_id + 1)
    assert not is_expert_self(staff, None) and not is_staff_of(expert, None)


def test_an_anonymous_visitor_is_nobody():
    assert not is_admin(AnonymousUser()) and not is_admin(None)


# "role == COORDINATOR and … prefecture_id ==" written out again beside a write: ask `coordinates` instead.
INLINE = re.compile(r"role [!=]= UserRole\.(COORDINATOR|MUNICIPAL|EXPERT)\s+(and|or)\s+\w+\.(prefecture_id|municipality_id|expert_id) [!=]=")


@pytest.mark.parametrize("top", ["backend", "frontend"])
def test_no_module_spells_out_a_predicate_of_the_permissions_module(top):
    found = [f"{path.relative_to(ROOT)}:{text.count(chr(10), 0, m.start()) + 1}"
             for path in sorted((ROOT / top).rglob("*.py")) if "migrations" not in path.parts
             for text in [path.read_text(encoding="utf-8")] for m in INLINE.finditer(text)
             if path.name != "permissions.py"]
    assert found == []
