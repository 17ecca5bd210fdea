"""API of the user's own notifications: list and read them, mark one or all read. Another user's
notification is outside the scope: 404, for reading and for marking alike."""

from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from backend.core.viewsets import ScopedViewSet
from backend.notifications import selectors, services
from backend.notifications.models import Notification
from backend.notifications.serializers import MarkedReadOutputSerializer, NotificationOutputSerializer


class NotificationViewSet(ScopedViewSet):
    """The signed-in user's notifications (お知らせ), newest first."""

    queryset = Notification.objects.none()
    output_serializer_class = NotificationOutputSerializer
    filter_params = {"kind": "kind"}

    def scoped_queryset(self, user):
        return selectors.notification_list(user=user)

    @extend_schema(request=None, responses=NotificationOutputSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        return self.render(services.notification_mark_read(actor=request.user, notification=self.get_object()))

    @extend_schema(request=None, responses=MarkedReadOutputSerializer)
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        marked = services.notification_mark_all_read(actor=request.user)
        return Response({"marked": marked, "unread": request.user.unread_notifications})
