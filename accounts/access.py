"""How views ask the permission matrix. One mixin for pages, one class for the API."""

from django.core.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission

from .permissions import can


class ActionRequiredMixin:
    """Refuse the view unless the matrix lets the user take `action`."""

    action: str = ""

    def dispatch(self, request, *args, **kwargs):
        if not can(request.user, self.action):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class HasAction(BasePermission):
    """DRF permission: the API view declares `action`, the matrix decides."""

    def has_permission(self, request, view) -> bool:
        return can(request.user, view.action_required)
