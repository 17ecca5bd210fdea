"""The cost table as an Excel file, through backend.core.spreadsheet (no cell is a live formula).

Money is in yen in the file (the page shows 万円), and the file says so; the totals are values, not SUMs.
"""

from django.utils.translation import gettext as _

from backend.core.fiscal import fiscal_year_label
from backend.core.spreadsheet import xlsx_bytes
from backend.costs.selectors import CostRow, CostTable
from backend.geo.selectors import place_names


def cost_header() -> list[str]:
    return [_("団体コード"), _("市区町村"), _("予算（円）"), _("報酬（円）"), _("費用弁償（円）"), _("計（円）"),
            _("特別交付税・見込み（円）"), _("実質負担・見込み（円）"), _("予算残（円）")]


def _cells(row: CostRow) -> list:
    return [row.code, row.name, row.budget, row.fee, row.travel, row.committed, row.grant, row.net, row.remaining]


def cost_xlsx(table: CostTable) -> bytes:
    names = place_names("prefecture")
    rates = "、".join(_("%(pref)sの措置率 %(p)s%%") % {"pref": names.get(code, code), "p": f"{float(rate) * 100:g}"}
                     for code, rate in sorted(table.rates.items()))
    total = _cells(table.total)
    total[1] = _("合計")
    rows = [*(_cells(r) for r in table.rows), total, [],
            [_("単位：円。報酬と費用弁償は承諾待ちと稼働中の任用・委託の額です。")],
            [_("特別交付税は見込みです（CIO補佐官・CISO補佐官の報酬と費用弁償に措置率を掛けた額：%(rates)s）。")
             % {"rates": rates or "—"}]]
    return xlsx_bytes(title=fiscal_year_label(table.fiscal_year), header=cost_header(), rows=rows)
