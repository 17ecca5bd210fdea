"""The visit planner: which dates one engagement's expert comes, from dates and counts alone.

Pure: no Django, no database, no clock. `backend.visits.services` gathers the inputs (the term, the need's pattern,
the agreed weekdays, the closed days of the municipality, the dates the expert already holds elsewhere, the dates
kept from an earlier plan) and stores what this returns; the pages run it again to say why a plan falls short.

What a coordinator expects, and so what this does:

* The agreed weekday is the contract. A weekly post comes on its agreed weekdays, `weekly_days` of them each week
  (the first ones in the week's order). When that day is closed (祝日, 年末年始, the municipality's own closed
  days) or the expert is at another engagement that day, the visit moves (振替) to another agreed weekday the slots
  of the week do not use, the same week first, then the next week's; never to a weekday the engagement did not
  agree. A 週1日 post on Mondays only therefore cannot move a visit at all: FY2026 has 45 workable Mondays, so a
  48-day Monday post holds 45 dates and reports 3 days short.
* A year has about 52 weeks and a weekly contract fewer days (48): the spare weeks are taken first by the weeks
  whose visit could not be held (a holiday week is the natural week off), in date order; the visits that could not
  be held beyond the spare weeks are the shortfall, by month, with their cause. When more visits can be held than
  the contract has days, the moved visits (振替) are dropped first, then visits evenly spread over the year.
* Monthly and yearly patterns spread the days evenly over the months of the term (what is left of it), and within
  a month over its free agreed weekdays; a month without enough of them falls short by what it misses.
* Never two places on one date: a date the expert holds elsewhere is never planned.
* On-site days (現地) are `min(onsite_days, days)`, spread evenly over the plan.
* A re-plan keeps what was kept (past dates, dates moved by hand): they count against the days, and the slot a
  hand-moved visit came from is not planned again.
"""

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKLY, MONTHLY, YEARLY = "weekly", "monthly", "yearly"

CLOSED, TAKEN, TERM = "closed", "taken", "term"  # why a slot could not be held


@dataclass(frozen=True)
class PlanInput:
    starts_on: dt.date
    ends_on: dt.date
    pattern: str  # weekly / monthly / yearly
    weekdays: tuple[str, ...]  # the agreed weekdays ("mon" …)
    days: int  # the contract's days in the term
    weekly_days: int = 1
    onsite_days: int = 0
    closed: frozenset[dt.date] = frozenset()
    taken: frozenset[dt.date] = frozenset()  # dates the expert holds in other engagements
    since: dt.date | None = None  # plan from this day on (today); earlier days are not planned
    kept: tuple[tuple[dt.date, bool], ...] = ()  # (date, onsite) kept from an earlier plan
    served: frozenset[dt.date] = frozenset()  # original dates of visits moved by hand: their slot is served


@dataclass(frozen=True)
class PlannedDate:
    day: dt.date
    onsite: bool
    instead_of: dt.date | None = None  # the agreed day this visit was moved from (振替)


@dataclass(frozen=True)
class Shortfall:
    year: int
    month: int
    missing: int
    causes: tuple[str, ...]  # CLOSED, TAKEN, TERM


@dataclass(frozen=True)
class Plan:
    dates: tuple[PlannedDate, ...]  # the new dates, in order (the kept ones are not repeated)
    kept: int
    days: int
    shortfalls: tuple[Shortfall, ...] = field(default=())

    @property
    def total(self) -> int:
        return self.kept + len(self.dates)

    @property
    def missing(self) -> int:
        return max(self.days - self.total, 0)


def evenly(items: list, count: int) -> list:
    """`count` of `items`, spread evenly (the middle of each of `count` equal stretches), in order."""
    if count <= 0:
        return []
    if count >= len(items):
        return list(items)
    return [items[int((i + 0.5) * len(items) / count)] for i in range(count)]


def _days_between(first: dt.date, last: dt.date):
    day = first
    while day <= last:
        yield day
        day += dt.timedelta(days=1)


def _weekday(day: dt.date) -> str:
    return WEEKDAYS[day.weekday()]


class _Calendar:
    """The days of the term from `since`, and whether the expert may come on each."""

    def __init__(self, plan: PlanInput):
        self.first = max(plan.starts_on, plan.since or plan.starts_on)
        self.last = plan.ends_on
        self.agreed = [d for d in WEEKDAYS if d in set(plan.weekdays)]
        self.closed, self.taken = plan.closed, plan.taken
        self.used = {day for day, _onsite in plan.kept}

    def in_term(self, day: dt.date) -> bool:
        return self.first <= day <= self.last

    def why_not(self, day: dt.date) -> str | None:
        if day in self.closed:
            return CLOSED
        if day in self.taken:
            return TAKEN
        return TERM if day in self.used else None

    def free(self, day: dt.date) -> bool:
        return self.in_term(day) and _weekday(day) in self.agreed and self.why_not(day) is None


