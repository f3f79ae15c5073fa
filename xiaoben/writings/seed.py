"""Demo writings: reflections, 心得, reading notes and the rest for the current term up to
today (and last term), books on shelves, the school's recommended list — and a few texts
copied from a colleague or from last term, so the detector has something to show."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from xiaoben.core.scope import SYSTEM
from xiaoben.org.models import GroupMembership

from . import demo_texts as T
from . import services
from .models import Book, Writing
from .services import WritingRecord

COMMENTS = [
    "反思具体，改进措施可行。",
    "能结合课堂实例分析问题，建议再深入一些。",
    "写得真诚，值得在组内交流。",
    "注意联系学生的学习情况谈得失。",
    "措施明确，期待下次课的变化。",
    "",
]
MONTHS = "一二三四五六七八九十"


AFTER: tuple[str, ...] = ()  # seeds whose records this one reads


def _p(*sentences) -> str:
    return "".join(f"<p>{s}</p>" for s in sentences if s)


class _Composer:
    def __init__(self, rng):
        self.rng = rng

    def fill(self, s: str, **kw) -> str:
        r = self.rng
        kw.setdefault("student", r.choice(T.STUDENTS))
        return s.format(**kw)

    def pick(self, pool, k, **kw):
        return [self.fill(s, **kw) for s in self.rng.sample(pool, k)]

    def vary(self, html: str) -> str:
        """Word the same ideas a little differently, as different teachers do."""
        r = self.rng
        for word, options in T.VARIANTS:
            parts = html.split(word)
            html = parts[0] + "".join(r.choice(options) + rest for rest in parts[1:])
        return html

    def detail(self) -> str:
        r = self.rng
        n, m, u = r.randint(12, 45), r.randint(22, 32), r.randint(3, 8)
        return r.choice(T.EXTRA_DETAILS).format(n=n, k=r.randint(2, n // 2), m=m, r=40 - m, q=r.randint(2, 6), u=u, v=r.randint(1, u))

    def reflection(self, teacher, day: dt.date, week: int):
        r = self.rng
        lessons = T.LESSONS.get(teacher.subject, T.LESSONS["语文"])
        lesson = r.choice(lessons)
        grade = T.GRADES[(teacher.grades or [3])[0] - 1] if teacher.grades else r.choice(T.GRADES[:6])
        kw = {
            "lesson": lesson if lesson.startswith("《") else f"“{lesson}”",
            "grade": grade,
            "cls": r.choice(T.CLASSES),
            "weekday": "周" + "一二三四五"[min(day.weekday(), 4)],
            "period": r.randint(1, 6),
        }
        roll = r.random()
        if roll < 0.75:
            sub, title = "lesson", f"{lesson}教学反思" if lesson.startswith("《") else f"“{lesson}”教学反思"
        elif roll < 0.9:
            sub, title = "week", f"第{week}周教学反思"
        else:
            sub, title = "month", f"{MONTHS[day.month - 1] if day.month <= 10 else day.month}月份教学反思"
        body = _p(
            self.fill(r.choice(T.OPENINGS), **kw) + self.fill(r.choice(T.GOALS), **kw) + self.detail(),
            "".join(self.pick(T.GOOD, r.randint(2, 3), **kw)) + self.detail(),
            "".join(self.pick(T.WEAK, r.randint(1, 2), **kw)),
            "".join(self.pick(T.PLANS, r.randint(1, 2), **kw)) + self.fill(r.choice(T.CLOSINGS)),
        )
        return "reflection", sub, title, self.vary(body)

    def insight(self, teacher):
        r = self.rng
        title, opening = r.choice(T.INSIGHT_TOPICS)
        kw = {"subject": teacher.subject}
        body = _p(
            self.fill(opening, **kw) + self.detail(),
            "".join(self.pick(T.INSIGHT_BODY, 2)),
            self.fill(r.choice(T.GOOD)) + r.choice(T.INSIGHT_BODY[-2:]),
        )
        return "insight", "", self.fill(title, **kw), self.vary(body)

    def reading(self, kind: str, book_row):
        r = self.rng
        title, author, idea = book_row
        head = f"读《{title}》有感" if kind == "book_review" else f"《{title}》读书笔记（{r.choice(['一', '二', '三'])}）"
        # A real reading note runs to several hundred characters (读书笔记每年不少于5000字).
        picked = self.pick(T.READING_BODY, 12)
        body = _p(
            f"最近在读{author}的《{title}》。{idea}" + picked[0],
            "".join(picked[1:4]) + self.fill(r.choice(T.WEAK)),
            "".join(picked[4:7]) + self.fill(r.choice(T.GOOD)),
            "".join(picked[7:10]) + self.detail(),
            "".join(picked[10:12]) + self.fill(r.choice(T.PLANS)) + r.choice(T.CLOSINGS),
        )
        return kind, "", head, self.vary(body)

    def narrative(self):
        r = self.rng
        student = r.choice(T.STUDENTS)
        body = _p(
            self.fill(r.choice(T.NARRATIVES), student=student),
            "".join(self.pick(T.NARRATIVE_BODY, 2, student=student)) + self.fill(r.choice(T.GOOD), student=student),
            self.fill(r.choice(T.PLANS), student=student) + r.choice(T.CLOSINGS),
        )
        return r.choice(["narrative", "case"]), "", f"{student}的变化", self.vary(body)

    def outside(self, teacher):
        title, opening = self.rng.choice(T.OUTSIDE)
        kw = {"subject": teacher.subject}
        body = _p(self.fill(opening, **kw) + self.detail(), "".join(self.pick(T.OUTSIDE_BODY, 2)), "".join(self.pick(T.INSIGHT_BODY, 2)))
        return "outside_report", "", self.fill(title, **kw), self.vary(body)


def seed(ctx) -> None:
    for school in ctx.schools:
        _seed_school(ctx, school)


def _reviewers(school, teachers):
    """Each teacher's 教研组长 (their subject group's leader); leaders go to the school's admin teacher."""
    leader_of = {}
    rows = GroupMembership.objects.filter(group__school=school, group__kind="subject").values_list("group_id", "teacher_id", "role")
    leaders = {g: t for g, t, role in rows if role == "leader"}
    for g, t, _ in rows:
        leader_of.setdefault(t, leaders.get(g))
    admin = next((t for t in teachers if t.staff_no.endswith("002")), teachers[1])
    return {t.pk: (leader_of.get(t.pk) if leader_of.get(t.pk) not in (None, t.pk) else admin.pk) for t in teachers}


