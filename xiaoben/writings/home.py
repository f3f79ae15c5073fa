"""Home cards: a teacher's writings this week and reading progress; a reviewer's queue.
A fixed, small number of queries."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q

from xiaoben.core.home import HomeCard
from xiaoben.org.selectors import today

from . import selectors
from .models import Writing, WritingStatus


def cards(request, scope, term) -> list[HomeCard]:
    out: list[HomeCard] = []
    if term is None:
        return out
    day = today()
    if scope.teacher is not None:
        monday = day - dt.timedelta(days=day.weekday())
        mine = Writing.objects.filter(author_id=scope.teacher_id, term=term).aggregate(
            total=Count("pk", filter=Writing.COUNTED),
            drafts=Count("pk", filter=Q(status=WritingStatus.DRAFT)),
            week=Count("pk", filter=Q(kind="reflection", written_on__gte=monday) & Writing.COUNTED),
        )
        # The reading bar is the requirement's own progress, so it equals the 量化要求 card.
        reading = None
        if scope.teacher.school_id == term.school_id:
            from xiaoben.requirements.selectors import teacher_progress

            reading = selectors.reading_progress(scope.teacher, term, teacher_progress(request, scope.teacher, term))
        out.append(HomeCard("writings/_home_card.html", {**mine, "reading": reading}, order=40))
    if scope.can("writings:review"):
        queue = Writing.objects.filter(selectors.review_queue_filter(scope), status=WritingStatus.SUBMITTED)
        counts = queue.aggregate(n=Count("pk"), flagged=Count("pk", filter=Q(copy_state="flagged")))
        if counts["n"]:
            out.append(HomeCard("writings/_home_review.html", counts, order=41))
    return out
