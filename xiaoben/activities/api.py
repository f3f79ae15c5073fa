"""API for activities, attendance, sign-in and minutes — through the door."""

import datetime as dt

from django.http import Http404
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from xiaoben.api.pagination import LazyPage
from xiaoben.core.scope import scope_for
from xiaoben.core.tenancy import get_object_for_user

from . import predicates, selectors, services, signin
from .models import Activity

router = Router(tags=["研修活动"])


class ActivityOut(Schema):
    id: int
    school_id: int | None
    term_id: int | None
    group_id: int | None
    group: str | None
    kind: str
    kind_display: str
    lesson_kind: str
    title: str
    starts_at: dt.datetime | None
    ends_at: dt.datetime | None
    place: str
    host: str | None
    recorder: str | None
    status: str
    status_display: str
    invited_count: int
    present_count: int

    @staticmethod
    def resolve_group(a) -> str | None:
        return a.group.name if a.group else None

    @staticmethod
    def resolve_kind_display(a) -> str:
        return a.get_kind_display()

    @staticmethod
    def resolve_host(a) -> str | None:
        return a.host.name if a.host else None

    @staticmethod
    def resolve_recorder(a) -> str | None:
        return a.recorder.name if a.recorder else None

    @staticmethod
    def resolve_status_display(a) -> str:
        return a.get_status_display()

    @staticmethod
    def resolve_invited_count(a) -> int:
        return getattr(a, "invited_count", 0)

    @staticmethod
    def resolve_present_count(a) -> int:
        return getattr(a, "present_count", 0)


class AttendanceOut(Schema):
    id: int
    teacher_id: int
    teacher: str
    role: str
    status: str
    signed_in_at: dt.datetime | None = Field(None, description="扫码的时间；补签没有签到时间")
    method: str = Field("", description="签到方式：scan 扫码 / manual 补签 / leave 请假 / absent 缺席 / 空 未签到")
    method_display: str = ""
    marked_by: str | None = Field(None, description="补签或更正的人")
    marked_at: dt.datetime | None = None
    reason: str = Field("", description="补签原因")
    is_guest: bool = Field(False, description="列席：不在邀请范围内、自行扫码，主持人接受后才计入学时")

    @staticmethod
    def resolve_teacher(x) -> str:
        return x.teacher.name

    @staticmethod
    def resolve_method_display(x) -> str:
        return x.get_method_display() if x.method else ""

    @staticmethod
    def resolve_marked_by(x) -> str | None:
        return x.marked_by.display_name if x.marked_by_id else None


class ActivitySettingsOut(Schema):
    school_id: int
    attendance_fix_days: int = Field(..., description="活动结束后多少天内主持人或组长可以补签；之后只有学校管理员可以")


class ActivitySettingsIn(Schema):
    attendance_fix_days: int = Field(..., ge=0, le=60)


class SignInIn(Schema):
    token: str


class MinutesOut(Schema):
    activity_id: int
    body: str
    saved_at: dt.datetime | None
    version: int


class MinutesIn(Schema):
    body: str
    version: int = Field(..., description="读取时得到的 version（还没有记录时为 0）；已被他人更新时返回 400")
    finish: bool = False


def _get(request, activity_id: int) -> Activity:
    qs = selectors.activity_list(user=request.user)
    return get_object_for_user(request.user, Activity, qs, pk=activity_id)


def _settings_school(request, school_id: int | None):
    from xiaoben.org.selectors import school_for_scope

    scope = scope_for(request.user)
    school = school_for_scope(scope, school_id)
    if school is None or (school_id and school.pk != school_id):
        raise Http404
    return scope, school


@router.get("/settings", response=ActivitySettingsOut)
def settings_get(request, school_id: int | None = None):
    """活动设置 of the school (its teachers may read them: the 补签期限 concerns hosts)."""
    from .services_settings import activity_settings_for

    _, school = _settings_school(request, school_id)
    return {"school_id": school.pk, **activity_settings_for(school)}


@router.put("/settings", response=ActivitySettingsOut)
def settings_put(request, payload: ActivitySettingsIn, school_id: int | None = None):
    """Change the 补签期限 (school admins)."""
    from .services_settings import activity_settings_for, activity_settings_update

    scope, school = _settings_school(request, school_id)
    school = activity_settings_update(actor=scope, school=school, attendance_fix_days=payload.attendance_fix_days)
    return {"school_id": school.pk, **activity_settings_for(school)}


@router.get("/", response=list[ActivityOut])
@paginate(PageNumberPagination, page_size=50)
def activities(
    request,
    school_id: int | None = None,
    term_id: int | None = None,
    kind: str = "",
    status: str = "",
    group_id: int | None = None,
    mine: bool = False,
    start: dt.date | None = None,
    end: dt.date | None = None,
):
    scope = scope_for(request.user)
    qs = selectors.activity_list(
        user=request.user,
        school_id=school_id,
        term_id=term_id,
        kind=kind,
        status=status,
        group_id=group_id,
        teacher_id=scope.teacher_id if mine else None,
        start=start,
        end=end,
    ).order_by("starts_at", "pk")
    return LazyPage(qs)


@router.get("/{activity_id}", response=ActivityOut)
def activity(request, activity_id: int):
    return _get(request, activity_id)


@router.get("/{activity_id}/attendance", response=list[AttendanceOut])
def attendance(request, activity_id: int):
    a = _get(request, activity_id)
    scope = scope_for(request.user)
    qs = a.attendances.select_related("teacher", "marked_by").order_by("role", "teacher__staff_no")
    if not predicates.can_run(scope, a) and not scope.can("school:read_public", school_id=a.school_id):
        qs = qs.filter(teacher_id=scope.teacher_id)
    return list(qs)


@router.post("/{activity_id}/sign-in", response=AttendanceOut)
def sign_in(request, activity_id: int, payload: SignInIn):
    """签到 with the token read from the host's QR code (valid for 30–60 seconds)."""
    a = _get(request, activity_id)
    scope = scope_for(request.user)
    if not signin.token_valid(a.pk, payload.token):
        from django.core.exceptions import ValidationError

        raise ValidationError("签到码已过期，请重新扫描主持人屏幕上的二维码。")
    x = services.attendance_sign_in(actor=scope, activity=a)
    assert scope.teacher is not None  # the service signs in teachers only
    x.teacher = scope.teacher
    return x


@router.get("/{activity_id}/minutes", response=MinutesOut)
def minutes(request, activity_id: int):
    a = _get(request, activity_id)
    m = selectors.minutes_of(request.user, a)
    if m is None:
        return {"activity_id": a.pk, "body": "", "saved_at": None, "version": 0}
    return {"activity_id": a.pk, "body": m.body, "saved_at": m.saved_at, "version": services.minutes_editor_state(m)["version"]}


@router.put("/{activity_id}/minutes", response=MinutesOut)
def minutes_put(request, activity_id: int, payload: MinutesIn):
    a = _get(request, activity_id)
    m = services.minutes_save(
        actor=scope_for(request.user),
        activity=a,
        html=payload.body,
        expected_version=payload.version,
        finish=payload.finish,
    )
    return {"activity_id": a.pk, "body": m.body, "saved_at": m.saved_at or timezone.now(), "version": m.version}
