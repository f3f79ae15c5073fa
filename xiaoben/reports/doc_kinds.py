"""The documents besides the summary that a school may restyle with its own Word template:
教研活动记录本, 听课记录表, 学时证明, 师徒结对协议书, 成长档案袋.

Each has a context builder (the plain values a template prints; the default python-docx
layout stays the document when the school has no template), its default docxtpl template
in the house style, the placeholder list with examples, and a preview with the school's own
data. The machinery (check on upload, the template in force, fallback) is the summary's:
`templates_docx` and `documents.render_document`."""

from __future__ import annotations

from xiaoben.core.formatting import DOCX, num, safe_filename
from xiaoben.reportkit import docx_style as ds

from .templates_docx import DocumentKind, Placeholder, register_kind

WEEKDAYS = "一二三四五六日"


def _loop_table(doc, header: list[str], cells: list[str], loop: str):
    """A table whose body row repeats: header, `{%tr for … %}`, the row, `{%tr endfor %}`."""
    t = doc.add_table(rows=4, cols=len(header))
    t.style = "Table Grid"
    for i, h in enumerate(header):
        ds.cell(t.cell(0, i), h, bold=True, center=True)
    ds.cell(t.cell(1, 0), "{%tr for " + loop + " %}")
    for i, c in enumerate(cells):
        ds.cell(t.cell(2, i), c)
    ds.cell(t.cell(3, 0), "{%tr endfor %}")
    return t


def _pairs_table(doc, rows: list[tuple[str, str, str, str]]):
    t = doc.add_table(rows=0, cols=4)
    t.style = "Table Grid"
    for a, b, c, d in rows:
        cells = t.add_row().cells
        ds.cell(cells[0], a, bold=True)
        ds.cell(cells[1], b)
        ds.cell(cells[2], c, bold=True)
        ds.cell(cells[3], d)
    return t


def _ctl(doc, text: str) -> None:
    doc.add_paragraph(text)


# ---------------------------------------------------------------- 听课记录表


def _observation_template() -> bytes:
    doc = ds.new_document()
    ds.title(doc, "{{ school }}听课记录表", subtitle="{{ term }}　第{{ week }}周　{{ backfilled }}")
    _pairs_table(
        doc,
        [
            ("授课教师", "{{ teacher }}", "学科 / 班级", "{{ subject }} {{ class_name }}"),
            ("听课日期", "{{ date }}", "节次 / 课型", "{{ period }} {{ kind }}"),
            ("课题", "{{ lesson_title }}", "听课人", "{{ observer }}"),
            ("总分", "{{ total }}", "等级", "{{ grade }}"),
        ],
    )
    ds.heading(doc, "听课笔记（教学过程）")
    ds.paragraph(doc, "{{ notes }}")
    ds.heading(doc, "课堂评价（{{ rubric }}）")
    _loop_table(
        doc,
        ["评价维度", "评价项目", "评价要点", "权重", "得分/满分"],
        ["{{ s.dimension }}", "{{ s.title }}", "{{ s.descriptor }}", "{{ s.weight }}", "{{ s.points }}/{{ s.max }}"],
        "s in scores",
    )
    ds.heading(doc, "评课意见（三个一）")
    _pairs_table(doc, [("优点", "{{ strengths }}", "不足", "{{ weaknesses }}")])
    ds.paragraph(doc, "建议：{{ suggestions }}", indent=False)
    ds.paragraph(doc, "听课人签名：{{ observer }}　　　　录入时间：{{ entered_at }}", indent=False, align="right")
    return ds.to_bytes(doc)


def _observation_preview(scope, school):
    from xiaoben.core.tenancy import visible_to
    from xiaoben.observations.exports import observation_docx
    from xiaoben.observations.models import Observation
    from xiaoben.observations.selectors import rubric_rows

    obs = (
        visible_to(scope, Observation)
        .filter(school=school, status="submitted")
        .select_related("observer", "teacher", "term__school_year", "rubric", "school")
        .order_by("-lesson_date", "-pk")
        .first()
    )
    return observation_docx(obs, rubric_rows(obs)) if obs else None


