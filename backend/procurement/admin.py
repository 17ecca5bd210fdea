from django.contrib import admin

from backend.core.admin import ReadOnlyAdmin
from backend.procurement.models import Procurement, Vendor


@admin.register(Vendor)
class VendorAdmin(ReadOnlyAdmin):
    list_display = ["name", "corporate_number"]
    search_fields = ["name", "corporate_number"]


@admin.register(Procurement)
class ProcurementAdmin(ReadOnlyAdmin):
    list_display = ["title", "municipality", "category", "status", "incumbent_vendor", "fiscal_year"]
    list_filter = ["category", "status", "fiscal_year"]
    raw_id_fields = ["municipality"]
    list_select_related = ["municipality", "incumbent_vendor"]
