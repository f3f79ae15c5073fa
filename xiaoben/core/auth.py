"""Sign in with 工号, mobile number or username.

工号 are unique inside a school only; when the same 工号 exists in several
schools, the password decides (a person knows only their own)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class StaffNoOrPhoneBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or not password:
            return None
        User = get_user_model()
        login = username.strip()
        candidates = list(User.objects.filter(username=login)) or list(User.objects.filter(phone=login))
        if not candidates:
            candidates = list(User.objects.filter(teacher__staff_no=login, teacher__is_active=True))
        matches = [u for u in candidates if u.check_password(password) and self.user_can_authenticate(u)]
        if len(matches) == 1:
            return matches[0]
        if not matches:
            User().set_password(password)  # same work as a real check: no timing oracle
        return None
