"""Reads of the funding register: a prefecture's schemes (seeded on first read), the scheme an engagement or a
need is financed by, and where an engagement stands with it in a fiscal year from the confirmed activity log.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from backend.accounts.models import UserRole
from backend.accounts.permissions import is_admin
from backend.accounts.scoping import scope_by_municipality
from backend.core.choices import EngagementStatus, Role
from backend.core.fiscal import (
    current_fiscal_year,
    date_named,
    fiscal_year_end,
    fiscal_years_covered,
    months_served,
)
from backend.engagements.models import Engagement
from backend.funding import rules
from backend.funding.models import FundingScheme, RecruitmentCost, SchemeKind
from backend.funding.seeds import SEEDS
from backend.payments.amounts import day_counts
from backend.worklog.models import WorkDay, WorkMonthStatus

GRANT_ROLES = (Role.CIO_ADVISER, Role.CISO_ADVISER)


def schemes_of(prefecture_id: str):
    """The prefecture's schemes, the four seeds created the first time they are read (idempotent under races:
    the one-per-kind constraint keeps a second insert out)."""
    schemes = FundingScheme.objects.filter(prefecture_id=prefecture_id)
    if not schemes.filter(kind__in=[seed["kind"] for seed in SEEDS]).exists():
        FundingScheme.objects.bulk_create(
            [FundingScheme(prefecture_id=prefecture_id, **{k: (str(v) if k in ("name", "conditions", "basis") else v)
                                                           for k, v in seed.items()}) for seed in SEEDS],
            ignore_conflicts=True)
    return schemes.order_by("id")


def default_scheme(prefecture_id: str, role: str) -> FundingScheme:
    """The scheme an engagement or need names by default: 特別交付税（CIO補佐官等） for a CIO or CISO adviser, else
    一般財源."""
    return schemes_of(prefecture_id).get(kind=default_kind(role))


def scheme_of(engagement: Engagement) -> FundingScheme:
    """The engagement's scheme: the one it names, or its prefecture's default for the role (engagements made
    before the register existed)."""
    if engagement.funding_scheme_id is not None:
        return engagement.funding_scheme
    return default_scheme(engagement.municipality.prefecture_id, engagement.need.role)


def terms_of(scheme: FundingScheme) -> rules.SchemeTerms:
    return rules.SchemeTerms(
        kind=scheme.kind, name=scheme.name, rate=scheme.rate, cap_yen=scheme.cap_yen,
        cap_public_staff_yen=scheme.cap_public_staff_yen, min_days=scheme.min_days, min_visits=scheme.min_visits,
        day_trip_min_hours=scheme.day_trip_min_hours, roles=tuple(scheme.roles),
        employment_forms=tuple(scheme.employment_forms), max_years=scheme.max_years, min_months=scheme.min_months,
        counts_recruitment=scheme.counts_recruitment, max_population=scheme.max_population)


def confirmed_days(engagement: Engagement, fiscal_year: int) -> list[rules.LoggedDay]:
    """The engagement's counted days of confirmed months in the fiscal year."""
    start, end = dt.date(fiscal_year, 4, 1), dt.date(fiscal_year + 1, 3, 31)
    rows = WorkDay.objects.filter(month__engagement=engagement, month__status=WorkMonthStatus.CONFIRMED,
                                  date__range=(start, end)).values("date", "onsite", "hours", "counted",
                                                                   "beyond_contract", "agreed_at")
    return [rules.LoggedDay(date=row["date"], onsite=row["onsite"], hours=row["hours"]) for row in rows
            if day_counts(counted=row["counted"], beyond_contract=row["beyond_contract"], agreed_at=row["agreed_at"])]


def default_kind(role: str) -> str:
    """The kind of scheme an engagement or need naming none is financed by (`default_scheme`)."""
    return SchemeKind.CIO_GRANT if role in GRANT_ROLES else SchemeKind.GENERAL


def years_financed_many(asks, fiscal_year: int, *, scheme_named) -> dict:
    """For each (key, municipality_id, scheme) in `asks`: the fiscal years up to `fiscal_year` in which that
    municipality had an engagement (active or ended) financed by a scheme of `scheme`'s kind (地域力創造アドバイザー:
    at most 3 years per municipality, 「1市町村につき1回に限る」, the adviser may change), `fiscal_year` itself
    included; a prefecture's own scheme (kind OTHER) counts by the row itself. One query for all of them;
    `scheme_named(scheme_id=, prefecture_id=, role=)` gives the scheme another engagement is financed by (its own,
    or its prefecture's default for the role)."""
    asks = list(asks)
    rows = Engagement.objects.filter(
        municipality_id__in={municipality_id for _key, municipality_id, _scheme in asks},
        status__in=("active", "ended"), fiscal_year__lte=fiscal_year).values(
        "municipality_id", "funding_scheme_id", "need__role", "starts_on", "ends_on", "municipality__prefecture_id")
    by_municipality = defaultdict(list)
    for row in rows:
        by_municipality[row["municipality_id"]].append(row)
    result = {}
    for key, municipality_id, scheme in asks:
        years = {fiscal_year}
        for row in by_municipality[municipality_id]:
            other = scheme_named(scheme_id=row["funding_scheme_id"], prefecture_id=row["municipality__prefecture_id"],
                                 role=row["need__role"])
            if other.kind == scheme.kind and (scheme.kind != SchemeKind.OTHER or other.pk == scheme.pk):
                years.update(y for y in fiscal_years_covered(row["starts_on"], row["ends_on"]) if y <= fiscal_year)
        result[key] = len(years)
    return result