OBSERVATION = register_kind(
    DocumentKind(
        key="observation",
        label="听课记录表",
        placeholders=(
            Placeholder("{{ school }}", "学校名称", "南湖区实验小学"),
            Placeholder("{{ term }} {{ week }}", "学期、第几周", "2026-2027学年第一学期 第12周"),
            Placeholder("{{ backfilled }}", "补录时为“（补录）”", ""),
            Placeholder("{{ teacher }} {{ subject }} {{ class_name }}", "授课教师、学科、班级", "王芳 语文 3年级2班"),
            Placeholder("{{ date }} {{ period }} {{ kind }}", "听课日期、节次、课型", "2026年11月18日 周三 第3节 公开课"),
            Placeholder("{{ lesson_title }}", "课题", "《秋天的雨》"),
            Placeholder("{{ observer }}", "听课人", "李明"),
            Placeholder("{{ total }} {{ grade }}", "总分、等级", "92 优秀"),
            Placeholder("{{ notes }}", "听课笔记", "导入：以秋景图片……"),
            Placeholder("{{ rubric }}", "评价表名称", "课堂教学评价表"),
            Placeholder(
                "{%tr for s in scores %}…{%tr endfor %}",
                "评价项目逐行：s.dimension、s.title、s.descriptor、s.weight、s.points、s.max",
                "教学目标 / 目标明确 / 10 / 9/10",
            ),
            Placeholder("{{ strengths }} {{ weaknesses }} {{ suggestions }}", "评课意见：优点、不足、建议", "朗读指导扎实……"),
            Placeholder("{{ entered_at }}", "录入时间", "2026-11-18 16:20"),
        ),
        example={
            "school": "南湖区实验小学",
            "term": "2026-2027学年第一学期",
            "week": 12,
            "backfilled": "",
            "teacher": "王芳",
            "subject": "语文",
            "class_name": "3年级2班",
            "date": "2026年11月18日 周三",
            "period": "第3节",
            "kind": "公开课",
            "lesson_title": "《秋天的雨》",
            "observer": "李明",
            "total": "92",
            "grade": "优秀",
            "notes": "导入：以秋景图片引入。",
            "rubric": "课堂教学评价表",
            "scores": [
                {"dimension": "教学目标", "title": "目标明确", "descriptor": "符合课标与学情", "weight": "10", "points": "9", "max": "10"}
            ],
            "strengths": "朗读指导扎实。",
            "weaknesses": "小组讨论时间偏短。",
            "suggestions": "给学生更多表达机会。",
            "entered_at": "2026-11-18 16:20",
        },
        build_default=_observation_template,
        preview=_observation_preview,
    )
)


# ---------------------------------------------------------------- 学时证明


def _certificate_template() -> bytes:
    doc = ds.new_document(page_numbers=False)
    ds.title(doc, "教师继续教育学时证明")
    doc.add_paragraph()
    ds.paragraph(
        doc,
        "兹证明 {{ teacher }} 同志（工号 {{ staff_no }}），系我校{{ subject }}教师。{{ year }}年度参加教师培训与校本研修，"
        "累计获得学时 {{ year_total }} 学时（年度要求 {{ year_target }} 学时）；{{ cycle_label }}培训周期累计 {{ cycle_total }} 学时"
        "（周期要求 {{ cycle_target }} 学时）。明细如下：",
    )
    _loop_table(
        doc, ["学时类别", "{{ year }}年度", "{{ cycle_label }}周期累计"], ["{{ r.label }}", "{{ r.year }}", "{{ r.cycle }}"], "r in rows"
    )
    t = doc.tables[-1]
    cells = t.add_row().cells
    ds.cell(cells[0], "合计", bold=True)
    ds.cell(cells[1], "{{ year_total }}")
    ds.cell(cells[2], "{{ cycle_total }}")
    doc.add_paragraph()
    ds.paragraph(doc, "特此证明。")
    doc.add_paragraph()
    for text in ("学校负责人（签字）：____________", "{{ school }}（盖章）", "{{ date }}"):
        ds.paragraph(doc, text, indent=False, align="right")
    return ds.to_bytes(doc)


