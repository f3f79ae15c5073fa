"""参考文本库: the texts a school or a district knows to circulate (template-site 心得, 教案集)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from xiaoben.core import reference_library
from xiaoben.core.models import ReferenceText
from xiaoben.core.scope import scope_for
from xiaoben.core.tenancy import get_object_for_user, visible_to

from . import selectors
from .forms import ReferenceTextForm


@login_required
def library(request):
    scope = scope_for(request.user)
    owner = selectors.reference_owner(scope)
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
    return render(request, "writings/library.html", {"form": form, "page": page, "owner_label": selectors.reference_owner_label(owner)})


@login_required
@require_POST
def library_delete(request, pk: int):
    row = get_object_for_user(request.user, ReferenceText, pk=pk)
    reference_library.reference_text_delete(actor=scope_for(request.user), text=row)
    messages.success(request, f"已从参考文本库删除《{row.title}》。")
    return redirect("writings:library")
