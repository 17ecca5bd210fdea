"""The public yearly page as one CSV: the totals, the counts per municipality (「5未満」 where withheld), the bid
restrictions in force, the exceptions and, when the year publishes names, the engagements.

One table in long form (区分, 市区町村, 項目, 値 and the columns the lists need), so that every line reads on its
own and a spreadsheet can filter it. Cells go through backend.core.spreadsheet (no text cell starts a formula);
dates are ISO dates, which a spreadsheet reads back as dates.
"""

from backend.core.spreadsheet import csv_bytes
from backend.engagements.models import ExceptionState
from backend.public.selectors import MUNICIPALITY_COUNTS, YearReport, withheld

WITHHELD = "5未満"
HEADER = ["区分", "市区町村", "団体コード", "項目", "値", "事業者", "専門人材", "開始日", "終了日", "理由"]
TOTALS = (("needs_posted", "掲載したニーズ"), ("needs_filled", "充足したニーズ"),
          ("municipalities_served", "支援を受けた市区町村"), ("experts_engaged", "任用・委託された専門人材"),
          ("days_confirmed", "確認済みの活動日数"))
COUNT_LABELS = dict(zip(MUNICIPALITY_COUNTS, ("掲載したニーズ", "充足したニーズ", "専門人材", "確認済みの活動日数"),
                        strict=True))
STATES = {ExceptionState.IN_FORCE: "有効", ExceptionState.LAPSED: "失効"}


def _shown(count: int) -> int | str:
    """A count, or 「5未満」 for one under 5 (the year's totals too: a small total would give away the withheld)."""
    return WITHHELD if withheld(count) else count


def year_rows(report: YearReport) -> list[list]:
    rows: list[list] = [["全体", "", "", label, _shown(getattr(report, name)), "", "", "", "", ""]
                        for name, label in TOTALS]
    for m in report.municipalities:
        for name in MUNICIPALITY_COUNTS:
            rows.append(["市区町村別", m.name, m.code, COUNT_LABELS[name], _shown(getattr(m, name)), "", "", "", "",
                         ""])
    rows += [["入札参加制限", r.municipality, r.municipality_code, "入札参加制限", "", r.vendor, "", r.starts_on,
              r.ends_on, ""] for r in report.restrictions]
    rows += [["利益相反の例外", e.municipality, e.municipality_code, "利益相反の例外", STATES[e.state], "", e.expert,
              e.recorded_on, "", e.reason] for e in report.exceptions]
    rows += [["任用・委託", e.municipality, e.municipality_code, e.role, "", "", e.expert, e.starts_on, e.ends_on, ""]
             for e in report.engagements]
    return rows


def year_csv(report: YearReport) -> bytes:
    return csv_bytes(header=HEADER, rows=year_rows(report))