def _dates(rng, term, upto: dt.date, per_week: float):
    end = min(term.end_date, upto)
    out = []
    for week in term.teaching_weeks(end):
        start, stop = term.week_range(week)
        days = [start + dt.timedelta(days=i) for i in range(5)]
        days = [d for d in days if term.start_date <= d <= min(stop, end)]
        if days and rng.random() < per_week:
            out.append((rng.choice(days), week))
    return out


def _seed_school(ctx, school) -> None:
    rng = ctx.rng
    comp = _Composer(rng)
    term, prev = ctx.terms[school.pk], ctx.previous_terms.get(school.pk)
    teachers = [t for t in ctx.teachers[school.pk] if t.is_active]
    reviewer = _reviewers(school, teachers)
    recs = [services.recommended_add(school=school, actor=SYSTEM, title=t, author=a, note=idea[:60]) for t, a, idea in T.BOOKS]
    rec_by_title = {r.title: r for r in recs}
    rows: list[dict] = []
    books: list[Book] = []
    for teacher in teachers:
        # How conscientious this teacher is: most keep up, some slip, a few fall behind,
        # so the compliance dashboards show a realistic spread.
        diligence = rng.choices([1.0, 0.9, 0.6], [50, 32, 18])[0]
        teacher._demo_diligence = diligence
        for tm, per_week in ((prev, 0.3), (term, diligence)):
            if tm is None:
                continue
            own = rng.sample(T.BOOKS, 2)
            shelf = [
                Book(
                    school=school,
                    teacher=teacher,
                    school_year_id=tm.school_year_id,
                    title=b[0],
                    author=b[1],
                    recommended=rec_by_title[b[0]],
                )
                for b in own
            ]
            books.extend(shelf)
            for day, week in _dates(rng, tm, ctx.today, per_week):
                rows.append({"teacher": teacher, "term": tm, "day": day, "parts": comp.reflection(teacher, day, week)})
            if tm is term:
                rows.extend(_monthly_extras(rng, comp, teacher, tm, ctx.today, diligence, own, shelf))
                continue
            extras = _dates(rng, tm, ctx.today, 0.15)
            for day, _ in extras:
                roll = rng.random()
                if roll < 0.45:
                    kind = "reading_note" if rng.random() < 0.75 else "book_review"
                    i = rng.randrange(len(shelf))
                    rows.append({"teacher": teacher, "term": tm, "day": day, "parts": comp.reading(kind, own[i]), "book": shelf[i]})
                elif roll < 0.75:
                    rows.append({"teacher": teacher, "term": tm, "day": day, "parts": comp.insight(teacher)})
                elif roll < 0.92:
                    rows.append({"teacher": teacher, "term": tm, "day": day, "parts": comp.narrative()})
                else:
                    rows.append({"teacher": teacher, "term": tm, "day": day, "parts": comp.outside(teacher)})
    Book.objects.bulk_create(books)
    _add_copies(ctx, school, teachers, rows, term, prev)
    _save(ctx, school, rows, term, reviewer)


