"""A document as a user asks for it, page or API: who may open it, and the PDF with its file name.

Each function raises `DoesNotExist` outside the user's scope, or for a document that does not exist or does not
apply to the engagement's form (the caller answers 404); `ForbiddenError` when the user's role may not open it
(403: an expert asking for the municipality's papers or the restriction notice); `ConflictError` when it cannot
be made yet (409: an unsigned pledge, a month not confirmed). Reads only.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backend.accounts.models import UserRole
from backend.core.errors import ForbiddenError
from backend.core.fiscal import fiscal_year_label, fiscal_years_covered
from backend.documents import letters, reports
from backend.documents.errors import ErrorCode
from backend.documents.selectors import (
    APPOINTMENT,
    CONTRACT,
    KINDS,
    NOTIFIED_FORMS,
    PLEDGE,
    REPORT,
    RESTRICTIONS,
    document_engagements,
    kind_applies,
    may_open,
    notice_municipality,
)
from backend.engagements.models import Engagement
from backend.geo.models import Municipality
from backend.worklog.models import WorkMonth

BUILDERS = {APPOINTMENT: letters.appointment_pdf, CONTRACT: letters.contract_pdf, PLEDGE: letters.pledge_pdf,
            RESTRICTIONS: letters.restriction_notice_pdf}
YEARS = range(2000, 2101)


@dataclass(frozen=True)
class DocumentFile:
    content: bytes
    filename: str


def document_name(engagement: Engagement, kind: str) -> str:
    """The document's name on the page and in its file name."""
    if kind == APPOINTMENT:
        return _("任用通知書（案）") if engagement.employment_form in NOTIFIED_FORMS else _("委嘱状（案）")
    return {CONTRACT: _("業務委託契約書（要旨）"), PLEDGE: _("誓約書（署名済み）"),
            RESTRICTIONS: _("入札参加制限の通知")}[kind]


def _file(engagement: Engagement, name: str) -> str:
    return f"{name}_{engagement.municipality.name}_{engagement.expert.name}.pdf"


def _engagement(user, pk: int, kind: str) -> Engagement:
    engagement = document_engagements(user=user).get(pk=pk)
    if not may_open(user, engagement, kind):
        raise ForbiddenError.single("kind", ErrorCode.NOT_YOURS,
                                    gettext_lazy("この書類は、市区町村の職員と都道府県のコーディネーターが出力します。"))
    return engagement


def engagement_document(*, user, pk: int, kind: str) -> DocumentFile:
    """The 委嘱状・任用通知書 draft, the 業務委託契約書 essentials, the pledge as signed or the restriction notice."""
    if kind not in KINDS:
        raise Engagement.DoesNotExist
    engagement = _engagement(user, pk, kind)
    if not kind_applies(engagement, kind):
        raise Engagement.DoesNotExist
    return DocumentFile(BUILDERS[kind](engagement), _file(engagement, document_name(engagement, kind)))


def engagement_report_month(*, user, pk: int, year: int, month: int) -> DocumentFile:
    """The activity report of a confirmed month."""
    engagement = _engagement(user, pk, REPORT)
    if not (1 <= month <= 12 and year in YEARS):
        raise WorkMonth.DoesNotExist
    work_month = WorkMonth.objects.select_related("confirmed_by").get(engagement=engagement, year=year, month=month)
    work_month.engagement = engagement
    return DocumentFile(reports.monthly_report_pdf(work_month),
                        _file(engagement, _("活動報告書_%(year)s年%(month)s月") % {"year": year, "month": month}))


def engagement_report_year(*, user, pk: int, fiscal_year: int) -> DocumentFile:
    """The activity report of a fiscal year the engagement's term covers."""
    engagement = _engagement(user, pk, REPORT)
    if fiscal_year not in fiscal_years_covered(engagement.starts_on, engagement.ends_on):
        raise Engagement.DoesNotExist
    return DocumentFile(reports.yearly_report_pdf(engagement, fiscal_year),
                        _file(engagement, _("活動報告書_%(fy)s") % {"fy": fiscal_year_label(fiscal_year)}))


def restriction_notice(*, user, code: str, fiscal_year: int) -> DocumentFile:
    """The notice of every bid restriction of a municipality in force at some time of a fiscal year: for its
    staff and its prefecture's coordinator (an expert: 403; another municipality or prefecture: not found)."""
    if user.role == UserRole.EXPERT:
        raise ForbiddenError.single("municipality", ErrorCode.NOT_YOURS,
                                    gettext_lazy("入札参加制限の通知は、市区町村の職員と都道府県のコーディネーターが出力します。"))
    if fiscal_year not in YEARS:
        raise Municipality.DoesNotExist
    municipality = notice_municipality(user=user, code=code)
    return DocumentFile(letters.restriction_notice_year_pdf(municipality, fiscal_year),
                        f"{_('入札参加制限の通知')}_{municipality.name}_{fiscal_year_label(fiscal_year)}.pdf")
