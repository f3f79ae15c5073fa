"""Plan import: find the quotas a plan states (每学期听课不少于20节, 每月两篇心得,
读书笔记每年不少于5000字 …) and propose them as requirements for an admin to confirm.

A proposal needs, within one clause (a sentence cut at ，；。), a period word
(每周/每月/每学期/每学年/每年 …), a quantity (Arabic or Chinese numerals with a unit,
or after 不少于/至少) and a target (听课, 反思, 心得, 读书笔记, 论文, 公开课, 教研活动 …).
A period stated earlier in the same sentence carries over ("每学期，每位教师听课20节").
Dates (2022年, 第3节, 周三), head counts (60人) and durations (两课时) never count.

What schools really write, beyond the simple forms:
- 每两周/隔周/双周 is a two-week period; 每五年/五年内累计 the five-year cycle;
  全年累计…不少于…字 is a yearly quota (累计 with a threshold is a quota, 累计了 is a summary).
- Statements of fact from summaries (本学期共听课262节, 人均听课25节) are not quotas.
- Qualifiers that the engine cannot count (每篇不少于300字, 跨学科听课, 35周岁以下教师,
  其中…) are kept in the proposal's notes and make it *doubtful*: shown, not pre-ticked."""

from __future__ import annotations

import io
import re
from dataclasses import asdict, dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

from .models import Audience, Period
from .registry import PlanPhrase, plan_phrases

CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "俩": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
CN_UNITS = {"十": 10, "百": 100, "千": 1000}
NUM = r"[0-9]+(?:\.[0-9]+)?万?|[零〇一二两俩三四五六七八九十百千万]+"
UNIT = r"节课|节|次|篇|本|份|部|堂|课|字|学时"
DURATION_UNITS = ("课时", "小时", "分钟", "天")

PERIODS = [
    (re.compile(r"每两周|每隔一周|隔周|每双周|双周"), Period.TWO_WEEK),
    (re.compile(r"每五年|五年内|五年周期|五年累计|五年一周期"), Period.FIVE_YEAR),
    (re.compile(r"每(?:一|个)?学期|每期|本学期|学期内"), Period.TERM),
    (re.compile(r"每(?:一|个)?学年|每(?:一)?年|全年|本学年|学年内"), Period.SCHOOL_YEAR),
    (re.compile(r"每(?:一|个)?月"), Period.MONTH),
    (re.compile(r"每(?:一)?周|每(?:个)?星期"), Period.WEEK),
]

QUANTITY_WITH_UNIT = re.compile(rf"(?P<num>{NUM})\s*(?:个)?(?:以上)?\s*(?P<unit>{UNIT})")
QUANTITY_AFTER_WORD = re.compile(
    rf"(?:不少于|不低于|至少|最少|达到|满)\s*(?P<num>{NUM})(?!\s*(?:年|月|日|号|人|%|岁|周|课时|小时|分钟|天))"
)


@dataclass
class Target:
    pattern: re.Pattern[str]
    metric: str
    phrase: PlanPhrase


_TARGETS: list[Target] | None = None


def targets() -> list[Target]:
    """What a clause may be about: every metric's `plan_phrases` (each app says how plans name
    its records), most specific first — this module names no other app's keys."""
    global _TARGETS
    if _TARGETS is None:
        _TARGETS = [Target(re.compile(p.pattern), m.key, p) for m, p in plan_phrases()]
    return _TARGETS


# Summaries of what was done (开展了4次, 共进行了), set phrases that contain a numeral
# (一课多研, 四个一) and recordings watched are not quotas.
PAST = re.compile(r"(?<!为)了(?!解)|共计|总计|累计(?:了|已)|已累计|已经")
# A statement of fact, unless the clause also says what is required.
FACT = re.compile(
    r"(?:本学期|本学年|全年|今年|本年度|一年来|上学期|去年)(?:全校)?(?:共|总共|一共|合计)|"
    r"(?:^|[^每])共(?:听|写|上|开展|组织|举行|撰写|完成|读|收到|评出|有|计)|人均|平均每|合计|已(?:完成|听|写|上|达|有)"
)
RANGE = re.compile(rf"(?P<low>{NUM})\s*[-—–~～至到]\s*(?P<high>{NUM})\s*(?:个)?(?:{UNIT})")
REQUIRED = re.compile(r"不少于|不低于|至少|最少|必须|须|要求|应当|应|要|争取|力争|保证|确保|规定|每")
PER_PIECE = re.compile(rf"每(?:篇|份|次|节)(?:字数)?(?:不少于|至少|不低于|不得少于)?\s*(?:{NUM})\s*字(?:以上)?")
# (pattern, note, doubtful): who or what the engine cannot tell apart makes a proposal
# doubtful; a quality word (高质量, 优秀) is kept as a note only.
QUALIFIERS = [
    (re.compile(r"(?:[0-9]+|[一二三四五六七八九十]+)\s*周?岁(?:以下|以上|以内)(?:的)?(?:青年)?教师?"), "适用对象“{0}”无法自动筛选", True),
    (re.compile(r"跨(?:学科|年级|学段|校)"), "“{0}”无法自动区分", True),
    (re.compile(r"青年教师"), "“青年教师”按新教师（教龄三年内）计", True),
    (re.compile(r"骨干教师|学科带头人|班主任|名师"), "适用对象“{0}”无法自动筛选", True),
    (re.compile(r"校级以上|县级以上|市级以上|区级以上|高质量|优秀"), "质量要求“{0}”需人工把关", False),
]
JARGON = re.compile(
    r"一课多研|一课一研|一课三上|一课两上|同课异构|一人一课|一师一优课|[一二三四五六七八九]个一|[一二三四五六七八九]字|[一二三四五六七八九]笔字"
)
NOT_LIVE = re.compile(r"实录|录像|视频")
ORGANISING = re.compile(r"组织|安排|开展|举办|召开")
LEADERS = re.compile(r"教研组长|备课组长|组长|各教研组|各备课组|教研组(?=每|在|要|应|必须|组织)")
NEW_TEACHERS = re.compile(r"新教师|青年教师|新入职|见习教师")
SENTENCE_SPLIT = re.compile(r"[。；;！!？?\n]+")
LEADING_NOISE = re.compile(r"^[\s\d一二三四五六七八九十]*[、.．）)]\s*|^[（(][\d一二三四五六七八九十]+[）)]\s*|^[①-⑳]\.?\s*")


