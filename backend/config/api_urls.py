from django.urls import path, re_path
from rest_framework.routers import DefaultRouter

from backend.accounts.apis import (
    ManagedUserViewSet,
    MeApi,
    TokenApi,
    TokenDetailApi,
    TokenListApi,
    TokenLoginApi,
    TokenLogoutAllApi,
    TokenLogoutApi,
)
from backend.applications.apis import ExpertApplicationViewSet, InvitationViewSet
from backend.audit.apis import AuditLogViewSet
from backend.calendar.apis import ClosedDayViewSet, WorkingCalendarApi
from backend.costs.apis import ClaimPackApi
from backend.costs.estimate_apis import EstimateApi, EstimateWhatIfApi
from backend.documents.apis import (
    EngagementCouncilApi,
    EngagementDocumentApi,
    EngagementMonthReportApi,
    EngagementYearReportApi,
    RestrictionNoticeApi,
)
from backend.engagements.apis import (
    CoiOverrideViewSet,
    EngagementConflictViewSet,
    EngagementViewSet,
    OfferDeclinesApi,
)
from backend.experts.apis import AffiliationChangeViewSet, ExpertViewSet
from backend.experts.commitment_apis import CommitmentViewSet
from backend.funding.apis import EngagementFundingApi, FundingSchemeViewSet, RecruitmentCostViewSet
from backend.geo.apis import MunicipalityViewSet, PrefectureViewSet
from backend.goals.apis import EvaluationViewSet, GoalViewSet
from backend.intake.apis import ImportApi, ImportJobApi, ImportTemplateApi
from backend.notifications.apis import NotificationViewSet
from backend.payments.apis import PaymentOwedApi, PaymentSheetApi, PaymentYearApi
from backend.placement.apis import NeedViewSet, ProposalApprovalViewSet, ReplacementViewSet, RunViewSet
from backend.placement.round_apis import RoundViewSet
from backend.procurement.apis import ProcurementViewSet, VendorDuplicateViewSet, VendorViewSet
from backend.public.apis import PublishedYearListApi, PublishedYearUnpublishApi
from backend.renewals.apis import RenewalViewSet
from backend.restrictions.apis import MayBidApi, RestrictionExportApi, RestrictionListApi
from backend.runs.apis import DecisionViewSet, ScopeConsentViewSet
from backend.visits.apis import (
    CalendarFeedApi,
    CalendarFeedRenewApi,
    EngagementVisitPlanApi,
    PlannedVisitViewSet,
)
from backend.wishes.apis import VetoViewSet, WishViewSet
from backend.worklog.apis import WorkDayViewSet, WorkMonthViewSet, WorkOverviewApi

router = DefaultRouter()
router.register("prefectures", PrefectureViewSet, basename="prefecture")
router.register("invitations", InvitationViewSet, basename="invitation")
router.register("users", ManagedUserViewSet, basename="user")
router.register("municipalities", MunicipalityViewSet, basename="municipality")
router.register("experts", ExpertViewSet, basename="expert")
router.register("affiliation-changes", AffiliationChangeViewSet, basename="affiliation-change")
router.register("applications", ExpertApplicationViewSet, basename="application")
router.register("vendors", VendorViewSet, basename="vendor")
router.register("vendor-duplicates", VendorDuplicateViewSet, basename="vendor-duplicate")
router.register("procurements", ProcurementViewSet, basename="procurement")
router.register("needs", NeedViewSet, basename="need")
router.register("renewals", RenewalViewSet, basename="renewal")
router.register("runs", RunViewSet, basename="run")
router.register("scope-consents", ScopeConsentViewSet, basename="scope-consent")
router.register("exceptions", CoiOverrideViewSet, basename="exception")
router.register("proposals", ProposalApprovalViewSet, basename="proposal")
router.register("decisions", DecisionViewSet, basename="decision")
router.register("engagements", EngagementViewSet, basename="engagement")
router.register("replacements", ReplacementViewSet, basename="replacement")
router.register("engagement-conflicts", EngagementConflictViewSet, basename="engagement-conflict")
router.register("goals", GoalViewSet, basename="goal")
router.register("evaluations", EvaluationViewSet, basename="evaluation")
router.register("audit-log", AuditLogViewSet, basename="audit-log")
router.register("notifications", NotificationViewSet, basename="notification")
router.register("closed-days", ClosedDayViewSet, basename="closed-day")
router.register("visits", PlannedVisitViewSet, basename="visit")
router.register("work-days", WorkDayViewSet, basename="work-day")
router.register("work-months", WorkMonthViewSet, basename="work-month")
router.register("funding/schemes", FundingSchemeViewSet, basename="funding-scheme")
router.register("funding/recruitment-costs", RecruitmentCostViewSet, basename="recruitment-cost")
# both sides have a say (issue 25)
router.register("wishes", WishViewSet, basename="wish")
router.register("vetoes", VetoViewSet, basename="veto")
# the second round and commitments elsewhere (issue 25, items 5 and 8)
router.register("rounds", RoundViewSet, basename="round")
router.register("commitments", CommitmentViewSet, basename="commitment")

