"""Whether a scheme finances an engagement, how far it stands toward a threshold, and what the grant comes to:
decided on plain values, never a query (backend/funding/selectors.py reads the rows into them).

Activity toward a threshold (地域力創造アドバイザー: ≥ 10 days or ≥ 5 visits in the fiscal year) is the confirmed,
counted on-site days: a run of consecutive on-site dates is one visit (a stay), each of its dates a day; a visit of
a single date (a day trip) counts — as a day and as a visit — only from `day_trip_min_hours` hours. Remote days
are not an invitation and do not count toward a threshold.

The eligible amount is what the municipality pays (fee and travel, and recruitment costs where the scheme counts
them), capped per engagement and year (the public-staff cap for staff of an advanced municipality); the grant is
that times the rate, rounded down to the yen.
"""

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from backend.core.errors import interpolate

GENERAL = "general"


@dataclass(frozen=True)
class SchemeTerms:
    """A scheme's rules (a FundingScheme row as plain values)."""

    kind: str
    name: str
    rate: Decimal
    cap_yen: int | None = None
    cap_public_staff_yen: int | None = None
    min_days: int | None = None
    min_visits: int | None = None
    day_trip_min_hours: Decimal | None = None
    roles: tuple[str, ...] = ()
    employment_forms: tuple[str, ...] = ()
    max_years: int | None = None
    min_months: int | None = None
    counts_recruitment: bool = False
    max_population: int | None = None

    @property
    def has_threshold(self) -> bool:
        return self.min_days is not None or self.min_visits is not None


@dataclass(frozen=True)
class LoggedDay:
    """A confirmed, counted day of the activity log."""

    date: dt.date
    onsite: bool
    hours: Decimal


@dataclass(frozen=True)
class Activity:
    days: int  # on-site days that count toward the threshold
    visits: int  # stays (runs of consecutive on-site dates) that count
    short_day_trips: int  # day trips shorter than the scheme's minimum hours: counted as neither


def activity(days: Iterable[LoggedDay], terms: SchemeTerms) -> Activity:
    dates = sorted({d.date: d for d in days if d.onsite}.values(), key=lambda d: d.date)
    stays: list[list[LoggedDay]] = []
    for day in dates:
        if stays and (day.date - stays[-1][-1].date).days == 1:
            stays[-1].append(day)
        else:
            stays.append([day])
    counted_days = counted_visits = short = 0
    for stay in stays:
        if len(stay) == 1 and terms.day_trip_min_hours is not None and stay[0].hours < terms.day_trip_min_hours:
            short += 1
            continue
        counted_days += len(stay)
        counted_visits += 1
    return Activity(days=counted_days, visits=counted_visits, short_day_trips=short)


@dataclass(frozen=True)
class EngagementFacts:
    """What eligibility reads of an engagement besides its activity."""

    role: str
    employment_form: str
    population: int  # the municipality's
    months: float  # the term's months (all fiscal years of it)
    years_financed: int  # fiscal years this municipality used this scheme, this one included
    public_staff: bool = False  # staff of an advanced municipality (先進市町村の職員)


ELIGIBLE, PENDING, INELIGIBLE = "eligible", "pending", "ineligible"


@dataclass(frozen=True)
class Standing:
    """Where an engagement stands with its scheme in a fiscal year."""

    state: str  # ELIGIBLE, PENDING (a threshold not met yet) or INELIGIBLE
    reasons: tuple = ()  # why not (lazy strings), empty when eligible
    activity: Activity | None = None
    days_needed: int = 0  # more days to reach the threshold (0 when met or none)
    visits_needed: int = 0
    notes: tuple = field(default=())  # what a clerk should know though it does not decide (short day trips)

    @property
    def eligible(self) -> bool:
        return self.state == ELIGIBLE


def _structural(terms: SchemeTerms, facts: EngagementFacts) -> list:
    reasons = []
    if terms.kind == GENERAL or terms.rate == 0:
        reasons.append(_("一般財源のため、交付税措置の対象ではありません。"))
    if terms.roles and facts.role not in terms.roles:
        reasons.append(_("この財源は、この役割を対象としていません。"))
    if terms.employment_forms and facts.employment_form not in terms.employment_forms:
        reasons.append(_("この財源は、この任用形態を対象としていません。"))
    if terms.max_population is not None and facts.population > terms.max_population:
        reasons.append(interpolate(_("市区町村の人口が対象の上限（%(limit)s人）を超えています。"),
                                   limit=f"{terms.max_population:,}"))
    if terms.min_months is not None and facts.months + 1e-9 < terms.min_months:
        reasons.append(interpolate(_("期間が%(months)sか月未満です。"), months=terms.min_months))
    if terms.max_years is not None and facts.years_financed > terms.max_years:
        reasons.append(interpolate(_("この市区町村でのこの財源の活用が%(years)s年度を超えます。"), years=terms.max_years))
    return reasons


