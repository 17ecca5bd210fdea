"""The documents clerks file, as A4 PDF (issue 24 item 5): an engagement's letters and pledge, its activity
reports, and the bid-restriction notice of a municipality and fiscal year; and the 「書類」 section of the
engagement page that links to those the viewer may open (backend/documents/files.py decides who may open what).

Out of the user's scope: 404; in scope but not for this role (an expert asking for the municipality's papers):
403; a document that cannot be made yet (an unsigned pledge, a month not confirmed): 409 with the reason.
"""

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from backend.core.errors import DomainError, ForbiddenError
from backend.core.fiscal import current_fiscal_year, fiscal_year_label, fiscal_years_covered
from backend.documents import files
from backend.documents.pdf import pdf_response
from backend.documents.selectors import REPORT, RESTRICTIONS, documents_for, may_open, notice_municipality
from backend.engagements.models import Engagement
from backend.geo.models import Municipality
from backend.worklog.models import WorkMonth, WorkMonthStatus
from backend.worklog.selectors import month_named
from frontend.views.access import COORDINATOR, EXPERT, MUNICIPAL, STAFF, role_required

ALL_ROLES = (*COORDINATOR, *MUNICIPAL, *EXPERT)


def _pdf(request, make, *, pk: int | None = None):
    """The PDF, or why not: 404 out of scope, 403 for the role, 409 (a page saying why) when it cannot be made yet."""
    try:
        document = make()
    except ObjectDoesNotExist:
        raise Http404 from None
    except ForbiddenError:
        raise PermissionDenied from None
    except DomainError as exc:
        return render(request, "frontend/documents/unavailable.html", {
            "reasons": [str(p.message) for p in exc.problems], "engagement_pk": pk}, status=exc.status_code)
    return pdf_response(document.content, filename=document.filename)


@role_required(*ALL_ROLES)
@require_safe
def engagement_document(request, pk: int, kind: str):
    """The 委嘱状・任用通知書 draft, the 業務委託契約書 essentials, the pledge as signed or the restriction notice."""
    return _pdf(request, lambda: files.engagement_document(user=request.user, pk=pk, kind=kind), pk=pk)


@role_required(*ALL_ROLES)
@require_safe
def engagement_report_month(request, pk: int, year: int, month: int):
    """The activity report of a confirmed month (a month not confirmed yet: 409)."""
    return _pdf(request, lambda: files.engagement_report_month(user=request.user, pk=pk, year=year, month=month),
                pk=pk)


@role_required(*ALL_ROLES)
@require_safe
def engagement_report_year(request, pk: int, fiscal_year: int):
    """The activity report of a fiscal year the engagement's term covers."""
    return _pdf(request, lambda: files.engagement_report_year(user=request.user, pk=pk, fiscal_year=fiscal_year),
                pk=pk)


@role_required(*STAFF)
@require_safe
def restriction_notice(request, code: str, fiscal_year: int):
    """The notice of every bid restriction of a municipality in force at some time of a fiscal year."""
    return _pdf(request, lambda: files.restriction_notice(user=request.user, code=code, fiscal_year=fiscal_year))


@role_required(*STAFF)
@require_safe
def restriction_notice_pick(request):
    """The register page's form: the notice of the municipality and fiscal year chosen."""
    code, year = request.GET.get("municipality", ""), request.GET.get("fiscal_year", "")
    try:
        municipality = notice_municipality(user=request.user, code=code)
        fiscal_year = int(year)
    except (Municipality.DoesNotExist, ValueError):
        fiscal_year = None
    if fiscal_year not in files.YEARS:
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
    links = [(files.document_name(engagement, kind),
              reverse("frontend:engagement-document", args=[engagement.pk, kind])) for kind in kinds]
    yearly, months = [], []
    if engagement.status in ("active", "ended") and may_open(user, engagement, REPORT):
        yearly = [(_("活動報告書（%(fy)s）") % {"fy": fiscal_year_label(year)},
                   reverse("frontend:engagement-report-year", args=[engagement.pk, year]))
                  for year in fiscal_years_covered(engagement.starts_on, engagement.ends_on)]
        months = [(month_named(year, month), reverse("frontend:engagement-report-month", args=[engagement.pk, year,
                                                                                               month]))
                  for year, month in WorkMonth.objects.filter(engagement=engagement, status=WorkMonthStatus.CONFIRMED)
                  .order_by("year", "month").values_list("year", "month")]
    notice = reverse("frontend:restriction-notice", args=[engagement.municipality_id, engagement.fiscal_year]) \
        if RESTRICTIONS in kinds else None
    return {"documents": links, "document_reports": yearly, "notice_all": notice, "report_months": months}
