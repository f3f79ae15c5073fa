"""Reading a plan written the way a 教导主任 writes one (seed 000): its sections by
their headings (一、二、… / （一）/ 1、) and its 每月安排 as items.

Pure functions over text, no database: `split_sections(text)` and `extract_items(text)`.
The quotas are found by `requirements.plan_import.extract` (one finder, not two).

Month lists look like
    九月份：            10月：集体备课、专题讲座      第3周：语文组集体备课
    1、定校本教研活动计划  二月份：1、制定学校教研计划 2、…
and sentences like "计划3月份主要搞好“同课异构”活动，4月份主要搞好“一课多上”活动".
Recurring items ("每周五集体备课", "经研究决定每周一下午定为集体备课时间",
"语文星期五下午第三节课") become weekly slots; found outside a month list they are
proposed as doubtful (not pre-ticked)."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

CN_NUM = "零〇一二两三四五六七八九十"
_CN = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def small_number(text: str) -> int | None:
    """ "十一" → 11, "3" → 3, "二十" → 20 (for months, weeks, periods)."""
    text = (text or "").strip()
    if not text:
        return None
    if text.isdigit():
        return int(text)
    if "十" in text:
        tens, _, ones = text.partition("十")
        t = _CN.get(tens, 1) if tens else 1
        o = _CN.get(ones, 0) if ones else 0
        if (tens and tens not in _CN) or (ones and ones not in _CN):
            return None
        return t * 10 + o
    return _CN.get(text) if len(text) == 1 else None


# --- sections ------------------------------------------------------------------

L1 = re.compile(r"^\s*([一二三四五六七八九十]{1,3})\s*[、.．]\s*(.*)$")
L2 = re.compile(r"^\s*[（(]\s*([一二三四五六七八九十]{1,3})\s*[）)]\s*[、.．]?\s*(.*)$")
L3 = re.compile(r"^\s*(\d{1,2})\s*[、．]\s*(.*)$")
BARE = re.compile(
    r"^\s*(每月安排|月度安排|具体安排|工作安排|活动安排|每月工作安排|月工作安排|具体工作安排|工作行事历|行事历|工作日程|活动日程|日程安排)\s*[：:]?\s*$"
)
SECTION_WORDS = [
    "指导思想",
    "工作思路",
    "总体思路",
    "现状分析",
    "基本情况",
    "工作目标",
    "研修目标",
    "总体目标",
    "主要目标",
    "主要工作",
    "主要任务",
    "工作要点",
    "工作重点",
    "研修重点",
    "具体措施",
    "工作措施",
    "主要措施",
    "研修内容",
    "学习内容",
    "研修方式",
    "研修形式",
    "保障措施",
    "具体安排",
    "每月安排",
    "考核方法",
    "考核办法",
    "管理方式",
]

SECTION_KEYS = [
    ("guiding", re.compile(r"指导思想|工作思路|指导方针|总体思路|研修理念")),
    ("analysis", re.compile(r"现状|分析|基本情况|概况|背景")),
    ("goals", re.compile(r"目标|目的")),
    ("monthly", re.compile(r"每月安排|月度安排|具体安排|行事历|日程|工作安排|活动安排|月份")),
    ("safeguards", re.compile(r"保障|考核|管理方式|管理模式|管理制度|评价|组织领导")),
    ("quotas", re.compile(r"量化|常规要求|具体要求")),
    ("content", re.compile(r"内容|措施|任务|工作|方式|途径|重点|要点|活动|过程|形式|实施|方法|研究|学习")),
]


def section_key(title: str) -> str:
    for key, rx in SECTION_KEYS:
        if rx.search(title or ""):
            return key
    return "other"


@dataclass
class ParsedSection:
    title: str
    key: str
    body: str
    numbered: bool = True  # False for the text before the first heading (前言)

    def as_dict(self) -> dict:
        return asdict(self)


def _title_and_rest(rest: str) -> tuple[str, str]:
    rest = rest.strip()
    m = re.search(r"[：:]", rest)
    if m and m.start() <= 24:
        return rest[: m.start()].strip(" ;；"), rest[m.end() :].strip()
    for word in SECTION_WORDS:  # "工作目标通过开展校本研修，…": the heading runs into its text
        if rest.startswith(word) and len(rest) > len(word) and re.search(r"[，,。；;]", rest[len(word) :]):
            return word, rest[len(word) :].strip()
    if len(rest) <= 24:
        return rest.rstrip("。．.；;").strip(), ""
    m = re.search(r"[。；;]", rest)
    if m and m.start() <= 24:
        return rest[: m.start()].strip(), rest[m.end() :].strip()
    for word in SECTION_WORDS:
        if rest.startswith(word):
            return word, rest[len(word) :].strip()
    return rest[:20], rest


def _level_of(line: str) -> int:
    if BARE.match(line):
        return 1
    if L1.match(line):
        return 1
    if L2.match(line):
        return 2
    return 0


def split_sections(text: str) -> list[ParsedSection]:
    """The plan's sections, cut at its top-level headings (一、 … or, when a plan has
    none, （一）…), plus a bare 每月安排：line. Text before the first heading is kept
    as 前言 (a plan often opens with its 指导思想 in one paragraph)."""
    lines = [ln.rstrip() for ln in (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    l1 = sum(1 for ln in lines if L1.match(ln))
    l2 = sum(1 for ln in lines if L2.match(ln))
    top = 1 if l1 >= 2 or (l1 and not l2) else 2 if l2 >= 2 else 0
    sections: list[ParsedSection] = []
    preamble: list[str] = []
    current: ParsedSection | None = None
    body: list[str] = []

    def close() -> None:
        if current is not None:
            current.body = "\n".join(b for b in body if b.strip()).strip()
            sections.append(current)

    for line in lines:
        heading = None
        if BARE.match(line):
            heading = BARE.match(line).group(1), ""
        elif top == 1 and L1.match(line):
            heading = _title_and_rest(L1.match(line).group(2))
        elif top == 2 and L2.match(line):
            heading = _title_and_rest(L2.match(line).group(2))
        if heading is None:
            (body if current is not None else preamble).append(line)
            continue
        close()
        title, rest = heading
        current = ParsedSection(title=title or "（无标题）", key=section_key(title), body="")
        body = [rest] if rest else []
    close()
    intro = "\n".join(p for p in preamble if p.strip()).strip()
    if intro:
        key = "guiding" if "指导思想" in intro or "工作思路" in intro else "other"
        sections.insert(0, ParsedSection(title="前言", key=key, body=intro, numbered=False))
    if not sections:
        return []
    return sections


# --- 月度安排 items ----------------------------------------------------------------

MONTH_NUM = r"(?:1[0-2]|[1-9]|十[一二]?|[一二三四五六七八九])"
MONTH_HEAD = re.compile(rf"^\s*(?:[（(]?\s*)({MONTH_NUM})\s*月份?\s*(?:[）)])?\s*(?:[：:]\s*(.*)|\s*)$")
WEEK_HEAD = re.compile(
    r"^\s*第\s*(\d{1,2}|[一二三四五六七八九十]{1,3})\s*(?:[-—–~～至到]\s*(?:第\s*)?(\d{1,2}|[一二三四五六七八九十]{1,3})\s*)?周\s*(?:[：:]\s*(.*)|\s+(.+)|\s*)$"
)
ITEM = re.compile(r"^\s*(?:\d{1,2}\s*[、.．)）]?|[（(]\d{1,2}[）)]|[①-⑳]|[-•·▲●])\s*(\D.*)$")
INLINE_ENUM = re.compile(r"(?:^|\s|；|;)\s*\d{1,2}\s*[、.．]\s*")
SENTENCE = re.compile(
    rf"(?<![0-9年])({MONTH_NUM})\s*月份?\s*(?:主要|重点|计划|将|要|拟|集中)*\s*"
    r"(?:搞好|开展|举行|进行|组织|举办|完成|召开|安排)\s*([^，,。；;]{2,40})"
)
WEEKDAY = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
RECUR = re.compile(
    r"每(?:周|星期)(?:的)?(?:星期|周)?([一二三四五六日天])\s*(上午|下午)?\s*(?:第\s*([一二三四五六七八\d])\s*节(?:课)?)?"
    r"(?:定为|为|进行|开展|举行|组织|的)?([^，,。；;]{0,10}?)(集体备课|教研活动|业务学习|理论学习|教研)"
)
GROUP_SLOT = re.compile(
    r"(语文|数学|英语|科学|综合|音乐|体育|美术|道德与法治|信息技术)(?:组|教研组)?\s*(?:每周)?\s*(?:星期|周)([一二三四五])\s*(上午|下午)?\s*第\s*([一二三四五六七八\d])\s*节"
)

KIND_RULES = [
    ("same_topic", re.compile(r"同课异构")),
    ("lesson_study", re.compile(r"一课多[上研磨轮]|一课[两二三]上|一人同课多轮")),
    ("summary", re.compile(r"总结|质量分析|成果展示")),
    ("planning", re.compile(r"计划")),
    ("meeting", re.compile(r"组长会|会议|例会|座谈|动员会")),
    ("exam", re.compile(r"考试|复习|期中|期末")),
    ("lecture", re.compile(r"讲座|报告会|专家|培训|辅导报告")),
    ("open_lesson", re.compile(r"公开课|示范课|评优课|研讨课|汇报课|优质课|达标课|展示课|观摩课|推门课|赛课|公开教学|课堂教学展示")),
    ("lesson_prep", re.compile(r"集体备课|备课")),
    ("reading", re.compile(r"读书|阅读|好书")),
    ("outside", re.compile(r"外出|参观|考察|走出去")),
    ("online", re.compile(r"网络研修|线上|网上|网络教研")),
    ("competition", re.compile(r"评比|比赛|竞赛|大赛|大比武|评选")),
    ("study", re.compile(r"学习")),
    ("writing", re.compile(r"撰写|论文|案例|反思|心得")),
    ("seminar", re.compile(r"教研活动|研讨|主题教研|沙龙|教研|课例研究|说课|评课")),
]
LESSON_KINDS = [
    ("demo", re.compile(r"示范")),
    ("research", re.compile(r"研讨课|公开教学研讨")),
    ("report", re.compile(r"汇报课")),
    ("standard", re.compile(r"达标")),
    ("showcase", re.compile(r"展示|观摩")),
    ("push", re.compile(r"推门")),
    ("contest", re.compile(r"评优|优质课|赛课|比武")),
]
PERSON = re.compile(r"([\u4e00-\u9fff]{1,3}(?:校长|主任|老师|书记|教研员))")
SCHOOL_WORDS = re.compile(r"校级|全校|学校|全体教师|教导处|教科室|骨干教师|领导")
GROUP_WORDS = re.compile(r"教研组|组内|各组|备课组|年级组|学科组|同组")
SUBJECTS = ("语文", "数学", "英语", "科学", "综合", "音乐", "体育", "美术", "道德与法治", "信息技术")
SUBJECT_GROUP = re.compile("(?:" + "|".join(SUBJECTS) + ")组")
SCHOOL_KINDS = {"meeting", "exam", "summary"}
TOPIC = re.compile(r"[“\"「『]([^”\"」』]{1,40})[”\"」』]")
GROUP_KINDS_DEFAULT = {"lesson_prep", "seminar", "same_topic", "lesson_study"}


def guess_kind(text: str) -> tuple[str, str]:
    """(kind, lesson_kind) from an item's words; ("", "") when nothing fits."""
    for kind, rx in KIND_RULES:
        if rx.search(text):
            lesson = ""
            if kind == "open_lesson":
                lesson = next((lk for lk, lrx in LESSON_KINDS if lrx.search(text)), "")
            return kind, lesson
    return "", ""


