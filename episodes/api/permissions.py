"""One permission class: the token may write, then the view's ``allows`` asks ``episodes.access``."""

from rest_framework import exceptions
from rest_framework.permissions import SAFE_METHODS, BasePermission

from . import access


class ApiPermission(BasePermission):
    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        if request.method not in SAFE_METHODS and not access.may_write(request):
            raise exceptions.PermissionDenied("This token is read-only.")
        if getattr(view, "detail", False):
            # Decided on the object, once found: another show's object is not found (404) first.
            return True
        return view.allows(request, None)

    def has_object_permission(self, request, view, obj):
        return view.allows(request, obj)