def _certificate_preview(scope, school):
    from xiaoben.hours.exports import certificate_docx
    from xiaoben.org.models import Teacher
    from xiaoben.org.selectors import today

    teacher = scope.teacher if scope.teacher and scope.teacher.school_id == school.pk else None
    teacher = teacher or Teacher.objects.filter(school=school, is_active=True).select_related("school").order_by("staff_no").first()
    return certificate_docx(teacher=teacher, year=today().year) if teacher else None


CERTIFICATE = register_kind(
    DocumentKind(
        key="certificate",
        label="学时证明",
        placeholders=(
            Placeholder("{{ teacher }} {{ staff_no }} {{ subject }}", "教师、工号、学科", "王芳 0123 语文"),
            Placeholder("{{ school }}", "学校名称", "南湖区实验小学"),
            Placeholder("{{ year }}", "年度", "2026"),
            Placeholder("{{ year_total }} {{ year_target }}", "年度学时、年度要求", "78 72"),
            Placeholder("{{ cycle_label }} {{ cycle_total }} {{ cycle_target }}", "培训周期、周期累计、周期要求", "2024-2028 230 360"),
            Placeholder("{%tr for r in rows %}…{%tr endfor %}", "按类别逐行：r.label、r.year、r.cycle", "校本研修 48 150"),
            Placeholder("{{ date }}", "开具日期", "2026年11月18日"),
        ),
        example={
            "teacher": "王芳",
            "staff_no": "0123",
            "subject": "语文",
            "school": "南湖区实验小学",
            "year": 2026,
            "year_total": "78",
            "year_target": "72",
            "cycle_label": "2024-2028",
            "cycle_total": "230",
            "cycle_target": "360",
            "rows": [{"label": "校本研修", "year": "48", "cycle": "150"}],
            "date": "2026年11月18日",
        },
        build_default=_certificate_template,
        preview=_certificate_preview,
    )
)


# ---------------------------------------------------------------- 师徒结对协议书


def _agreement_template() -> bytes:
    doc = ds.new_document(page_numbers=False)
    _ctl(doc, "{%p for p in pairs %}")
    t = ds.title(doc, "{{ p.school }}师徒结对协议书")
    t.paragraph_format.page_break_before = True
    ds.paragraph(doc, "学年：{{ p.school_year }}　　学科：{{ p.subject }}　　结对日期：{{ p.start_date }}", indent=False)
    ds.paragraph(doc, "师傅（指导教师）：{{ p.mentor }}　　徒弟（青年教师）：{{ p.mentee }}", indent=False)
    ds.paragraph(doc, "为发挥骨干教师的传、帮、带作用，促进青年教师尽快成长，经学校研究，双方自愿结为师徒，签订本协议。")
    for heading, loop in (("二、师傅职责", "p.mentor_duties"), ("三、徒弟职责", "p.mentee_duties"), ("四、听课要求（每学年）", "p.quotas")):
        if heading.startswith("二"):
            ds.heading(doc, "一、结对目标")
            ds.paragraph(doc, "{{ p.goals }}")
        ds.heading(doc, heading)
        _ctl(doc, "{%p for line in " + loop + " %}")
        ds.paragraph(doc, "{{ line }}")
        _ctl(doc, "{%p endfor %}")
    ds.heading(doc, "五、考核")
    ds.paragraph(
        doc, "学年末，师傅对徒弟进行评估，徒弟对结对工作进行评价，学校对师徒双方评定等第（优秀、合格、不合格），结果计入教师考核。"
    )
    doc.add_paragraph()
    t = doc.add_table(rows=2, cols=3)
    for c, text in zip(t.rows[0].cells, ("师傅（签名）：", "徒弟（签名）：", "学校（盖章）："), strict=True):
        ds.cell(c, text)
    for c in t.rows[1].cells:
        ds.cell(c, "　　　　年　　月　　日")
    _ctl(doc, "{%p endfor %}")
    return ds.to_bytes(doc)


