"""The restriction register (入札参加制限) with CSV/Excel export, the may-bid question for procurement officers,
and the Excel/CSV import of experts and needs."""

import datetime as dt

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from backend.accounts.models import UserRole
from backend.audit.selectors import audit_log_list
from backend.core.api import BilingualValidationError
from backend.core.audit import AuditAction
from backend.core.fiscal import era_date
from backend.core.reuse import reuse_page
from backend.core.spreadsheet import XLSX, csv_bytes
from backend.engagements.selectors import engagement_conflicts_to_resolve
from backend.intake.imports import NO_FILE, SPECS, template_csv, template_xlsx
from backend.intake.models import ImportJobStatus
from backend.intake.selectors import import_job_list
from backend.intake.services import background_rows, import_start
from backend.procurement.selectors import procurement_list, vendor_list, vendor_pickable
from backend.restrictions.exports import restrictions_csv, restrictions_xlsx
from backend.restrictions.models import RestrictionState
from backend.restrictions.selectors import (
    STATE_FILTERS,
    restriction_list,
    restrictions_described,
    vendor_may_bid,
)
from backend.restrictions.serializers import MayBidQuerySerializer
from frontend import forms
from frontend.audit import audit_filter, audit_query, audit_rows, kind_choices
from frontend.views import PAGE_SIZE
from frontend.views.access import COORDINATOR, STAFF, role_required
from frontend.views.documents import notice_choices

LIVE_IMPORT_STATUSES = (ImportJobStatus.QUEUED, ImportJobStatus.RUNNING)

# A CSV of the audit log holds at most this many rows (the newest); narrow the filters for older ones.
AUDIT_EXPORT_ROWS = 20_000


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _id(text: str) -> int | None:
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else None


def _conflict_notes(conflicts) -> dict[int, str]:
    """By engagement: the conflicts found after the offer that wait for the coordinator, in the clerk's words."""
    notes: dict[int, list[str]] = {}
    for c in conflicts:
        notes.setdefault(c.engagement_id, []).append(
            _("利益相反の確認待ち：%(vendor)sが%(municipality)sの契約中の調達「%(title)s」の受託者（%(found)sに検出）")
            % {"vendor": c.vendor.name, "municipality": c.engagement.municipality.name, "title": c.procurement_title,
               "found": era_date(timezone.localtime(c.found_at).date())})
    return {engagement: "／".join(words) for engagement, words in notes.items()}