@dataclass
class Proposal:
    name: str
    metric: str
    period: str
    threshold: int | float
    filters: dict[str, Any] = field(default_factory=dict)
    applies_to: str = Audience.ALL
    group_kind: str = ""
    description: str = ""
    doubtful: bool = False  # shown for the admin to decide, not pre-ticked
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def period_label(self) -> str:
        return str(Period(self.period).label)

    @property
    def applies_to_label(self) -> str:
        from .audiences import audience_label

        return audience_label(self.applies_to)

    @property
    def metric_label(self) -> str:
        from .registry import get_metric

        m = get_metric(self.metric)
        return f"{m.label}（{m.unit}）" if m else self.metric


def cn_number(text: str) -> float | None:
    """ "二十" → 20, "两" → 2, "十五" → 15, "五千" → 5000, "5000" → 5000."""
    if not text:
        return None
    if text[0].isdigit():
        if text.endswith("万"):
            return float(text[:-1]) * 10000
        return float(text)
    total, section, num = 0, 0, 0
    for ch in text:
        if ch in CN_DIGITS:
            num = CN_DIGITS[ch]
        elif ch == "万":
            total += (section + num) * 10000
            section, num = 0, 0
        elif ch in CN_UNITS:
            section += (num or 1) * CN_UNITS[ch]
            num = 0
        else:
            return None
    return float(total + section + num)


def _period(text: str) -> str | None:
    best = None
    for rx, period in PERIODS:
        m = rx.search(text)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), period)
    return best[1] if best else None


def _is_date_or_label(clause: str, start: int, end: int) -> bool:
    before = clause[max(0, start - 2) : start]
    after = clause[end : end + 2]
    if before.endswith("第") or before.endswith("星期") or before.endswith("礼拜"):
        return True
    return bool(re.match(r"(?:年|月|日|号|人|%|岁|名|所|级|届)", after))


def _quantity(clause: str) -> float | None:
    clause = JARGON.sub("", clause)
    for m in QUANTITY_WITH_UNIT.finditer(clause):
        if _is_date_or_label(clause, m.start("num"), m.end("num")):
            continue
        tail = clause[m.end("unit") - len(m.group("unit")) : m.end("unit") + 1]
        if any(tail.startswith(d) for d in DURATION_UNITS):
            continue
        value = cn_number(m.group("num"))
        if value and m.group("unit") == "字" and value < 100:
            continue  # a character quota is hundreds or thousands; "两字" is not one
        if value:
            return value
    for m in QUANTITY_AFTER_WORD.finditer(clause):
        if any(clause[m.end("num") :].lstrip().startswith(d) for d in DURATION_UNITS):
            continue
        value = cn_number(m.group("num"))
        if value:
            return value
    return None


def _clean_name(clause: str) -> str:
    name = LEADING_NOISE.sub("", clause.strip())
    name = re.sub(r"^(?:要求|学校规定|规定|每位教师|每个教师|全体教师|教师)+", "", name)
    return name.strip(" 　")[:100]


def _notes_for(clause: str, sentence: str) -> tuple[list[str], bool]:
    """What the clause (or its sentence) says that the engine cannot count, and whether
    that makes the proposal doubtful."""
    notes, doubtful = [], False
    for rx, template, doubt in QUALIFIERS:
        m = rx.search(clause) or rx.search(sentence)
        if m:
            notes.append(template.format(m.group(0)) + "，请确认。")
            doubtful = doubtful or doubt
    return notes, doubtful


def _is_fact(clause: str) -> bool:
    return bool(FACT.search(clause)) and not REQUIRED.search(FACT.sub("", clause))