def _scheme_named(*, scheme_id: int | None, prefecture_id: str, role: str) -> FundingScheme:
    if scheme_id is not None:
        return FundingScheme.objects.get(pk=scheme_id)
    return default_scheme(prefecture_id, role)


def years_financed(engagement: Engagement, scheme: FundingScheme, fiscal_year: int) -> int:
    """`years_financed_many` for one engagement's municipality and `scheme`."""
    asks = [(engagement.pk, engagement.municipality_id, scheme)]
    return years_financed_many(asks, fiscal_year, scheme_named=_scheme_named)[engagement.pk]


def facts_of(engagement: Engagement, scheme: FundingScheme, fiscal_year: int) -> rules.EngagementFacts:
    return rules.EngagementFacts(
        role=engagement.need.role, employment_form=engagement.employment_form,
        population=engagement.municipality.population,
        months=months_served(engagement.starts_on, engagement.ends_on),
        years_financed=years_financed(engagement, scheme, fiscal_year), public_staff=engagement.funding_public_staff)


def standing_of(engagement: Engagement, fiscal_year: int) -> tuple[FundingScheme, rules.Standing]:
    """The engagement's scheme and where it stands with it in `fiscal_year` (confirmed months only)."""
    scheme = scheme_of(engagement)
    terms = terms_of(scheme)
    return scheme, rules.standing(terms, facts_of(engagement, scheme, fiscal_year),
                                  confirmed_days(engagement, fiscal_year))


def recruitment_total(*, municipality_id: str, fiscal_year: int, need_id: int | None = None) -> int:
    """The recruitment costs a municipality recorded for the year (for one need when `need_id` is given)."""
    costs = RecruitmentCost.objects.filter(municipality_id=municipality_id, fiscal_year=fiscal_year)
    if need_id is not None:
        costs = costs.filter(need_id=need_id)
    return costs.aggregate(total=Sum("amount"))["total"] or 0


# -- what the pages and the API read, scoped to the user ---------------------------------------------------------

def _prefectures_of(user) -> list[str]:
    """The prefectures whose schemes a user reads: a coordinator's own, staff's municipality's, an expert's
    engagements' (an administrator: every prefecture that has schemes)."""
    if user.role == UserRole.COORDINATOR and user.prefecture_id:
        return [user.prefecture_id]
    if user.role == UserRole.MUNICIPAL and user.municipality_id:
        return [user.municipality.prefecture_id]
    if user.role == UserRole.EXPERT and user.expert_id:
        return sorted(set(Engagement.objects.filter(expert_id=user.expert_id).values_list(
            "municipality__prefecture_id", flat=True)))
    return []


def scheme_list(*, user) -> QuerySet[FundingScheme]:
    """The schemes a user reads (each prefecture's seeded on its first read), with how many engagements that
    hold or held a post name each (`in_use`)."""
    if is_admin(user) and not user.prefecture_id:
        schemes = FundingScheme.objects.all()
    else:
        codes = _prefectures_of(user)
        for code in codes:
            schemes_of(code)
        schemes = FundingScheme.objects.filter(prefecture_id__in=codes)
    return schemes.select_related("prefecture").annotate(in_use=Count(
        "engagements", filter=Q(engagements__status__in=(EngagementStatus.OFFERED, EngagementStatus.ACTIVE,
                                                         EngagementStatus.ENDED)))).order_by("prefecture_id", "id")


def active_schemes(prefecture_id: str) -> QuerySet[FundingScheme]:
    """The schemes a need or an engagement may name in the prefecture."""
    return schemes_of(prefecture_id).filter(active=True)


def recruitment_cost_list(*, user) -> QuerySet[RecruitmentCost]:
    """Recruitment costs: a coordinator's prefecture's, staff's municipality's (an expert reads none)."""
    return scope_by_municipality(RecruitmentCost.objects.select_related("municipality", "need", "run"), user).order_by(
        "-fiscal_year", "spent_on", "id")


STATE_LABELS = {rules.ELIGIBLE: _("対象"), rules.PENDING: _("要件未達"), rules.INELIGIBLE: _("対象外")}


@dataclass(frozen=True)
class FundingBox:
    """An engagement's 「財源」 section: its scheme, where it stands in the fiscal year and why, and what its need
    cost to recruit."""

    fiscal_year: int
    scheme: FundingScheme
    standing: rules.Standing
    state_label: str
    tracker: str
    recruitment: list
    recruitment_total: int
    default: bool  # the scheme is the prefecture's default for the role, not one the engagement names


def box_year(engagement: Engagement) -> int:
    """The fiscal year the box shows: this one while the term covers it, else the engagement's first."""
    covered = fiscal_years_covered(engagement.starts_on, engagement.ends_on)
    return current_fiscal_year() if current_fiscal_year() in covered else engagement.fiscal_year


def funding_box(engagement: Engagement, fiscal_year: int | None = None) -> FundingBox:
    year = box_year(engagement) if fiscal_year is None else fiscal_year
    scheme, result = standing_of(engagement, year)
    terms = terms_of(scheme)
    costs = list(RecruitmentCost.objects.filter(need_id=engagement.need_id).order_by("spent_on", "id"))
    return FundingBox(
        fiscal_year=year, scheme=scheme, standing=result, state_label=str(STATE_LABELS[result.state]),
        tracker=str(rules.tracker_text(terms, result, by=date_named(fiscal_year_end(year)))),
        recruitment=costs, recruitment_total=sum(c.amount for c in costs),
        default=engagement.funding_scheme_id is None)
