"""Pages of the resource library: list, detail, upload/edit, sharing, favourites, prep links,
publishing a record, the catalogue and the public showcase."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from xiaoben.core.params import int_param
from xiaoben.core.scope import scope_for
from xiaoben.core.tenancy import get_object_for_user, visible_to
from xiaoben.org.choices import GRADE_NAMES

from . import predicates, selectors, services, services_publish
from .forms import SUBJECTS, CatalogueForm, ResourceForm, UploadForm
from .models import CatalogueEntry, Edition, Resource, ResourceFile, ResourceKind, Visibility

TABS = {"all": "全部", "mine": "我的", "school": "本校", "region": "区域共享", "favourites": "收藏", "pending": "待审批"}


def _filters(request) -> selectors.ResourceFilters:
    g = request.GET
    return selectors.ResourceFilters(
        q=g.get("q", "").strip()[:100],
        kind=g.get("kind", "") if g.get("kind") in ResourceKind.values else "",
        subject=g.get("subject", "")[:20],
        grade=int_param(g.get("grade")),
        edition=g.get("edition", "") if g.get("edition") in Edition.values else "",
        catalogue_id=int_param(g.get("unit")),
        school_id=int_param(g.get("school")),
        tab=g.get("tab", "all") if g.get("tab") in TABS else "all",
    )


def _filter_context(scope, f):
    units = list(selectors.catalogue_for(scope, subject=f.subject, edition=f.edition, grade=f.grade)[:200]) if f.subject else []
    return {
        "f": f,
        "kinds": ResourceKind.choices,
        "editions": Edition.choices,
        "subjects": SUBJECTS,
        "grades": list(GRADE_NAMES.items()),
        "units": units,
    }


@login_required
def resource_list(request):
    scope = scope_for(request.user)
    f = _filters(request)
    if f.tab == "pending" and not scope.is_school_admin:
        f.tab = "all"
    page = Paginator(selectors.resource_list(scope, f), 24).get_page(request.GET.get("page"))
    tabs = {k: v for k, v in TABS.items() if k != "pending" or scope.is_school_admin}
    return render(
        request,
        "resources/list.html",
        {
            "page": page,
            "tabs": tabs,
            "can_create": predicates.can_create_resource(scope),
            "pending_count": selectors.pending_share_count(scope),
            "my_school_id": scope.school_id,
            **_filter_context(scope, f),
        },
    )


def public_list(request, school_id: int | None = None):
    """A school's showcase: its 公开 resources, readable without signing in."""
    qs = selectors.public_resources().select_related("school", "author").order_by("-created_at")
    school = None
    if school_id is not None:
        school = selectors.showcase_school(school_id)
        if school is None:
            raise Http404
        qs = qs.filter(school=school)
    page = Paginator(qs, 24).get_page(request.GET.get("page"))
    return render(request, "resources/public.html", {"page": page, "school": school})


def resource_detail(request, pk: int):
    """Signed-in readers through the door; anonymous visitors only for 公开 resources."""
    scope = scope_for(request.user)
    qs = selectors.resources_for(scope).select_related("school", "author", "catalogue", "group", "share_decided_by")
    resource = qs.prefetch_related("files", "coauthors").filter(pk=pk).first()
    if resource is None:
        if not request.user.is_authenticated:
            return redirect(f"{reverse('core:login')}?next={request.path}")
        raise Http404
    services.resource_viewed(resource=resource)
    files = selectors.current_files(resource)
    ctx = {
        "r": resource,
        "files": files,
        "videos": [x for x in files if x.kind == "video"],
        "versions": selectors.file_versions(resource),
        "origin": selectors.origin_for(scope, resource),
        "other_school": resource.school_id not in scope.member_school_ids,
        "grade_name": GRADE_NAMES.get(resource.grade or 0, ""),
    }
    if request.user.is_authenticated:
        ctx.update(
            can_edit=predicates.can_edit_resource(scope, resource),
            can_approve=predicates.can_approve_share(scope, resource) and resource.share_state == "pending",
            is_favourite=resource.favourites.filter(user_id=scope.user_id).exists(),
            favourite_count=resource.favourites.count(),
            prep_links=list(selectors.prep_links_for(scope, resource)),
            my_preps=list(selectors.my_draft_preps(scope)),
            visibilities=Visibility.choices,
            groups=list(selectors.school_groups(resource.school_id)) if predicates.can_edit_resource(scope, resource) else [],
            upload_form=UploadForm(),
            entries=list(resource.showcase_entries.select_related("round").filter(round__status="published")),
        )
    return render(request, "resources/detail.html", ctx)