def _agreement_preview(scope, school):
    from xiaoben.mentoring.documents import agreements_docx
    from xiaoben.mentoring.models import Mentorship

    pair = (
        Mentorship.objects.filter(school=school, is_active=True)
        .select_related("school", "school_year", "mentor", "mentee")
        .order_by("-school_year__start_year", "pk")
        .first()
    )
    if pair is None:
        return None
    return f"师徒结对协议书-{pair.mentor.name}-{pair.mentee.name}.docx", DOCX, agreements_docx([pair])


AGREEMENT = register_kind(
    DocumentKind(
        key="agreement",
        label="师徒结对协议书",
        placeholders=(
            Placeholder("{%p for p in pairs %}…{%p endfor %}", "每对师徒一份（全校导出时多份，每份另起一页）", ""),
            Placeholder("{{ p.school }} {{ p.school_year }}", "学校、学年", "南湖区实验小学 2026-2027学年"),
            Placeholder("{{ p.subject }} {{ p.start_date }}", "学科、结对日期", "语文 2026年9月1日"),
            Placeholder("{{ p.mentor }} {{ p.mentee }}", "师傅、徒弟", "李明 王芳"),
            Placeholder("{{ p.goals }}", "结对目标", "一学年内独立上好常规课"),
            Placeholder("{%p for line in p.mentor_duties %}{{ line }}{%p endfor %}", "师傅职责（逐条）", "1．从备课、上课……"),
            Placeholder("{%p for line in p.mentee_duties %}{{ line }}{%p endfor %}", "徒弟职责（逐条）", "1．虚心向师傅学习……"),
            Placeholder("{%p for line in p.quotas %}{{ line }}{%p endfor %}", "听课要求（逐条）", "1．徒弟听师傅的课不少于30节。"),
            Placeholder("{{ school }}", "学校名称（循环外）", "南湖区实验小学"),
        ),
        example={
            "school": "南湖区实验小学",
            "pairs": [
                {
                    "school": "南湖区实验小学",
                    "school_year": "2026-2027学年",
                    "subject": "语文",
                    "start_date": "2026年9月1日",
                    "mentor": "李明",
                    "mentee": "王芳",
                    "goals": "一学年内独立上好常规课",
                    "mentor_duties": ["1．从备课、上课、批改作业等方面传、帮、带。"],
                    "mentee_duties": ["1．虚心向师傅学习。"],
                    "quotas": ["1．徒弟听师傅的课不少于30节。"],
                }
            ],
        },
        build_default=_agreement_template,
        preview=_agreement_preview,
    )
)


# ---------------------------------------------------------------- 教研活动记录本


def activity_book_context(book: dict) -> dict:
    return {
        "school": book["school"].name,
        "group": book["group"].name,
        "term": book["term"].name,
        "entries": [
            {
                "number": i,
                "title": e["title"],
                "when": e["when"],
                "place": e["place"],
                "kind": e["kind"],
                "host": e["host"],
                "recorder": e["recorder"],
                "status": e["status"],
                "present": "、".join(f"{n}（{s}）" if s else n for n, s in e["present"]) or "—",
                "leave": "、".join(e["leave"]) or "无",
                "absent": "、".join(e["absent"]) or "无",
                "minutes": e["minutes"] or "（未记录）",
                "attachments": "、".join(e["attachments"]) or "无",
            }
            for i, e in enumerate(book["entries"], 1)
        ],
    }


def _activity_book_template() -> bytes:
    doc = ds.new_document()
    ds.title(doc, "{{ school }}{{ group }}教研活动记录本", subtitle="{{ term }}")
    _ctl(doc, "{%p for e in entries %}")
    ds.heading(doc, "第{{ e.number }}次活动：{{ e.title }}")
    _pairs_table(
        doc,
        [
            ("时间", "{{ e.when }}", "地点", "{{ e.place }}"),
            ("活动类型", "{{ e.kind }}", "状态", "{{ e.status }}"),
            ("主持人/中心发言人", "{{ e.host }}", "记录人", "{{ e.recorder }}"),
        ],
    )
    t = doc.tables[-1]
    for label, text in (
        ("签到", "{{ e.present }}"),
        ("请假", "{{ e.leave }}"),
        ("缺席", "{{ e.absent }}"),
        ("活动记录", "{{ e.minutes }}"),
        ("附件", "{{ e.attachments }}"),
    ):
        cells = t.add_row().cells
        ds.cell(cells[0], label, bold=True)
        ds.cell(cells[1].merge(cells[3]), text)
    doc.add_paragraph()
    _ctl(doc, "{%p endfor %}")
    return ds.to_bytes(doc)


