"""No lock-in: a school takes all of its records away, and another instance takes them in.

`school_archive(actor=, school=)` → a .zip: `records.json` (every row of the school, with its edit
history, as Django serializes it: model, old id, fields), `files/…` (every uploaded file), and
`表格/<model>.xlsx`-style readable sheets in `school.xlsx`. `school_import(zip)` loads it into
another instance: new ids, every reference (foreign keys, generic targets, history rows)
rewritten to the new ids, users matched by mobile number or username (学校代码-工号) or created.

`instance_backup(path, actor=)` / `instance_restore(path, actor=)` do the same for a whole instance (all rows of
every table, database-agnostic JSON, plus MEDIA files); see docs/deploy.md for when pg_dump is
the better tool.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import zipfile
from collections import defaultdict
from collections.abc import Iterator
from typing import IO, Any, cast

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction

from xiaoben.core.errors import require
from xiaoben.core.scope import Scope

from . import predicates as can
from .models import Region, School

Model = type[models.Model]
Rows = dict[Model, list[models.Model]]
Ids = dict[Model, set[int]]
IdMap = dict[str, dict[int, int]]  # label -> old pk -> new pk
Fixup = tuple[Model, Any, "models.ForeignKey[Any, Any]", Any]  # (model, new pk, link, old target pk)

FORMAT = "xiaoben-school-archive/1"
# Rows shared by every school of an instance: referenced by natural key, never copied.
SHARED_LABELS = {"org.region", "contenttypes.contenttype", "auth.permission", "auth.group"}
SKIP_APPS = {"sessions", "admin", "axes"}


def _fks(model: Model) -> list[models.ForeignKey[Any, Any]]:
    return [f for f in model._meta.concrete_fields if isinstance(f, models.ForeignKey)]


def school_path(model: type[models.Model], depth: int = 0) -> str | None:
    """The lookup from `model` to its School, e.g. 'school' or 'activity__school' (None: not a school's row)."""
    if model is School:
        return "id"
    fks = [f for f in _fks(model) if f.related_model is not None]
    for f in fks:
        if f.related_model is School:
            return f.name
    if depth < 3:
        for f in fks:
            if f.related_model is Region or f.related_model._meta.app_label in ("auth", "contenttypes"):
                continue
            if f.related_model is get_user_model():
                continue
            sub = school_path(f.related_model, depth + 1)
            if sub and sub != "id":
                return f"{f.name}__{sub}"
    return None


def _models() -> list[type[models.Model]]:
    out = []
    for m in apps.get_models():
        if m._meta.app_label in SKIP_APPS or m._meta.label_lower in SHARED_LABELS or not m._meta.managed:
            continue
        out.append(m)
    return out


def _generic(model: Model) -> tuple[str, str] | None:
    """(content type field, object id field) of a model pointing at any record."""
    names = {f.name for f in model._meta.concrete_fields}
    if "target_type" in names and "target_id" in names:
        return "target_type", "target_id"
    return None


def school_rows(school: School) -> Rows:
    """Every row of the school, soft-deleted ones and edit history included."""
    User = get_user_model()
    rows: Rows = {}
    ids: Ids = defaultdict(set)
    generic: list[tuple[Model, str, str]] = []
    for model in _models():
        if model is User:
            continue
        g = _generic(model)
        if g:
            generic.append((model, *g))
            continue
        path = school_path(model)
        if path is None:
            continue
        qs = model._base_manager.filter(**{path: school.pk}).order_by("pk")
        found = list(qs)
        if found:
            rows[model] = found
            ids[model] = {o.pk for o in found}

    # A row that needs another school's record (a 课题 member who teaches elsewhere) stays with
    # that school: it could not be restored without data that is not this school's to carry.
    def _region_owned(m: Model) -> bool:  # a district's record (a 晒课 round): not this school's to carry
        return school_path(m) is None and any(fk.name == "region" for fk in _fks(m))

    changed = True
    while changed:  # dropping a row may orphan rows that need it: repeat until nothing changes
        changed = False
        for model, objs in list(rows.items()):
            required = [
                f
                for f in _fks(model)
                if not f.null
                and f.related_model is not model
                and ((f.related_model in ids and school_path(f.related_model) is not None) or _region_owned(f.related_model))
            ]
            if not required:
                continue
            kept = [o for o in objs if all(getattr(o, f.attname) in ids[f.related_model] for f in required)]
            if len(kept) != len(objs):
                changed = True
                if kept:
                    rows[model], ids[model] = kept, {o.pk for o in kept}
                else:
                    del rows[model]
                    ids[model] = set()  # kept as known-empty, so rows needing these go too
    # History goes with its record: the history of a record left out above (it needs another
    # school's or a district's record) stays out too; that of a record deleted for good is kept.
    for model, objs in list(rows.items()):
        history_of = getattr(model, "instance_type", None)
        if history_of is None:
            continue
        carried = ids.get(history_of, set())
        # a history row's `id` is its record's id (its own key is `history_id`)
        strays = {h.id for h in cast("list[Any]", objs) if h.id not in carried}
        if not strays:
            continue
        alive = set(history_of._base_manager.filter(pk__in=strays).values_list("pk", flat=True))
        kept = [h for h in cast("list[Any]", objs) if h.id not in alive]
        if kept:
            rows[model], ids[model] = kept, {o.pk for o in kept}
        else:
            del rows[model]
            ids[model] = set()
    # records pointing at any record (comments, attachments, notifications) of the school
    for model, ct_field, id_field in generic:
        linked: list[models.Model] = []
        for target_model, target_ids in list(ids.items()):
            ct = ContentType.objects.get_for_model(target_model, for_concrete_model=False)
            linked += list(model._base_manager.filter(**{ct_field: ct, f"{id_field}__in": target_ids}))
        if linked:
            rows[model] = sorted(linked, key=lambda o: o.pk)
            ids[model] = {o.pk for o in linked}
    _blank_links_not_carried(rows, ids)
    # the accounts of the school's people (and of anyone its rows name)
    user_ids: set[int] = set()
    for model, objs in rows.items():
        for f in _fks(model):
            if f.related_model is User:
                user_ids |= {getattr(o, f.attname) for o in objs if getattr(o, f.attname)}
        for m2m in model._meta.many_to_many:
            if m2m.related_model is User:
                for o in objs:
                    user_ids |= set(getattr(o, m2m.name).values_list("pk", flat=True))
    rows[User] = list(User.objects.filter(pk__in=user_ids).order_by("pk"))
    return rows


def _outside_links(rows: Rows, ids: Ids) -> Iterator[tuple[Model, list[models.Model], models.ForeignKey[Any, Any], Model]]:
    """(model, objs, fk, target model) for every optional link that may name a record the
    archive does not carry (not a user, a region or a content type: those are matched)."""
    User = get_user_model()
    for model, objs in rows.items():
        for f in _fks(model):
            target = f.related_model
            if target is User or target._meta.label_lower in SHARED_LABELS:
                continue
            yield model, objs, f, target


def _is_builtin(obj: models.Model) -> bool:
    """A row every instance has (the built-in 教材目录): no school, no district, no owner."""
    return all(getattr(obj, f.attname) is None for f in _fks(type(obj)))


def _blank_links_not_carried(rows: Rows, ids: Ids) -> None:
    """A link to another school's or a district's record (a 区域 activity an observation was made
    in) cannot come along: the archive says so by leaving it empty, instead of naming an id
    that means something else elsewhere. Links to built-in rows stay (matched on import)."""
    for _model, objs, f, target in _outside_links(rows, ids):
        carried = ids.get(target, set())
        outside = {getattr(o, f.attname) for o in objs} - carried - {None}
        if not outside:
            continue
        builtin = {t.pk for t in target._base_manager.filter(pk__in=outside) if _is_builtin(t)}
        for o in objs:
            value = getattr(o, f.attname)
            if value in outside and value not in builtin and f.null:
                setattr(o, f.attname, None)


def _builtin_references(rows: Rows) -> dict[str, dict[int, dict[str, str]]]:
    """Built-in rows the school's records name, by their content (their ids differ by instance)."""
    ids = {m: {o.pk for o in objs} for m, objs in rows.items()}
    out: dict[str, dict[int, dict[str, str]]] = defaultdict(dict)
    for _model, objs, f, target in _outside_links(rows, ids):
        wanted = {getattr(o, f.attname) for o in objs} - ids.get(target, set()) - {None}
        for t in target._base_manager.filter(pk__in=wanted):
            if _is_builtin(t):
                out[target._meta.label_lower][t.pk] = _content(t)
    return dict(out)


def _content(obj: models.Model) -> dict[str, str]:
    skip = {"id", "created_at", "updated_at"}
    return {
        f.attname: f.value_to_string(obj)
        for f in obj._meta.concrete_fields
        if not f.primary_key and f.attname not in skip and not isinstance(f, models.ForeignKey)
    }


def _match_builtin(builtin: dict[str, dict[str, dict[str, Any]]], idmap: IdMap) -> None:
    for label, by_old in builtin.items():
        model = apps.get_model(label)
        nulls = {f.attname: None for f in _fks(model)}
        for old, content in by_old.items():
            values = {k: _to_python(model, k, v) for k, v in content.items()}
            found = model._base_manager.filter(**nulls, **values).values_list("pk", flat=True).first()
            if found is not None:
                idmap[label][int(old)] = found


def _to_python(model: Model, name: str, value: Any) -> Any:
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)  # a serialized value belongs to a concrete field
    return field.to_python(value)


