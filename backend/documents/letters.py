"""The letters of an engagement, as A4 PDF in Japanese, made from kenmu's records only: the 委嘱状 or 任用通知書
draft by employment form, the confidentiality pledge as signed, the essentials of a 業務委託契約書, and the
bid-restriction notice to the municipality's procurement department (per engagement, or per municipality and
fiscal year).

These are Japanese administrative papers: their wording is Japanese whatever the reader's page language
(`in_japanese`), and what kenmu does not know (the head's name, the document number, the date of issue) is left
as a blank to fill in by hand. A draft says 「案」 in its title. Nothing here writes.
"""

import datetime as dt
from collections.abc import Callable
from functools import wraps

from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from backend.core.choices import AffiliationRelation, EmploymentForm, ProcurementCategory, Role, Weekday
from backend.core.errors import ConflictError
from backend.core.fiscal import era_date, fiscal_year_end, fiscal_year_label, months_served, wareki_datetime
from backend.documents.errors import ErrorCode
from backend.documents.pdf import RIGHT, SMALL, fields, gap, grid, heading, para, render, title
from backend.documents.selectors import NOTIFIED_FORMS, SERVING, exceptions_of_year, restrictions_of_year
from backend.engagements.models import CoiOverride, Engagement, ExceptionState
from backend.engagements.pledge import PLEDGE_VERSION, pledge_text
from backend.geo.models import Municipality
from backend.needs.models import FeeBasis
from backend.payments.amounts import fee_as_offered, travel_per_day, unit_rate
from backend.payments.selectors import contract_of

# Spaces to write in by hand: no-break spaces, which a paragraph keeps (it folds runs of other spaces into one).
BLANK = "\u00a0" * 24
UNDATED = "令和\u00a0\u00a0\u00a0\u00a0年\u00a0\u00a0\u00a0\u00a0月\u00a0\u00a0\u00a0\u00a0日"
# The rule the register follows, as the notice states it (the exchange format's bid_restriction flag).
RESTRICTION_RULE = ("政府CIO補佐官等の募集要項に倣い、専門人材が任用・委託されている期間中、その専門人材が在籍し、"
                    "又は兼業する事業者は、任用・委託先の団体が発注する次の4区分の契約の入札に参加できない。")


def in_japanese(build: Callable[..., bytes]) -> Callable[..., bytes]:
    """Make the document in Japanese (its labels come from the catalogue), whatever the reader's language."""
    @wraps(build)
    def wrapped(*args, **kwargs):
        with translation.override("ja"):
            return build(*args, **kwargs)

    return wrapped


# -- words -----------------------------------------------------------------------------------------------

def yen(amount: int | None) -> str:
    return "—" if amount is None else f"{amount:,}円"


def head_of(municipality: Municipality) -> str:
    """The title of the municipality's head: 長野市長, 小布施町長, 千代田区長."""
    return f"{municipality.name}長"


def full_name(municipality: Municipality) -> str:
    return f"{municipality.prefecture.name}{municipality.name}"


def term(starts_on: dt.date, ends_on: dt.date) -> str:
    return f"{era_date(starts_on)}から{era_date(ends_on)}まで"


def categories() -> list[str]:
    return [str(label) for _value, label in ProcurementCategory.choices]


def categories_numbered() -> str:
    """The four categories, one a line: 「（1）ITシステム化計画の策定支援」…"""
    return "\n".join(f"（{i}）{label}" for i, label in enumerate(categories(), start=1))


def weekdays_text(engagement: Engagement) -> str:
    labels = dict(Weekday.choices)
    days = "・".join(str(labels[w]) for w in engagement.weekdays) if engagement.weekdays else "定めなし"
    onsite = f"（うち現地勤務 年{engagement.need.onsite_days}日）" if engagement.need.onsite_days else ""
    return f"{days}曜日　年間{engagement.days_per_year}日{onsite}"


def fee_basis_text(engagement: Engagement) -> str:
    """How the fee is stated (報酬の定め方): the need's basis and unit amount, or the derived one when the contract's
    fee differs from what the municipality offered (as the payments are computed)."""
    need, contract = engagement.need, contract_of(engagement)
    tax = "（税込）" if need.fee_includes_tax else "（税別）"
    basis = contract.paid_as
    if basis == FeeBasis.ANNUAL:
        return f"年額 {yen(engagement.fee)}" + (tax if need.fee_basis else "")
    if basis == FeeBasis.MONTHLY:
        months = months_served(engagement.starts_on, min(engagement.ends_on, fiscal_year_end(engagement.fiscal_year)))
        amount = need.fee_amount if fee_as_offered(contract) else round(engagement.fee / max(months, 1))
        return f"月額 {yen(amount)}{tax}（月の途中の任用・終了は日割）"
    rate, derived = unit_rate(contract)
    note = "（契約の報酬額から算出）" if derived else ""
    if basis == FeeBasis.DAILY:
        return f"日額 {yen(rate)}{tax}{note} × 確認された勤務日数"
    return f"時間額 {yen(rate)}{tax}{note} × 確認された勤務時間（1日{need.fee_hours_per_day:g}時間）"


