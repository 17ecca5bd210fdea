from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

# The split view serves Swagger UI's start-up script from a URL of its own (script-src stays 'self'); its page
# keeps one inline <style> block, so this page alone may use inline styles.
api_docs = csp_update({"style-src": [UNSAFE_INLINE]})(SpectacularSwaggerSplitView.as_view(url_name="schema"))

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("backend.config.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", api_docs, name="api-docs"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("frontend.urls")),
]

handler400 = "backend.core.api.bad_request"
handler404 = "backend.core.api.page_not_found"
handler500 = "backend.core.api.server_error"