def _activity_book_preview(scope, school):
    from xiaoben.activities.models import Activity
    from xiaoben.org.models import Group, Term

    from . import record_books as rb

    a = Activity.objects.filter(school=school, group__isnull=False).exclude(status="cancelled").order_by("-starts_at").first()
    if a is None:
        return None
    group = Group.objects.select_related("school").get(pk=a.group.parent_id or a.group_id)
    term = Term.objects.select_related("school_year").get(pk=a.term_id)
    return safe_filename(f"{group.name}{term.name}教研活动记录本.docx"), DOCX, rb.activity_book_docx(rb.activity_book(group, term))


ACTIVITY_BOOK = register_kind(
    DocumentKind(
        key="activity_book",
        label="教研活动记录本",
        placeholders=(
            Placeholder("{{ school }} {{ group }} {{ term }}", "学校、教研组、学期", "南湖区实验小学 语文组 2026-2027学年第一学期"),
            Placeholder("{%p for e in entries %}…{%p endfor %}", "每次活动一节", ""),
            Placeholder("{{ e.number }} {{ e.title }}", "第几次、活动主题", "3 《秋天的雨》集体备课"),
            Placeholder("{{ e.when }} {{ e.place }}", "时间、地点（四定）", "2026年11月18日（周三）14:30 三楼会议室"),
            Placeholder("{{ e.kind }} {{ e.status }}", "活动类型、状态", "集体备课 已记录"),
            Placeholder("{{ e.host }} {{ e.recorder }}", "主持人/中心发言人、记录人", "李明 王芳"),
            Placeholder("{{ e.present }}", "签到（含签到时间）", "李明（14:28）、王芳（14:30）"),
            Placeholder("{{ e.leave }} {{ e.absent }}", "请假、缺席", "张华 无"),
            Placeholder("{{ e.minutes }}", "活动记录", "一、主备人说课……"),
            Placeholder("{{ e.attachments }}", "附件清单", "教案.docx、现场照片.jpg"),
        ),
        example={
            "school": "南湖区实验小学",
            "group": "语文组",
            "term": "2026-2027学年第一学期",
            "entries": [
                {
                    "number": 1,
                    "title": "《秋天的雨》集体备课",
                    "when": "2026年11月18日（周三）14:30",
                    "place": "三楼会议室",
                    "kind": "集体备课",
                    "host": "李明",
                    "recorder": "王芳",
                    "status": "已记录",
                    "present": "李明（14:28）、王芳（14:30）",
                    "leave": "张华",
                    "absent": "无",
                    "minutes": "一、主备人说课。",
                    "attachments": "教案.docx",
                }
            ],
        },
        build_default=_activity_book_template,
        preview=_activity_book_preview,
    )
)


# ---------------------------------------------------------------- 成长档案袋


def portfolio_context(p: dict) -> dict:
    t = p["teacher"]
    return {
        "school": t.school.name,
        "school_year": p["school_year"].name,
        "teacher": {
            "name": t.name,
            "staff_no": t.staff_no,
            "subject": t.subject,
            "title": t.get_title_display(),
            "education": t.get_education_display(),
            "teaching_since": f"{t.teaching_since:%Y年%m月}" if t.teaching_since else "",
        },
        "parts": [
            {
                "title": part.title,
                "header": "　".join(part.header),
                "lines": ["　".join("" if v is None else str(v) for v in row) for row in part.rows] or ["无"],
                "note": part.note,
            }
            for part in p["parts"]
        ],
    }