def guess_owner(text: str, kind: str) -> tuple[str, str, str]:
    """(owner, owner_name, subject): owner is "school", "groups" (each 教研组 runs its own),
    "group" (one named subject) or "person"."""
    person = PERSON.search(text)
    if person and kind in ("lecture", "open_lesson", "study", "reading", "seminar", ""):
        return "person", person.group(1), ""
    if kind in SCHOOL_KINDS and not re.search(r"各教研组|各组|教研组活动计划|组内", text):
        return "school", "", ""
    subject = next((s for s in SUBJECTS if s in text), "")
    if (subject and GROUP_WORDS.search(text)) or SUBJECT_GROUP.search(text):
        return "group", "", subject
    if GROUP_WORDS.search(text):
        return "groups", "", ""
    if SCHOOL_WORDS.search(text):
        return "school", "", ""
    return ("groups" if kind in GROUP_KINDS_DEFAULT else "school"), "", ""


@dataclass
class ParsedItem:
    title: str
    month: int | None = None
    week: int | None = None
    week_end: int | None = None
    kind: str = ""
    lesson_kind: str = ""
    owner: str = "school"
    owner_name: str = ""
    subject: str = ""
    topic: str = ""
    weekday: int | None = None  # recurring: 0 = Monday
    period: int | None = None  # recurring: 第N节
    half_day: str = ""  # 上午 / 下午
    doubtful: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def recurring(self) -> bool:
        return self.weekday is not None

    def as_dict(self) -> dict:
        return asdict(self)


