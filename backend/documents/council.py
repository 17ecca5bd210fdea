"""The council pack (議会答弁資料, issue 24 item 6): the ten questions a council asks about an external adviser,
answered for one engagement from kenmu's records, each answer naming the records it comes from (出典).

`council_pack` reads (a bounded number of queries, whatever the engagement holds) and returns plain values;
`council_pdf` lays them out on one A4 page. Nothing here writes, and nothing here says more than the records do:
where kenmu holds no reason, the pack says so rather than supply one. The expert's e-mail and phone never appear.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy, pgettext
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepInFrame, Table, TableStyle

from backend.accounts.models import UserRole
from backend.accounts.permissions import coordinates, is_staff_of
from backend.core.audit import AuditAction
from backend.core.choices import EmploymentForm, ProcurementCategory, Role, Weekday
from backend.core.errors import ForbiddenError
from backend.core.fiscal import (
    current_fiscal_year,
    date_named,
    era_month,
    fiscal_year_named,
    fiscal_year_of,
    fiscal_years_covered,
)
from backend.core.models import AuditLog
from backend.documents import pdf
from backend.documents.errors import ErrorCode
from backend.engagements.models import Engagement, EngagementStatus, ExceptionState, ReplacementStatus
from backend.engagements.terms import MULTI_YEAR_FORMS
from backend.goals.models import Evaluation, EvaluationSide, Goal
from backend.needs.models import FeeBasis, Need
from backend.payments.amounts import day_counts
from backend.visits.models import PlannedVisit, VisitStatus
from backend.worklog.models import WorkDay, WorkMonth, WorkMonthStatus

# The legal basis of each employment form (問2), as the council pack states it.
LEGAL_BASIS = {
    EmploymentForm.SPECIAL_PART_TIME: gettext_lazy("地方公務員法第3条第3項第3号（特別職の非常勤職員）"),
    EmploymentForm.FIXED_TERM_SHORT: gettext_lazy("地方公共団体の一般職の任期付職員の採用に関する法律（任期付短時間勤務職員）"),
    EmploymentForm.FISCAL_YEAR: gettext_lazy("地方公務員法第22条の2（会計年度任用職員）"),
    EmploymentForm.CONTRACT: gettext_lazy("民法の準委任（業務委託契約）"),
    EmploymentForm.COMMISSION: gettext_lazy("委嘱"),
}

# The roles that advise (問4): kenmu records them as advisers of the municipality's CIO or CISO.
ADVISER_ROLES = (Role.CIO_ADVISER, Role.CISO_ADVISER)

QUESTIONS = (
    ("background", gettext_lazy("経歴")),
    ("legal_basis", gettext_lazy("法的根拠と任用形態")),
    ("duties", gettext_lazy("職務内容")),
    ("position", gettext_lazy("組織上の位置づけ")),
    ("selection", gettext_lazy("選考・任期・更新")),
    ("evaluation", gettext_lazy("評価")),
    ("fairness", gettext_lazy("公正性と入札参加制限")),
    ("ending", gettext_lazy("終了事由")),
    ("work_days", gettext_lazy("勤務日数")),
    ("fee", gettext_lazy("報酬と月額（日額）とする理由")),
)


@dataclass(frozen=True)
class Answer:
    number: int
    key: str
    question: str
    text: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class CouncilPack:
    engagement_id: int
    expert_name: str
    municipality_name: str
    prefecture_name: str
    fiscal_year: int
    fiscal_year_label: str
    status_label: str
    answers: tuple[Answer, ...]


def council_engagement(*, user, pk: int) -> Engagement:
    """The engagement whose council pack `user` asks for: the municipality's staff and its prefecture's
    coordinator; an expert is refused (403, as the payment sheets are), another place's engagement is a 404."""
    if user.role == UserRole.EXPERT:
        raise ForbiddenError.single("engagement", ErrorCode.NOT_YOURS,
                                    gettext_lazy("議会答弁資料は市区町村と都道府県の担当者だけが作成できます。"))
    engagement = Engagement.objects.select_related("municipality").filter(pk=pk).first()
    if engagement is None or not (coordinates(user, engagement.municipality.prefecture_id)
                                  or is_staff_of(user, engagement.municipality_id)):
        raise Http404
    return engagement


