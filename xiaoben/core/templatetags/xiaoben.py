from django import template
from django.contrib.contenttypes.models import ContentType

from ..selectors import attachments_for, comments_for

register = template.Library()


@register.inclusion_tag("core/_comments.html", takes_context=True)
def comment_thread(context, target, title="讨论"):
    """Render the comment thread of any record, with a reply form."""
    request = context["request"]
    comments = list(comments_for(target))
    roots = [c for c in comments if c.parent_id is None]
    replies: dict[int, list] = {}
    for c in comments:
        if c.parent_id:
            replies.setdefault(c.parent_id, []).append(c)
    for c in roots:
        c.reply_list = replies.get(c.pk, [])
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "roots": roots,
        "count": len(comments),
        "title": title,
        "ct_id": ContentType.objects.get_for_model(target).pk,
        "obj_id": target.pk,
    }


@register.inclusion_tag("core/_attachments.html")
def attachment_list(target):
    return {"attachments": list(attachments_for(target))}


@register.filter
def percent(value, total):
    """45, 60 -> '75%' (the share the way a summary writes it)."""
    try:
        return f"{round(100 * float(value) / float(total))}%" if total else "0%"
    except (TypeError, ValueError):
        return ""


@register.filter
def zh_date(d):
    """2026-11-03 -> 2026年11月3日"""
    if not d:
        return ""
    return f"{d.year}年{d.month}月{d.day}日"


WEEKDAYS = "一二三四五六日"


@register.filter
def zh_weekday(d):
    return f"周{WEEKDAYS[d.weekday()]}" if d else ""