urlpatterns = [
    path("me/", MeApi.as_view(), name="me"),
    path("auth/token/", TokenApi.as_view(), name="token"),
    path("auth/token/login/", TokenLoginApi.as_view(), name="token-login"),
    path("auth/token/logout/", TokenLogoutApi.as_view(), name="token-logout"),
    path("auth/token/logout-all/", TokenLogoutAllApi.as_view(), name="token-logout-all"),
    path("auth/tokens/", TokenListApi.as_view(), name="tokens"),
    path("auth/tokens/<str:token_key>/", TokenDetailApi.as_view(), name="token-detail"),
    path("restrictions/", RestrictionListApi.as_view(), name="restrictions"),
    path("restrictions/export/", RestrictionExportApi.as_view(), name="restrictions-export"),
    path("may-bid/", MayBidApi.as_view(), name="may-bid"),
    path("calendar/", WorkingCalendarApi.as_view(), name="calendar"),
    path("payments/owed/", PaymentOwedApi.as_view(), name="payments-owed"),
    path("payments/year/", PaymentYearApi.as_view(), name="payments-year"),
    path("payments/sheet/", PaymentSheetApi.as_view(), name="payments-sheet"),
    path("costs/claims/", ClaimPackApi.as_view(), name="cost-claims"),
    path("engagements/<int:pk>/visit-plan/", EngagementVisitPlanApi.as_view(), name="engagement-visit-plan"),
    path("engagements/<int:pk>/council/", EngagementCouncilApi.as_view(), name="engagement-council"),
    path("engagements/<int:pk>/funding/", EngagementFundingApi.as_view(), name="engagement-funding"),
    path("calendar-feed/", CalendarFeedApi.as_view(), name="calendar-feed"),
    path("calendar-feed/renew/", CalendarFeedRenewApi.as_view(), name="calendar-feed-renew"),
    path("work-overview/", WorkOverviewApi.as_view(), name="work-overview"),
    # the year's declined and lapsed offers by reason (issue 25)
    path("offers/declines/", OfferDeclinesApi.as_view(), name="offer-declines"),
    path("costs/estimate/", EstimateApi.as_view(), name="cost-estimate"),
    path("costs/estimate/what-if/", EstimateWhatIfApi.as_view(), name="cost-estimate-what-if"),
    # the documents as A4 PDF (issue 24 item 5)
    path("engagements/<int:pk>/documents/<str:kind>/", EngagementDocumentApi.as_view(), name="engagement-document"),
    path("engagements/<int:pk>/reports/<int:year>/<int:month>/", EngagementMonthReportApi.as_view(),
         name="engagement-report-month"),
    path("engagements/<int:pk>/reports/<int:fiscal_year>/", EngagementYearReportApi.as_view(),
         name="engagement-report-year"),
    path("restriction-notices/<str:code>/<int:fiscal_year>/", RestrictionNoticeApi.as_view(), name="restriction-notice"),
    # the public yearly page's publishing choice (issue 24, item 7)
    path("published-years/", PublishedYearListApi.as_view(), name="published-years"),
    path("published-years/unpublish/", PublishedYearUnpublishApi.as_view(), name="published-years-unpublish"),
    re_path(r"^import/(?P<kind>experts|needs)/template/$", ImportTemplateApi.as_view(), name="import-template"),
    re_path(r"^import/(?P<kind>experts|needs)/$", ImportApi.as_view(), name="import"),
    path("import/jobs/<int:pk>/", ImportJobApi.as_view(), name="import-job"),
    *router.urls,
]