def pack_year(engagement: Engagement, *, today: dt.date | None = None) -> int:
    """The fiscal year the pack reports on: this one while the term covers it, else the engagement's own."""
    this_year = current_fiscal_year() if today is None else fiscal_year_of(today)
    return this_year if this_year in fiscal_years_covered(engagement.starts_on, engagement.ends_on) \
        else engagement.fiscal_year


def council_pack(engagement: Engagement, *, today: dt.date | None = None) -> CouncilPack:
    """The ten answers for `engagement` (the caller has checked the reader may see it)."""
    e = Engagement.objects.select_related(
        "expert__registering_prefecture", "municipality__prefecture", "need__renewed_from", "proposal__run__started_by",
        "coi_override__created_by", "approved_by", "replaces__expert").get(pk=engagement.pk)
    year = pack_year(e, today=today)
    answers = [
        _background(e), _legal_basis(e), _duties(e), _position(e), _selection(e), _evaluation(e, year),
        _fairness(e), _ending(e), _work_days(e, year), _fee(e),
    ]
    return CouncilPack(
        engagement_id=e.pk, expert_name=e.expert.name, municipality_name=e.municipality.name,
        prefecture_name=e.municipality.prefecture.name, fiscal_year=year, fiscal_year_label=str(fiscal_year_named(year)),
        status_label=str(EngagementStatus(e.status).label),
        answers=tuple(Answer(number=i, key=QUESTIONS[i - 1][0], question=str(QUESTIONS[i - 1][1]), text=text,
                             sources=tuple(str(s) for s in sources))
                      for i, (text, sources) in enumerate(answers, start=1)))


# --- the words every answer uses ---------------------------------------------------------------------------------

def _english() -> bool:
    return (get_language() or "ja").startswith("en")


def _day(value) -> str:
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date()
    return str(date_named(value))


def _yen(amount: int) -> str:
    return _("%(amount)s円") % {"amount": f"{amount:,}"}


def _who(user) -> str:
    if user is None:
        return _("（記録なし）")
    return user.get_full_name() or user.username


def _join(values) -> str:
    return pgettext("list separator", "、").join(str(v) for v in values)


def _label(choices, value) -> str:
    return str(dict(choices).get(value, value))


def _need_source(need: Need) -> str:
    return _("ニーズ「%(title)s」（%(day)s登録）") % {"title": need.title or _label(Role.choices, need.role),
                                                  "day": _day(need.created_at)}


# --- the ten answers ------------------------------------------------------------------------------------------------

def _background(e: Engagement):
    expert = e.expert
    skills = [_("%(skill)s（レベル%(level)s）") % {"skill": s.get_skill_display(), "level": s.level}
              for s in expert.skills.order_by("-level", "skill")]
    affiliations = [
        _("%(vendor)s（%(relation)s%(until)s）") % {
            "vendor": a.vendor.name, "relation": a.get_relation_display(),
            "until": _("・%(day)sまで") % {"day": _day(a.ended_on)} if a.ended_on else ""}
        for a in expert.affiliations.select_related("vendor").order_by("vendor__name", "id")]
    text = _("%(name)s。スキル：%(skills)s。所属事業者：%(vendors)s。") % {
        "name": expert.name, "skills": _join(skills) or _("登録なし"), "vendors": _join(affiliations) or _("なし")}
    return text, [_("専門人材の登録内容（%(prefecture)sの人材登録：スキルと所属事業者）") % {
        "prefecture": expert.registering_prefecture.name}]


def _legal_basis(e: Engagement):
    text = _("任用形態は%(form)sです。根拠：%(basis)s。") % {
        "form": e.get_employment_form_display(), "basis": LEGAL_BASIS.get(e.employment_form, _("記録なし"))}
    return text, [_("任用・委託の契約条件（任用形態、承認時に確定）")]