def _form_querysets(scope, school_id):
    return {
        "catalogue_qs": visible_to(scope, CatalogueEntry),
        "group_qs": selectors.school_groups(school_id),
    }


@login_required
def resource_create(request):
    scope = scope_for(request.user)
    if not predicates.can_create_resource(scope):
        raise Http404
    form = ResourceForm(request.POST or None, **_form_querysets(scope, scope.school_id))
    uploads = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid() and uploads.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("visibility", "group")}
        try:
            r = services.resource_create(
                actor=scope,
                user=request.user,
                files=uploads.files_with_roles(),
                visibility=form.cleaned_data["visibility"],
                group=form.cleaned_data.get("group"),
                **data,
            )
        except ValidationError as e:
            form.add_error(None, e)
        else:
            if r.share_state == "pending":
                messages.info(request, "资源已保存。共享到区域/公开需学校管理员审批，批准前按本校共享。")
            else:
                messages.success(request, "资源已保存。")
            return redirect("resources:detail", pk=r.pk)
    return render(request, "resources/form.html", {"form": form, "uploads": uploads, "creating": True})


@login_required
def resource_edit(request, pk: int):
    scope = scope_for(request.user)
    r = get_object_for_user(scope, Resource, pk=pk)
    if not predicates.can_edit_resource(scope, r):
        raise Http404
    form = ResourceForm(request.POST or None, instance=r, **_form_querysets(scope, r.school_id))
    form.fields.pop("visibility")
    form.fields.pop("group")
    if request.method == "POST" and form.is_valid():
        try:
            # the version the editor's copy was loaded with (a plain field: the ModelForm would
            # validate it as the model's own column)
            version = request.POST.get("version")
            services.resource_update(
                actor=scope, resource=get_object_for_user(scope, Resource, pk=r.pk), expected_version=version, **form.cleaned_data
            )
        except ValidationError as e:
            form.add_error(None, e)
        else:
            messages.success(request, "已保存。")
            return redirect("resources:detail", pk=r.pk)
    version = request.POST.get("version", r.version) if request.method == "POST" else r.version
    return render(request, "resources/form.html", {"form": form, "r": r, "version": version})


def _back(r):
    return redirect("resources:detail", pk=r.pk)


@login_required
@require_POST
def file_add(request, pk: int):
    scope = scope_for(request.user)
    r = get_object_for_user(scope, Resource, pk=pk)
    uploads = UploadForm(request.POST, request.FILES)
    if not uploads.is_valid() or not uploads.files_with_roles():
        messages.error(request, "请选择要上传的文件。")
        return _back(r)
    try:
        for upload, role in uploads.files_with_roles():
            services.resource_file_add(actor=scope, resource=r, upload=upload, role=role, user=request.user)
    except ValidationError as e:
        messages.error(request, "；".join(e.messages))
    else:
        messages.success(request, "文件已上传。")
    return _back(r)


@login_required
@require_POST
def file_remove(request, pk: int):
    scope = scope_for(request.user)
    rf = get_object_for_user(scope, ResourceFile, pk=pk)
    services.resource_file_remove(actor=scope, file=rf)
    messages.success(request, "文件已删除。")
    return _back(rf.resource)


@login_required
@require_POST
def share(request, pk: int):
    scope = scope_for(request.user)
    r = get_object_for_user(scope, Resource, pk=pk)
    group = selectors.resource_group(r, int_param(request.POST.get("group")))
    try:
        services.resource_set_visibility(actor=scope, resource=r, visibility=request.POST.get("visibility", ""), group=group)
    except ValidationError as e:
        messages.error(request, "；".join(e.messages))
    else:
        messages.success(request, "已提交学校管理员审批。" if r.share_state == "pending" else "共享范围已更新。")
    return _back(r)


