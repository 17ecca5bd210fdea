from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts.models import UserRole
from backend.accounts.permissions import is_admin
from backend.calendar.filters import ClosedDayFilter
from backend.calendar.models import ClosedDay
from backend.calendar.selectors import (
    closed_day_can_change,
    closed_day_list,
    closed_days_named,
    workable_days_by_weekday,
)
from backend.calendar.serializers import (
    ClosedDayInputSerializer,
    ClosedDayOutputSerializer,
    WorkingCalendarOutputSerializer,
    WorkingCalendarQuerySerializer,
)
from backend.calendar.services import closed_day_create, closed_day_delete
from backend.core.api import validate_input
from backend.core.viewsets import WritableScopedViewSet


@extend_schema_view(create=extend_schema(request=ClosedDayInputSerializer, responses={201: ClosedDayOutputSerializer}))
class ClosedDayViewSet(WritableScopedViewSet):
    """Closed days (閉庁日) a prefecture or a municipality adds to the national calendar. A prefecture's
    coordinator adds and removes the prefecture's; a municipality's staff their municipality's."""

    queryset = ClosedDay.objects.none()  # for the schema
    output_serializer_class = ClosedDayOutputSerializer
    input_serializer_class = ClosedDayInputSerializer
    filterset_class = ClosedDayFilter
    http_method_names = ["get", "post", "delete", "head", "options"]

    def scoped_queryset(self, user):
        return closed_day_list(user=user)

    def can_create(self, user):
        return is_admin(user) or user.role in (UserRole.COORDINATOR, UserRole.MUNICIPAL)

    def can_change(self, user, obj):
        return closed_day_can_change(user=user, closed_day=obj)

    def create_object(self, *, user, data):
        return closed_day_create(actor=user, data=data)

    def delete_object(self, *, user, obj):
        closed_day_delete(actor=user, closed_day=obj)


class WorkingCalendarApi(APIView):
    """The working calendar of a fiscal year: every closed day with its name (祝日 with 振替休日 and 国民の休日,
    年末年始 12/29–1/3, and the place's own closed days) and the workable days per weekday."""

    @extend_schema(parameters=[WorkingCalendarQuerySerializer], responses=WorkingCalendarOutputSerializer)
    def get(self, request):
        query = validate_input(WorkingCalendarQuerySerializer, data=request.query_params)
        place = {"prefecture": query.get("prefecture"), "municipality": query.get("municipality")}
        named = closed_days_named(query["fiscal_year"], **place)
        return Response(WorkingCalendarOutputSerializer({
            "fiscal_year": query["fiscal_year"],
            "closed_days": [{"date": day, "name": name} for day, name in named.items()],
            "workable_days_by_weekday": workable_days_by_weekday(query["fiscal_year"], **place),
        }).data)