def _add_copies(ctx, school, teachers, rows, term, prev):
    """A reflection copied from a colleague's last-term text, a 心得 copied in the same term,
    and a teacher re-using their own reflection of last term."""
    rng = ctx.rng
    if prev is None:
        return
    persona = ctx.personas.get("teacher")
    persona_t = next((t for t in teachers if persona is not None and t.user_id == persona.pk), None)
    chinese = [t for t in teachers if t.subject == "语文" and t is not persona_t]
    copier = persona_t or rng.choice(chinese or teachers)
    source_t = rng.choice([t for t in chinese if t is not copier] or teachers)
    src_day = prev.week_range(9)[0] + dt.timedelta(days=2)
    rows.append(
        {"teacher": source_t, "term": prev, "day": src_day, "parts": ("reflection", "lesson", T.SHOWCASE_TITLE, _lines(T.SHOWCASE))}
    )
    copy_day = min(ctx.today - dt.timedelta(days=1), term.end_date)
    rows.append(
        {
            "teacher": copier,
            "term": term,
            "day": copy_day,
            "parts": ("reflection", "lesson", "《总也倒不了的老屋》课后反思", _lines(T.showcase_copy(T.SHOWCASE))),
            "status": "submitted",
            "copied": True,
        }
    )
    insights = [r for r in rows if r["term"] is term and r["parts"][0] == "insight" and r["day"] < ctx.today - dt.timedelta(days=10)]
    if insights:
        src = rng.choice(insights)
        other = rng.choice([t for t in teachers if t is not src["teacher"]])
        kind, sub, title, body = src["parts"]
        rows.append(
            {
                "teacher": other,
                "term": term,
                "day": src["day"] + dt.timedelta(days=3),
                "parts": (kind, sub, title, body.replace("我", "笔者", 2)),
                "status": "submitted",
                "copied": True,
            }
        )
    olds = [r for r in rows if r["term"] is prev and r["parts"][0] == "reflection"]
    if olds:
        src = rng.choice(olds)
        kind, sub, title, body = src["parts"]
        day = min(ctx.today - dt.timedelta(days=4), term.end_date)
        rows.append(
            {
                "teacher": src["teacher"],
                "term": term,
                "day": day,
                "parts": (kind, sub, title, body.replace("。", "，", 1)),
                "status": "submitted",
                "copied": True,
            }
        )


