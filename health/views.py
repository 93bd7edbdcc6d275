from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import services


@login_not_required  # Load balancers and orchestrators probe it; it carries no personal data.
@never_cache
@require_GET
def healthz(request):
    report = services.status()
    return JsonResponse(report, status=200 if report["status"] == "ok" else 503)


@login_not_required  # Orchestrators probe it to restart a hung process; it says only "ok".
@never_cache
@require_GET
def livez(request):
    """Liveness: this process answers. Touches no database or broker (healthz says whether the
    service is ready); the benchmark also uses it as the trivial view to compare pages with."""
    return HttpResponse("ok", content_type="text/plain")
