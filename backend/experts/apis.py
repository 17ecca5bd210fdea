from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied

from backend.accounts.models import UserRole
from backend.accounts.scoping import is_admin
from backend.core.viewsets import WritableScopedViewSet, documented
from backend.experts.models import Expert
from backend.experts.selectors import expert_can_change, expert_list
from backend.experts.serializers import ExpertInputSerializer, ExpertOutputSerializer
from backend.experts.services import expert_create, expert_deactivate, expert_sign_pledge, expert_update


@extend_schema_view(**documented(ExpertInputSerializer, ExpertOutputSerializer))
class ExpertViewSet(WritableScopedViewSet):
    """Experts with availability, weekdays, fees, skills and vendor affiliations."""

    queryset = Expert.objects.none()  # for the schema; requests use scoped_queryset
    output_serializer_class = ExpertOutputSerializer
    input_serializer_class = ExpertInputSerializer
    filter_params = {"home_prefecture": "home_prefecture_id", "serves": "serves_prefectures",
                     "skill": "skills__skill", "active": "active"}

    def scoped_queryset(self, user):
        return expert_list(user=user)

    def can_create(self, user):
        return is_admin(user) or user.role == UserRole.COORDINATOR

    def can_change(self, user, obj):
        return expert_can_change(user=user, expert=obj)

    def create_object(self, *, user, data):
        return expert_create(user=user, data=data)

    def update_object(self, *, user, obj, data):
        return expert_update(user=user, expert=obj, data=data)

    def delete_object(self, *, user, obj):
        if user.role == UserRole.EXPERT:
            raise PermissionDenied()
        expert_deactivate(user=user, expert=obj)

    @extend_schema(request=None, responses=ExpertOutputSerializer)
    @action(detail=True, methods=["post"])
    def pledge(self, request, pk=None):
        """The expert signs the confidentiality pledge themself; it is dated today."""
        return self.render(expert_sign_pledge(user=request.user, expert=self.get_object()))
