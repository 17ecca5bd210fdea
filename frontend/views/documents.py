"""The documents clerks file, as A4 PDF (issue 24 item 5): an engagement's letters and pledge, its activity
reports, and the bid-restriction notice of a municipality and fiscal year; and the 「書類」 section of the
engagement page that links to those the viewer may open.

Out of the user's scope: 404; in scope but not for this role (an expert asking for the municipality's papers):
403; a document that cannot be made yet (an unsigned pledge, a month not confirmed): 409 with the reason.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from backend.core.errors import DomainError
from backend.core.fiscal import current_fiscal_year, fiscal_year_label, fiscal_years_covered
from backend.documents import letters, reports
from backend.documents.pdf import pdf_response
from backend.documents.selectors import (
    APPOINTMENT,
    CONTRACT,
    KINDS,
    NOTIFIED_FORMS,
    PLEDGE,
    RESTRICTIONS,
    document_engagements,
    documents_for,
    kind_applies,
    may_open,
    notice_municipality,
)
from backend.engagements.models import Engagement
from backend.geo.models import Municipality
from backend.worklog.models import WorkMonth, WorkMonthStatus
from backend.worklog.selectors import month_named
from frontend.views.access import COORDINATOR, EXPERT, MUNICIPAL, STAFF, role_required

ALL_ROLES = (*COORDINATOR, *MUNICIPAL, *EXPERT)
BUILDERS = {APPOINTMENT: letters.appointment_pdf, CONTRACT: letters.contract_pdf, PLEDGE: letters.pledge_pdf,
            RESTRICTIONS: letters.restriction_notice_pdf}
YEARS = range(2000, 2101)


def document_name(engagement: Engagement, kind: str) -> str:
    """The document's name on the page and in its file name."""
    if kind == APPOINTMENT:
        return _("任用通知書（案）") if engagement.employment_form in NOTIFIED_FORMS else _("委嘱状（案）")
    return {CONTRACT: _("業務委託契約書（要旨）"), PLEDGE: _("誓約書（署名済み）"),
            RESTRICTIONS: _("入札参加制限の通知")}[kind]


def _engagement(request, pk: int, kind: str) -> Engagement:
    engagement = get_object_or_404(document_engagements(user=request.user), pk=pk)
    if not may_open(request.user, engagement, kind):
        raise PermissionDenied
    return engagement


def _pdf(request, engagement: Engagement | None, make, *, filename: str):
    """The PDF, or the page saying why it cannot be made yet (409)."""
    try:
        content = make()
    except DomainError as exc:
        return render(request, "frontend/documents/unavailable.html", {
            "reasons": [str(p.message) for p in exc.problems], "e": engagement}, status=exc.status_code)
    return pdf_response(content, filename=filename)


def _file(engagement: Engagement, name: str) -> str:
    return f"{name}_{engagement.municipality.name}_{engagement.expert.name}.pdf"


@role_required(*ALL_ROLES)
@require_safe
def engagement_document(request, pk: int, kind: str):
    """The 委嘱状・任用通知書 draft, the 業務委託契約書 essentials, the pledge as signed or the restriction notice."""
    if kind not in KINDS:
        raise Http404
    engagement = _engagement(request, pk, kind)
    if not kind_applies(engagement, kind):
        raise Http404
    return _pdf(request, engagement, lambda: BUILDERS[kind](engagement),
                filename=_file(engagement, document_name(engagement, kind)))


@role_required(*ALL_ROLES)
@require_safe
def engagement_report_month(request, pk: int, year: int, month: int):
    """The activity report of a confirmed month (a month not confirmed yet: 409)."""
    engagement = _engagement(request, pk, "report")
    if not (1 <= month <= 12 and year in YEARS):
        raise Http404
    work_month = get_object_or_404(WorkMonth.objects.select_related("confirmed_by"), engagement=engagement,
                                   year=year, month=month)
    work_month.engagement = engagement
    return _pdf(request, engagement, lambda: reports.monthly_report_pdf(work_month),
                filename=_file(engagement, _("活動報告書_%(year)s年%(month)s月") % {"year": year, "month": month}))


