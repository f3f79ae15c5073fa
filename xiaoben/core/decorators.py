"""View guards. Permission checks read the scope; failures answer 404, never 403,
so nobody learns that a record of another school exists."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404

from .scope import scope_for


def require_perm(perm: str):
    """The person must hold `perm` in their home school (or the region for region:*)."""

    def deco(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            scope = scope_for(request.user)
            school_id = None if perm.startswith("region:") else scope.school_id
            if not scope.can(perm, school_id=school_id):
                raise Http404
            return view(request, *args, **kwargs)

        return wrapper

    return deco
