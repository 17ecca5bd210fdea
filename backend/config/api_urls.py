from django.urls import path
from rest_framework.authtoken.views import obtain_auth_token
from rest_framework.routers import DefaultRouter

from backend.accounts.apis import MeApi, TokenApi
from backend.experts.apis import ExpertViewSet
from backend.geo.apis import MunicipalityViewSet, PrefectureViewSet
from backend.needs.apis import NeedViewSet
from backend.procurement.apis import ProcurementViewSet, VendorViewSet

router = DefaultRouter()
router.register("prefectures", PrefectureViewSet, basename="prefecture")
router.register("municipalities", MunicipalityViewSet, basename="municipality")
router.register("experts", ExpertViewSet, basename="expert")
router.register("vendors", VendorViewSet, basename="vendor")
router.register("procurements", ProcurementViewSet, basename="procurement")
router.register("needs", NeedViewSet, basename="need")

urlpatterns = [
    path("me/", MeApi.as_view(), name="me"),
    path("auth/token/", TokenApi.as_view(), name="token"),
    path("auth/token/login/", obtain_auth_token, name="token-login"),
    *router.urls,
]
