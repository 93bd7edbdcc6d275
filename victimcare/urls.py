from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from cases.api import converters  # noqa: F401  (registers <id:...> for every app's URLs)
from health.views import healthz, livez
from portal.urls import staff_urlpatterns as portal_staff
from portal.urls import victim_urlpatterns as portal_victim

admin.site.site_header = "VictimCare administration"
admin.site.site_title = "VictimCare administration"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("livez", livez, name="livez"),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file, not inline: the CSP allows no
    # inline script.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/v1/", include("cases.api.urls")),
    path("api/v1/", include("entitlements.api.urls")),
    path("api/v1/", include("referrals.api.urls")),
    path("api/v1/", include("compliance.api.urls")),
    path("api/v1/", include("handover.api.urls")),
    path("api/", include("accounts.api.urls")),
    # The case page (casework, above cases) and the rest of a case's pages share /cases/.
    path("cases/", include("casework.urls")),
    path("cases/", include("cases.urls")),
    path("", include("handover.urls")),
    # Track my case: the person's own pages (public, their own short session) and the officer's.
    path("track/", include(portal_victim)),
    path("", include(portal_staff)),
    path("notifications/", include("notifications.urls")),
    path("compliance/", include("compliance.urls")),
    path("audit/", include("audit.urls")),
    path("assurance/", include("assurance.urls")),
    path("retention/", include("retention.urls")),
    path("", include("entitlements.urls")),
    path("", include("referrals.urls")),
    path("", include("surveys.urls")),
    path("", include("victimsite.urls")),
    # Public information for victims and witnesses: no sign-in (settings.VICTIM_PATH_PREFIXES).
    path("information/", include("publicinfo.urls")),
    path("", include("home.urls")),
    path("", include("accounts.urls")),
]

handler403 = "django.views.defaults.permission_denied"
# A database restarting is a 503 to try again, not a 500 (victimcare/errors.py).
handler500 = "victimcare.errors.server_error_or_unavailable"
handler400 = "victimcare.errors.bad_request_or_unavailable"