def fee_text(engagement: Engagement) -> str:
    return f"{yen(engagement.fee)}（{fiscal_year_label(engagement.fiscal_year)}の任期分の総額）"


def travel_text(engagement: Engagement) -> str:
    if engagement.travel_uncounted:
        return "現地勤務1日につき往復の旅費相当額（未算定）"
    if not engagement.travel_cost:
        return "なし"
    return (f"現地勤務1日につき {yen(travel_per_day(contract_of(engagement)))}"
            f"（年額見込み {yen(engagement.travel_cost)}）")


def role_of(engagement: Engagement) -> str:
    return str(Role(engagement.need.role).label)


def post_of(engagement: Engagement) -> str:
    """The role and, when the need has one, its title: 「CIO補佐官（情報セキュリティ強化）」."""
    title_ = engagement.need.title
    return f"{role_of(engagement)}（{title_}）" if title_ and title_ != role_of(engagement) else role_of(engagement)


def form_of(engagement: Engagement) -> str:
    return str(EmploymentForm(engagement.employment_form).label)


def restricted_vendors(engagement: Engagement) -> list[str]:
    """The vendors the engagement restricts: the register's rows once active, the expert's current vendors before."""
    rows = list(engagement.bid_restrictions.select_related("vendor").order_by("vendor__name"))
    if rows:
        return [vendor_named(r.vendor) for r in rows]
    return [vendor_named(a.vendor) for a in engagement.expert.affiliations.select_related("vendor").order_by(
        "vendor__name") if a.is_current]


def vendor_named(vendor) -> str:
    return f"{vendor.name}（法人番号 {vendor.corporate_number or '未登録'}）"


def restriction_condition(engagement: Engagement) -> str:
    vendors = restricted_vendors(engagement)
    who = "、".join(vendors) if vendors else "（現在、在籍・兼業する事業者はありません）"
    return (f"在任中（{term(engagement.starts_on, engagement.ends_on)}）、あなたが在籍し、又は兼業する事業者は、"
            f"{engagement.municipality.name}が発注する次の4区分の契約の入札に参加できません。\n"
            f"{categories_numbered()}\n対象となる事業者：{who}")


def exception_text(override: CoiOverride | None) -> str:
    if override is None:
        return "なし"
    state = str(ExceptionState(override.state).label)
    return (f"{override.expert.name}（{fiscal_year_label(override.fiscal_year)}、"
            f"{era_date(timezone.localtime(override.created_at).date())}記録、{state}）　理由：{override.reason}")


def _refuse_unserved(engagement: Engagement) -> None:
    if engagement.status not in SERVING:
        raise ConflictError.single("status", ErrorCode.NEVER_SERVED,
                                   _("辞退された任用・委託、開始前に取り消された任用・委託の書類は作成できません。"))


def _engagement_rows(engagement: Engagement) -> list[tuple[str, str]]:
    return [
        ("氏名", engagement.expert.name),
        ("任用・委託先", full_name(engagement.municipality)),
        ("職・役割", post_of(engagement)),
        ("任用形態", form_of(engagement)),
        ("任期", term(engagement.starts_on, engagement.ends_on)),
        ("勤務日", weekdays_text(engagement)),
        ("報酬", fee_text(engagement)),
        ("報酬の定め方", fee_basis_text(engagement)),
        ("費用弁償", travel_text(engagement)),
    ]


# -- 1. 委嘱状・任用通知書（案） ------------------------------------------------------------------------------

@in_japanese
def appointment_pdf(engagement: Engagement) -> bytes:
    """The draft letter of appointment: 委嘱状 for 委嘱 and 特別職非常勤職員, 任用通知書 for 任期付短時間職員 and
    会計年度任用職員 (業務委託 has the contract instead)."""
    _refuse_unserved(engagement)
    notified = engagement.employment_form in NOTIFIED_FORMS
    name = "任用通知書（案）" if notified else "委嘱状（案）"
    municipality = engagement.municipality
    opening = (f"{municipality.name}{form_of(engagement)}（{role_of(engagement)}）に任用します。" if notified else
               f"{municipality.name}の{role_of(engagement)}を委嘱します。")
    flowables = [
        para("案", RIGHT), title(name),
        para(f"{engagement.expert.name}　様"), gap(),
        para(opening), para("任用の条件は次のとおりとします。" if notified else "委嘱の条件は次のとおりとします。"), gap(2),
        fields(_engagement_rows(engagement)), gap(2),
        fields([
            ("入札参加の制限", restriction_condition(engagement)),
            ("秘密の保持", "業務上知り得た情報を在任中も退任後も第三者に漏らしてはなりません"
                          f"（情報漏洩防止に関する誓約書 版 {engagement.pledge_version or PLEDGE_VERSION}）。"),
            ("利益相反の例外", exception_text(engagement.coi_override)),
        ]),
        gap(8), para(UNDATED, RIGHT), gap(2),
        para(f"{head_of(municipality)}　{BLANK}　印", RIGHT), gap(6),
        para("この案は kenmu の任用・委託の記録から作成しました。首長の氏名・日付は記入してください。", SMALL),
    ]
    return render(flowables, name=name)


