from django.utils import translation
from rest_framework import serializers

from backend.core.choices import ProcurementCategory, ProcurementStatus
from backend.core.fields import FiscalYearField
from backend.core.validators import validate_corporate_number
from backend.core.viewsets import iso_datetime
from backend.geo.fields import MunicipalityField
from backend.procurement.models import Procurement, Vendor, VendorDuplicate


class VendorInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, help_text="The vendor's 名称. A name that is one already registered "
                                 "once NFKC, spaces and 株式会社・(株)・㈱・有限会社・合同会社 are folded is refused (409).")
    corporate_number = serializers.CharField(
        max_length=13, required=False, allow_null=True, allow_blank=True, validators=[validate_corporate_number],
        help_text="法人番号: 13 digits with the National Tax Agency check digit. Required for a new vendor and unique "
                  "(409 naming the vendor that has it); on an update it may be filled in but not removed.",
    )


class VendorOutputSerializer(serializers.ModelSerializer):
    label = serializers.CharField(read_only=True, help_text="How every picker names the vendor, in English: "
                                                            "'name (corporate number …)'.")
    label_ja = serializers.SerializerMethodField(help_text="The same in Japanese: 「名称（法人番号 …）」.")
    merged_into_name = serializers.CharField(source="merged_into.name", default=None, allow_null=True, read_only=True)

    class Meta:
        model = Vendor
        fields = ["id", "name", "corporate_number", "label", "label_ja", "created_at", "retired_at", "merged_into",
                  "merged_into_name"]

    def get_label_ja(self, vendor: Vendor) -> str:
        with translation.override("ja"):
            return str(vendor.label)


class VendorMergeInputSerializer(serializers.Serializer):
    absorbed = serializers.PrimaryKeyRelatedField(queryset=Vendor.objects.all(),
                                                  help_text="The duplicate entry, merged into this one and retired.")
    reason = serializers.CharField(max_length=500)


class VendorRetireInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class VendorDuplicateOutputSerializer(serializers.ModelSerializer):
    first = VendorOutputSerializer(read_only=True)
    second = VendorOutputSerializer(read_only=True)

    class Meta:
        model = VendorDuplicate
        fields = ["id", "first", "second", "reason", "found_at", "resolved_at"]


class VendorDuplicateDismissInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True)


class ProcurementInputSerializer(serializers.Serializer):
    municipality = MunicipalityField(required=False)
    title = serializers.CharField(max_length=200)
    category = serializers.ChoiceField(choices=ProcurementCategory.choices)
    status = serializers.ChoiceField(choices=ProcurementStatus.choices)
    incumbent_vendor = serializers.PrimaryKeyRelatedField(
        queryset=Vendor.objects.all(), required=False, allow_null=True
    )
    fiscal_year = FiscalYearField()


class ProcurementOutputSerializer(serializers.ModelSerializer):
    incumbent_vendor_name = serializers.CharField(source="incumbent_vendor.name", default=None, allow_null=True,
                                                  read_only=True)
    municipality_name = serializers.CharField(source="municipality.name", read_only=True)

    class Meta:
        model = Procurement
        fields = ["id", "municipality", "municipality_name", "title", "category", "status", "incumbent_vendor",
                  "incumbent_vendor_name", "fiscal_year", "created_at", "updated_at"]


class ProcurementListOutputSerializer(ProcurementOutputSerializer):
    """A row of the procurements list (`procurement_list_rows`) with ProcurementOutputSerializer's fields, built
    in plain Python. tests/backend/api/test_query_counts.py holds every row equal to ProcurementOutputSerializer's."""

    def to_representation(self, row: dict) -> dict:
        return {"id": row["id"], "municipality": row["municipality_id"], "municipality_name": row["municipality__name"],
                "title": row["title"], "category": row["category"], "status": row["status"],
                "incumbent_vendor": row["incumbent_vendor_id"], "incumbent_vendor_name": row["incumbent_vendor__name"],
                "fiscal_year": row["fiscal_year"], "created_at": iso_datetime(row["created_at"]),
                "updated_at": iso_datetime(row["updated_at"])}


class ProcurementWarningSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="restricted_vendor: the vendor may not bid there in the procurement's year")
    vendor = serializers.IntegerField()
    vendor_name = serializers.CharField()
    restriction = serializers.IntegerField(help_text="the row of the bid-restriction register")
    ja = serializers.CharField()
    en = serializers.CharField()


class ProcurementWriteOutputSerializer(ProcurementOutputSerializer):
    """A procurement as a write answers it: with the warnings for the clerk (a planned procurement naming a vendor
    under a bid restriction there), empty when there are none. The write is saved either way."""

    warnings = ProcurementWarningSerializer(many=True, read_only=True, default=list)

    class Meta(ProcurementOutputSerializer.Meta):
        fields = [*ProcurementOutputSerializer.Meta.fields, "warnings"]