@role_required(*STAFF)
@reuse_page
def restriction_index(request):
    """The register as recorded, newest first; ended restrictions stay listed. Filters: vendor, a day on
    which the restrictions were in force, and the state today."""
    vendor = request.GET.get("vendor", "")
    typed_on = request.GET.get("on", "").strip()
    on = _date(typed_on)
    state = request.GET.get("state", "")
    rows = restriction_list(user=request.user, vendor=_id(vendor), on=on,
                            state=state if state in STATE_FILTERS else None)
    on_errors = []
    if typed_on and on is None:
        # 2027-02-30 showed the whole register as if no day had been asked (issue 21): say so, show nothing.
        on_errors = [_("基準日「%(typed)s」はありえない日付です。年-月-日の形で、実在する日を指定してください。")
                     % {"typed": typed_on}]
        rows = rows.none()
    export = None if on_errors else request.GET.get("format")
    stamp = dt.date.today().strftime("%Y%m%d")
    conflicts = list(engagement_conflicts_to_resolve(user=request.user))
    notes = _conflict_notes(conflicts)
    if export == "csv":
        response = HttpResponse(restrictions_csv(restrictions_described(rows), notes=notes),
                                content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="kenmu-restrictions-{stamp}.csv"'
        return response
    if export == "xlsx":
        response = HttpResponse(restrictions_xlsx(restrictions_described(rows), notes=notes), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="kenmu-restrictions-{stamp}.xlsx"'
        return response
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "frontend/restrictions.html", {
        "rows": restrictions_described(page), "page": page, "vendors": vendor_list(user=request.user),
        "vendor": vendor, "on": on.isoformat() if on else typed_on, "on_errors": on_errors, "state": state,
        "states": RestrictionState.choices, "state_labels": dict(RestrictionState.choices), "query": query.urlencode(),
        "conflicts": conflicts, "notes": notes,
        **notice_choices(request.user),  # the notice to the procurement department (issue 24 item 5)
    }, status=400 if on_errors else 200)


@role_required(*STAFF)
def may_bid(request):
    """May this vendor bid on this procurement? Municipal staff ask about their municipality's procurements,
    coordinators about their prefecture's; the answer names the engagement behind a no."""
    procurements = procurement_list(user=request.user).order_by("municipality_id", "-fiscal_year", "title", "id")
    values = {name: request.GET.get(name, "").strip() for name in ("procurement", "vendor", "on")}
    context = {"procurements": procurements, "vendors": vendor_pickable(user=request.user), "values": values,
               "errors": None, "answer": None, "by_municipality": request.user.role != UserRole.MUNICIPAL}
    if not (values["procurement"] or values["vendor"]):
        return render(request, "frontend/may_bid.html", context)
    asked = QueryDict(mutable=True)
    asked.update({name: value for name, value in values.items() if value})  # validated as query parameters
    query, errors = forms.validate(MayBidQuerySerializer, asked)
    vendor = vendor_list(user=request.user).filter(pk=query["vendor"]).first() if query else None
    if query and vendor is None:
        errors.add("vendor", _("事業者を選んでください。"))
    if errors:
        context["errors"] = errors
        return render(request, "frontend/may_bid.html", context, status=400)
    procurement = get_object_or_404(procurements, pk=query["procurement"])
    answer = vendor_may_bid(vendor_id=vendor.pk, procurement=procurement, on=query.get("on"))
    context.update(answer=answer, reason=answer.reason,
                   procurement=procurement, vendor=vendor, on=query.get("on"))
    return render(request, "frontend/may_bid.html", context)


@role_required(*COORDINATOR)
@require_http_methods(["GET", "POST"])
def import_view(request):
    """Upload .xlsx/.csv; every row is validated and nothing is written unless all rows are valid."""
    kind = request.POST.get("kind") or request.GET.get("kind") or "experts"
    kind = kind if kind in SPECS else "experts"
    context = {"kind": kind, "row_errors": [],
               "created": None, "errors": None, "background_rows": background_rows()}
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise BilingualValidationError.of(NO_FILE)
            started = import_start(kind=kind, actor=request.user, upload=upload)
            if started.job is not None:
                messages.success(request, _("ファイルを受け付けました。行数が多いため、順に取り込みます。"))
                return redirect("frontend:import-job", pk=started.job.pk)
            context["created"] = len(started.created)
        except BilingualValidationError as exc:
            context["errors"] = forms.errors_from_list([e for e in exc.errors if e.get("row") is None])
            context["row_errors"] = _row_errors(request, exc.errors)
            return render(request, "frontend/import.html", context, status=400)
    return render(request, "frontend/import.html", context)


def _row_errors(request, errors: list[dict]) -> list[dict]:
    lang = "en" if request.LANGUAGE_CODE.startswith("en") else "ja"
    return [{"row": e["row"], "column": e.get("column") or e["field"], "message": e[lang]}
            for e in errors if e.get("row") is not None]


def _import_job_context(request, pk: int) -> dict:
    job = get_object_or_404(import_job_list(user=request.user), pk=pk)
    lang = "en" if request.LANGUAGE_CODE.startswith("en") else "ja"
    return {"job": job, "active": job.status in LIVE_IMPORT_STATUSES, "row_errors": _row_errors(request, job.errors),
            "file_errors": [e[lang] for e in job.errors if e.get("row") is None], "created": len(job.created_ids),
            "kind_label": _("専門人材") if job.kind == "experts" else _("ニーズ")}


@role_required(*COORDINATOR)
def import_job(request, pk: int):
    """An import the worker runs: its progress while it runs, then what it created or why it stored nothing."""
    return render(request, "frontend/import_job.html", _import_job_context(request, pk))


@role_required(*COORDINATOR)
def import_job_progress(request, pk: int):
    """The partial htmx polls while the job waits or runs; when it ends the page reloads."""
    context = _import_job_context(request, pk)
    response = render(request, "frontend/_import_job_progress.html", context)
    if request.htmx and not context["active"]:
        response["HX-Refresh"] = "true"
    return response


@role_required(*COORDINATOR)
def import_template(request, kind: str, file: str):
    if kind not in SPECS or file not in ("xlsx", "csv"):
        raise Http404
    spec = SPECS[kind]()
    if file == "csv":
        response = HttpResponse(template_csv(spec), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(template_xlsx(spec), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="kenmu-{kind}-template.{file}"'
    return response


@role_required(*COORDINATOR)
@reuse_page
def audit_index(request):
    """The audit log of the coordinator's prefecture: who changed what, when, field by field, filtered."""
    query, problems = audit_query(request.GET)
    entries = audit_filter(audit_log_list(user=request.user), query)
    for problem in problems:
        messages.error(request, problem)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "frontend/audit.html", {
        "page": page, "rows": audit_rows(page), "query": query, "nav": "audit",
        "actions": AuditAction.choices, "kinds": kind_choices(),
        "actors": audit_log_list(user=request.user).exclude(actor=None).order_by()
                  .values_list("actor__username", flat=True).distinct(),
        "export_query": request.GET.urlencode(),
    })


@role_required(*COORDINATOR)
def audit_export(request):
    """The filtered audit log as CSV (UTF-8 with BOM), every cell inert."""
    query, _problems = audit_query(request.GET)
    rows = audit_rows(audit_filter(audit_log_list(user=request.user), query)[:AUDIT_EXPORT_ROWS], shown=None)
    # Every change of every row, and the row's place in the hash chain, so that a printed or filed export can
    # be held against `manage.py verify_audit` later.
    header = [_("番号"), _("日時"), _("操作者"), _("操作"), _("対象の種類"), _("対象"), _("変更内容"),
              _("ハッシュ"), _("前の行のハッシュ")]
    body = csv_bytes(header=header, rows=(
        [r.id, timezone.localtime(r.at).strftime("%Y-%m-%d %H:%M:%S"), r.actor, r.action, r.kind, r.name,
         "; ".join(f"{c.field}: {c.before} → {c.after}" for c in r.changes), r.hash, r.prev_hash] for r in rows))
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audit-log-{timezone.localdate().isoformat()}.csv"'
    return response