@login_required
@require_POST
def share_decide(request, pk: int):
    scope = scope_for(request.user)
    r = get_object_for_user(scope, Resource, pk=pk)
    try:
        services.resource_share_decide(actor=scope, resource=r, approve=request.POST.get("approve") == "1")
    except ValidationError as e:
        messages.error(request, "；".join(e.messages))
    else:
        messages.success(request, "已审批。")
    nxt = request.POST.get("next")
    return redirect(nxt) if nxt == reverse("resources:list") + "?tab=pending" else _back(r)


@login_required
@require_POST
def resource_delete(request, pk: int):
    scope = scope_for(request.user)
    r = get_object_for_user(scope, Resource, pk=pk)
    try:
        services.resource_delete(actor=scope, resource=r)
    except ValidationError as e:
        messages.error(request, "；".join(e.messages))
        return _back(r)
    messages.success(request, "资源已删除。")
    return redirect("resources:list")


@login_required
@require_POST
def favourite(request, pk: int):
    scope = scope_for(request.user)
    r = get_object_for_user(scope, Resource, pk=pk)
    on = services.favourite_toggle(actor=scope, resource=r)
    if request.headers.get("HX-Request"):
        return JsonResponse({"favourite": on})
    messages.success(request, "已收藏。" if on else "已取消收藏。")
    return _back(r)


@login_required
@require_POST
def prep_link(request, pk: int):
    from xiaoben.activities.models import LessonPrep

    scope = scope_for(request.user)
    r = get_object_for_user(scope, Resource, pk=pk)
    prep = get_object_for_user(scope, LessonPrep, pk=int_param(request.POST.get("prep")))
    services.prep_link_add(actor=scope, resource=r, prep=prep)
    messages.success(request, f"已关联到集体备课《{prep.title}》。")
    return _back(r)


@login_required
def publish_record(request, what: str, pk: int):
    """Publish an activity (示范课 with 教案, minutes, video), a writing or a lesson-study series."""
    from django.apps import apps

    if what not in services_publish.PUBLISHABLE:
        raise Http404
    scope = scope_for(request.user)
    model = apps.get_model(*services_publish.PUBLISHABLE[what])
    record = get_object_for_user(scope, model, pk=pk)
    try:
        draft = services_publish.draft_for(record)
    except ValidationError as e:
        messages.error(request, "；".join(e.messages))
        return redirect(services_publish.url_for_record(record) or "resources:list")
    if request.method == "POST":
        try:
            r = services_publish.resource_publish_record(actor=scope, record=record, visibility=request.POST.get("visibility", "school"))
        except ValidationError as e:
            messages.error(request, "；".join(e.messages))
        else:
            messages.success(request, "已发布为资源。")
            return redirect("resources:detail", pk=r.pk)
    allowed = services_publish.can_publish_record(scope, record, draft)
    return render(
        request,
        "resources/publish.html",
        {
            "record": record,
            "draft": draft,
            "allowed": allowed,
            "visibilities": Visibility.choices,
            "url": services_publish.url_for_record(record),
        },
    )


@login_required
def catalogue(request):
    scope = scope_for(request.user)
    f = _filters(request)
    qs = selectors.catalogue_for(scope, subject=f.subject, edition=f.edition, grade=f.grade).select_related("school", "region")
    can_add = scope.is_school_admin or (scope.is_region_staff and scope.can("region:activities"))
    form = CatalogueForm(request.POST or None)
    if request.method == "POST":
        if not can_add:
            raise Http404
        if form.is_valid():
            try:
                services.catalogue_entry_add(actor=scope, **form.cleaned_data)
            except ValidationError as e:
                form.add_error(None, e)
            else:
                messages.success(request, "已加入教材目录。")
                return redirect(request.get_full_path())
    page = Paginator(qs, 60).get_page(request.GET.get("page"))
    return render(request, "resources/catalogue.html", {"page": page, "form": form, "can_add": can_add, **_filter_context(scope, f)})


@login_required
def catalogue_options(request):
    """htmx: the units of a subject/edition/grade as <option>s for the upload form."""
    scope = scope_for(request.user)
    f = _filters(request)
    units = selectors.catalogue_for(scope, subject=f.subject, edition=f.edition, grade=f.grade)[:300] if f.subject else []
    return render(request, "resources/_unit_options.html", {"units": units, "selected": int_param(request.GET.get("catalogue"))})