def _clean_title(text: str) -> str:
    text = re.sub(r"^\s*(?:\d{1,2}\s*[、.．)）]?|[（(]\d{1,2}[）)]|[①-⑳])\s*", "", text or "")
    return text.strip(" 　。；;，,").strip()[:200]


def _make(title: str, **kw) -> ParsedItem | None:
    title = _clean_title(title)
    if len(title) < 2:
        return None
    kind, lesson = guess_kind(title)
    owner, owner_name, subject = guess_owner(title, kind)
    topic = TOPIC.search(title)
    item = ParsedItem(
        title=title,
        kind=kind,
        lesson_kind=lesson,
        owner=owner,
        owner_name=owner_name,
        subject=subject,
        topic=topic.group(1) if topic else "",
        **kw,
    )
    rec = RECUR.search(title)
    if rec:
        item.weekday = WEEKDAY[rec.group(1)]
        item.half_day = rec.group(2) or ""
        item.period = small_number(rec.group(3) or "") if rec.group(3) else None
    if not kind:
        item.notes.append("未能判断活动类型，请选择")
    return item


def _split_inline(content: str) -> list[str]:
    content = (content or "").strip()
    if not content:
        return []
    if INLINE_ENUM.search(content):
        parts = [p for p in INLINE_ENUM.split(content) if p.strip()]
        return parts
    parts = [p for p in re.split(r"[；;]", content) if p.strip()]
    if len(parts) == 1 and "、" in content and "“" not in content:
        pieces = [p for p in content.split("、") if p.strip()]
        if len(pieces) > 1 and all(len(p) <= 14 for p in pieces):
            return pieces
    return parts


