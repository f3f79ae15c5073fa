"""Bench figures of the reports app: the school's term summary as .docx (SPEC §7: ≤ 3 s) and
the archive of the 600-teacher school's last term (学期归档, ≤ 60 s)."""

from django.urls import reverse

from xiaoben.core.bench import figure


def _last_term(env):
    from xiaoben.org.models import Term

    return (
        Term.objects.select_related("school", "school_year")
        .filter(school=env.school, end_date__lt=env.term.start_date)
        .order_by("-end_date")
        .first()
        or env.term
    )


def _archive(env, client):
    from xiaoben.core.scope import scope_for
    from xiaoben.reports.archive import build_archive

    return build_archive(actor=scope_for(env.users["principal"]), term=_last_term(env), full=True)


figure(
    key="reports.summary_docx",
    label="学期工作总结 .docx（600人学校，校长）",
    persona="principal",
    url=lambda env: reverse("reports:summary_docx"),
    target_ms=3000,
    repeat=5,
)

figure(
    key="reports.term_archive",
    label="学期归档 .zip（600人学校上学期，全部记录）",
    persona="principal",
    run=_archive,
    target_ms=60000,
    repeat=1,
)
