from django.conf import settings

from .permissions import can, home_url_name


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"force_name": settings.FORCE_NAME}
    return {
        "force_name": settings.FORCE_NAME,
        "nav_home": home_url_name(user),
        "nav_can_view_teams": can(user, "teams.view"),
        "nav_can_view_cases": can(user, "cases.view"),
        "nav_can_view_surveys": can(user, "surveys.results"),
        "nav_can_view_compliance": can(user, "compliance.view"),
        "nav_can_sample_quality": can(user, "assurance.sample"),
        "nav_can_view_audit": can(user, "audit.view"),
        "nav_can_review_retention": can(user, "retention.review"),
        "nav_can_export_people": can(user, "people.export"),
        "nav_is_agency": can(user, "referrals.answer"),
        "nav_is_admin": can(user, "home.admin"),
    }