def _duties(e: Engagement):
    need = e.need
    role = need.get_role_display()
    title = need.title or role
    text = (_("%(title)s。") % {"title": title}) if role in title else (
        _("%(title)s（%(role)s）。") % {"title": title, "role": role})
    text += need.description.strip() or _("業務内容の記載はありません。")
    return text, [_("%(need)sの件名・業務内容・役割") % {"need": _need_source(need)}]


def _position(e: Engagement):
    text = _("%(municipality)sの%(role)sとして%(form)sで従事します。") % {
        "municipality": e.municipality.name, "role": e.need.get_role_display(), "form": e.get_employment_form_display()}
    if e.need.role in ADVISER_ROLES:
        text += _("助言を行う立場であり、決裁権限はありません。")
    else:
        text += _("権限の範囲はkenmuには記録されていません（辞令・契約書によります）。")
    return text, [_("%(need)sの役割") % {"need": _need_source(e.need)}, _("任用・委託の任用形態")]


def _approval(e: Engagement) -> tuple[str, str]:
    """Who approved the pair and when: the approval's audit row, or the engagement's own record of it."""
    row = None
    if e.proposal_id is not None:
        row = AuditLog.objects.select_related("actor").filter(
            action=AuditAction.PROPOSAL_APPROVE.value, object_type="Proposal", object_id=str(e.proposal_id)
        ).order_by("id").first()
    if row is not None:
        return (_who(row.actor), _day(row.at)), _("監査ログ（提案の承認、%(day)s）") % {"day": _day(row.at)}
    return (_who(e.approved_by), _day(e.created_at)), _("任用・委託の承認者の記録")


def _selection(e: Engagement):
    sources = []
    run = e.proposal.run if e.proposal_id is not None else None
    if run is not None:
        text = _("マッチング実行#%(run)s（%(day)s実行）の提案に基づき選考しました。") % {
            "run": run.pk, "day": _day(run.started_at or run.created_at)}
        sources.append(_("マッチング実行#%(run)s（%(fy)s、%(day)s）") % {
            "run": run.pk, "fy": fiscal_year_named(run.fiscal_year), "day": _day(run.started_at or run.created_at)})
    else:
        text = _("マッチング実行による提案の記録はありません。")
    (approver, approved_on), approval_source = _approval(e)
    text += _("%(who)sが%(day)sに承認。") % {"who": approver, "day": approved_on}
    sources.append(approval_source)
    if e.status == EngagementStatus.CANCELLED:
        text += _("任期は%(start)s開始の予定でしたが、開始前に取り消されました。") % {"start": _day(e.starts_on)}
    else:
        text += _("任期：%(start)s〜%(end)s。") % {"start": _day(e.starts_on), "end": _day(e.ends_on)}
    years = MULTI_YEAR_FORMS.get(e.employment_form)
    text += (_("この任用形態の任期は最長%(n)s年です。") % {"n": years}) if years else _("任期は年度ごとです。")
    if e.replaces_id is not None:
        text += _("%(name)sさんの後任（要員交代）です。") % {"name": e.replaces.expert.name}
    if e.need.renewed_from_id is not None:
        text += _("前年度の任用（%(fy)s）からの継続です。") % {"fy": fiscal_year_named(e.need.renewed_from.fiscal_year)}
        sources.append(_("継続元の任用・委託（%(fy)s）") % {"fy": fiscal_year_named(e.need.renewed_from.fiscal_year)})
    renewal = Need.objects.filter(renewed_from=e).only("fiscal_year", "status").first()
    if renewal is not None:
        text += _("次年度（%(fy)s）の継続ニーズ：%(status)s。") % {
            "fy": fiscal_year_named(renewal.fiscal_year), "status": renewal.get_status_display()}
        sources.append(_("次年度の継続ニーズ"))
    elif e.need.renewed_from_id is None:
        text += _("更新（継続）の記録はありません。")
    return text, sources


