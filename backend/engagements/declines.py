"""The year's declined and lapsed offers by reason (issue 25): what the coordinator counts to see why offers are
refused (報酬, 日程, 兼業許可, 議会・予算, 相手方, その他) or left unanswered (回答期限切れ), per side.

A decline is an offer a party declined (`declined_by` municipality or expert); a lapse one nobody answered by its
deadline, and its side is the one that had not answered (both, when neither had). An offer the prefecture withdrew
is neither. Offers declined before reasons were asked have no code: they count as 「記録なし」."""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backend.core import fiscal
from backend.core.choices import DeclineReason
from backend.core.spreadsheet import XLSX, csv_bytes, xlsx_bytes
from backend.engagements.models import Engagement, EngagementStatus
from backend.engagements.selectors import engagement_list
from backend.geo.models import PrefectureSetting

# The sides a decline is counted on; a lapse with neither side's answer counts on "both".
SIDES = {"municipality": _("市区町村"), "expert": _("専門人材"), "both": _("双方（未回答）")}
UNRECORDED = "unrecorded"
CODE_LABELS = {**dict(DeclineReason.choices), UNRECORDED: _("記録なし")}


@dataclass(frozen=True)
class Decline:
    engagement: Engagement
    side: str  # municipality, expert or both
    code: str  # a DeclineReason, or "unrecorded"
    words: str
    on: dt.date  # when it was declined or lapsed


@dataclass(frozen=True)
class ReasonCount:
    code: str
    label: str
    municipality: int
    expert: int
    both: int

    @property
    def total(self) -> int:
        return self.municipality + self.expert + self.both


def season_of(user) -> int:
    """The fiscal year the user's prefecture is matching for (its settings' season, else the default rule)."""
    code = getattr(user, "prefecture_id", None)
    season = PrefectureSetting.objects.filter(pk=code).values_list("matching_season", flat=True).first() \
        if code else None
    return fiscal.default_fiscal_year(season=season)


def _lapsed_side(e: Engagement) -> str:
    municipality_waits = e.municipality_accepted_at is None
    expert_waits = not (e.expert_accepted_at and e.pledge_signed_at)
    return "both" if municipality_waits and expert_waits else "municipality" if municipality_waits else "expert"


def declines_of_year(*, user, fiscal_year: int) -> list[Decline]:
    """The declined and lapsed offers of the fiscal year the user may read, newest first."""
    engagements = engagement_list(user=user).filter(fiscal_year=fiscal_year).filter(
        status__in=[EngagementStatus.DECLINED, EngagementStatus.LAPSED]).exclude(
        status=EngagementStatus.DECLINED, declined_by__in=["", "coordinator"]).select_related(
        "municipality", "expert", "need").order_by("-updated_at", "-pk")
    return [Decline(engagement=e, side=_lapsed_side(e) if e.status == EngagementStatus.LAPSED else e.declined_by,
                    code=e.decline_code or UNRECORDED, words=e.decline_reason,
                    on=timezone.localdate(e.updated_at)) for e in engagements]


def declines_by_reason(declines: list[Decline]) -> list[ReasonCount]:
    """A row per reason (every chosen reason and the lapse, even at 0; 「記録なし」 only when it counts), per side."""
    codes = [*DeclineReason.values, *([UNRECORDED] if any(d.code == UNRECORDED for d in declines) else [])]
    return [ReasonCount(code=code, label=str(CODE_LABELS[code]),
                        **{side: sum(1 for d in declines if d.code == code and d.side == side) for side in SIDES})
            for code in codes]


# -- the list as a file (Excel or CSV) ---------------------------------------------------------------------------

def decline_header() -> list[str]:
    return [str(h) for h in (_("市区町村"), _("専門人材"), _("ニーズ"), _("状況"), _("側"), _("理由"),
                              _("理由の詳細"), _("日付"))]


def decline_rows(declines: list[Decline]) -> list[list]:
    return [[d.engagement.municipality.name, d.engagement.expert.name, d.engagement.need.title or "—",
             d.engagement.get_status_display(), str(SIDES[d.side]), str(CODE_LABELS[d.code]), d.words, d.on]
            for d in declines]


def declines_file(declines: list[Decline], *, fiscal_year: int, file: str) -> tuple[bytes, str, str]:
    """(content, content type, file name) of the year's list in the format asked ("xlsx" or "csv")."""
    name = f"declines-{fiscal_year}.{file}"
    if file == "xlsx":
        content = xlsx_bytes(title=fiscal.fiscal_year_label(fiscal_year), header=decline_header(),
                             rows=decline_rows(declines))
        return content, XLSX, name
    return csv_bytes(header=decline_header(), rows=decline_rows(declines)), "text/csv; charset=utf-8", name
