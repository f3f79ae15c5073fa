"""学期归档: one .zip per term, folders by kind and group, each record as .docx with its
attachments beside it, the summaries, the record books, statistics as .xlsx, and an
index (目录.xlsx and an index.html that opens offline from the unzipped folder)."""

from __future__ import annotations

import html
import io
import zipfile
from dataclasses import dataclass
from urllib.parse import quote

from xiaoben.core.formatting import ZIP, safe_filename
from xiaoben.core.scope import Scope
from xiaoben.org.models import Group, Teacher, Term

from . import record_books as rb


@dataclass
class Entry:
    path: str
    kind: str
    group: str
    note: str


PRECOMPRESSED = {"docx", "xlsx", "pptx", "zip", "jpg", "jpeg", "png", "gif", "webp", "mp4", "mp3", "m4a", "pdf"}


class ArchiveWriter:
    def __init__(self):
        self.buf = io.BytesIO()
        self.zip = zipfile.ZipFile(self.buf, "w", zipfile.ZIP_DEFLATED)
        self.entries: list[Entry] = []
        self.names: set[str] = set()

    def add(self, path: str, data: bytes, *, kind: str, group: str = "", note: str = "") -> str:
        parts = [safe_filename(p) for p in path.split("/")]
        path = "/".join(parts)
        base, dot, ext = path.rpartition(".")
        n = 2
        while path in self.names:
            path = f"{base}（{n}）.{ext}" if dot else f"{path}（{n}）"
            n += 1
        self.names.add(path)
        # .docx/.xlsx/images are zip or compressed already: storing them costs nothing and
        # deflating them again saves almost nothing.
        stored = ext.lower() in PRECOMPRESSED
        self.zip.writestr(
            path, data, compress_type=zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED, compresslevel=None if stored else 6
        )
        self.entries.append(Entry(path, kind, group, note))
        return path

    def add_files(self, folder: str, files, *, prefix: str, kind: str, group: str = "", note: str = "") -> None:
        """Attachments beside a record: `<folder>/<prefix>-<file name>`; a missing file is skipped."""
        for f in files:
            try:
                with f.file.open("rb") as fh:
                    data = fh.read()
            except (FileNotFoundError, OSError, ValueError):
                continue
            self.add(f"{folder}/{prefix}-{f.name}", data, kind=kind, group=group, note=note)

    def finish(self, title: str) -> bytes:
        self.zip.writestr("目录.xlsx", self._catalogue_xlsx(title))
        self.zip.writestr("index.html", self._index_html(title))
        self.zip.close()
        return self.buf.getvalue()

    def _catalogue_xlsx(self, title: str) -> bytes:
        from openpyxl import Workbook
        from openpyxl.styles import Font

        wb = Workbook()
        ws = wb.active
        ws.title = "目录"
        ws.append([title])
        ws["A1"].font = Font(bold=True, size=13)
        ws.append(["序号", "类别", "教研组", "文件", "说明"])
        for c in ws[2]:
            c.font = Font(bold=True)
        for i, e in enumerate(self.entries, 1):
            ws.append([i, e.kind, e.group, e.path, e.note])
            ws.cell(row=i + 2, column=4).hyperlink = e.path
        for col, w in zip("ABCDE", (6, 14, 14, 60, 40), strict=True):
            ws.column_dimensions[col].width = w
        from xiaoben.core.xlsx import workbook_bytes

        return workbook_bytes(wb)

    def _index_html(self, title: str) -> str:
        kinds: dict[str, list[Entry]] = {}
        for e in self.entries:
            kinds.setdefault(e.kind, []).append(e)
        esc = html.escape
        body = []
        for kind, items in kinds.items():
            body.append(f"<h2>{esc(kind)}（{len(items)}）</h2><ul>")
            for e in items:
                label = e.path.rsplit("/", 1)[-1]
                extra = " · ".join(x for x in (e.group, e.note) if x)
                # percent-encoded: a '#' or '%' in a title must not cut the link when opened from disk
                body.append(f'<li><a href="{esc(quote(e.path))}">{esc(label)}</a>{f" <small>{esc(extra)}</small>" if extra else ""}</li>')
            body.append("</ul>")
        return (
            "<!doctype html><html lang=zh-CN><meta charset=utf-8><meta name=viewport content='width=device-width'>"
            f"<title>{esc(title)}</title><style>body{{font-family:sans-serif;max-width:60em;margin:1em auto;padding:0 1em}}"
            "small{color:#666}li{margin:.2em 0}</style>"
            f"<h1>{esc(title)}</h1><p>共 {len(self.entries)} 个文件。本页离线可用：点击文件名打开。另有 <a href='%E7%9B%AE%E5%BD%95.xlsx'>目录.xlsx</a>。</p>"
            + "".join(body)
            + "</html>"
        )