def _evaluation(e: Engagement, year: int):
    goals = list(Goal.objects.filter(engagement=e).order_by("position"))
    evaluations = list(Evaluation.objects.filter(engagement=e, fiscal_year=year).prefetch_related(
        "ratings__goal").order_by("at", "id"))
    if not goals and not evaluations:
        return _("評価はまだありません（目標も設定されていません）。"), [_("目標と評価（%(fy)s）：記録なし") % {
            "fy": fiscal_year_named(year)}]
    parts = []
    if goals:
        parts.append(_("目標：%(goals)s。") % {"goals": _join(f"{g.position}. {g.text}" for g in goals)})
    if not evaluations:
        parts.append(_("評価はまだありません。"))
    for ev in evaluations:
        ratings = _join(_("目標%(n)s %(rating)s") % {"n": r.goal.position, "rating": r.get_rating_display()}
                        for r in ev.ratings.all())
        who = _("市区町村") if ev.side == EvaluationSide.MUNICIPALITY else _("自己評価")
        parts.append(_("%(period)s（%(who)s、%(day)s）：総合%(overall)s/5%(ratings)s。") % {
            "period": ev.get_period_display(), "who": who, "day": _day(ev.at), "overall": ev.overall,
            "ratings": (pgettext("list separator", "、") + ratings) if ratings else ""})
    sources = [_("目標（%(n)s件）") % {"n": len(goals)}]
    sources += [_("評価：%(period)s・%(side)s（%(day)s提出）") % {
        "period": ev.get_period_display(), "side": ev.get_side_display(), "day": _day(ev.at)} for ev in evaluations]
    return "".join(parts), sources


def _fairness(e: Engagement):
    rows = list(e.bid_restrictions.select_related("vendor").order_by("vendor__name", "id"))
    categories = _("・").join(str(label) for _value, label in ProcurementCategory.choices)
    if rows:
        listed = _join(_("%(vendor)s（法人番号 %(number)s、%(relation)s、%(start)s〜%(end)s）") % {
            "vendor": r.vendor.name, "number": r.vendor.corporate_number or _("未登録"),
            "relation": r.get_relation_display(), "start": _day(r.starts_on), "end": _day(r.ends_on)} for r in rows)
        text = _("任用期間中、%(vendors)sは%(municipality)sの「%(categories)s」の契約の入札に参加できません。") % {
            "vendors": listed, "municipality": e.municipality.name, "categories": categories}
    elif e.status == EngagementStatus.OFFERED:
        text = _("任用の開始時に、在籍・兼業中の事業者の入札参加制限（「%(categories)s」）を記録します。") % {
            "categories": categories}
    else:
        text = _("この任用による入札参加制限はありません（在籍・兼業中の所属事業者がありません）。")
    sources = [_("入札参加制限の登録簿（%(n)s件）") % {"n": len(rows)}]
    override = e.coi_override
    if override is not None:
        text += _("所属事業者が現在の受託事業者であるため、利益相反の例外のもとで配置しています。理由：%(reason)s（%(who)s、%(day)s記録、%(state)s）。") % {
            "reason": override.reason, "who": _who(override.created_by), "day": _day(override.created_at),
            "state": _label(ExceptionState.choices, override.state)}
        sources.append(_("利益相反の例外（%(day)s記録）") % {"day": _day(override.created_at)})
    else:
        text += _("利益相反の例外による配置ではありません。")
    conflicts = list(e.conflicts.select_related("vendor").order_by("found_at", "id"))
    for c in conflicts:
        text += _("任用後に%(vendor)sとの利益相反が見つかりました（%(day)s、%(state)s）。") % {
            "vendor": c.vendor.name, "day": _day(c.found_at),
            "state": c.get_resolution_display() if c.resolved_at else _("確認待ち")}
    if conflicts:
        sources.append(_("任用後に生じた利益相反（%(n)s件）") % {"n": len(conflicts)})
    return text, sources