def plan_visits(plan: PlanInput) -> Plan:
    """The dates of one engagement's visits (see the module's docstring for the rules)."""
    cal = _Calendar(plan)
    wanted = max(plan.days - len(plan.kept), 0)
    if plan.pattern == WEEKLY:
        chosen, shortfalls = _weekly(plan, cal, wanted)
    else:
        chosen, shortfalls = _monthly(plan, cal, wanted)
    kept_onsite = sum(1 for _day, onsite in plan.kept if onsite)
    onsite_days = set(evenly([day for day, _moved in chosen], min(plan.onsite_days, plan.days) - kept_onsite))
    dates = tuple(PlannedDate(day, day in onsite_days, moved) for day, moved in chosen)
    return Plan(dates=dates, kept=len(plan.kept), days=plan.days, shortfalls=tuple(shortfalls))


# -- weekly posts ----------------------------------------------------------------------------------------

def _weeks(cal: _Calendar):
    monday = cal.first - dt.timedelta(days=cal.first.weekday())
    while monday <= cal.last:
        yield monday
        monday += dt.timedelta(days=7)


def _weekly(plan: PlanInput, cal: _Calendar, wanted: int):
    per_week = min(max(plan.weekly_days, 1), len(cal.agreed))
    slot_days = cal.agreed[:per_week]
    spare_days = cal.agreed[per_week:]
    slots = [monday + dt.timedelta(days=WEEKDAYS.index(d)) for monday in _weeks(cal) for d in slot_days]
    slots = [day for day in slots if cal.in_term(day) and day not in plan.served and day not in cal.used]
    held, moved, lost = [], [], []
    taken_here = set()
    for day in slots:
        if cal.why_not(day) is None:
            held.append(day)
            taken_here.add(day)
    for day in slots:
        cause = cal.why_not(day)
        if cause is None:
            continue
        to = _substitute(day, cal, spare_days, taken_here)
        if to is None:
            lost.append((day, cause))
        else:
            moved.append((to, day))
            taken_here.add(to)
    chosen = _trim(held, moved, wanted)
    spare = max(len(slots) - wanted, 0)
    unheld = lost[spare:] if len(held) + len(moved) < wanted else []
    return chosen, _shortfalls(unheld, wanted - len(chosen), plan.ends_on)


def _substitute(day: dt.date, cal: _Calendar, spare_days: list[str], taken_here: set) -> dt.date | None:
    """振替: the first free agreed day no slot uses, later in the same week, then in the next week."""
    monday = day - dt.timedelta(days=day.weekday())
    candidates = [monday + dt.timedelta(days=WEEKDAYS.index(d)) for d in spare_days]
    candidates = [c for c in candidates if c > day] + [c + dt.timedelta(days=7) for c in candidates]
    return next((c for c in candidates if c not in taken_here and cal.free(c)), None)


def _trim(held: list[dt.date], moved: list[tuple[dt.date, dt.date]], wanted: int):
    """At most `wanted` visits: the held ones first (evenly spread when too many), then the moved ones."""
    if len(held) >= wanted:
        return [(day, None) for day in evenly(held, wanted)]
    chosen = [(day, None) for day in held] + moved[:wanted - len(held)]
    return sorted(chosen)


def _shortfalls(unheld: list[tuple[dt.date, str]], missing: int, last: dt.date) -> list[Shortfall]:
    if missing <= 0:
        return []
    by_month: dict[tuple[int, int], Counter] = {}
    for day, cause in unheld[:missing]:
        by_month.setdefault((day.year, day.month), Counter())[cause] += 1
    rest = missing - min(len(unheld), missing)
    if rest:  # the term itself has too few agreed weekdays: told at its last month
        by_month.setdefault((last.year, last.month), Counter())[TERM] += rest
    return [Shortfall(year, month, sum(causes.values()), tuple(sorted(causes)))
            for (year, month), causes in sorted(by_month.items())]


# -- monthly and yearly patterns ----------------------------------------------------------------------

def _months(cal: _Calendar) -> list[tuple[int, int]]:
    months = []
    for day in _days_between(cal.first, cal.last):
        if (day.year, day.month) not in months:
            months.append((day.year, day.month))
    return months


def _monthly(plan: PlanInput, cal: _Calendar, wanted: int):
    months = _months(cal)
    if not months:
        return [], _shortfalls([], wanted, plan.ends_on)
    kept_in = Counter((day.year, day.month) for day, _onsite in plan.kept if day >= cal.first)
    share = wanted + sum(kept_in.values())
    chosen, shortfalls = [], []
    for index, month in enumerate(months):
        target = round((index + 1) * share / len(months)) - round(index * share / len(months))
        need = max(target - kept_in[month], 0)
        days = [d for d in _days_between(cal.first, cal.last) if (d.year, d.month) == month]
        free = [d for d in days if cal.free(d)]
        chosen.extend((day, None) for day in evenly(free, need))
        if len(free) < need:
            causes = {cal.why_not(d) for d in days if _weekday(d) in cal.agreed and cal.why_not(d)} or {TERM}
            shortfalls.append(Shortfall(month[0], month[1], need - len(free), tuple(sorted(causes))))
    return chosen, shortfalls
