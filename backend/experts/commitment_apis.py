"""API of commitments elsewhere (他の業務): an expert declares, changes and removes their own; the coordinators of
the prefectures they serve read them (a write by anyone but the expert is 403)."""

from drf_spectacular.utils import extend_schema_view
from rest_framework import serializers

from backend.accounts.permissions import is_expert_self
from backend.core.choices import CommitmentKind, Weekday
from backend.core.viewsets import WritableScopedViewSet, documented
from backend.experts.commitments import commitment_remove, commitment_set
from backend.experts.models import ExternalCommitment
from backend.experts.selectors import expert_list


class CommitmentOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = ExternalCommitment
        fields = ["id", "expert", "fiscal_year", "kind", "days_per_year", "weekdays", "note", "created_at",
                  "updated_at"]


class CommitmentInputSerializer(serializers.Serializer):
    fiscal_year = serializers.IntegerField(min_value=2000, max_value=2100)
    kind = serializers.ChoiceField(choices=CommitmentKind.choices)
    days_per_year = serializers.IntegerField(min_value=1, max_value=366)
    weekdays = serializers.ListField(child=serializers.ChoiceField(choices=Weekday.choices), required=False,
                                     max_length=7)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True)


@extend_schema_view(**documented(CommitmentInputSerializer, CommitmentOutputSerializer))
class CommitmentViewSet(WritableScopedViewSet):
    """Commitments elsewhere: days and weekdays an expert has committed outside this prefecture's pool in a fiscal
    year; they are taken from what the expert offers in runs and approvals. The expert writes their own."""

    queryset = ExternalCommitment.objects.none()
    output_serializer_class = CommitmentOutputSerializer
    input_serializer_class = CommitmentInputSerializer

    def scoped_queryset(self, user):
        return ExternalCommitment.objects.filter(expert__in=expert_list(user=user).values("pk")).order_by(
            "-fiscal_year", "id")

    def can_create(self, user):
        return bool(user.expert_id) and is_expert_self(user, user.expert_id)

    def can_change(self, user, obj):
        return is_expert_self(user, obj.expert_id)

    def create_object(self, *, user, data):
        return commitment_set(actor=user, expert=user.expert, **_values(data))

    def update_object(self, *, user, obj, data):
        current = {"fiscal_year": obj.fiscal_year, "kind": obj.kind, "days_per_year": obj.days_per_year,
                   "weekdays": list(obj.weekdays), "note": obj.note}
        return commitment_set(actor=user, expert=obj.expert, commitment=obj, **(current | _values(data, partial=True)))

    def delete_object(self, *, user, obj):
        commitment_remove(actor=user, commitment=obj)


def _values(data: dict, *, partial: bool = False) -> dict:
    fields = ("fiscal_year", "kind", "days_per_year", "weekdays", "note")
    if partial:
        return {f: data[f] for f in fields if f in data}
    return {"weekdays": [], "note": "", **{f: data[f] for f in fields if f in data}}