# -- 2. 情報漏洩防止に関する誓約書（署名済み） -----------------------------------------------------------------

@in_japanese
def pledge_pdf(engagement: Engagement) -> bytes:
    """The pledge as the expert signed it: the text, its version, the municipality, the date signed."""
    if not engagement.pledge_signed_at:
        raise ConflictError.single("pledge", ErrorCode.PLEDGE_NOT_SIGNED,
                                   _("この任用・委託の誓約書はまだ署名されていません。署名されると出力できます。"))
    municipality = engagement.municipality
    signed = timezone.localtime(engagement.pledge_signed_at)
    version = engagement.pledge_version or "記録なし"
    lines = pledge_text(municipality=municipality.name)
    flowables = [title("情報漏洩防止に関する誓約書"), para(f"{head_of(municipality)}　様"), gap()]
    flowables += [para(line) for line in lines]
    flowables += [
        gap(6), para(era_date(signed.date()), RIGHT), para(f"誓約者　{engagement.expert.name}", RIGHT), gap(6),
        fields([
            ("誓約先", full_name(municipality)),
            ("任用・委託", f"{post_of(engagement)}・{term(engagement.starts_on, engagement.ends_on)}"),
            ("誓約書の版", version),
            ("署名", f"kenmu 上で本人が署名（{wareki_datetime(signed)}）"),
        ]),
    ]
    if engagement.pledge_version != PLEDGE_VERSION:
        flowables += [gap(2), para(f"署名の記録に版がないか、版が現行と異なるため、現行版（版 {PLEDGE_VERSION}）の文面を"
                                   "示しています。", SMALL)]
    return render(flowables, name="情報漏洩防止に関する誓約書")


# -- 3. 業務委託契約書（要旨） -------------------------------------------------------------------------------

GROUNDS_FOR_ENDING = [
    "乙がこの契約に違反し、相当の期間を定めて催告しても是正しないとき。",
    "乙が秘密保持の義務（第6条）に違反したとき。",
    "乙の所属する事業者が甲の調達の受託者となり、利益相反について例外が認められないとき。",
    "心身の故障その他の理由により、乙が業務を遂行できないと認められるとき。",
    "甲乙協議のうえ、合意したとき（この場合、終了日までに確認された活動に応じて委託料を支払う）。",
]


@in_japanese
def contract_pdf(engagement: Engagement) -> bytes:
    """The essentials of the 業務委託契約書 of an engagement under 業務委託."""
    _refuse_unserved(engagement)
    municipality, need = engagement.municipality, engagement.need
    duties = need.title or role_of(engagement)
    if need.description:
        duties += f"\n{need.description}"
    articles = [
        ("第1条 業務内容", f"{duties}\n（役割：{role_of(engagement)}）"),
        ("第2条 期間", term(engagement.starts_on, engagement.ends_on)),
        ("第3条 勤務日", weekdays_text(engagement) + "\n乙は毎月の活動記録を提出し、甲の確認を受ける。"),
        ("第4条 委託料", f"{fee_text(engagement)}\n{fee_basis_text(engagement)}\n"
                      "甲は、確認した月の活動に応じて、翌月に支払う。"),
        ("第5条 費用弁償", travel_text(engagement)),
        ("第6条 秘密保持", "乙は、業務上知り得た情報を契約期間中も終了後も第三者に漏らし、又は業務以外の目的に利用しては"
                      "ならない。乙は別に情報漏洩防止に関する誓約書を甲に提出する"
                      + (f"（{era_date(timezone.localtime(engagement.pledge_signed_at).date())}署名済み）。"
                         if engagement.pledge_signed_at else "（未署名）。")),
        ("第7条 入札参加の制限", f"{RESTRICTION_RULE}\n{categories_numbered()}\n対象となる事業者："
                           + ("、".join(restricted_vendors(engagement)) or "なし")),
        ("第8条 解除", "\n".join(f"（{i}）{text}" for i, text in enumerate(GROUNDS_FOR_ENDING, start=1))),
    ]
    if engagement.coi_override_id:
        articles.append(("利益相反の例外", exception_text(engagement.coi_override)))
    if engagement.end_reason:
        articles.append(("終了", f"{era_date(engagement.ends_on)}に終了（理由：{engagement.end_reason}）"))
    flowables = [
        para("案", RIGHT), title("業務委託契約書（要旨）"),
        para(f"委託者 {full_name(municipality)}（以下「甲」という。）と受託者 {engagement.expert.name}"
             "（以下「乙」という。）は、次のとおり業務委託契約を締結する。"), gap(3),
        fields(articles, label_width_mm=38), gap(8), para(UNDATED, RIGHT), gap(2),
        para(f"甲　{full_name(municipality)}　代表者 {head_of(municipality)}　{BLANK}　印", RIGHT), gap(2),
        para(f"乙　{engagement.expert.name}　{BLANK}　印", RIGHT), gap(6),
        para("この要旨は kenmu の任用・委託の記録から作成しました。契約書の本文は団体の様式によります。", SMALL),
    ]
    return render(flowables, name="業務委託契約書（要旨）")