def _file_fields(model: Model) -> list[models.FileField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, models.FileField)]


def school_archive(*, actor: Scope, school: School) -> bytes:
    """The school's archive (.zip) — see the module docstring. The school's admins (or the platform)."""
    require(can.can_manage_school(actor, school.pk))
    from openpyxl import Workbook

    from xiaoben.core.xlsx import workbook_bytes

    rows = school_rows(school)
    records: list[dict[str, Any]] = []
    files: dict[str, bytes] = {}
    wb = Workbook()
    wb.remove(wb.active)
    for model, objs in rows.items():
        records += serializers.serialize("python", objs)
        for f in _file_fields(model):
            for o in objs:
                name = getattr(getattr(o, f.attname), "name", None)
                if name and name not in files and default_storage.exists(name):
                    with default_storage.open(name, "rb") as fh:
                        files[name] = fh.read()
        ws = wb.create_sheet(str(model._meta.verbose_name)[:28] + str(len(wb.worksheets))[:3])
        fields = [f for f in model._meta.concrete_fields if f.name != "password"]
        ws.append([str(f.verbose_name) for f in fields])
        for o in objs:
            ws.append([_readable(getattr(o, f.attname)) for f in fields])
    manifest = {
        "format": FORMAT,
        "school": {"code": school.code, "name": school.name},
        "contenttypes": {ct.pk: [ct.app_label, ct.model] for ct in ContentType.objects.all()},
        "regions": _regions(),
        "builtin": _builtin_references(rows),
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
        z.writestr("records.json", json.dumps(records, cls=DjangoJSONEncoder, ensure_ascii=False))
        z.writestr("school.xlsx", workbook_bytes(wb))
        for name, data in files.items():
            z.writestr(f"files/{name}", data)
    return buf.getvalue()


def _readable(value: object) -> Any:
    if value is None or isinstance(value, int | float | str | bool):
        return value
    return str(value)


def _regions() -> dict[int, list[Any]]:
    return {r.pk: [r.name, r.kind, r.parent_id] for r in Region.objects.all()}


@contextlib.contextmanager
def _keep_timestamps() -> Iterator[None]:
    """Imported rows keep their own created_at/updated_at (auto_now would stamp 'now')."""
    touched: list[tuple[Any, bool, bool]] = []
    for model in apps.get_models():
        f: Any  # a DateField or DateTimeField when it has auto_now
        for f in model._meta.concrete_fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                touched.append((f, f.auto_now, f.auto_now_add))
                f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, now, add in touched:
            f.auto_now, f.auto_now_add = now, add


def _order(labels: set[str]) -> list[str]:
    """Models so that every model comes after the models it points at (self-references aside)."""
    deps: dict[str, set[str]] = {}
    for label in labels:
        model = apps.get_model(label)
        needs = {f.related_model._meta.label_lower for f in _fks(model)}
        history_of = getattr(model, "instance_type", None)
        if history_of is not None:  # a history row names its record by id: the record's new id must be known
            needs.add(history_of._meta.label_lower)
        deps[label] = needs & labels - {label}
    order: list[str] = []
    done: set[str] = set()
    while len(order) < len(labels):
        ready = sorted(lb for lb in labels - done if deps[lb] <= done)
        if not ready:  # a cycle: take the rest in name order, nullable links are fixed up afterwards
            ready = sorted(labels - done)
        for lb in ready:
            order.append(lb)
            done.add(lb)
    return order


@transaction.atomic
def school_import(data: bytes, *, actor: Scope, code: str | None = None) -> dict[str, int]:
    """Load a school archive into this instance (new ids, references kept). Returns rows per model."""
    require(can.can_run_platform(actor))
    User = get_user_model()
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
        manifest = json.loads(z.read("manifest.json"))
        records = json.loads(z.read("records.json"))
    except (zipfile.BadZipFile, KeyError, ValueError):
        raise ValidationError("这不是校本的学校导出文件（或文件已损坏）。") from None
    if manifest.get("format") != FORMAT:
        raise ValidationError("导出文件的格式版本不认识。")
    if School.objects.filter(code=code or manifest["school"]["code"]).exists():
        raise ValidationError(f"学校代码 {code or manifest['school']['code']} 在本系统中已存在。")

    ct_map: dict[int, int] = {}
    for old, (app, model) in manifest["contenttypes"].items():
        with contextlib.suppress(ContentType.DoesNotExist):
            ct_map[int(old)] = ContentType.objects.get_by_natural_key(app, model).pk
    region_map = _import_regions(manifest["regions"], Region)
    by_label: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in records:
        by_label[r["model"]].append(r)
    idmap: IdMap = defaultdict(dict)
    idmap["org.region"] = region_map
    idmap["contenttypes.contenttype"] = ct_map
    _match_builtin(manifest.get("builtin", {}), idmap)
    counts: dict[str, int] = {}
    user_label = User._meta.label_lower
    with _keep_timestamps():
        if user_label in by_label:
            counts[user_label] = _import_users(by_label.pop(user_label), idmap[user_label])
        fixups: list[Fixup] = []
        for label in _order(set(by_label)):
            model = apps.get_model(label)
            fixups += _import_model(model, by_label[label], idmap, z, code=code)
            counts[label] = len(by_label[label])
        for model, pk, field, old in fixups:
            target = idmap[field.related_model._meta.label_lower].get(old)
            if target is not None:
                model._base_manager.filter(pk=pk).update(**{field.attname: target})
        _rewrite_generic(by_label, idmap)
    return counts


def _import_regions(regions: dict[str, list[Any]], Region: type[Region]) -> dict[int, int]:
    out: dict[int, int] = {}

    def resolve(old: int) -> int:
        if old in out:
            return out[old]
        name, kind, parent = regions[str(old)]
        parent_new = resolve(parent) if parent else None
        region, _ = Region.objects.get_or_create(name=name, kind=kind, parent_id=parent_new)
        pk: int = region.pk
        out[old] = pk
        return pk

    for old in regions:
        resolve(int(old))
    return out


def _import_users(records: list[dict[str, Any]], idmap: dict[int, int]) -> int:
    """Match by mobile number, then username; otherwise create the account as it was."""
    from xiaoben.core.models import User

    for r in records:
        f = r["fields"]
        user = (User.objects.filter(phone=f.get("phone")).first() if f.get("phone") else None) or User.objects.filter(
            username=f["username"]
        ).first()
        if user is None:
            data = {k: v for k, v in f.items() if k not in ("groups", "user_permissions")}
            user = User(**{k: v for k, v in data.items() if k in {fld.attname for fld in User._meta.concrete_fields}})
            user.save()
        idmap[r["pk"]] = user.pk
    return len(records)


def _import_model(model: Model, records: list[dict[str, Any]], idmap: IdMap, z: zipfile.ZipFile, *, code: str | None) -> list[Fixup]:
    label = model._meta.label_lower
    fks = {f.name: f for f in _fks(model)}
    m2ms = {f.name: f for f in model._meta.many_to_many}
    files = {f.name for f in _file_fields(model)}
    history_of = getattr(model, "instance_type", None)  # simple_history: HistoricalX.instance_type is X
    objs: list[models.Model] = []
    olds: list[tuple[Any, list[tuple[models.ForeignKey[Any, Any], Any]]]] = []
    fixups: list[Fixup] = []
    m2m_values: list[dict[str, Any]] = []
    for r in records:
        kwargs: dict[str, Any] = {}
        later: list[tuple[models.ForeignKey[Any, Any], Any]] = []
        m2m: dict[str, Any] = {}
        for name, value in r["fields"].items():
            if name in m2ms:
                m2m[name] = value
                continue
            if name in fks:
                f = fks[name]
                target = f.related_model._meta.label_lower
                if value is None:
                    kwargs[f.attname] = None
                elif value in idmap[target]:
                    kwargs[f.attname] = idmap[target][value]
                elif target == label or f.null:
                    kwargs[f.attname] = None
                    later.append((f, value))
                else:
                    kwargs[f.attname] = value if not getattr(f, "db_constraint", True) else None
                continue
            if name in files and value:
                try:
                    content = z.read(f"files/{value}")
                    value = default_storage.save(value, ContentFile(content))
                except KeyError:
                    pass
            kwargs[name] = _to_python(model, name, value) if value is not None else None
        if history_of is not None and "id" in kwargs:
            # The record's new id; a record deleted before the export keeps its history under the
            # negated old id, which can name no row here (the old id could name another record).
            old_id = kwargs["id"]
            kwargs["id"] = idmap[history_of._meta.label_lower].get(old_id, -abs(old_id))
        if label == "org.school" and code:
            kwargs["code"] = code
        obj = model(**kwargs)
        objs.append(obj)
        olds.append((r["pk"], later))
        m2m_values.append(m2m)
    model._base_manager.bulk_create(objs, batch_size=500)
    for obj, (old, later), m2m in zip(objs, olds, m2m_values, strict=True):
        idmap[label][old] = obj.pk
        fixups += [(model, obj.pk, f, v) for f, v in later]
        for name, values in m2m.items():
            target = m2ms[name].related_model._meta.label_lower
            getattr(obj, name).set([idmap[target][v] for v in values if v in idmap[target]])
    return fixups


def _rewrite_generic(by_label: dict[str, list[dict[str, Any]]], idmap: IdMap) -> None:
    """Generic targets (a comment's record, an attachment's record) to the new ids."""
    for label in by_label:
        model = apps.get_model(label)
        g = _generic(model)
        if not g:
            continue
        ct_field, id_field = g
        for r in by_label[label]:
            new_pk = idmap[label][r["pk"]]
            old_ct, old_target = r["fields"].get(ct_field), r["fields"].get(id_field)
            if old_ct is None or old_target is None:
                continue
            ct = ContentType.objects.get(pk=idmap["contenttypes.contenttype"].get(old_ct, old_ct))
            target_model = ct.model_class()
            if target_model is None:  # a model this instance does not have: nothing to point at
                continue
            target_label = target_model._meta.label_lower
            model._base_manager.filter(pk=new_pk).update(**{id_field: idmap[target_label].get(old_target, old_target)})


# --- a whole instance -------------------------------------------------------------------------

EXCLUDE_FROM_BACKUP = ["contenttypes", "auth.permission", "sessions", "admin.logentry", "axes"]


def instance_backup(out: str | IO[bytes], *, actor: Scope) -> dict[str, int]:
    """Every row of every table (soft-deleted ones too) as JSON, and every uploaded file, in one zip."""
    require(can.can_run_platform(actor))
    from django.core.management import call_command

    dump = io.StringIO()
    call_command(
        "dumpdata",
        all=True,  # the base managers: soft-deleted rows are still referenced by history and flags
        natural_foreign=True,
        exclude=EXCLUDE_FROM_BACKUP,
        stdout=dump,
        verbosity=0,
    )
    files = 0
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("data.json", dump.getvalue())
        for model in apps.get_models():
            for f in _file_fields(model):
                for name in model._base_manager.exclude(**{f.attname: ""}).values_list(f.attname, flat=True):
                    if name and default_storage.exists(name):
                        with default_storage.open(name, "rb") as fh:
                            z.writestr(f"files/{name}", fh.read())
                        files += 1
    return {"rows": len(json.loads(dump.getvalue())), "files": files}


def instance_restore(path: str, *, actor: Scope) -> dict[str, int]:
    """Load a backup into an empty, migrated database (and the files into storage)."""
    require(can.can_run_platform(actor))
    import tempfile

    from django.core.management import call_command

    User = get_user_model()
    if User.objects.exists():
        raise ValidationError("恢复只能在空的数据库中进行（先建库、migrate，不要载入演示数据）。")
    with zipfile.ZipFile(path) as z:
        data = z.read("data.json")
        with tempfile.NamedTemporaryFile("wb", suffix=".json", delete=False) as tmp:
            tmp.write(data)
        with _keep_timestamps():
            call_command("loaddata", tmp.name, verbosity=0)
        files = 0
        for name in z.namelist():
            if name.startswith("files/"):
                target = name[len("files/") :]
                if default_storage.exists(target):
                    default_storage.delete(target)
                default_storage.save(target, ContentFile(z.read(name)))
                files += 1
    return {"rows": len(json.loads(data)), "files": files}


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
