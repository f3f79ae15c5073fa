"""View guards. Permission checks read the scope; failures answer 404, never 403,
so nobody learns that a record of another school exists."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponseBase

from .models import User
from .scope import scope_for

View = Callable[..., HttpResponseBase]


class AuthedRequest(HttpRequest):
    """The request of a view behind `login_required` (or `require_perm`): its user is signed in."""

    user: User


def require_perm(perm: str) -> Callable[[View], View]:
    """The person must hold `perm` in their home school (or the region for region:*)."""

    def deco(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            scope = scope_for(request.user)
            school_id = None if perm.startswith("region:") else scope.school_id
            if not scope.can(perm, school_id=school_id):
                raise Http404
            return view(request, *args, **kwargs)

        return wrapper

    return deco
