"""The exporter registry (pretix's shape): every file Xiaoben hands out is an exporter.

Each app registers its exporters in its own `exports.py`:

    from xiaoben.core.exporters import Exporter, register

    @register
    class ObservationRecordExporter(Exporter):
        identifier = "observations.record_docx"
        verbose_name = "听课记录表"
        permission = "observations:write"
        form_class = ObservationParams        # optional: a Form taking scope=
        def render(self, *, actor, params) -> tuple[str, str, bytes]:
            obs = get_object_for_user(actor, Observation, pk=params["observation"])
            return "听课记录表.docx", DOCX, data

`params` holds plain values (ids, years, strings) so a job can carry them; `render`
fetches objects through the door (`get_object_for_user`) with `actor`, so a person can
never export what they could not open. The export page (/reports/exports/) lists the
exporters `available()` to the person; `background = True` runs it as a job.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse

from .appmodules import app_modules
from .formatting import file_response
from .scope import Scope, scope_for


class Exporter:
    identifier: str = ""
    verbose_name: str = ""
    permission: str = ""
    form_class: type[forms.Form] | None = None
    category: str = "其他"  # heading on the export page
    description: str = ""
    background: bool = False  # long (archives, school-wide documents): run as a job
    listed: bool = True  # False: offered from a record's page (one observation), not the export page

    def available(self, scope: Scope) -> bool:
        """Does the person hold the permission somewhere? Objects are checked again in render."""
        return bool(self.permission) and scope.can(self.permission)

    def form(self, scope: Scope, data: Mapping[str, Any] | None = None) -> forms.Form | None:
        if self.form_class is None:
            return None
        form_class: Any = self.form_class  # its __init__ takes scope= (the Form stub does not know it)
        form: forms.Form = form_class(data=data, scope=scope)
        return form

    def clean_params(self, scope: Scope, data: Mapping[str, Any] | None) -> dict[str, Any]:
        """Validate request data into plain params (raises ValidationError with the form's messages)."""
        from django.core.exceptions import ValidationError

        form = self.form(scope, data)
        if form is None:
            return {}
        if not form.is_valid():
            raise ValidationError(
                "；".join(
                    f"{form.fields[k].label if k in form.fields else ''}{'：' if k in form.fields else ''}{' '.join(str(m) for m in v)}"
                    for k, v in form.errors.items()
                )
            )
        return {k: plain(v) for k, v in form.cleaned_data.items()}

    def render(self, *, actor: Scope, params: dict[str, Any]) -> tuple[str, str, bytes]:  # pragma: no cover - abstract
        raise NotImplementedError


def plain(value: Any) -> Any:  # ids, lists, ISO dates, or the value as it is
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, list | tuple) or (hasattr(value, "__iter__") and not isinstance(value, str | bytes | dict)):
        return [plain(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


_EXPORTERS: dict[str, Exporter] = {}
_LOADED = False


def register(cls: type[Exporter]) -> type[Exporter]:
    if not cls.identifier:
        raise ValueError(f"{cls.__name__} has no identifier")
    _EXPORTERS[cls.identifier] = cls()
    return cls


def autodiscover() -> None:
    global _LOADED
    if _LOADED:
        return
    _LOADED = True
    app_modules("exports")


def get_exporter(identifier: str) -> Exporter | None:
    autodiscover()
    return _EXPORTERS.get(identifier)


def all_exporters() -> list[Exporter]:
    autodiscover()
    return sorted(_EXPORTERS.values(), key=lambda e: (e.category, e.identifier))


def exporters_for(scope: Scope, *, listed_only: bool = True) -> list[Exporter]:
    return [e for e in all_exporters() if (e.listed or not listed_only) and e.available(scope)]


def export_response(request: HttpRequest, identifier: str, params: dict[str, Any]) -> HttpResponse:
    """For a record's own 导出 button (听课记录表 of one observation…): run the exporter now,
    through the registry, and answer the file."""
    scope = scope_for(request.user)
    exporter = get_exporter(identifier)
    if exporter is None or not exporter.available(scope):
        raise Http404
    return file_response(*exporter.render(actor=scope, params=params))
