"""Who to call: once an engagement is active, each side sees the other's contact details (issue 21 item 14).

The expert sees the municipality's staff (name, e-mail, phone); the municipality sees the expert's e-mail and
phone; the coordinator of the prefecture sees both. Before the engagement is active (an offer, a decline) or
after it ends, nobody is shown anyone's details here: an offer is not yet a working relationship."""

from collections.abc import Iterable
from dataclasses import dataclass

from backend.accounts.models import User, UserRole
from backend.accounts.permissions import coordinates, is_expert_self, is_staff_of
from backend.core.choices import EngagementStatus
from backend.engagements.models import Engagement


@dataclass(frozen=True)
class Contact:
    name: str
    email: str
    phone: str


@dataclass(frozen=True)
class Contacts:
    municipality: tuple[Contact, ...] | None  # None: not the reader's to see
    expert: Contact | None


def _staff_name(user: User) -> str:
    return f"{user.last_name} {user.first_name}".strip() or user.username


def municipality_contacts(municipality_ids: Iterable[str]) -> dict[str, tuple[Contact, ...]]:
    """The active staff of each municipality, one query."""
    found: dict[str, list[Contact]] = {}
    for user in User.objects.filter(role=UserRole.MUNICIPAL, is_active=True,
                                    municipality_id__in=set(municipality_ids)).order_by("municipality_id", "id"):
        found.setdefault(user.municipality_id, []).append(Contact(_staff_name(user), user.email, user.phone))
    return {code: tuple(rows) for code, rows in found.items()}


def engagement_contacts(*, user, engagement: Engagement,
                        staff: dict[str, tuple[Contact, ...]] | None = None) -> Contacts | None:
    """The other side's contact details as `user` may see them, or None (not active, or not a party)."""
    if engagement.status != EngagementStatus.ACTIVE:
        return None
    coordinator = coordinates(user, engagement.municipality.prefecture_id)
    sees_staff = coordinator or is_expert_self(user, engagement.expert_id)
    sees_expert = coordinator or is_staff_of(user, engagement.municipality_id)
    if not (sees_staff or sees_expert):
        return None
    if sees_staff and staff is None:
        staff = municipality_contacts([engagement.municipality_id])
    expert = engagement.expert
    return Contacts(
        municipality=(staff or {}).get(engagement.municipality_id, ()) if sees_staff else None,
        expert=Contact(expert.name, expert.email, expert.phone) if sees_expert else None)
