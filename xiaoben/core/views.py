from typing import cast

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from . import selectors, services
from .decorators import AuthedRequest
from .forms import LoginForm, StyledPasswordChangeForm
from .models import User
from .scope import directory
from .tenancy import visible_to


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = StyledPasswordChangeForm
    template_name = "registration/password_change.html"

    def get_form(self, form_class: type[PasswordChangeForm] | None = None) -> PasswordChangeForm:
        form = super().get_form(form_class)
        if cast(User, self.request.user).must_change_password:  # the batch password the school handed out, not an “old” one
            form.fields["old_password"].label = "初始密码"
            form.fields["old_password"].help_text = "学校发给你的初始密码。"
        return form

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        response = super().form_valid(form)
        user = form.user
        if user.must_change_password:
            user.must_change_password = False
            user.save(update_fields=["must_change_password"])
        messages.success(self.request, "密码已修改。")
        return response

    def get_success_url(self) -> str:
        return reverse("core:home")


# The home and profile pages show the school, term and groups: org draws them (core sits below
# org in the layers and asks through `core.scope.directory()`).
@login_required
def home(request: AuthedRequest) -> HttpResponse:
    response: HttpResponse = directory().home(request)
    return response


@login_required
def profile(request: AuthedRequest) -> HttpResponse:
    response: HttpResponse = directory().profile(request)
    return response


@login_required
@require_POST
def token_revoke(request: AuthedRequest, pk: int) -> HttpResponse:
    services.api_token_revoke(user=request.user, token_id=pk)
    messages.success(request, "令牌已撤销。")
    return redirect("core:profile")


@login_required
def notifications(request: AuthedRequest) -> HttpResponse:
    qs = selectors.notifications_of(request.user)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(request, "core/notifications.html", {"page": page})


@login_required
@require_POST
def notifications_read(request: AuthedRequest) -> HttpResponse:
    ids = request.POST.getlist("id")
    services.notifications_mark_read(user=request.user, ids=[int(i) for i in ids if i.isdigit()] or None)
    nxt = request.POST.get("next", "")
    if nxt and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
        return redirect(nxt)
    return redirect("core:notifications")


@login_required
@require_POST
def comment_add(request: AuthedRequest, ct_id: int, obj_id: int) -> HttpResponse:
    """Post a comment on any record the person can see (404 otherwise)."""
    ct = get_object_or_404(ContentType, pk=ct_id)
    model = ct.model_class()
    if model is None:
        raise Http404
    target = visible_to(request.user, model).filter(pk=obj_id).first()
    if target is None:
        raise Http404
    nxt = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
        nxt = ""
    try:
        # Who may write is the service's rule (core.predicates.can_comment): 404 for anyone else.
        parent = selectors.comment_of(target, request.POST.get("parent"))
        if request.POST.get("parent") and parent is None:
            raise ValidationError("回复的评论不属于这条记录。")
        services.comment_add(author=request.user, target=target, body=request.POST.get("body", ""), parent=parent, url=nxt)
    except ValidationError as e:
        messages.error(request, "；".join(e.messages))
    else:
        messages.success(request, "评论已发表。")
    if not nxt:
        return HttpResponseBadRequest("缺少返回地址")
    return redirect(nxt)


@login_required
def attachment_download(request: AuthedRequest, pk: int) -> HttpResponseBase:
    """Files are served only to those who may see the record they belong to."""
    from django.http import FileResponse

    att = selectors.attachment_for(request.user, pk)
    if att is None:
        raise Http404
    # Served with a type we chose (never guessed from a name a person typed), nosniff (set by
    # SecurityMiddleware), and as a download unless it is a kind a browser previews safely.
    from .uploads import served_type

    content_type, download = served_type(att.kind, att.file)
    response = FileResponse(att.file.open("rb"), as_attachment=download, filename=att.name, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """500 in the site layout (with the menu, so there is a way on); if the layout itself
    fails — the database may be what broke — a plain page with no queries."""
    from django.http import HttpResponseServerError
    from django.template import loader

    try:
        return render(request, "500.html", status=500)
    except Exception:
        return HttpResponseServerError(loader.get_template("500_plain.html").render())
