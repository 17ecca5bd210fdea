"""Writes of how people join a prefecture's pool: an expert's application from the public form (submitted, then
accepted or declined by the prefecture's coordinator) and the coordinator's invitation (municipal staff of a
municipality, an expert the coordinator sees, or a new expert registered by name).

This app sits above accounts and experts: it registers experts through experts.services and makes logins and
invitations through accounts.services, and neither imports it. Resending and revoking an invitation, and the
invitee setting a password, stay accounts' own.
"""

from datetime import date

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backend.accounts.models import Invitation, User, UserRole
from backend.accounts.permissions import coordinates, is_coordinator
from backend.accounts.services import (
    INVITED_ROLES,
    check_coordinator_of,
    invitation_send,
    invited_user_create,
)
from backend.applications.errors import ErrorCode
from backend.core.audit import AuditAction, audit_record
from backend.core.errors import ConflictError, DomainError, ForbiddenError
from backend.core.tasks import mail_enqueue
from backend.experts.models import Expert, ExpertApplication
from backend.experts.selectors import expert_list
from backend.experts.services import expert_create
from backend.experts.workflows import APPLICATION_WORKFLOW
from backend.notifications.models import NotificationKind
from backend.notifications.selectors import recipients_coordinators
from backend.notifications.services import notify
from backend.procurement.services import vendor_create, vendor_require_current

# -- invitations: the coordinator brings municipal staff or an expert on board -----------------------------------


@transaction.atomic(durable=True)
def invitation_create(*, actor: User, email: str, role: str, language: str = "ja", municipality=None,
                      expert=None, new_expert_name: str = "") -> Invitation:
    """A coordinator invites municipal staff of a municipality of their prefecture, or an expert: one they
    can see, or one registered now by name (the expert fills in availability, skills and fees after
    signing in)."""
    if not is_coordinator(actor):
        raise ForbiddenError.single("prefecture", ErrorCode.NOT_YOUR_PREFECTURE,
                                    _("担当の都道府県の利用者のみ招待・管理できます。"))
    if role not in INVITED_ROLES:
        raise DomainError.single("role", ErrorCode.INVALID, _("招待できるのは市区町村職員と専門人材です。"))
    if role == UserRole.MUNICIPAL:
        if municipality is None:
            raise DomainError.single("municipality", ErrorCode.REQUIRED, _("市区町村を選んでください。"))
        prefecture_code = municipality.prefecture_id
        check_coordinator_of(actor, prefecture_code)
        expert = None
    else:
        municipality = None
        if expert is None:
            if not new_expert_name.strip():
                raise DomainError.single("expert", ErrorCode.REQUIRED, _("専門人材を選ぶか、新しい専門人材の氏名を入力してください。"))
            check_coordinator_of(actor, actor.prefecture_id)
            expert = expert_create(actor=actor, data={"name": new_expert_name.strip(), "email": email.strip(),
                                                     "capacity_days": 0, "daily_rate": 0, "weekdays": [],
                                                     "employment_forms": []})
        elif not expert_list(user=actor).filter(pk=expert.pk).exists():
            raise ForbiddenError.single("expert", ErrorCode.NOT_VISIBLE, _("この専門人材は招待できません。"))
        # The scope before the state: another prefecture's coordinator learns nothing of the expert's login
        # (a 409 before the 403 told them, issue 21).
        prefecture_code = expert.registering_prefecture_id
        check_coordinator_of(actor, prefecture_code)
        if User.objects.filter(expert=expert).exists():
            raise ConflictError.single("expert", ErrorCode.HAS_LOGIN, _("この専門人材には既にアカウントがあります。"))
    user = invited_user_create(actor=actor, email=email, role=role, language=language,
                               municipality=municipality, expert=expert)
    return invitation_send(actor=actor, user=user, prefecture_code=prefecture_code)


# -- applications to a prefecture's pool: made in public, accepted or declined by its coordinator ------------

def application_snapshot(application: ExpertApplication) -> dict:
    return {"name": application.name, "email": application.email, "status": application.status,
            "expert": application.expert_id, "reason": application.decision_reason or None}


@transaction.atomic(durable=True)
def expert_application_submit(*, prefecture, data: dict, language: str) -> ExpertApplication:
    """Stored for the prefecture's coordinators only; nothing is listed or matched before one accepts.

    No actor, on purpose: the applicant has no account yet (the public page /apply/ takes the application, its
    rate limit per address is the gate), and the audit row names no one."""
    application = ExpertApplication.objects.create(
        prefecture=prefecture, name=data["name"], name_kana=data["name_kana"], email=data["email"],
        phone=data.get("phone", ""), skills=dict(sorted(data["skills"].items())),
        capacity_days=data["capacity_days"], weekdays=data["weekdays"], daily_rate=data["daily_rate"],
        home_municipality=data.get("home_municipality"), employment_forms=data["employment_forms"],
        affiliations=[{"vendor_name": a["vendor_name"].strip(), "relation": a["relation"],
                       "ended_on": a["ended_on"].isoformat() if a.get("ended_on") else None}
                      for a in data.get("affiliations", [])],
        pledge_agreed_at=timezone.now(), language=language)
    audit_record(actor=None, action=AuditAction.APPLICATION_SUBMIT, obj=application, prefecture=prefecture,
                 after=application_snapshot(application))
    notify(recipients=recipients_coordinators(prefecture_id=application.prefecture_id),
           kind=NotificationKind.APPLICATION_RECEIVED,
           link=reverse("frontend:application", args=[application.pk]), params={"name": application.name})
    return application


