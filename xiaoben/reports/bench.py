"""Bench figures of the reports app: the school's term summary as .docx (SPEC §7: ≤ 3 s)."""

from django.urls import reverse

from xiaoben.core.bench import figure

figure(
    key="reports.summary_docx",
    label="学期工作总结 .docx（600人学校，校长）",
    persona="principal",
    url=lambda env: reverse("reports:summary_docx"),
    target_ms=3000,
    repeat=5,
)
