"""集体备课 (提前备课 → 集体研讨 → 个人修改 → 教后反思) and lesson-study series.

"开展每周一课。总体思路是‘提前备课，集体研议，个人修改，注重反思’" (seed 000 篇13):
the 主备人 posts the draft, the group comments, each teacher keeps a personal
revision, and after teaching writes a 教后反思 on it. Every version is kept."""

from __future__ import annotations

import difflib
import io
from html import escape
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.safestring import mark_safe

from xiaoben.core.errors import require
from xiaoben.core.scope import Scope
from xiaoben.core.terms import require_term_open
from xiaoben.core.uploads import validate_upload
from xiaoben.core.validation import require_lengths

from . import copycheck
from . import predicates as can
from .models import (
    Activity,
    LessonPlanVersion,
    LessonPrep,
    LessonStudyRound,
    LessonStudySeries,
    PlanVersionKind,
)

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from xiaoben.org.models import Group, School, Teacher, Term
    from xiaoben.writings.models import Writing

BODY_MAX = 100000


def docx_text(upload: UploadedFile[bytes]) -> str:
    """The text of an uploaded .docx lesson plan (paragraphs, then tables row by row)."""
    validate_upload(upload, {"docx"})
    import docx

    try:
        doc = docx.Document(io.BytesIO(upload.read()))
    except Exception as e:  # python-docx raises several kinds on broken files
        raise ValidationError("无法读取这个 Word 文件，请确认是 .docx 格式且未损坏。") from e
    finally:
        upload.seek(0)
    lines = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            cells: list[str] = []
            for c in row.cells:
                if c.text.strip() and (not cells or cells[-1] != c.text.strip()):
                    cells.append(c.text.strip())
            if cells:
                lines.append(" | ".join(cells))
    text = "\n".join(lines).strip()
    if not text:
        raise ValidationError("这个 Word 文件里没有文字。")
    return text


def _body(body: str, upload: UploadedFile[bytes] | None) -> tuple[str, str]:
    if upload is not None:
        return docx_text(upload), getattr(upload, "name", "")[:200]
    text = (body or "").replace("\r\n", "\n").strip()
    if not text:
        raise ValidationError("请填写教案正文，或上传一个 Word 教案。")
    if len(text) > BODY_MAX:
        raise ValidationError(f"教案太长了：{len(text)} 字，最多 {BODY_MAX} 字。")
    return text, ""


@transaction.atomic
def prep_create(
    *,
    actor: Scope,
    school: School,
    term: Term | None,
    title: str,
    lead: Teacher,
    group: Group | None = None,
    activity: Activity | None = None,
    body: str = "",
    upload: UploadedFile[bytes] | None = None,
) -> LessonPrep:
    """The 主备人's draft starts a 集体备课: a teacher of the school as 主备人 themselves; naming
    someone else is for the school's admins and the group's leader."""
    require(can.can_create_prep(actor, school.pk))
    if not can.can_name_lead(actor, school.pk, lead, group):  # which 主备人 is the form's choice: said on the form
        raise ValidationError("只有组长或学校管理员可以为他人指定主备人。")
    if lead.school_id != school.pk:
        raise ValidationError("主备人须是本校教师。")
    require_term_open(term)
    if activity is not None and activity.school_id != school.pk:
        raise ValidationError("关联的活动不属于本校。")
    text, source = _body(body, upload)
    prep = LessonPrep(
        school=school,
        term=term,
        group=group or (activity.group if activity else None),
        activity=activity,
        title=(title or "").strip(),
        subject=(group.subject if group else "") or lead.subject,
        grade=group.grade if group else None,
        lead=lead,
        created_by_id=actor.user_id,
    )
    prep.full_clean()
    prep.save()
    draft = LessonPlanVersion.objects.create(
        prep=prep, author=lead, kind=PlanVersionKind.DRAFT, body=text, source_name=source, note="主备初稿"
    )
    copycheck.version_check(draft)
    return prep


@transaction.atomic
def version_add(
    *,
    actor: Scope,
    prep: LessonPrep,
    body: str = "",
    upload: UploadedFile[bytes] | None = None,
    note: str = "",
    based_on: LessonPlanVersion | None = None,
) -> LessonPlanVersion:
    """By a teacher of the school (the actor): the 主备人 posts a revised draft; anyone else
    saves their 个性化修改 (based on the latest draft)."""
    can.require_on(actor, prep, can.can_write_prep(actor, prep.school_id), "只有本校教师可以提交教案版本。")
    author = actor.teacher
    assert author is not None  # can_write_prep holds only for a teacher
    require_term_open(prep.term_id)
    text, source = _body(body, upload)
    lead_versions = prep.versions.filter(author=prep.lead).order_by("-created_at", "-id")
    if based_on is None:
        based_on = lead_versions.first()
    kind = PlanVersionKind.REVISED if author.pk == prep.lead_id else PlanVersionKind.PERSONAL
    require_lengths([("说明", (note or "").strip(), 200)])
    version = LessonPlanVersion.objects.create(
        prep=prep, author=author, kind=kind, based_on=based_on, body=text, source_name=source, note=(note or "").strip()
    )
    copycheck.version_check(version)
    return version


