"""Pages: group robots (add, test, edit), the delivery log with failures, a person's preferences."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from xiaoben.core.errors import NotPermitted
from xiaoben.core.scope import scope_for
from xiaoben.core.services import notifications_mark_read
from xiaoben.core.tenancy import get_object_for_user

from . import selectors, services
from .forms import PreferencesForm, RobotForm, SchoolDefaultsForm
from .models import Robot
from .predicates import can_set_school_defaults
from .preferences import effective


def _owner_kwargs(value: str) -> dict:
    kind, _, pk = value.partition(":")
    if kind not in ("school", "group", "region") or not pk.isdigit():
        raise ValidationError({"owner": "请选择发到哪个群。"})
    return {f"{kind}_id": int(pk)}


def _form_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errs in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errs)
    else:
        form.add_error(None, exc.messages)


@login_required
def robots(request):
    scope = scope_for(request.user)
    owners = selectors.robot_owners(scope=scope)
    if not owners and not scope.is_platform_admin:
        raise NotPermitted("只有学校管理员、教研组长或教研员可以设置群机器人。")
    form = RobotForm(request.POST or None, owners=owners)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            robot = services.robot_save(
                actor=scope,
                kind=data["kind"],
                name=data["name"],
                url=data["url"],
                secret=data["secret"],
                kinds=data["kinds"],
                quiet_start=data["quiet_start"],
                quiet_end=data["quiet_end"],
                is_active=data["is_active"],
                **_owner_kwargs(data["owner"]),
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, f"已添加群机器人“{robot.name}”。可以点“发送测试消息”检查是否设置成功。")
            return redirect("messaging:robots")
    return render(
        request,
        "messaging/robots.html",
        {"robots": selectors.robot_list(scope=scope), "form": form, "failures": selectors.delivery_failures(scope=scope)[:20]},
    )


@login_required
def robot_edit(request, pk: int):
    scope = scope_for(request.user)
    robot = get_object_for_user(request.user, Robot, pk=pk)
    owner = f"school:{robot.school_id}" if robot.school_id else f"group:{robot.group_id}" if robot.group_id else f"region:{robot.region_id}"
    initial = {
        "kind": robot.kind,
        "name": robot.name,
        "owner": owner,
        "kinds": robot.kinds,
        "quiet_start": robot.quiet_start,
        "quiet_end": robot.quiet_end,
        "is_active": robot.is_active,
    }
    form = RobotForm(
        request.POST or None, initial=initial, owners=[(owner, str(robot.school or robot.group or robot.region))], editing=True
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.robot_save(
                actor=scope,
                robot=robot,
                kind=data["kind"],
                name=data["name"],
                url=data["url"],
                secret=data["secret"],
                kinds=data["kinds"],
                quiet_start=data["quiet_start"],
                quiet_end=data["quiet_end"],
                is_active=data["is_active"],
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, "已保存。")
            return redirect("messaging:robots")
    return render(request, "messaging/robot_edit.html", {"robot": robot, "form": form})


@login_required
@require_POST
def robot_test(request, pk: int):
    robot = get_object_for_user(request.user, Robot, pk=pk)
    answer = services.robot_test(actor=scope_for(request.user), robot=robot)
    if answer.ok:
        messages.success(request, f"测试消息已发到“{robot.name}”，请在群里查看。")
    else:
        messages.error(request, f"“{robot.name}”发送失败：{answer.message}")
    return redirect("messaging:robots")


@login_required
@require_POST
def robot_delete(request, pk: int):
    robot = get_object_for_user(request.user, Robot, pk=pk)
    services.robot_delete(actor=scope_for(request.user), robot=robot)
    messages.success(request, f"已删除群机器人“{robot.name}”。")
    return redirect("messaging:robots")


@login_required
def deliveries(request):
    scope = scope_for(request.user)
    if not selectors.robot_owners(scope=scope) and not scope.is_platform_admin:
        raise NotPermitted("只有学校管理员、教研组长或教研员可以查看推送记录。")
    only_failed = request.GET.get("status") == "failed"
    qs = selectors.delivery_failures(scope=scope) if only_failed else selectors.recent_deliveries(scope=scope)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "messaging/deliveries.html", {"page": page, "only_failed": only_failed})


@login_required
def preferences(request):
    scope = scope_for(request.user)
    row = selectors.channel_settings_of(scope)
    school = scope.teacher.school if scope.teacher else None
    kinds, digest = effective(row, school)
    from .preferences import wants_email

    initial_kinds = [key for key, _ in PreferencesForm().fields["email_kinds"].choices if wants_email(key, kinds)]
    muted = row.muted_robot_kinds if row is not None else []
    form = PreferencesForm(
        request.POST or None,
        initial={"email": request.user.email, "email_kinds": initial_kinds, "digest": digest, "muted_robot_kinds": muted},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.channel_settings_save(
                actor=scope,
                email_kinds=form.cleaned_data["email_kinds"],
                digest=form.cleaned_data["digest"],
                muted_robot_kinds=form.cleaned_data["muted_robot_kinds"],
                email=form.cleaned_data["email"],
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, "通知设置已保存。")
            return redirect("messaging:preferences")
    return render(request, "messaging/preferences.html", {"form": form, "sections": _by_app(form), "has_email": bool(request.user.email)})


def _by_app(form) -> list[tuple[str, list]]:
    """The e-mail checkboxes grouped under their app's name (研修活动, 学时, …), so the long list reads on a phone."""
    from django.apps import apps

    names = {cfg.label: cfg.verbose_name for cfg in apps.get_app_configs()}
    sections: dict[str, list] = {}
    for box in form["email_kinds"]:
        sections.setdefault(str(box.data["value"]).split(".")[0], []).append(box)
    return [(names.get(app, app), boxes) for app, boxes in sections.items()]


@login_required
def school_defaults(request):
    """全校默认: which notices teachers get by e-mail until they choose for themselves."""
    from .preferences import school_defaults as current

    scope = scope_for(request.user)
    school = scope.teacher.school if scope.teacher else None
    if school is None or not can_set_school_defaults(scope, school.pk):  # the page; the service asks the same
        raise NotPermitted("只有学校管理员可以设置全校默认。")
    data = current(school)
    form = SchoolDefaultsForm(
        request.POST or None, initial={"email_kinds": data.get("email_kinds", []), "digest": data.get("digest", "off")}
    )
    if request.method == "POST" and form.is_valid():
        services.school_notification_defaults_save(
            actor=scope, school=school, email_kinds=form.cleaned_data["email_kinds"], digest=form.cleaned_data["digest"]
        )
        messages.success(request, "全校默认已保存；已自行设置过的老师保持自己的选择。")
        return redirect("messaging:school_defaults")
    return render(request, "messaging/school_defaults.html", {"form": form, "school": school})


@login_required
def open_notice(request, pk: int):
    """A notice's link: mark it read and land on the page that acts on it (works from a phone
    after sign-in, since login keeps ?next=)."""
    notice = selectors.own_notice(request.user, pk)
    if notice.read_at is None:
        notifications_mark_read(user=request.user, ids=[notice.pk])
    target = notice.url or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    return redirect(target)
