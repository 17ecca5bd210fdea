"""Publishing a prefecture's fiscal year on the anonymous yearly page, and taking it down again.

Only the prefecture's coordinator (or an administrator) writes here; each write locks the year's row and leaves
an audit row with the state before and after. What the page shows is read from the domain rows when it is
opened (`backend.public.selectors`): publishing stores only the choice, never a copy of the figures.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backend.accounts.models import User
from backend.accounts.permissions import coordinates
from backend.core.audit import AuditAction, audit_record
from backend.core.errors import ConflictError, DomainError, ForbiddenError, interpolate
from backend.core.fiscal import current_fiscal_year, fiscal_year_named
from backend.geo.models import Prefecture
from backend.public.errors import ErrorCode
from backend.public.models import PublishedYear

FIRST_YEAR = 2019  # 令和元年度: kenmu holds no older year


def published_year_snapshot(year: PublishedYear) -> dict:
    return {"prefecture": year.prefecture_id, "fiscal_year": year.fiscal_year, "published_at": year.published_at,
            "show_expert_names": year.show_expert_names, "unpublished_at": year.unpublished_at}


def publishable_years() -> range:
    """The fiscal years a prefecture may publish: any past year kenmu may hold, this one and the next."""
    return range(FIRST_YEAR, current_fiscal_year() + 2)


def _code(prefecture) -> str:
    return prefecture if isinstance(prefecture, str) else prefecture.pk


def _check_may_publish(actor: User, prefecture_id: str) -> None:
    if not coordinates(actor, prefecture_id):
        raise ForbiddenError.single("prefecture", ErrorCode.NOT_YOUR_PREFECTURE,
                                    _("年度を公開・非公開にできるのは、その都道府県のコーディネーターです。"))


@transaction.atomic(durable=True)
def year_publish(*, actor: User, prefecture: Prefecture | str, fiscal_year: int,
                 show_expert_names: bool = False) -> PublishedYear:
    """Publish the prefecture's fiscal year (again, if it was taken down), or change whether an already
    published year names its experts."""
    prefecture_id = _code(prefecture)
    _check_may_publish(actor, prefecture_id)
    if fiscal_year not in publishable_years():
        raise DomainError.single("fiscal_year", ErrorCode.YEAR_OUT_OF_RANGE, interpolate(
            _("公開できる年度は%(first)sから%(last)sまでです。"), first=fiscal_year_named(FIRST_YEAR),
            last=fiscal_year_named(publishable_years()[-1])))
    now = timezone.now()
    year, created = PublishedYear.objects.select_for_update().get_or_create(
        prefecture_id=prefecture_id, fiscal_year=fiscal_year,
        defaults={"published_at": now, "published_by": actor, "show_expert_names": show_expert_names})
    before = None if created else published_year_snapshot(year)
    if not created:
        if not year.is_published:
            year.published_at, year.published_by, year.unpublished_at = now, actor, None
        year.show_expert_names = show_expert_names
        year.save(update_fields=["published_at", "published_by", "unpublished_at", "show_expert_names"])
    audit_record(actor=actor, action=AuditAction.PUBLIC_YEAR_PUBLISH, obj=year, prefecture=prefecture_id,
                 before=before, after=published_year_snapshot(year))
    return year


@transaction.atomic(durable=True)
def year_unpublish(*, actor: User, prefecture: Prefecture | str, fiscal_year: int) -> PublishedYear:
    """Take the year's page down: it answers 404 from now on (the row stays, with when it was taken down)."""
    prefecture_id = _code(prefecture)
    _check_may_publish(actor, prefecture_id)
    year = PublishedYear.objects.select_for_update().filter(
        prefecture_id=prefecture_id, fiscal_year=fiscal_year, unpublished_at__isnull=True).first()
    if year is None:
        raise ConflictError.single("fiscal_year", ErrorCode.NOT_PUBLISHED, interpolate(
            _("%(year)sは公開されていません。"), year=fiscal_year_named(fiscal_year)))
    before = published_year_snapshot(year)
    year.unpublished_at = timezone.now()
    year.save(update_fields=["unpublished_at"])
    audit_record(actor=actor, action=AuditAction.PUBLIC_YEAR_UNPUBLISH, obj=year, prefecture=prefecture_id,
                 before=before, after=published_year_snapshot(year))
    return year
