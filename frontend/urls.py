from django.urls import path

from frontend.views import (
    candidates,
    consents,
    engagements,
    exceptions,
    experts,
    home,
    needs,
    procurements,
    register,
    runs,
)

app_name = "frontend"
urlpatterns = [
    path("", home.home, name="home"),
    path("login/", home.login_view, name="login"),
    path("logout/", home.logout_view, name="logout"),
    path("dashboard/", home.dashboard, name="dashboard"),
    # experts
    path("experts/", experts.expert_index, name="experts"),
    path("experts/new/", experts.expert_new, name="expert-new"),
    path("experts/<int:pk>/", experts.expert_detail, name="expert"),
    path("experts/<int:pk>/edit/", experts.expert_edit, name="expert-edit"),
    path("me/", experts.me, name="me"),
    path("me/edit/", experts.me_edit, name="me-edit"),
    path("me/pledge/", experts.me_pledge, name="me-pledge"),
    # needs and procurements
    path("needs/", needs.need_index, name="needs"),
    path("needs/new/", needs.need_new, name="need-new"),
    path("needs/<int:pk>/edit/", needs.need_edit, name="need-edit"),
    path("needs/<int:pk>/withdraw/", needs.need_withdraw_view, name="need-withdraw"),
    path("needs/<int:pk>/reopen/", needs.need_reopen_view, name="need-reopen"),
    path("needs/<int:pk>/candidates/", candidates.need_candidates_view, name="need-candidates"),
    path("needs/<int:pk>/candidates/decide/", candidates.need_candidate_decide, name="need-candidate-decide"),
    path("procurements/", procurements.procurement_index, name="procurements"),
    path("procurements/<int:pk>/edit/", procurements.procurement_edit, name="procurement-edit"),
    path("vendors/new/", procurements.vendor_new, name="vendor-new"),
    # match runs and review
    path("runs/", runs.run_index, name="runs"),
    path("runs/new/", runs.run_new, name="run-new"),
    path("runs/<int:pk>/", runs.run_detail, name="run"),
    path("runs/<int:pk>/progress/", runs.run_progress, name="run-progress"),
    path("runs/<int:pk>/cancel/", runs.run_cancel, name="run-cancel"),
    path("runs/<int:pk>/retry/", runs.run_retry, name="run-retry"),
    path("runs/<int:pk>/rerun/", runs.run_rerun, name="run-rerun"),
    path("runs/<int:pk>/decisions/", runs.decision_set, name="run-decision"),
    path("proposals/<int:pk>/approve/", runs.proposal_approve, name="proposal-approve"),
    path("consents/", consents.consent_index, name="consents"),
    path("exceptions/", exceptions.exception_index, name="exceptions"),
    path("exceptions/<int:pk>/revoke/", exceptions.exception_revoke, name="exception-revoke"),
    path("consents/<int:pk>/revoke/", consents.consent_revoke, name="consent-revoke"),
    # engagements
    path("engagements/", engagements.engagement_index, name="engagements"),
    path("engagements/<int:pk>/respond/", engagements.engagement_respond, name="engagement-respond"),
    path("engagements/<int:pk>/decline/", engagements.engagement_decline, name="engagement-decline"),
    path("engagements/<int:pk>/pledge/", engagements.engagement_pledge, name="engagement-pledge"),
    path("engagements/<int:pk>/replacement/", engagements.replacement_new, name="replacement-new"),
    path("replacements/", engagements.replacement_index, name="replacements"),
    path("replacements/<int:pk>/run/", engagements.replacement_run, name="replacement-run"),
    # register and import
    path("restrictions/", register.restriction_index, name="restrictions"),
    path("may-bid/", register.may_bid, name="may-bid"),
    path("audit/", register.audit_index, name="audit"),
    path("import/", register.import_view, name="import"),
    path("import/template/<str:kind>.<str:file>", register.import_template, name="import-template"),
]
