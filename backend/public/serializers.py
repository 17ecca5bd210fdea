from django.urls import reverse
from rest_framework import serializers

from backend.geo.models import Prefecture
from backend.public.models import PublishedYear


class PublishedYearInputSerializer(serializers.Serializer):
    fiscal_year = serializers.IntegerField(min_value=2000, max_value=2099, help_text="The fiscal year (April–March).")
    show_expert_names = serializers.BooleanField(
        default=False, help_text="Name the experts in the page's lists of exceptions and engagements (off by default).")
    prefecture = serializers.PrimaryKeyRelatedField(
        queryset=Prefecture.objects.all(), required=False,
        help_text="The prefecture's code; a coordinator's own prefecture when left out (an administrator gives it).")


class PublishedYearUnpublishSerializer(serializers.Serializer):
    fiscal_year = serializers.IntegerField(min_value=2000, max_value=2099, help_text="The fiscal year (April–March).")
    prefecture = serializers.PrimaryKeyRelatedField(
        queryset=Prefecture.objects.all(), required=False,
        help_text="The prefecture's code; a coordinator's own prefecture when left out (an administrator gives it).")


class PublishedYearOutputSerializer(serializers.ModelSerializer):
    published = serializers.BooleanField(source="is_published", read_only=True)
    url = serializers.SerializerMethodField(help_text="The anonymous page's path (404 while not published).")
    csv_url = serializers.SerializerMethodField(help_text="The page's CSV.")

    class Meta:
        model = PublishedYear
        fields = ["id", "prefecture", "fiscal_year", "published", "show_expert_names", "published_at",
                  "unpublished_at", "url", "csv_url"]

    def get_url(self, obj) -> str:
        return reverse("frontend:public-year", args=[obj.prefecture_id, obj.fiscal_year])

    def get_csv_url(self, obj) -> str:
        return reverse("frontend:public-year-csv", args=[obj.prefecture_id, obj.fiscal_year])