def standing(terms: SchemeTerms, facts: EngagementFacts, days: Sequence[LoggedDay]) -> Standing:
    done = activity(days, terms)
    notes = ()
    if done.short_day_trips:
        notes = (interpolate(_("%(hours)s時間未満の日帰り%(count)s回は日数・回数に数えていません。"),
                             hours=_hours(terms.day_trip_min_hours), count=done.short_day_trips),)
    reasons = _structural(terms, facts)
    if reasons:
        return Standing(state=INELIGIBLE, reasons=tuple(reasons), activity=done, notes=notes)
    if not terms.has_threshold:
        return Standing(state=ELIGIBLE, activity=done, notes=notes)
    days_needed = max(0, terms.min_days - done.days) if terms.min_days is not None else math.inf
    visits_needed = max(0, terms.min_visits - done.visits) if terms.min_visits is not None else math.inf
    if days_needed == 0 or visits_needed == 0:
        return Standing(state=ELIGIBLE, activity=done, notes=notes)
    return Standing(state=PENDING, reasons=(_threshold_text(terms),), activity=done,
                    days_needed=0 if days_needed == math.inf else int(days_needed),
                    visits_needed=0 if visits_needed == math.inf else int(visits_needed), notes=notes)


def _hours(value: Decimal | None) -> str:
    return "" if value is None else f"{value.normalize():f}"


def _threshold_text(terms: SchemeTerms):
    if terms.min_days is not None and terms.min_visits is not None:
        return interpolate(_("年度内に%(days)s日以上または%(visits)s回以上の招へいが必要です。"),
                           days=terms.min_days, visits=terms.min_visits)
    if terms.min_days is not None:
        return interpolate(_("年度内に%(days)s日以上の招へいが必要です。"), days=terms.min_days)
    return interpolate(_("年度内に%(visits)s回以上の招へいが必要です。"), visits=terms.min_visits)


def tracker_text(terms: SchemeTerms, result: Standing, *, by: str):
    """「10日中7日・5回中3回。3月31日までにあと3日または2回」: where an engagement stands toward its threshold, `by`
    naming the fiscal year's last day as the page shows it."""
    if not terms.has_threshold or result.activity is None:
        return ""
    parts = []
    if terms.min_days is not None:
        parts.append(interpolate(_("%(min)s日中%(done)s日"), min=terms.min_days, done=result.activity.days))
    if terms.min_visits is not None:
        parts.append(interpolate(_("%(min)s回中%(done)s回"), min=terms.min_visits, done=result.activity.visits))
    done = str(pgettext_lazy("tracker separator", "・")).join(str(p) for p in parts)
    if result.state != PENDING:
        return done
    more = []
    if result.days_needed:
        more.append(interpolate(_("あと%(n)s日"), n=result.days_needed))
    if result.visits_needed:
        more.append(interpolate(_("あと%(n)s回"), n=result.visits_needed))
    return interpolate(_("%(done)s。%(end)sまでに%(more)s"), done=done, end=by,
                       more=str(_("または")).join(str(m) for m in more))


@dataclass(frozen=True)
class Grant:
    base: int  # fee + travel (+ recruitment where counted)
    eligible_amount: int  # the base, capped
    cap: int | None  # the cap applied, None when none (or not reached)
    grant: int  # eligible_amount × rate, rounded down


def grant(terms: SchemeTerms, *, fee: int, travel: int, recruitment: int = 0, public_staff: bool = False,
          eligible: bool = True) -> Grant:
    base = fee + travel + (recruitment if terms.counts_recruitment else 0)
    cap = terms.cap_public_staff_yen if public_staff and terms.cap_public_staff_yen is not None else terms.cap_yen
    capped = base if cap is None else min(base, cap)
    applied = cap if cap is not None and base > cap else None
    if not eligible:
        return Grant(base=base, eligible_amount=0, cap=applied, grant=0)
    amount = int((Decimal(capped) * terms.rate).to_integral_value(rounding=ROUND_DOWN))
    return Grant(base=base, eligible_amount=capped, cap=applied, grant=amount)