def _ending(e: Engagement):
    if e.end_reason:
        side = {"prefecture": _("都道府県"), "municipality": _("市区町村")}.get(e.ended_by_side, e.ended_by_side)
        text = _("%(day)sに任期途中で終了しました（%(side)sによる）。理由：%(reason)s") % {
            "day": _day(e.ends_on), "side": side, "reason": e.end_reason}
        return text, [_("任用・委託の終了の記録（終了日・理由）")]
    if e.status == EngagementStatus.ENDED:
        return _("%(day)sに任期満了などにより終了しました。") % {"day": _day(e.ends_on)}, [_("任用・委託の状況（終了）")]
    if e.status == EngagementStatus.CANCELLED:
        return _("開始前に後任への交代により取り消されました。"), [_("任用・委託の状況（開始前に取消）")]
    if e.status == EngagementStatus.DECLINED:
        return _("申出が辞退されたため、任用は始まっていません。"), [_("任用・委託の状況（辞退）")]
    text = _("任期は%(day)sまでです。任期途中の終了は、都道府県のコーディネーターまたは%(municipality)sの担当者が終了日と理由を記録して行います。%(municipality)sは要員交代を求めることができ、後任が稼働すると本任用は終了します。利益相反の例外が取り消された場合も終了します。") % {
        "day": _day(e.ends_on), "municipality": e.municipality.name}
    sources = [_("任用・委託の契約条件（任期）"), _("kenmuの運用（任期途中の終了・要員交代）")]
    request = e.replacement_requests.filter(status=ReplacementStatus.OPEN).first()
    if request is not None:
        text += _("現在、要員交代の申出があります（%(day)s、理由：%(reason)s）。") % {
            "day": _day(request.created_at), "reason": request.reason}
        sources.append(_("要員交代の申出（%(day)s）") % {"day": _day(request.created_at)})
    return text, sources


def _work_days(e: Engagement, year: int):
    start, end = dt.date(year, 4, 1), dt.date(year + 1, 3, 31)
    plan = PlannedVisit.objects.filter(engagement=e, status=VisitStatus.PLANNED).aggregate(
        dates=Count("id"), onsite=Count("id", filter=Q(onsite=True)))
    months = list(WorkMonth.objects.filter(engagement=e, status=WorkMonthStatus.CONFIRMED).filter(
        Q(year=year, month__gte=4) | Q(year=year + 1, month__lte=3)).order_by("year", "month").values_list(
        "year", "month"))
    days = [d for d in WorkDay.objects.filter(month__engagement=e, month__status=WorkMonthStatus.CONFIRMED,
                                              date__range=(start, end)).values(
        "onsite", "counted", "beyond_contract", "agreed_at")
            if day_counts(counted=d["counted"], beyond_contract=d["beyond_contract"], agreed_at=d["agreed_at"])]
    weekdays = _("・").join(_label(Weekday.choices, w) for w in e.weekdays) or _("指定なし")
    text = _("契約日数は年%(days)s日（曜日：%(weekdays)s）。訪問予定は%(planned)s日（うち現地%(onsite)s日）。%(fy)sの確認済みの勤務日数は%(confirmed)s日（うち現地%(confirmed_onsite)s日、確認済み%(months)sか月分）。") % {
        "days": e.days_per_year, "weekdays": weekdays, "planned": plan["dates"], "onsite": plan["onsite"],
        "fy": fiscal_year_named(year), "confirmed": len(days), "confirmed_onsite": sum(1 for d in days if d["onsite"]),
        "months": len(months)}
    if e.need.onsite_days:
        text += _("ニーズの現地勤務日数は年%(n)s日です。") % {"n": e.need.onsite_days}
    confirmed = _("確認済みの月なし") if not months else _("%(first)s〜%(last)s") % {
        "first": _month(*months[0]), "last": _month(*months[-1])}
    return text, [_("任用・委託の契約条件（日数・曜日）"), _("訪問予定（%(n)s件）") % {"n": plan["dates"]},
                  _("活動記録の月次確認（%(months)s）") % {"months": confirmed}]