# -- 4. 入札参加制限の通知 ---------------------------------------------------------------------------------

def _relation(value: str) -> str:
    return str(AffiliationRelation(value).label)


def _notice(municipality: Municipality, *, subject: str, rows, overrides: list[CoiOverride], name: str) -> bytes:
    header = ["事業者", "法人番号", "専門人材（所属関係）", "制限期間"]
    table = [[r.vendor.name, r.vendor.corporate_number or "未登録", f"{r.expert.name}（{_relation(r.relation)}）",
              f"{era_date(r.starts_on)}〜{era_date(r.ends_on)}"] for r in rows]
    flowables = [
        para(f"文書番号　{BLANK}", RIGHT), para(UNDATED, RIGHT), gap(2),
        para(f"{municipality.name}　契約担当課長　様"), gap(1),
        para(f"{municipality.name}　情報政策担当課長　{BLANK}", RIGHT), gap(4),
        title(name), para(subject), gap(2), heading("1　制限を受ける事業者と期間"),
    ]
    flowables.append(grid(header, table, widths_mm=[52, 34, 44, 40]) if table else
                     para("この期間に記録された入札参加制限はありません。"))
    flowables += [
        heading("2　制限される契約の区分"), para(categories_numbered()),
        heading("3　根拠"), para(RESTRICTION_RULE),
        para("制限は任用・委託が始まったとき（稼働中に所属事業者が加わったときはその日から）に記録され、任用・委託が"
             "終わった後も記録として残ります。", SMALL),
        heading("4　利益相反の例外"),
    ]
    flowables += ([para(exception_text(o)) for o in overrides] if overrides else [para("なし")])
    flowables += [gap(6), para(f"この通知は kenmu の入札参加制限の登録簿から作成しました（{wareki_datetime(timezone.now())}現在）。",
                               SMALL)]
    return render(flowables, name=name)


@in_japanese
def restriction_notice_pdf(engagement: Engagement) -> bytes:
    """The notice of the restrictions one engagement brought, with the exception it was approved with."""
    rows = list(engagement.bid_restrictions.filter(starts_on__lte=F("ends_on")).select_related(
        "vendor", "expert").order_by("vendor__name", "starts_on", "id"))
    subject = (f"{engagement.expert.name}の{engagement.municipality.name}{role_of(engagement)}としての任用・委託"
               f"（{term(engagement.starts_on, engagement.ends_on)}）に伴い、下記の事業者は、下記の期間、"
               f"{engagement.municipality.name}が発注する下記の区分の契約の入札に参加できませんので通知します。")
    overrides = [engagement.coi_override] if engagement.coi_override_id else []
    return _notice(engagement.municipality, subject=subject, rows=rows, overrides=overrides, name="入札参加制限の通知")


@in_japanese
def restriction_notice_year_pdf(municipality: Municipality, fiscal_year: int) -> bytes:
    """The notice of every restriction of a municipality in force at some time of a fiscal year."""
    rows = restrictions_of_year(municipality=municipality, fiscal_year=fiscal_year)
    subject = (f"{fiscal_year_label(fiscal_year)}に{municipality.name}で任用・委託されている専門人材に伴い、下記の事業者は、"
               f"下記の期間、{municipality.name}が発注する下記の区分の契約の入札に参加できませんので通知します。")
    return _notice(municipality, subject=subject, rows=rows,
                   overrides=exceptions_of_year(municipality=municipality, fiscal_year=fiscal_year),
                   name=f"入札参加制限の通知（{fiscal_year_label(fiscal_year)}）")
