"""Home card: a teacher's achievements to fix and projects overdue; an admin's queue."""

from django.db.models import Count, Q

from xiaoben.core.home import HomeCard

from .models import TERMINAL_STAGES, Achievement, AchievementCredit, AchievementStatus, ResearchProject


def cards(request, scope, term):
    ctx = {}
    if scope.teacher is not None:
        ctx |= AchievementCredit.objects.filter(teacher=scope.teacher, achievement__deleted_at__isnull=True).aggregate(
            returned=Count("id", filter=Q(achievement__status=AchievementStatus.RETURNED)),
            verified=Count("id", filter=AchievementCredit.COUNTED),
        )
        from django.utils import timezone

        ctx["overdue"] = list(
            ResearchProject.objects.filter(leader=scope.teacher, stage_due__lt=timezone.localdate())
            .exclude(stage__in=TERMINAL_STAGES)
            .values("pk", "title")[:3]
        )
    sid = scope.school_id
    if sid and scope.can("research:manage", sid):
        ctx["pending"] = Achievement.objects.filter(school_id=sid, status=AchievementStatus.PENDING).count()
    if not ctx:
        return []
    return [HomeCard("research/_home_card.html", ctx, order=45)]