@transaction.atomic
def version_reflect(*, actor: Scope, version: LessonPlanVersion, text: str, writing: Writing | None = None) -> LessonPlanVersion:
    """教后反思 on one's own version, after teaching it; optionally linked to one's own
    教学反思 in writings (only read here, never changed)."""
    can.require_on(actor, version, can.can_reflect(actor, version), "只能在自己的教案版本上写教后反思。")
    require_term_open(version.prep.term_id)
    if writing is not None and writing.author_id != version.author_id:
        raise ValidationError("只能关联自己写的教学反思。")
    text = (text or "").strip()
    if not text and writing is None:
        raise ValidationError("教后反思不能为空。")
    version.reflection, version.reflection_at, version.writing = text[:20000], timezone.now(), writing
    version.save(update_fields=["reflection", "reflection_at", "writing", "updated_at"])
    return version


def _mark(text: str, tag: str) -> str:
    return f"<{tag}>{escape(text)}</{tag}>" if text else ""


def compare(a: str, b: str) -> list[dict[str, Any]]:
    """Side-by-side rows for two versions: equal lines plain, changed lines with the
    changed characters marked (<del> on the left, <ins> on the right)."""
    la, lb = a.splitlines(), b.splitlines()
    rows: list[dict[str, Any]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, la, lb, autojunk=False).get_opcodes():
        if op == "equal":
            rows += [{"op": "equal", "left": escape(x), "right": escape(y)} for x, y in zip(la[i1:i2], lb[j1:j2], strict=True)]
            continue
        left, right = la[i1:i2], lb[j1:j2]
        for k in range(max(len(left), len(right))):
            x = left[k] if k < len(left) else None
            y = right[k] if k < len(right) else None
            if x is not None and y is not None:
                lh, rh = [], []
                for cop, a1, a2, b1, b2 in difflib.SequenceMatcher(None, x, y, autojunk=False).get_opcodes():
                    if cop == "equal":
                        lh.append(escape(x[a1:a2]))
                        rh.append(escape(y[b1:b2]))
                    else:
                        lh.append(_mark(x[a1:a2], "del"))
                        rh.append(_mark(y[b1:b2], "ins"))
                rows.append({"op": "replace", "left": "".join(lh), "right": "".join(rh)})
            elif x is not None:
                rows.append({"op": "delete", "left": _mark(x, "del") or "&nbsp;", "right": ""})
            elif y is not None:
                rows.append({"op": "insert", "left": "", "right": _mark(y, "ins") or "&nbsp;"})
    for r in rows:
        r["left"], r["right"] = mark_safe(r["left"]), mark_safe(r["right"])
    return rows


# --- lesson study ------------------------------------------------------------------------


@transaction.atomic
def series_create(
    *, actor: Scope, school: School, term: Term | None, kind: str, title: str, group: Group | None = None, goal: str = ""
) -> LessonStudySeries:
    """A 一课多研/同课异构 series, kept by those who organise for its group (or the school)."""
    require(can.can_organise_in(actor, school.pk))
    require_term_open(term)
    if not can.can_create(actor, school.pk, group.pk if group else None):  # the group is the form's choice
        raise ValidationError("请选择您负责的小组。")
    series = LessonStudySeries(
        school=school, term=term, kind=kind, title=(title or "").strip(), group=group, goal=goal, created_by_id=actor.user_id
    )
    series.full_clean()
    series.save()
    return series


@transaction.atomic
def round_add(
    *, actor: Scope, series: LessonStudySeries, activity: Activity, teacher: Teacher | None = None, note: str = ""
) -> LessonStudyRound:
    """Add the next round (一课多研: same teacher again; 同课异构: another teacher, same topic)."""
    can.require_on(actor, series, can.can_manage_series(actor, series), "只有组长、学校管理员或创建人可以添加轮次。")
    require_term_open(series.term_id)
    if activity.school_id != series.school_id:
        raise ValidationError("活动不属于本校。")
    if series.rounds.filter(activity=activity).exists():
        raise ValidationError("这次活动已经在本课例研究中了。")
    require_lengths([("说明", note, 500)])
    teacher = teacher or activity.host
    number = (series.rounds.aggregate(n=Max("number"))["n"] or 0) + 1
    return LessonStudyRound.objects.create(series=series, activity=activity, number=number, teacher=teacher, note=note or "")