@role_required(*ALL_ROLES)
@require_safe
def engagement_report_year(request, pk: int, fiscal_year: int):
    """The activity report of a fiscal year the engagement's term covers."""
    engagement = _engagement(request, pk, "report")
    if fiscal_year not in fiscal_years_covered(engagement.starts_on, engagement.ends_on):
        raise Http404
    return _pdf(request, engagement, lambda: reports.yearly_report_pdf(engagement, fiscal_year),
                filename=_file(engagement, _("活動報告書_%(fy)s") % {"fy": fiscal_year_label(fiscal_year)}))


@role_required(*STAFF)
@require_safe
def restriction_notice(request, code: str, fiscal_year: int):
    """The notice of every bid restriction of a municipality in force at some time of a fiscal year."""
    if fiscal_year not in YEARS:
        raise Http404
    try:
        municipality = notice_municipality(user=request.user, code=code)
    except Municipality.DoesNotExist:
        raise Http404 from None
    return _pdf(request, None, lambda: letters.restriction_notice_year_pdf(municipality, fiscal_year),
                filename=f"{_('入札参加制限の通知')}_{municipality.name}_{fiscal_year_label(fiscal_year)}.pdf")


@role_required(*STAFF)
@require_safe
def restriction_notice_pick(request):
    """The register page's form: the notice of the municipality and fiscal year chosen."""
    code, year = request.GET.get("municipality", ""), request.GET.get("fiscal_year", "")
    try:
        municipality = notice_municipality(user=request.user, code=code)
        fiscal_year = int(year)
    except (Municipality.DoesNotExist, ValueError):
        messages.error(request, _("通知を作成する市区町村と年度を選んでください。"))
        return redirect("frontend:restrictions")
    if fiscal_year not in YEARS:
        messages.error(request, _("通知を作成する市区町村と年度を選んでください。"))
        return redirect("frontend:restrictions")
    return redirect("frontend:restriction-notice", code=municipality.code, fiscal_year=fiscal_year)


def notice_choices(user) -> dict:
    """The register page's notice form: the municipalities the user may ask for, and the fiscal years."""
    if user.role in MUNICIPAL:
        municipalities = Municipality.objects.filter(pk=user.municipality_id)
    elif user.role in COORDINATOR:
        municipalities = Municipality.objects.filter(prefecture_id=user.prefecture_id)
    else:  # an administrator reads the register of every prefecture; the notice is asked from an engagement
        municipalities = Municipality.objects.none()
    now = current_fiscal_year()
    return {"notice_municipalities": municipalities.only("code", "name").order_by("code"),
            "notice_years": range(now + 1, now - 4, -1), "notice_year": now}


def documents_context(user, engagement: Engagement) -> dict:
    """The engagement page's 「書類」 section: the documents the user may open, the yearly reports of the fiscal
    years the term covers and the monthly reports of its confirmed months (each a link)."""
    kinds = documents_for(user, engagement)
    links = [(document_name(engagement, kind), reverse("frontend:engagement-document", args=[engagement.pk, kind]))
             for kind in kinds]
    reports_ = []
    if engagement.status in ("active", "ended") and may_open(user, engagement, "report"):
        reports_ = [(_("活動報告書（%(fy)s）") % {"fy": fiscal_year_label(year)},
                     reverse("frontend:engagement-report-year", args=[engagement.pk, year]))
                    for year in fiscal_years_covered(engagement.starts_on, engagement.ends_on)]
    months = [] if not reports_ else list(WorkMonth.objects.filter(
        engagement=engagement, status=WorkMonthStatus.CONFIRMED).order_by("year", "month").values_list("year", "month"))
    notice = None
    if RESTRICTIONS in kinds:
        notice = reverse("frontend:restriction-notice", args=[engagement.municipality_id, engagement.fiscal_year])
    return {"documents": links, "document_reports": reports_, "notice_all": notice,
            "report_months": [(month_named(year, month), reverse("frontend:engagement-report-month",
                                                                 args=[engagement.pk, year, month]))
                              for year, month in months]}