def extract(text: str) -> list[Proposal]:
    """Every quota found in `text`, in order, without duplicates. Doubtful ones
    (qualifiers the engine cannot count, sub-quotas after 其中, a bare 本学期…N节
    without any word of requirement) carry notes and `doubtful=True`."""
    out: list[Proposal] = []
    seen: set[tuple[Any, ...]] = set()
    for sentence in SENTENCE_SPLIT.split(text or ""):
        sentence = sentence.strip()
        if not sentence:
            continue
        carried = None
        last: Proposal | None = None
        clauses = [c for c in re.split(r"[，,；：:（）()①-⑳]", sentence) if c.strip()]
        for clause in clauses:
            piece = PER_PIECE.search(clause)
            if piece:
                # 每篇不少于300字: a qualifier of the quota just before, never a quota of its own.
                if last is not None:
                    last.notes.append(f"另有要求“{piece.group(0)}”，系统按篇数统计，字数需人工检查，请确认。")
                    last.doubtful = True
                    last.name = (last.name + "，" + piece.group(0))[:100]
                continue
            if PAST.search(clause) or NOT_LIVE.search(clause) or _is_fact(clause):
                if _period(clause):
                    carried = _period(clause)
                continue
            period = _period(clause) or carried
            if _period(clause):
                carried = _period(clause)
            if not period:
                continue
            target = next((t for t in targets() if t.pattern.search(clause)), None)
            if target is None:
                continue
            phrase = target.phrase
            if any(d in clause for d in DURATION_UNITS) and not phrase.counts_duration and _quantity(clause) is None:
                continue
            value = _quantity(clause)
            if not value:
                continue
            metric, filters, label = target.metric, dict(phrase.filters), phrase.label
            applies_to, group_kind = phrase.applies_to, phrase.group_kind
            if phrase.organised and ORGANISING.search(clause) and (LEADERS.search(sentence) or phrase.organising_alone):
                metric, filters = phrase.organised[0], dict(phrase.organised[1])
                applies_to, group_kind = Audience.GROUP_LEADERS, "subject"
                label = "组织" + label.removeprefix("参加").removeprefix("上")
            elif phrase.organised and LEADERS.search(clause):
                metric, filters = phrase.organised[0], dict(phrase.organised[1])
                applies_to, group_kind = Audience.GROUP_LEADERS, "subject"
            elif phrase.in_chars and "字" in clause and re.search(rf"(?:{NUM})\s*字", clause):
                metric = phrase.in_chars
            if applies_to == Audience.ALL and NEW_TEACHERS.search(sentence):
                applies_to = Audience.NEW_TEACHERS
            threshold = int(value) if value == int(value) else value
            key = (metric, tuple(sorted((k, tuple(v)) for k, v in filters.items())), period, threshold, applies_to)
            if key in seen:
                continue
            seen.add(key)
            notes, doubtful = _notes_for(clause, sentence)
            span = RANGE.search(clause)
            if span and cn_number(span.group("high")) == value and cn_number(span.group("low")):
                # 每年读2-3本好书: the lower bound is the requirement; the admin decides.
                low = cn_number(span.group("low")) or 0
                threshold = int(low) if low == int(low) else low
                notes.append(f"原文是范围“{span.group(0)}”，按下限{threshold}计，请确认。")
                doubtful = True
            if clause.lstrip().startswith("其中") and last is not None:
                notes.append(f"“其中”：这是上一条要求（{last.name}）的一部分，请确认是否单列。")
                doubtful = True
            if (
                not REQUIRED.search(clause)
                and not re.search(r"每", sentence)
                and re.match(r"(?:本学期|本学年|全年|今年|本年度)", clause.strip())
            ):
                notes.append("像是总结中陈述的数字，不一定是要求，请确认。")
                doubtful = True
            last = Proposal(
                name=_clean_name(clause) or label,
                metric=metric,
                period=period,
                threshold=threshold,
                filters=filters,
                applies_to=applies_to,
                group_kind=group_kind,
                description=_clean_name(sentence)[:300],
                doubtful=doubtful,
                notes=notes,
            )
            out.append(last)
    return out


MAX_UPLOAD_MB = 10


def text_from_upload(upload: UploadedFile[bytes]) -> str:
    """Plain text of an uploaded plan (.docx or .txt); a Chinese error otherwise."""
    from xiaoben.core.uploads import validate_upload

    kind = validate_upload(upload, {"docx", "text"}, MAX_UPLOAD_MB)
    data: bytes = upload.read()
    if kind == "docx":
        try:
            import docx

            doc = docx.Document(io.BytesIO(data))
        except Exception:
            raise ValidationError("无法读取该 Word 文件，请确认是 .docx 格式（旧版 .doc 请先另存为 .docx）。") from None
        parts = [p.text for p in doc.paragraphs]
        for table in doc.tables:
            for row in table.rows:
                parts.append("，".join(c.text for c in row.cells))
        return "\n".join(parts)
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise ValidationError("无法识别文本文件的编码，请另存为 UTF-8 后再上传。")
