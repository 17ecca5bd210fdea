"""API of the activity log (活動記録) and its monthly confirmation (月次確認), issue 23.

/work-days/ is the expert's log (create, change, remove while the month is open; the municipality agrees to a day
beyond the contract); /work-months/ are the months with their days and disputes and the moves of the confirmation;
/work-overview/ is the coordinator's matrix of engagements × months. A row outside the user's scope is a 404;
a write by the wrong role a 403 (the services decide)."""

from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts.models import UserRole
from backend.accounts.permissions import is_admin
from backend.core.api import validate_input
from backend.core.viewsets import ScopedViewSet, WritableScopedViewSet, documented
from backend.engagements.selectors import engagement_list
from backend.worklog import selectors, services
from backend.worklog.filters import WorkDayFilter, WorkMonthFilter
from backend.worklog.models import WorkDay, WorkMonth
from backend.worklog.serializers import (
    AdjustInputSerializer,
    AnswerInputSerializer,
    ConfirmInputSerializer,
    DisputeInputSerializer,
    OverviewQuerySerializer,
    OverviewRowSerializer,
    PaperConfirmInputSerializer,
    ReferenceQuerySerializer,
    WorkAdjustmentResultSerializer,
    WorkDayInputSerializer,
    WorkDayOutputSerializer,
    WorkDayUpdateSerializer,
    WorkMonthDetailOutputSerializer,
    WorkMonthOutputSerializer,
)


@extend_schema_view(**{**documented(WorkDayInputSerializer, WorkDayOutputSerializer),
                       "update": extend_schema(request=WorkDayUpdateSerializer, responses=WorkDayOutputSerializer),
                       "partial_update": extend_schema(request=WorkDayUpdateSerializer,
                                                       responses=WorkDayOutputSerializer)})
class WorkDayViewSet(WritableScopedViewSet):
    """The days an expert worked for an engagement (活動記録): date, on-site or remote, hours, topics and what was
    done. Logged, changed and removed by the expert while the month is open (a disputed day while disputed)."""

    queryset = WorkDay.objects.none()
    output_serializer_class = WorkDayOutputSerializer
    input_serializer_class = WorkDayInputSerializer
    filterset_class = WorkDayFilter

    def get_serializer_class(self):
        if self.action in ("update", "partial_update") and self.request.method != "GET":
            return WorkDayUpdateSerializer
        return super().get_serializer_class()

    def scoped_queryset(self, user):
        return selectors.work_day_list(user=user)

    def can_create(self, user):
        return user.role == UserRole.EXPERT

    def can_change(self, user, obj):
        return user.role == UserRole.EXPERT  # whose day it is, the service decides

    def create_object(self, *, user, data):
        engagement = engagement_list(user=user).filter(pk=data["engagement"]).first()
        if engagement is None:
            raise Http404
        return services.work_day_log(actor=user, engagement=engagement, data=data)

    def update(self, request, *args, partial=False, **kwargs):
        day = self.object_for_change()
        data = validate_input(WorkDayUpdateSerializer, data=request.data, partial=True)
        return self.render(services.work_day_update(actor=request.user, day=day, data=data))

    def delete_object(self, *, user, obj):
        services.work_day_remove(actor=user, day=obj)

    @extend_schema(request=None, responses=WorkDayOutputSerializer)
    @action(detail=True, methods=["post"])
    def agree(self, request, pk=None):
        """The municipality agrees to a day beyond the contract's days: it counts from now on."""
        return self.render(services.work_day_agree(actor=request.user, day=self.get_object()))


