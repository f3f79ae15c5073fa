"""The one exception a service raises when the actor may not do something.

    raise NotPermitted()              # the actor must not learn the object exists → 404
    raise NotPermitted("只有组长可以审阅。")  # they may see it, not do this → 403 with the message

Views need nothing: `NotPermittedMiddleware` turns it into the page; the API's
exception handler (xiaoben/api/urls.py) into JSON. Validation problems stay
Django's `ValidationError` with Chinese messages.
"""

from __future__ import annotations


class NotPermitted(Exception):
    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or "")
        self.message = message

    @property
    def hides_object(self) -> bool:
        """True → answer 404, as if the object did not exist."""
        return not self.message


def require(condition: bool, message: str | None = None) -> None:
    """`require(can_edit(scope, obj))` — raise NotPermitted unless the condition holds."""
    if not condition:
        raise NotPermitted(message)