def _portfolio_template() -> bytes:
    doc = ds.new_document()
    ds.title(doc, "{{ teacher.name }}教师成长档案袋", subtitle="{{ school }} {{ school_year }}")
    ds.heading(doc, "基本信息")
    _pairs_table(
        doc,
        [
            ("姓名", "{{ teacher.name }}", "工号", "{{ teacher.staff_no }}"),
            ("学科", "{{ teacher.subject }}", "职称", "{{ teacher.title }}"),
            ("学历", "{{ teacher.education }}", "参加工作", "{{ teacher.teaching_since }}"),
        ],
    )
    _ctl(doc, "{%p for part in parts %}")
    ds.heading(doc, "{{ part.title }}")
    ds.paragraph(doc, "{{ part.header }}", indent=False, bold=True)
    _ctl(doc, "{%p for line in part.lines %}")
    ds.paragraph(doc, "{{ line }}", indent=False)
    _ctl(doc, "{%p endfor %}")
    ds.paragraph(doc, "{{ part.note }}")
    _ctl(doc, "{%p endfor %}")
    return ds.to_bytes(doc)


def _portfolio_preview(scope, school):
    from xiaoben.org.models import SchoolYear, Teacher

    from . import record_books as rb

    teacher = scope.teacher if scope.teacher and scope.teacher.school_id == school.pk else None
    teacher = teacher or Teacher.objects.filter(school=school, is_active=True).select_related("school").order_by("staff_no").first()
    year = SchoolYear.objects.filter(school=school).order_by("-start_year").first()
    if teacher is None or year is None:
        return None
    return safe_filename(f"{teacher.name}{year.name}成长档案袋.docx"), DOCX, rb.portfolio_docx(rb.portfolio(teacher, year))


PORTFOLIO = register_kind(
    DocumentKind(
        key="portfolio",
        label="教师成长档案袋",
        placeholders=(
            Placeholder("{{ teacher.name }} {{ teacher.staff_no }}", "姓名、工号", "王芳 0123"),
            Placeholder(
                "{{ teacher.subject }} {{ teacher.title }} {{ teacher.education }} {{ teacher.teaching_since }}",
                "学科、职称、学历、参加工作",
                "语文 一级教师 本科 2019年09月",
            ),
            Placeholder("{{ school }} {{ school_year }}", "学校、学年", "南湖区实验小学 2026-2027学年"),
            Placeholder(
                "{%p for part in parts %}…{%p endfor %}", "各部分：听课、被听课与评课意见、研修文章、学时、师徒结对、课题、获奖…", ""
            ),
            Placeholder("{{ part.title }} {{ part.header }}", "部分标题、表头", "研修文章 日期　类型　标题　字数"),
            Placeholder(
                "{%p for line in part.lines %}{{ line }}{%p endfor %}", "逐行内容", "2026-10-12　教学反思　《秋天的雨》教学反思　1260"
            ),
            Placeholder("{{ part.note }}", "部分说明", ""),
        ),
        example={
            "school": "南湖区实验小学",
            "school_year": "2026-2027学年",
            "teacher": {
                "name": "王芳",
                "staff_no": "0123",
                "subject": "语文",
                "title": "一级教师",
                "education": "本科",
                "teaching_since": "2019年09月",
            },
            "parts": [
                {
                    "title": "研修文章",
                    "header": "日期　类型　标题　字数",
                    "lines": ["2026-10-12　教学反思　《秋天的雨》教学反思　1260"],
                    "note": "",
                }
            ],
        },
        build_default=_portfolio_template,
        preview=_portfolio_preview,
    )
)


# ---------------------------------------------------------------- 听课记录本


def observation_book_context(book: dict) -> dict:
    t = book["teacher"]
    obs = book["observations"]
    return {
        "teacher": t.name,
        "school": t.school.name,
        "term": book["term"].name,
        "count": len(obs),
        "rows": [
            {
                "number": i,
                "date": f"{o.lesson_date:%m-%d}",
                "teacher": o.teacher.name,
                "subject": o.subject,
                "title": o.lesson_title,
                "kind": o.get_kind_display(),
                "total": num(o.total),
            }
            for i, o in enumerate(obs, 1)
        ],
        "details": [
            {
                "heading": f"{i}. {o.lesson_date:%Y-%m-%d} {o.teacher.name}《{o.lesson_title or '—'}》",
                "lines": [
                    f"{label}：{text}"
                    for label, text in (("听课笔记", o.notes), ("优点", o.strengths), ("不足", o.weaknesses), ("建议", o.suggestions))
                    if text
                ],
            }
            for i, o in enumerate(obs, 1)
        ],
    }