def _lines(text: str) -> str:
    return _p(*[line.strip() for line in text.splitlines()])


def _monthly_extras(rng, comp, teacher, term, today, diligence, own, shelf) -> list[dict]:
    """This term's 心得 (two a month), 教学案例/随笔 (one a month) and reading notes,
    written as often as the teacher's diligence allows."""
    rows: list[dict] = []
    days = [d for d, _ in _dates(rng, term, today, 1.0)]
    by_month: dict[tuple[int, int], list[dt.date]] = {}
    for d in days:
        by_month.setdefault((d.year, d.month), []).append(d)
    for month_days in by_month.values():
        n_insight = 2 if diligence == 1.0 else (rng.choice([1, 2]) if diligence > 0.8 else rng.choice([0, 1]))
        for day in rng.sample(month_days, min(n_insight, len(month_days))):
            rows.append({"teacher": teacher, "term": term, "day": day, "parts": comp.insight(teacher)})
        if rng.random() < diligence:
            rows.append({"teacher": teacher, "term": term, "day": rng.choice(month_days), "parts": comp.narrative()})
    n_reading = {1.0: 5, 0.9: 3}.get(diligence, 1)
    for day in rng.sample(days, min(n_reading, len(days))):
        kind = "reading_note" if rng.random() < 0.8 else "book_review"
        i = rng.randrange(len(shelf))
        rows.append({"teacher": teacher, "term": term, "day": day, "parts": comp.reading(kind, own[i]), "book": shelf[i]})
    if rng.random() < 0.08:
        rows.append({"teacher": teacher, "term": term, "day": rng.choice(days), "parts": comp.outside(teacher)})
    return rows


def _save(ctx, school, rows, term, reviewer) -> None:
    rng = ctx.rng
    tz = timezone.get_current_timezone()
    records: list[WritingRecord] = []
    rows.sort(key=lambda r: (r["day"], r["teacher"].pk))
    for r in rows:
        kind, sub, title, body = r["parts"]
        age = (ctx.today - r["day"]).days
        status = r.get("status")
        if status is None:
            diligent = getattr(r["teacher"], "_demo_diligence", 0.9) >= 0.9
            p_submit = 0.97 if r["term"] is not term else (0.98 if diligent else (0.9 if age > 14 else 0.6))
            p_review = 0.9 if r["term"] is not term else (0.7 if age > 14 else 0.2)
            status = "draft" if rng.random() > p_submit else ("reviewed" if rng.random() < p_review else "submitted")
        submitted = dt.datetime.combine(r["day"], dt.time(rng.randint(15, 21), rng.randint(0, 59)), tzinfo=tz)
        w = Writing(
            author=r["teacher"],
            kind=kind,
            sub_kind=sub,
            title=title[:200],
            body=body,
            written_on=r["day"],
            status=status,
            book=r.get("book"),
            visibility=rng.choices(["school", "group", "private"], [72, 20, 8])[0],
            submitted_at=submitted if status != "draft" else None,
        )
        if status == "reviewed":
            w.reviewed_by_id = reviewer[r["teacher"].pk]
            w.reviewed_at = submitted + dt.timedelta(days=rng.randint(1, 6))
            w.review_comment = rng.choice(COMMENTS)
            w.is_excellent = rng.random() < 0.08
            if w.is_excellent:  # schools share their 优秀 pieces with the region (the 教研员 reads them)
                w.visibility = "region"
        # the term, 字数 and the copy check are the service's; only the deliberate copies are
        # compared (the rest of the demo's texts share sentence pools)
        records.append(WritingRecord(writing=w, check_copies=bool(r.get("copied"))))
    services.writings_record_many(actor=SYSTEM, rows=records)