def _check_application_coordinator(actor: User, application: ExpertApplication) -> None:
    if not coordinates(actor, application.prefecture_id):
        raise ForbiddenError.single("application", ErrorCode.NOT_YOURS, _("この応募を審査できるのは応募先の都道府県のコーディネーターのみです。"))


def _locked_undecided(application: ExpertApplication, action: AuditAction) -> ExpertApplication:
    application = ExpertApplication.objects.select_for_update().get(pk=application.pk)
    if not APPLICATION_WORKFLOW.allows(action, application.status):
        raise ConflictError.single("application", ErrorCode.DECIDED, _("この応募は既に審査済みです。"))
    return application


def _application_decided(application: ExpertApplication, action: AuditAction, *, actor: User, **changes) -> None:
    """The decision's fields and the status, saved and audited in full (the move writes the new status)."""
    before = application_snapshot(application)
    changes = {**changes, "decided_by": actor, "decided_at": timezone.now()}
    for name, value in changes.items():
        setattr(application, name, value)
    APPLICATION_WORKFLOW.move(application, action, actor=actor, prefecture=application.prefecture_id,
                              before=before, after=application_snapshot(application), changes=changes)


@transaction.atomic(durable=True)
def expert_application_accept(*, actor: User, application: ExpertApplication, vendors: list,
                              vendor_numbers: list | None = None) -> Expert:
    """The Expert (affiliations mapped to the register: `vendors[i]` is a Vendor for the i-th affiliation,
    or None to register its name as a new vendor with the 法人番号 `vendor_numbers[i]`), their login and the
    invitation to set a password, in one transaction; the invitation mail leaves after the commit."""
    _check_application_coordinator(actor, application)
    application = _locked_undecided(application, AuditAction.APPLICATION_ACCEPT)
    if len(vendors) != len(application.affiliations):
        raise DomainError.single("vendors", ErrorCode.MISMATCH, _("所属事業者ごとに対応する事業者を選んでください。"))
    affiliations = []
    numbers = [*(vendor_numbers or []), *[None] * len(vendors)][:len(vendors)]
    for row, vendor, number in zip(application.affiliations, vendors, numbers, strict=True):
        vendor_require_current(vendor=vendor, field="vendors")
        vendor = vendor or vendor_create(actor=actor, data={"name": row["vendor_name"], "corporate_number": number})
        ended_on = date.fromisoformat(row["ended_on"]) if row.get("ended_on") else None
        affiliations.append({"vendor": vendor, "relation": row["relation"], "ended_on": ended_on})
    expert = expert_create(actor=actor, data={
        "registering_prefecture": application.prefecture,  # the prefecture applied to, whoever accepts (an administrator too)
        "name": application.name, "name_kana": application.name_kana, "email": application.email,
        "phone": application.phone, "capacity_days": application.capacity_days, "weekdays": application.weekdays,
        "daily_rate": application.daily_rate, "home_municipality": application.home_municipality,
        "employment_forms": application.employment_forms,
        "skills": application.skills, "affiliations": affiliations,
        "pool_pledge_signed_on": timezone.localdate(application.pledge_agreed_at)})
    login = invited_user_create(actor=actor, email=application.email, role=UserRole.EXPERT,
                                language=application.language, expert=expert)
    _application_decided(application, AuditAction.APPLICATION_ACCEPT, actor=actor, expert=expert)
    invitation_send(actor=actor, user=login, prefecture_code=application.prefecture_id)
    return expert


@transaction.atomic(durable=True)
def expert_application_decline(*, actor: User, application: ExpertApplication, reason: str) -> ExpertApplication:
    """Declined with a reason, which the applicant is told by mail (after the commit)."""
    _check_application_coordinator(actor, application)
    if not reason.strip():
        raise DomainError.single("reason", ErrorCode.REQUIRED, _("見送る理由を入力してください（応募者にメールで伝えます）。"))
    application = _locked_undecided(application, AuditAction.APPLICATION_DECLINE)
    _application_decided(application, AuditAction.APPLICATION_DECLINE, actor=actor, decision_reason=reason.strip())
    mail_enqueue(message="application_declined", object_id=application.pk)
    return application
