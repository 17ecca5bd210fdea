from django.db.models import QuerySet

from backend.accounts.models import User, UserRole
from backend.accounts.permissions import is_admin
from backend.intake.models import ImportJob


def import_job_list(*, user: User) -> QuerySet[ImportJob]:
    """An administrator sees every job; a coordinator, their prefecture's; anyone else, none (a 404)."""
    jobs = ImportJob.objects.select_related("actor").defer("rows")
    if is_admin(user):
        return jobs
    if user.role == UserRole.COORDINATOR:
        return jobs.filter(prefecture_id=user.prefecture_id)
    return jobs.none()
