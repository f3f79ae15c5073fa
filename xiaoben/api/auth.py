"""API authentication: the browser session (with CSRF) or a personal access token."""

from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from xiaoben.core.models import ApiToken


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        row = ApiToken.objects.select_related("user").filter(token_hash=ApiToken.hash(token)).first()
        if row is None or not row.user.is_active:
            return None
        if row.last_used_at is None or (timezone.now() - row.last_used_at).total_seconds() > 300:
            ApiToken.objects.filter(pk=row.pk).update(last_used_at=timezone.now())
        request.user = row.user
        return row.user


# The token first: SessionAuth fails a request without a CSRF cookie outright (403), which
# would refuse every token-authenticated POST before the token was even looked at.
AUTH = [BearerToken(), SessionAuth()]