class WorkMonthViewSet(ScopedViewSet):
    """The months of the activity log (月次確認): submitted by the expert, confirmed or disputed (a reason per day) by
    the municipality by the deadline, answered by the expert; confirmed months are locked and corrected only by
    adjustments. Each has a short reference code (照会番号) the mail carries."""

    queryset = WorkMonth.objects.none()
    output_serializer_class = WorkMonthDetailOutputSerializer
    list_serializer_class = WorkMonthOutputSerializer
    filterset_class = WorkMonthFilter

    def scoped_queryset(self, user):
        queryset = selectors.work_month_list(user=user)
        if self.action != "list":
            queryset = queryset.prefetch_related("days__disputes", "adjustments__made_by")
        return queryset

    @extend_schema(responses=WorkMonthOutputSerializer(many=True))
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(parameters=[ReferenceQuerySerializer], responses=WorkMonthDetailOutputSerializer)
    @action(detail=False, methods=["get"])
    def lookup(self, request):
        """The month of a reference code (照会番号) as a clerk types it (KM-7Q3F, km7q3f, ＫＭ－７Ｑ３Ｆ); 404 when
        none in the user's scope has it."""
        query = validate_input(ReferenceQuerySerializer, data=request.query_params)
        month = selectors.work_month_by_reference(user=request.user, reference=query["reference"])
        if month is None:
            raise Http404
        return self.render(month)

    @extend_schema(request=None, responses=WorkMonthDetailOutputSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """The expert submits the month to the municipality."""
        return self.render(services.work_month_submit(actor=request.user, month=self.get_object()))

    @extend_schema(request=ConfirmInputSerializer, responses=WorkMonthDetailOutputSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        """The municipality confirms the month (it is locked), agreeing to days beyond the contract in `agree` and
        leaving out days in `left_out`. 409 while a dispute is unanswered."""
        month = self.get_object()
        data = validate_input(ConfirmInputSerializer, data=request.data or {})
        return self.render(services.work_month_confirm(actor=request.user, month=month, agree=data["agree"],
                                                       left_out=data["left_out"]))

    @extend_schema(request=DisputeInputSerializer, responses=WorkMonthDetailOutputSerializer)
    @action(detail=True, methods=["post"])
    def dispute(self, request, pk=None):
        """The municipality disputes days, a reason per day: {"reasons": {day id: reason}}."""
        month = self.get_object()
        data = validate_input(DisputeInputSerializer, data=request.data)
        return self.render(services.work_month_dispute(actor=request.user, month=month, reasons=data["reasons"]))

    @extend_schema(request=AnswerInputSerializer, responses=WorkMonthDetailOutputSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        """The expert answers every open dispute: {"answers": {day id: answer}}."""
        month = self.get_object()
        data = validate_input(AnswerInputSerializer, data=request.data)
        return self.render(services.work_month_answer(actor=request.user, month=month, answers=data["answers"]))

    @extend_schema(request=PaperConfirmInputSerializer, responses=WorkMonthDetailOutputSerializer)
    @action(detail=True, methods=["post"], url_path="confirm-on-paper")
    def confirm_on_paper(self, request, pk=None):
        """The coordinator records a confirmation the municipality gave on paper, with its document reference."""
        month = self.get_object()
        data = validate_input(PaperConfirmInputSerializer, data=request.data)
        return self.render(services.work_month_confirm_on_paper(actor=request.user, month=month,
                                                                paper_reference=data["paper_reference"]))

    @extend_schema(request=AdjustInputSerializer, responses={201: WorkAdjustmentResultSerializer})
    @action(detail=True, methods=["post"])
    def adjust(self, request, pk=None):
        """Correct a confirmed month with a reason: change a day (`day` and fields), add one (`date` and fields)
        or remove one (`day` and `remove`). The coordinator or the municipality's staff."""
        month = self.get_object()
        data = dict(validate_input(AdjustInputSerializer, data=request.data))
        day = None
        if data.get("day"):
            day = WorkDay.objects.filter(pk=data["day"], month=month).first()
            if day is None:
                raise Http404
        fields = {name: data[name] for name in ("date", "onsite", "hours", "topics", "done") if name in data}
        adjustment = services.work_day_adjust(actor=request.user, month=month, reason=data["reason"], day=day,
                                              data=None if data["remove"] else fields)
        return Response(WorkAdjustmentResultSerializer(adjustment).data, status=status.HTTP_201_CREATED)


class WorkOverviewApi(APIView):
    """The coordinator's overview: every active or ended engagement of the prefecture whose term covers some of
    the fiscal year × its twelve months, each with its month's status (null: nothing logged)."""

    @extend_schema(parameters=[OverviewQuerySerializer], responses=OverviewRowSerializer(many=True))
    def get(self, request):
        if not (is_admin(request.user) or request.user.role == UserRole.COORDINATOR):
            raise PermissionDenied()
        query = validate_input(OverviewQuerySerializer, data=request.query_params)
        rows = selectors.work_overview(user=request.user, fiscal_year=query["fiscal_year"],
                                       municipality=query.get("municipality"))
        return Response(OverviewRowSerializer(rows, many=True).data)
