"""The cost table and the claim pack (年度末の交付税算定資料) as files, through backend.core.spreadsheet (no cell is a
live formula; text that would start one is quoted there).

Money is in yen (the page shows 万円), and the file says so; totals are values, not SUMs. Numbers are numbers, the
rate a decimal (0.5), 令和 dates are text.
"""

from django.utils.translation import gettext as _

from backend.core.choices import EmploymentForm, Role
from backend.core.fiscal import era_date, fiscal_year_label, wareki_datetime
from backend.core.spreadsheet import XLSX, csv_bytes, xlsx_bytes
from backend.costs.selectors import RECRUITMENT, ClaimPack, CostLine, CostRow, CostTable


def cost_header() -> list[str]:
    return [_("団体コード"), _("市区町村"), _("専門人材・件名"), _("財源"), _("交付税の判定"), _("予算（円）"),
            _("支払済み（円）"), _("年度末までの支出見込み（円）"), _("募集経費（円）"), _("対象経費（円）"),
            _("交付税見込み（円）"), _("実質負担（円）"), _("予算残（円）")]


def _row_cells(row: CostRow, *, name: str) -> list:
    return [row.code, name, "", "", "", row.budget, row.paid, row.committed, row.recruitment, row.eligible, row.grant,
            row.net, row.remaining]


def _line_cells(line: CostLine) -> list:
    return [line.municipality_id, "", str(line.label), line.scheme.name, str(line.state_label), None, line.paid,
            line.committed, line.recruitment, line.eligible, line.grant, line.net, None]


def cost_xlsx(table: CostTable) -> bytes:
    rows = []
    for row in table.rows:
        rows.append(_row_cells(row, name=row.name))
        rows.extend(_line_cells(line) for line in row.lines)
    rows += [_row_cells(table.total, name=_("合計")), [],
             [_("単位：円。支払済みは確認済みの月の支払額、年度末までの支出見込みは承諾待ちと稼働中の任用・委託の報酬と"
                "費用弁償（終了したものは支払済みの額）です。")],
             [_("交付税見込みは各任用・委託の財源の措置率と上限によります。要件（日数・回数）に未達のものは、訪問計画"
                "（計画がなければ現地勤務の日数）で達する見込みなら見込みに含め、達しなければ0円です。")],
             [_("実質負担＝年度末までの支出見込み＋募集経費−交付税見込み。")]]
    rows += [[_("%(name)s：措置率 %(rate)s、上限 %(cap)s") % {
        "name": scheme.name, "rate": f"{scheme.rate.normalize():f}",
        "cap": f"{scheme.cap_yen:,}円" if scheme.cap_yen else "—"}] for scheme in table.schemes]
    return xlsx_bytes(title=fiscal_year_label(table.fiscal_year), header=cost_header(), rows=rows)


# ---- the claim pack ------------------------------------------------------------------------------------------

def claim_header() -> list[str]:
    return [_("専門人材"), _("任用形態"), _("役割"), _("期間"), _("確認済み日数"), _("訪問回数"), _("報酬支払額（円）"),
            _("費用弁償（円）"), _("募集経費（円）"), _("対象経費（円）"), _("措置率"), _("上限適用（円）"),
            _("交付税見込み（円）"), _("備考")]


def _claim_note(line: CostLine) -> str:
    if line.state == RECRUITMENT:
        return line.what
    parts = [str(reason) for reason in line.reasons]
    if line.tracker:
        parts.append(line.tracker)
    parts.extend(str(note) for note in line.notes)
    return " ".join(parts)


def _claim_cells(line: CostLine) -> list:
    e = line.engagement
    if e is None:
        who = [_("募集経費"), "", "", ""]
    else:
        who = [e.expert.name, str(EmploymentForm(e.employment_form).label), str(Role(e.need.role).label),
               f"{era_date(e.starts_on)}〜{era_date(e.ends_on)}"]
    return [*who, line.days, line.visits, line.paid_fee, line.paid_travel, line.recruitment,
            line.claim.eligible_amount, float(line.scheme.rate), line.claim.cap, line.claim.grant, _claim_note(line)]


def claim_preamble(pack: ClaimPack) -> list[list]:
    scheme = pack.scheme
    return [[_("年度末の交付税算定資料")],
            [_("市区町村"), f"{pack.municipality.name}（{pack.municipality.code}）"],
            [_("財源"), scheme.name],
            [_("根拠"), scheme.basis or "—"],
            [_("年度"), fiscal_year_label(pack.fiscal_year)],
            [_("作成日時"), wareki_datetime(pack.made_at)],
            [_("確認済みの月の支払額のみを計上しています。単位：円。")],
            []]


def claim_rows(pack: ClaimPack) -> list[list]:
    total = [_("合計"), "", "", "", pack.days, pack.visits, pack.fee, pack.travel, pack.recruitment, pack.eligible,
             None, None, pack.grant, ""]
    return [*(_claim_cells(line) for line in pack.lines), total]


def claim_file(pack: ClaimPack, *, file: str) -> tuple[bytes, str, str]:
    """(content, content type, file name) of the pack in the format asked ("xlsx" or "csv")."""
    name = f"claim-{pack.municipality.code}-{pack.scheme.kind}-{pack.scheme.pk}-{pack.fiscal_year}.{file}"
    if file == "xlsx":
        content = xlsx_bytes(title=fiscal_year_label(pack.fiscal_year), header=claim_header(), rows=claim_rows(pack),
                             preamble=claim_preamble(pack))
        return content, XLSX, name
    content = csv_bytes(header=claim_header(), rows=claim_rows(pack), preamble=claim_preamble(pack))
    return content, "text/csv; charset=utf-8", name
