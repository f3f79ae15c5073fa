"""参考文本库: the texts a school or a district knows to circulate (template-site 心得, 教案集)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from xiaoben.core import reference_library
from xiaoben.core.errors import NotPermitted
from xiaoben.core.models import ReferenceText
from xiaoben.core.scope import scope_for
from xiaoben.core.tenancy import get_object_for_user, visible_to

from .forms import ReferenceTextForm


def _owner(scope) -> dict:
    """Where this person adds texts: their school (admins) or their region (教研员)."""
    for sid in sorted(scope.admin_school_ids):
        if scope.can("school:manage", school_id=sid):
            return {"school_id": sid}
    if scope.region_ids:
        from xiaoben.org.models import Region

        root = Region.objects.filter(pk__in=scope.region_ids).order_by("level" if hasattr(Region, "level") else "pk").first()
        if root is not None:
            return {"region_id": root.pk}
    raise NotPermitted("只有学校管理员或教研员可以维护参考文本库。")


@login_required
def library(request):
    scope = scope_for(request.user)
    owner = _owner(scope)
    form = ReferenceTextForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            body = reference_library.text_from_upload(data["file"]) if data.get("file") else data["body"]
            row = reference_library.reference_text_add(actor=scope, title=data["title"], origin=data["origin"], body=body, **owner)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"已加入参考文本库：《{row.title}》。此后提交的文章都会与它比对。")
            return redirect("writings:library")
    rows = visible_to(scope, ReferenceText).select_related("school", "region").order_by("-created_at")
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    for r in page:
        r.can_delete = reference_library.can_manage(scope, r)
    return render(request, "writings/library.html", {"form": form, "page": page, "owner_label": _owner_label(owner)})


def _owner_label(owner: dict) -> str:
    """Whose library a new text joins, and whose writings it is compared with."""
    from xiaoben.org.models import Region, School

    if "school_id" in owner:
        return f"加入{School.objects.get(pk=owner['school_id']).name}的文本库，本校此后提交的文章都会与它比对。"
    return f"加入{Region.objects.get(pk=owner['region_id']).name}的区域文本库，辖区各校此后提交的文章都会与它比对。"


@login_required
@require_POST
def library_delete(request, pk: int):
    row = get_object_for_user(request.user, ReferenceText, pk=pk)
    reference_library.reference_text_delete(actor=scope_for(request.user), text=row)
    messages.success(request, f"已从参考文本库删除《{row.title}》。")
    return redirect("writings:library")