def _month(year: int, month: int) -> str:
    return f"{year}-{month:02d}" if _english() else era_month(dt.date(year, month, 1))


def _fee(e: Engagement):
    need = e.need
    text = _("報酬は年額%(fee)s（承認時に確定）。") % {"fee": _yen(e.fee)}
    if e.travel_cost:
        text += _("費用弁償は年%(travel)s。") % {"travel": _yen(e.travel_cost)}
    sources = [_("任用・委託の報酬（承認時に確定）")]
    if need.fee_basis:
        amount = _yen(need.fee_amount)
        if need.fee_basis == FeeBasis.HOURLY:
            amount += _("（1日%(hours)s時間）") % {"hours": f"{need.fee_hours_per_day:g}"}
        text += _("ニーズでの報酬の定め方は%(basis)s%(amount)s%(tax)sです。") % {
            "basis": need.get_fee_basis_display(), "amount": amount,
            "tax": _("（税込）") if need.fee_includes_tax else ""}
        text += _("%(basis)sとする理由：理由は記録されていません。") % {"basis": need.get_fee_basis_display()}
        sources.append(_("%(need)sの報酬の定め方・報酬額") % {"need": _need_source(need)})
    else:
        text += _("ニーズに報酬の定め方は登録されていません。定め方の理由：理由は記録されていません。")
        sources.append(_need_source(need))
    if e.fee_reason:
        text += _("報酬を提案から変更した理由：%(reason)s") % {"reason": e.fee_reason}
        sources.append(_("承認時に記録された報酬の理由"))
    return text, sources


# --- the page ---------------------------------------------------------------------------------------------------------

ANSWER = ParagraphStyle("council-answer", parent=pdf.CELL, fontSize=9.5, leading=13)
SOURCE = ParagraphStyle("council-source", parent=ANSWER, fontSize=7.5, leading=10, textColor=colors.HexColor("#444444"))
QUESTION = ParagraphStyle("council-question", parent=ANSWER, fontName=pdf.GOTHIC, fontSize=9)
HEADER = ParagraphStyle("council-header", parent=pdf.SMALL, fontSize=8.5, leading=11)
# The frame of one A4 page less its padding: what the pack shrinks into when an answer runs long.
FRAME_HEIGHT = pdf.A4[1] - 2 * pdf.MARGIN - 14


def sources_line(answer: Answer) -> str:
    return _("出典：%(sources)s") % {"sources": _("／").join(answer.sources)}


def council_title(pack: CouncilPack) -> str:
    return _("議会答弁資料：%(municipality)s・%(expert)sさん") % {
        "municipality": pack.municipality_name, "expert": pack.expert_name}


def council_pdf(pack: CouncilPack) -> bytes:
    """The pack on one A4 page: a row per question, the answer and its sources under it. An engagement whose
    records run long is shrunk to the page rather than spill onto a second one."""
    header = _("%(prefecture)s　%(fy)s　任用・委託#%(id)s（%(status)s）　kenmuの記録から作成") % {
        "prefecture": pack.prefecture_name, "fy": pack.fiscal_year_label, "id": pack.engagement_id,
        "status": pack.status_label}
    rows = [[pdf.para(f"{a.number}. {a.question}", QUESTION),
             [pdf.para(a.text, ANSWER), pdf.para(sources_line(a), SOURCE)]] for a in pack.answers]
    table = Table(rows, colWidths=[38 * mm, pdf.WIDTH - 38 * mm])
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
        ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f0f0f0")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]))
    content = [pdf.para(council_title(pack), ParagraphStyle("council-title", parent=pdf.TITLE, fontSize=14,
                                                            leading=18, spaceAfter=2 * mm)),
               pdf.para(header, HEADER), pdf.gap(2), table]
    return pdf.render([KeepInFrame(pdf.WIDTH, FRAME_HEIGHT, content, mode="shrink")], name=_("議会答弁資料"))