def _progress(job_id, pct):
    if job_id:
        from .jobs import report_progress

        report_progress(job_id, pct)


PER_RECORD_LIMIT = 300  # above this many observations, each observer's 听课记录本 carries them


def build_archive(*, actor: Scope, term: Term, job_id=None, full: bool = True) -> tuple[str, str, bytes]:
    """See _build_archive; many documents are built, so each layout's python-docx document is
    reused (docx_style.reuse_documents) and each school template read once."""
    from xiaoben.reportkit import docx_style as ds

    from .templates_docx import templates_cached

    with ds.reuse_documents(), templates_cached():
        return _build_archive(actor=actor, term=term, job_id=job_id, full=full)


def _build_archive(*, actor: Scope, term: Term, job_id=None, full: bool = True) -> tuple[str, str, bytes]:
    """The archive of a term (the caller checked reports:export in the term's school).

    Each observation is its own 听课记录表 .docx up to PER_RECORD_LIMIT records; above that
    (python-docx costs ~0.1–0.4 s a document) every observer's 听课记录本 holds all of their
    records in full. `full=False` (asked for explicitly; the demo builds the full one) leaves out the per-teacher documents and
    keeps the summaries, the activity record books, the statistics and the index."""
    from xiaoben.activities.models import Activity, ActivityMinutes
    from xiaoben.observations.exports import observation_docx
    from xiaoben.observations.models import Observation
    from xiaoben.observations.selectors import rubric_rows
    from xiaoben.reportkit import summary as sm
    from xiaoben.writings.exports import term_docx
    from xiaoben.writings.models import Writing

    from . import summary_doc
    from .documents import render_document
    from .selectors import draft_for

    school = term.school
    title = f"{school.name}{term.name}校本研修归档"
    w = ArchiveWriter()
    groups = list(Group.objects.filter(school=school, is_active=True).order_by("kind", "name"))
    subject_groups = [g for g in groups if g.kind == "subject"]

    # 1. 工作总结 (school, each 教研组)
    for g in [None, *subject_groups]:
        period = sm.term_period(term, group=g)
        sections = sm.build(period)
        draft = draft_for(period)
        ctx = summary_doc.context(period, sections, dict(draft.prose) if draft else {}, draft.title if draft else "")
        data = render_document("summary", school, ctx, summary_doc.default_docx)
        w.add(f"01工作总结/{ctx['title']}.docx", data, kind="工作总结", group=g.name if g else "全校")
    _progress(job_id, 15)

    # 2. 教研活动记录本 per group, each activity's attachments beside it
    acts_in_books: set[int] = set()
    minutes_of = ActivityMinutes.objects.order_by()
    for g in groups:
        book = rb.activity_book(g, term)
        if not book["entries"]:
            continue
        w.add(
            f"02教研活动/{g.name}/{g.name}教研活动记录本.docx",
            rb.activity_book_docx(book),
            kind="教研活动记录本",
            group=g.name,
            note=f"{len(book['entries'])}次活动",
        )
        acts = [e["activity"] for e in book["entries"]]
        files = rb.attachments_by_target(Activity, [a.pk for a in acts])
        minutes_activity = dict(minutes_of.filter(activity__in=acts).values_list("pk", "activity_id"))
        minutes_files = rb.attachments_by_target(ActivityMinutes, list(minutes_activity))
        for mid, fs in minutes_files.items():
            files.setdefault(minutes_activity[mid], []).extend(fs)
        for a in acts:
            acts_in_books.add(a.pk)
            w.add_files(
                f"02教研活动/{g.name}/附件",
                files.get(a.pk, []),
                prefix=f"{a.starts_at:%m%d}-{a.title[:20]}",
                kind="活动附件",
                group=g.name,
                note=a.title,
            )
    _progress(job_id, 35)

    # 3. 听课记录: each observation's 听课记录表, by observer; and each teacher's 听课记录本
    teachers = {t.pk: t for t in Teacher.objects.filter(school=school).select_related("school")}
    membership = {}
    for g in subject_groups:
        for tid in g.memberships.values_list("teacher_id", flat=True):
            membership.setdefault(tid, g.name)
    obs = list(
        Observation.objects.counted()
        .filter(term=term, school=school)
        .select_related("observer", "teacher", "term__school_year", "rubric", "school")
        .prefetch_related("scores__item")
        .order_by("observer__staff_no", "lesson_date", "pk")
    )
    per_record = full and len(obs) <= PER_RECORD_LIMIT
    obs_files = rb.attachments_by_target(Observation, [o.pk for o in obs]) if full else {}
    for i, o in enumerate(obs if full else []):
        grp = membership.get(o.observer_id, "其他")
        folder = f"03听课记录/{grp}/{o.observer.name}"
        stem = f"听课记录表-{o.teacher.name}-{o.lesson_date:%Y%m%d}"
        if per_record:
            name, _, data = observation_docx(o, rubric_rows(o))
            stem = w.add(f"{folder}/{name}", data, kind="听课记录表", group=grp, note=o.observer.name).rsplit("/", 1)[-1][:-5]
        w.add_files(folder, obs_files.get(o.pk, []), prefix=f"{stem}-附件", kind="听课附件", group=grp, note=o.observer.name)
        if i % 50 == 0:
            _progress(job_id, 35 + int(30 * i / max(1, len(obs))))
    by_observer: dict[int, list] = {}
    for o in obs:
        by_observer.setdefault(o.observer_id, []).append(o)
    for tid in sorted(by_observer) if full else []:
        t = teachers.get(tid)
        if t:
            grp = membership.get(tid, "其他")
            rows = sorted(by_observer[tid], key=lambda o: (o.lesson_date, o.period or 0, o.pk))
            w.add(
                f"03听课记录/{grp}/{t.name}/{t.name}听课记录本.docx",
                rb.observation_book_docx({"teacher": t, "term": term, "observations": rows}),
                kind="听课记录本",
                group=grp,
                note=t.name,
            )
    _progress(job_id, 70)

    # 4. 研修文章: each author's writings of the term in one .docx
    writings = list(
        Writing.objects.filter(term=term, school=school)
        .exclude(status="draft")
        .select_related("book", "reviewed_by", "author")
        .order_by("author_id", "written_on", "pk")
    )
    by_author: dict[int, list] = {}
    for wr in writings:
        by_author.setdefault(wr.author_id, []).append(wr)
    writing_files = rb.attachments_by_target(Writing, [x.pk for x in writings]) if full else {}
    for tid, rows in by_author.items() if full else []:
        t = teachers.get(tid)
        if t:
            grp = membership.get(tid, "其他")
            w.add(
                f"04研修文章/{grp}/{t.name}-研修文章.docx",
                term_docx(teacher=t, term=term, writings=rows),
                kind="研修文章",
                group=grp,
                note=f"{len(rows)}篇",
            )
            for wr in rows:
                w.add_files(
                    f"04研修文章/{grp}/{t.name}-附件",
                    writing_files.get(wr.pk, []),
                    prefix=f"{wr.written_on:%m%d}-{wr.title[:20]}",
                    kind="文章附件",
                    group=grp,
                    note=wr.title,
                )
    _progress(job_id, 85)

    # 5. 统计 (.xlsx)
    from xiaoben.hours.exports import stats_xlsx
    from xiaoben.observations.exports import observations_xlsx
    from xiaoben.writings.exports import school_xlsx

    _, _, data = stats_xlsx(school=school, year=term.end_date.year)
    w.add(f"05统计/{term.end_date.year}年学时统计.xlsx", data, kind="统计")
    _, _, data = observations_xlsx(
        Observation.objects.counted().filter(term=term, school=school).select_related("observer", "teacher").order_by("lesson_date")
    )
    w.add("05统计/听课记录一览.xlsx", data, kind="统计")
    w.add(
        "05统计/研修文章一览.xlsx",
        school_xlsx(school=school, term=term, writings=[x for x in writings if x.status != "draft"]),
        kind="统计",
    )
    data = w.finish(title)
    _store_on_closure(term, title, data)
    return f"{title}.zip", ZIP, data


def _store_on_closure(term: Term, title: str, data: bytes) -> None:
    """A closed term keeps its archive for later download."""
    from django.core.files.base import ContentFile

    from .models import TermClosure

    closure = TermClosure.objects.filter(term=term, closed_at__isnull=False).first()
    if closure is None:
        return
    if closure.archive:
        closure.archive.delete(save=False)
    closure.archive.save(safe_filename(f"{title}.zip"), ContentFile(data), save=False)
    closure.archive_name = safe_filename(f"{title}.zip")
    closure.archive_size = len(data)
    closure.save(update_fields=["archive", "archive_name", "archive_size", "updated_at"])