def _is_heading(line: str) -> bool:
    return bool(L1.match(line) or L2.match(line) or BARE.match(line) or re.search(r"篇\s*\d+\s*$", line))


def extract_items(text: str) -> list[ParsedItem]:
    """Items of the plan's month-by-month list (and its recurring slots), in order."""
    lines = [ln.strip() for ln in (text or "").replace("\r", "\n").split("\n")]
    items: list[ParsedItem] = []
    used: set[int] = set()
    month: int | None = None
    week: tuple[int, int | None] | None = None
    in_block = False
    for i, line in enumerate(lines):
        if not line:
            continue
        mh = MONTH_HEAD.match(line)
        wh = WEEK_HEAD.match(line)
        if mh and small_number(mh.group(1)) and 1 <= small_number(mh.group(1)) <= 12:
            month, week, in_block = small_number(mh.group(1)), None, True
            used.add(i)
            for part in _split_inline(mh.group(2) or ""):
                it = _make(part, month=month)
                if it:
                    items.append(it)
            continue
        if wh and small_number(wh.group(1)):
            start = small_number(wh.group(1))
            end = small_number(wh.group(2)) if wh.group(2) else None
            week, in_block = (start, end), True
            used.add(i)
            for part in _split_inline(wh.group(3) or wh.group(4) or ""):
                it = _make(part, month=month, week=start, week_end=end)
                if it:
                    items.append(it)
            continue
        if in_block:
            if _is_heading(line) and not ITEM.match(line):
                in_block, month, week = False, None, None
                continue
            m = ITEM.match(line)
            if m and len(line) <= 80:
                used.add(i)
                kw = {"month": month}
                if week:
                    kw |= {"week": week[0], "week_end": week[1]}
                it = _make(m.group(1), **kw)
                if it:
                    items.append(it)
                continue
            in_block, month, week = False, None, None
    # Sentences naming a month: "计划3月份主要搞好“同课异构”活动，4月份主要搞好“一课多上”活动"
    for i, line in enumerate(lines):
        if i in used or not line:
            continue
        for m in SENTENCE.finditer(line):
            it = _make(m.group(2), month=small_number(m.group(1)))
            if it:
                items.append(it)
    # Recurring slots stated in the prose: proposed, not pre-ticked.
    listed = {(it.weekday, it.kind) for it in items if it.recurring}
    for i, line in enumerate(lines):
        if i in used or not line:
            continue
        for m in RECUR.finditer(line):
            kind, _ = guess_kind(m.group(5))
            key = (WEEKDAY[m.group(1)], kind)
            if key in listed:
                continue
            listed.add(key)
            it = _make(f"每周{m.group(1)}{m.group(2) or ''}{m.group(5)}", doubtful=True)
            if it:
                it.weekday, it.half_day = WEEKDAY[m.group(1)], m.group(2) or ""
                it.period = small_number(m.group(3)) if m.group(3) else None
                it.notes.append("从正文中找到的固定时间，请确认")
                items.append(it)
        for m in GROUP_SLOT.finditer(line):
            key = (WEEKDAY[m.group(2)], "seminar", m.group(1))
            if key in listed:
                continue
            listed.add(key)
            it = ParsedItem(
                title=f"{m.group(1)}组教研活动（每周{m.group(2)}{m.group(3) or ''}第{m.group(4)}节）",
                kind="seminar",
                owner="group",
                subject=m.group(1),
                weekday=WEEKDAY[m.group(2)],
                half_day=m.group(3) or "",
                period=small_number(m.group(4)),
                doubtful=True,
                notes=["从正文中找到的固定时间，请确认"],
            )
            items.append(it)
    return items
