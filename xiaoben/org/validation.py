"""Rules about a school's own shape that forms, services and the API share."""

from __future__ import annotations

from .choices import GRADE_NAMES, STAGE_GRADES


def grade_message(stage: str | None) -> str:
    grades = list(STAGE_GRADES.get(stage or "", range(1, 13)))
    return f"年级不正确：本校的年级是{GRADE_NAMES[grades[0]]}到{GRADE_NAMES[grades[-1]]}。"


def check_grade(grade: int | None, stage: str | None) -> str | None:
    """None when `grade` is empty or one of the school's stage (a 小学 has 一年级…六年级)."""
    if grade is None:
        return None
    if grade not in STAGE_GRADES.get(stage or "", range(1, 13)):
        return grade_message(stage)
    return None
