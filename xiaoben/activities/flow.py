"""The activity's state machine, written once: which move goes from which statuses, who may
make it, and how the page offers it. Services check moves with `require`; the detail page and
its buttons come from `actions_for` (templates loop, they do not test statuses)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from xiaoben.core.scope import Scope

from . import predicates
from .models import Activity, ActivityStatus

S = ActivityStatus


@dataclass(frozen=True)
class Transition:
    action: str  # the URL's name for it: /activities/<pk>/status/<action>/
    label: str
    sources: tuple[str, ...]  # statuses it leaves from
    target: str  # status it arrives at
    who: str = "manage"  # "manage": organisers; "record": organisers, 主持人 and 记录人
    button: str = "btn-outline-primary"
    asks_reason: bool = False  # 取消: a reason the participants are told
    refusal: str = ""  # the message when the status does not allow it


TRANSITIONS: tuple[Transition, ...] = (
    Transition("publish", _("发布"), (S.PLANNED,), S.PUBLISHED, button="btn-success", refusal=_("只有“计划中”的活动可以发布")),
    Transition("held", _("标记已举行"), (S.PUBLISHED,), S.HELD, who="record", refusal=_("只有已发布的活动可以标记为已举行")),
    # 登记记录 is offered on the minutes page (保存并完成); RECORDED → RECORDED re-credits hours.
    Transition("record", _("登记记录"), (S.PUBLISHED, S.HELD, S.RECORDED), S.RECORDED, who="record", button=""),
    Transition("archive", _("归档"), (S.RECORDED,), S.ARCHIVED, button="btn-outline-dark", refusal=_("只有已记录的活动可以归档")),
    Transition("cancel", _("取消活动"), (S.PLANNED, S.PUBLISHED), S.CANCELLED, button="btn-outline-danger", asks_reason=True),
)
BY_ACTION = {t.action: t for t in TRANSITIONS}

# What else a status allows (not moves): where the rest of the page's buttons come from.
OPEN = (S.PLANNED, S.PUBLISHED, S.HELD, S.RECORDED)  # not archived, not cancelled: editable
SIGN_IN = (S.PUBLISHED, S.HELD)  # the QR screen and 签到
MINUTES = (S.PUBLISHED, S.HELD, S.RECORDED, S.ARCHIVED)  # 活动记录 can be read from publishing on
MINUTES_EDITABLE = (S.PUBLISHED, S.HELD, S.RECORDED)  # … and written until archived
LEAVE = (S.PLANNED, S.PUBLISHED)  # 请假 before it is held
FINISH = (S.PUBLISHED, S.HELD)  # the minutes page's 保存并完成 (登记记录 the first time; recorded: saving re-credits)


def may_make(scope: Scope, activity: Activity, t: Transition) -> bool:
    """Whether this person's role allows the move (the status is checked by `require`)."""
    return predicates.can_manage(scope, activity) if t.who == "manage" else predicates.can_record(scope, activity)


def require(activity: Activity, action: str) -> Transition:
    """The move, or a Chinese refusal when the activity's status does not allow it."""
    t = BY_ACTION[action]
    if activity.status not in t.sources:
        status = activity.get_status_display()
        if t.refusal:
            raise ValidationError(f"{t.refusal}（当前：{status}）。")
        raise ValidationError(f"“{status}”的活动不能{t.label}。")
    return t


@dataclass
class Actions:
    """Everything the detail page may offer this person for this activity."""

    transitions: list[Transition] = field(default_factory=list)  # buttons, in order
    can_manage: bool = False
    can_run: bool = False
    can_record: bool = False
    edit: bool = False
    invite: bool = False
    host_screen: bool = False
    minutes: bool = False
    mark_attendance: bool = False
    leave: bool = False  # ask for leave (the viewer's own invitation)
    missing_hint: bool = False  # 发布前还缺 (the 四定 not complete)
    prep: bool = False  # 发布本次集体备课教案


def actions_for(scope: Scope, activity: Activity, mine=None) -> Actions:
    """The one selector the detail page reads: moves (buttons) and what the status allows."""
    manage, run, record = (
        predicates.can_manage(scope, activity),
        predicates.can_run(scope, activity),
        predicates.can_record(scope, activity),
    )
    status = activity.status
    return Actions(
        transitions=[t for t in TRANSITIONS if t.button and status in t.sources and (manage if t.who == "manage" else record)],
        can_manage=manage,
        can_run=run,
        can_record=record,
        edit=manage and status in OPEN,
        invite=manage and status in OPEN,
        host_screen=run and status in SIGN_IN,
        minutes=record and status in MINUTES,
        mark_attendance=run and status in OPEN,
        leave=mine is not None and mine.status == "invited" and status in LEAVE,
        missing_hint=status == S.PLANNED,
        prep=activity.kind == "lesson_prep" and activity.school_id is not None and status != S.CANCELLED,
    )
