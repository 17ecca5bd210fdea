from django.db.models import QuerySet

from backend.accounts.models import UserRole
from backend.accounts.scoping import is_admin, scope_by_municipality
from backend.needs.models import Need


def need_list(*, user) -> QuerySet[Need]:
    queryset = Need.objects.select_related("municipality").prefetch_related("skills").order_by(
        "municipality_id", "id"
    )
    return scope_by_municipality(queryset, user)


def need_can_change(*, user, need: Need) -> bool:
    if is_admin(user):
        return True
    if user.role == UserRole.COORDINATOR:
        return need.municipality.prefecture_id == user.prefecture_id
    return user.role == UserRole.MUNICIPAL and need.municipality_id == user.municipality_id
