"""Writes for 听课评课: save a draft, submit, flag copied feedback, notify. Every service takes the
actor's `Scope` and checks it first (xiaoben.observations.predicates). `feedback_flags_check` and
`flag_reviewers` are internal steps of a submit (no actor of their own)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.urls import reverse
from django.utils import timezone

from xiaoben.core.changes import rows_changed
from xiaoben.core.concurrency import save_checked
from xiaoben.core.errors import require
from xiaoben.core.notifications import notify
from xiaoben.core.scope import Scope
from xiaoben.core.terms import require_term_open
from xiaoben.core.validation import check_lengths
from xiaoben.org.models import GroupMembership, RoleAssignment, School, Teacher, Term
from xiaoben.org.selectors import term_for_date
from xiaoben.org.validation import check_grade

from . import predicates as can
from .models import FeedbackFlag, Observation, ObservationKind, ObservationScore, ObservationStatus, Rubric
from .rubrics import rubric_for_school, score_total
from .similarity import feedback_index, feedback_index_many, similar_observations

DEFAULT_BACKFILL_DAYS = 3
EDITABLE = ["teacher", "lesson_date", "period", "subject", "grade", "class_name", "lesson_title", "kind", "activity"]
TEXTS = ["notes", "strengths", "weaknesses", "suggestions"]


@dataclass
class ObservationInput:
    teacher: Teacher
    lesson_date: dt.date
    lesson_title: str = ""
    kind: str = ObservationKind.REGULAR
    period: int | None = None
    subject: str = ""
    grade: int | None = None
    class_name: str = ""
    activity: object | None = None
    notes: str = ""
    strengths: str = ""
    weaknesses: str = ""
    suggestions: str = ""
    points: dict[int, Decimal] = field(default_factory=dict)  # RubricItem id -> points


def is_backfill(*, school: School, lesson_date: dt.date, entered: dt.datetime) -> bool:
    """补录: entered more than N days (school setting `backfill_days`, default 3) after the lesson."""
    days = int(school.setting("backfill_days", DEFAULT_BACKFILL_DAYS))
    return (timezone.localdate(entered) - lesson_date).days > days


def _validate(observer: Teacher, data: ObservationInput, rubric: Rubric, submit: bool) -> dict[int, Decimal]:
    errors = []
    if data.teacher is None:
        errors.append("请选择授课教师。")
    elif data.teacher.school_id != observer.school_id:
        errors.append("只能听本校教师的课。")
    elif data.teacher.pk == observer.pk:
        errors.append("不能给自己评课。")
    if data.lesson_date is None:
        errors.append("请填写听课日期。")
    elif data.lesson_date > timezone.localdate():
        errors.append("听课日期不能晚于今天。")
    if data.kind not in ObservationKind.values:
        errors.append("课型不正确。")
    if data.period is not None and not 1 <= data.period <= 12:
        errors.append("节次应在第1节到第12节之间。")
    if data.activity is not None and getattr(data.activity, "school_id", None) != observer.school_id:
        errors.append("只能关联本校的活动。")
    if grade_error := check_grade(data.grade, observer.school.stage):
        errors.append(grade_error)
    errors += check_lengths(
        [
            ("课题", data.lesson_title, 200),
            ("学科", data.subject, 20),
            ("班级", data.class_name, 30),
            ("听课笔记", data.notes, 20000),
            ("优点", data.strengths, 5000),
            ("不足", data.weaknesses, 5000),
            ("建议", data.suggestions, 5000),
        ]
    )
    if submit:
        if not (data.lesson_title or "").strip():
            errors.append("请填写课题。")
        if not any((getattr(data, f) or "").strip() for f in ("strengths", "weaknesses", "suggestions")):
            errors.append("请至少写一条评课意见（优点、不足或建议）。")
    items = {i.pk: i for i in rubric.items.all()}
    points: dict[int, Decimal] = {}
    for item_id, raw in (data.points or {}).items():
        item = items.get(int(item_id))
        if item is None:
            errors.append("评分项目不属于这张评价表。")
            continue
        try:
            p = Decimal(str(raw))
            if not p.is_finite():  # NaN, Infinity: Decimal parses them, comparing them raises
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            errors.append(f"“{item.title}”的得分必须是数字。")
            continue
        if not 0 <= p <= item.max_points:
            errors.append(f"“{item.title}”的得分应在 0 到 {item.max_points} 之间。")
            continue
        points[item.pk] = p
    optional = bool(observer.school.setting("rubric_scoring_optional", False))
    if submit and len(points) < len(items) and not (optional and not points):
        missing = [i.title for i in items.values() if i.pk not in points]
        errors.append(f"还有{len(missing)}个评价项目没有打分：{'、'.join(missing[:5])}{'等' if len(missing) > 5 else ''}。")
    if errors:
        raise ValidationError(errors)
    return points


def _fill(obs: Observation, data: ObservationInput, term: Term, rubric: Rubric, points: dict[int, Decimal]) -> None:
    """The record's fields from the entered data: trimmed texts, the lesson's term, the score."""
    obs.term = term
    obs.rubric = rubric
    for f in EDITABLE:
        setattr(obs, f, getattr(data, f))
    obs.lesson_title = (obs.lesson_title or "").strip()
    obs.subject = obs.subject or data.teacher.subject
    for f in TEXTS:
        setattr(obs, f, (getattr(data, f) or "").strip())
    items = list(rubric.items.all())
    obs.total, obs.grade_label = score_total(items=items, points=points, scale=rubric.grade_scale)


CLEAN_EXCLUDE = ["activity", "rubric", "term", "school", "observer", "teacher"]


@transaction.atomic
def observation_save(
    *,
    actor: Scope,
    data: ObservationInput,
    submit: bool,
    observation: Observation | None = None,
    expected_version: int | None = None,
    rubric: Rubric | None = None,
    form_token: str = "",
) -> Observation:
    """Save a draft (autosave) or submit an observation.

    Only the observer writes it, and only while it is a draft. `created_at` is
    when it was first entered: that, not the submit time, decides 补录. The actor is the
    observer: a teacher who may record observations."""
    require(can.can_record(actor))
    observer = actor.teacher
    assert observer is not None  # can_record holds only for a teacher
    if observation is not None:
        can.require_on(actor, observation, can.can_write(actor, observation), "只有听课人本人可以修改这条听课记录。")
        if expected_version is None:  # the editor's copy must say which version it was loaded from
            raise ValidationError("缺少版本号：请刷新页面后再保存。")
        if observation.status != ObservationStatus.DRAFT:
            raise ValidationError("听课记录已提交，不能再修改。")
        rubric = observation.rubric or rubric
    rubric = rubric or rubric_for_school(observer.school)
    if rubric.school_id != observer.school_id:
        raise ValidationError("评价表不属于本校。")
    points = _validate(observer, data, rubric, submit)
    term = term_for_date(observer.school_id, data.lesson_date)
    if term is None:
        raise ValidationError("听课日期不在本校任何学期之内，请检查日期。")
    require_term_open(term)
    if observation is not None:
        require_term_open(observation.term_id)
    obs = observation or Observation(school_id=observer.school_id, observer=observer, status=ObservationStatus.DRAFT)
    _fill(obs, data, term, rubric, points)
    if submit:
        obs.status = ObservationStatus.SUBMITTED
        obs.submitted_at = timezone.now()
        obs.is_backfilled = is_backfill(school=observer.school, lesson_date=obs.lesson_date, entered=obs.created_at or timezone.now())
    obs.full_clean(exclude=CLEAN_EXCLUDE)
    if obs.pk is None:
        obs.form_token = form_token or obs.form_token  # the form that created it: a resend makes no twin
        obs.save()
    else:
        fields = [*EDITABLE, *TEXTS, "term", "rubric", "total", "grade_label", "status", "submitted_at", "is_backfilled"]
        save_checked(obs, expected_version, fields)
    ObservationScore.objects.filter(observation=obs).delete()
    ObservationScore.objects.bulk_create(ObservationScore(observation=obs, item_id=k, points=v) for k, v in points.items())
    if submit:
        _after_submit(obs)
    return obs


@dataclass
class ObservationRecord:
    """One submitted record of a batch (a term's paper records): who observed, what they
    entered, and when it was entered (that decides 补录, as `created_at` does for one record)."""

    observer: Teacher
    data: ObservationInput
    entered: dt.datetime
    check_copies: bool = True  # compare its feedback with the school's (False: index it only)


def _term_of(terms: list[Term], school_id: int, day: dt.date) -> Term | None:
    """`term_for_date` over terms loaded once (the same order, the first that holds the day)."""
    return next((t for t in terms if t.school_id == school_id and t.start_date <= day <= t.end_date), None)


@transaction.atomic
def observations_record_many(*, actor: Scope, rows: Sequence[ObservationRecord]) -> list[Observation]:
    """Enter a batch of submitted observations for others (a term's paper records, the demo).

    The actor is an admin of every school in the batch (or the platform). Each row is held to
    the rules of `observation_save(submit=True)`, checked set-wise: a row that breaks one refuses
    the whole batch (nothing is saved), the message names the row. The side effects are those of a
    submit: scores, the feedback indexed for the copy check (and checked, unless the row says
    not), kept counts and the search index told. The observed teachers are not notified one by
    one: these are past records entered late, not news."""
    schools = {s.pk: s for s in School.objects.filter(pk__in={r.observer.school_id for r in rows})}
    for school_id in sorted(schools):
        require(can.can_import(actor, school_id), "只有学校管理员可以导入本校的听课记录。")
    if len(schools) < len({r.observer.school_id for r in rows}):
        raise ValidationError("听课人不属于任何学校。")
    rubrics: dict[int, Rubric] = {}
    for school_id, school in schools.items():
        rubrics[school_id] = rubric_for_school(school)
    prefetch_related_objects(list(rubrics.values()), "items")
    terms = list(Term.objects.select_related("school_year").filter(school_id__in=schools))
    errors: list[str] = []
    built: list[tuple[Observation, dict[int, Decimal]]] = []
    for n, row in enumerate(rows, start=1):
        observer = row.observer
        if not Teacher.school.is_cached(observer):
            observer.school = schools[observer.school_id]
        rubric = rubrics[observer.school_id]
        try:
            points = _validate(observer, row.data, rubric, submit=True)
            term = _term_of(terms, observer.school_id, row.data.lesson_date)
            if term is None:
                raise ValidationError("听课日期不在本校任何学期之内，请检查日期。")
            if timezone.localdate(row.entered) < row.data.lesson_date:
                raise ValidationError("录入日期不能早于听课日期。")
            obs = Observation(school_id=observer.school_id, observer=observer, status=ObservationStatus.SUBMITTED)
            _fill(obs, row.data, term, rubric, points)
            obs.submitted_at = obs.created_at = obs.updated_at = row.entered
            obs.is_backfilled = is_backfill(school=schools[observer.school_id], lesson_date=obs.lesson_date, entered=row.entered)
            obs.full_clean(exclude=CLEAN_EXCLUDE, validate_unique=False, validate_constraints=False)  # no form token: no twin
        except ValidationError as e:
            errors += [f"第{n}条：{m}" for m in e.messages]
            continue
        built.append((obs, points))
    if errors:
        raise ValidationError(errors)
    for term_id in sorted({obs.term_id for obs, _ in built}):
        require_term_open(next(obs.term for obs, _ in built if obs.term_id == term_id))
    created: list[Observation] = Observation.objects.bulk_create([obs for obs, _ in built], batch_size=1000)
    # created_at is when it was entered: bulk_create's auto_now_add set it to now.
    for obs, row in zip(created, rows, strict=True):
        obs.created_at = obs.updated_at = row.entered
    Observation.objects.bulk_update(created, ["created_at", "updated_at"], batch_size=1000)
    ObservationScore.objects.bulk_create(
        (ObservationScore(observation=obs, item_id=k, points=v) for obs, points in built for k, v in points.items()), batch_size=5000
    )
    feedback_index_many(created)
    for obs, row in zip(created, rows, strict=True):
        if row.check_copies:
            feedback_flags_check(observation=obs)
    rows_changed(Observation, [obs.pk for obs in created])
    return created


def _after_submit(obs: Observation) -> None:
    url = reverse("observations:detail", args=[obs.pk])
    notify(
        "observations.submitted",
        recipients=[obs.teacher.user_id],
        context={"observer": obs.observer.name, "lesson": obs.lesson_title, "date": f"{obs.lesson_date:%m月%d日}"},
        url=url,
        target=obs,
    )
    feedback_flags_check(observation=obs)


def flag_reviewers(obs: Observation) -> set[int]:
    """Who reviews copied feedback: the leaders of the observer's groups and the school's admins."""
    leaders = GroupMembership.objects.filter(
        group__school_id=obs.school_id,
        group__is_active=True,
        group__memberships__teacher_id=obs.observer_id,
        role__in=["leader", "deputy"],
    ).values_list("teacher__user_id", flat=True)
    admins = RoleAssignment.objects.filter(school_id=obs.school_id, role__in=["principal", "school_admin"]).values_list(
        "user_id", flat=True
    )
    return (set(leaders) | set(admins)) - {obs.observer.user_id}


def feedback_flags_check(*, observation: Observation) -> list[FeedbackFlag]:
    """评课意见雷同: flag and notify when the feedback matches another observation's."""
    matches = similar_observations(observation)
    feedback_index(observation)
    if not matches:
        return []
    flags = FeedbackFlag.objects.bulk_create(
        [FeedbackFlag(school_id=observation.school_id, observation=observation, similar_to_id=pk, similarity=sim) for pk, sim in matches],
        ignore_conflicts=True,
    )
    best = matches[0][1]
    notify(
        "observations.feedback_flagged",
        recipients=flag_reviewers(observation),
        context={"observer": observation.observer.name, "lesson": observation.lesson_title, "share": f"{best:.0%}"},
        url=reverse("observations:flags"),
        target=observation,
    )
    return flags


def flag_resolve(*, actor: Scope, flag: FeedbackFlag) -> None:
    """核查: a reviewer of the flag marks it checked."""
    require(can.can_resolve_flag(actor, flag))
    flag.resolved_at = timezone.now()
    flag.save(update_fields=["resolved_at", "updated_at"])


@transaction.atomic
def observation_withdraw(*, actor: Scope, observation: Observation) -> Observation:
    """撤回: the observer takes a submitted record back to draft, as long as nobody
    has replied to it yet and it is not under review for copied feedback."""
    require_term_open(observation.term_id)
    from django.contrib.contenttypes.models import ContentType

    from xiaoben.core.models import Comment

    can.require_on(actor, observation, can.can_write(actor, observation), "只有听课人本人可以撤回听课记录。")
    if observation.status != ObservationStatus.SUBMITTED:
        raise ValidationError("这条记录还没有提交。")
    ct = ContentType.objects.get_for_model(Observation)
    if Comment.objects.filter(target_type=ct, target_id=observation.pk).exists():
        raise ValidationError("授课教师已经回复，不能撤回；如需补充，请在下方留言。")
    if observation.flags.filter(resolved_at__isnull=True).exists():
        raise ValidationError("这条记录的评课意见正在核查，不能撤回。")
    observation.status = ObservationStatus.DRAFT
    observation.submitted_at = None
    observation.save(update_fields=["status", "submitted_at", "updated_at"])
    return observation


@transaction.atomic
def observation_delete(*, actor: Scope, observation: Observation) -> None:
    can.require_on(actor, observation, can.can_write(actor, observation), "只有听课人本人可以删除听课记录。")
    require_term_open(observation.term_id)
    observation.soft_delete()