def _observation_book_template() -> bytes:
    doc = ds.new_document()
    ds.title(doc, "{{ teacher }}听课记录本", subtitle="{{ school }} {{ term }}")
    ds.paragraph(doc, "本学期共听课{{ count }}节。")
    _loop_table(
        doc,
        ["序号", "日期", "授课教师", "学科", "课题", "课型", "总分"],
        ["{{ r.number }}", "{{ r.date }}", "{{ r.teacher }}", "{{ r.subject }}", "{{ r.title }}", "{{ r.kind }}", "{{ r.total }}"],
        "r in rows",
    )
    _ctl(doc, "{%p for d in details %}")
    ds.heading(doc, "{{ d.heading }}")
    _ctl(doc, "{%p for line in d.lines %}")
    ds.paragraph(doc, "{{ line }}")
    _ctl(doc, "{%p endfor %}")
    _ctl(doc, "{%p endfor %}")
    return ds.to_bytes(doc)


def _observation_book_preview(scope, school):
    from xiaoben.observations.models import Observation
    from xiaoben.org.models import Teacher, Term

    from . import record_books as rb

    last = Observation.objects.filter(school=school, status="submitted").order_by("-lesson_date").values("observer_id", "term_id").first()
    if last is None:
        return None
    teacher = Teacher.objects.select_related("school").get(pk=last["observer_id"])
    term = Term.objects.select_related("school_year").get(pk=last["term_id"])
    return (
        safe_filename(f"{teacher.name}{term.name}听课记录本.docx"),
        DOCX,
        rb.observation_book_docx(rb.observation_book(teacher, term)),
    )


OBSERVATION_BOOK = register_kind(
    DocumentKind(
        key="observation_book",
        label="听课记录本",
        placeholders=(
            Placeholder("{{ teacher }} {{ school }} {{ term }}", "听课教师、学校、学期", "李明 南湖区实验小学 2026-2027学年第一学期"),
            Placeholder("{{ count }}", "本学期听课节数", "18"),
            Placeholder(
                "{%tr for r in rows %}…{%tr endfor %}",
                "一览表逐行：r.number、r.date、r.teacher、r.subject、r.title、r.kind、r.total",
                "1 10-08 王芳 语文 《秋天的雨》 公开课 92",
            ),
            Placeholder("{%p for d in details %}…{%p endfor %}", "逐节详情：d.heading、d.lines（听课笔记、优点、不足、建议）", ""),
        ),
        example={
            "teacher": "李明",
            "school": "南湖区实验小学",
            "term": "2026-2027学年第一学期",
            "count": 1,
            "rows": [
                {
                    "number": 1,
                    "date": "10-08",
                    "teacher": "王芳",
                    "subject": "语文",
                    "title": "《秋天的雨》",
                    "kind": "公开课",
                    "total": "92",
                }
            ],
            "details": [{"heading": "1. 2026-10-08 王芳《秋天的雨》", "lines": ["优点：朗读指导扎实。"]}],
        },
        build_default=_observation_book_template,
        preview=_observation_book_preview,
    )
)


# 研修计划: its context, example and default are the plans app's (plans/exports.py).
def _plan_kind() -> DocumentKind:
    from xiaoben.plans import exports as plan_exports

    return DocumentKind(
        key="plan",
        label="研修计划",
        placeholders=tuple(Placeholder(*p) for p in plan_exports.PLAN_PLACEHOLDERS),
        example=plan_exports.PLAN_EXAMPLE,
        default_text=plan_exports.PLAN_DEFAULT_TEXT,
        preview=plan_exports.plan_preview,
    )


register_kind(_plan_kind())
