"""教师名册 (.xlsx) through the exporter registry."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from xiaoben.core.exporters import Exporter, register
from xiaoben.core.formatting import XLSX
from xiaoben.core.params import int_param
from xiaoben.core.scope import Scope

from . import roster
from .models import School
from .selectors import school_for_scope, today


@register
class RosterExporter(Exporter):
    identifier = "org.roster_xlsx"
    verbose_name = "教师名册（Excel）"
    permission = "org:manage"
    category = "学校与教师"
    description = "全体在职教师的名册，可修改后再导入。"

    def render(self, *, actor: Scope, params: dict[str, Any]) -> tuple[str, str, bytes]:
        school = school_for_scope(actor, int_param(params.get("school")))
        if school is None or not actor.can("org:manage", school_id=school.pk):
            raise Http404
        personal = actor.can("org:read_personal", school_id=school.pk)
        data = roster.export_workbook(school=school, personal=personal)
        return f"{school.short_name or school.name}教师名册{today():%Y%m%d}.xlsx", XLSX, data


@register
class RosterTemplateExporter(Exporter):
    identifier = "org.roster_template_xlsx"
    verbose_name = "教师名册导入模板"
    permission = "org:manage"
    category = "学校与教师"

    def render(self, *, actor: Scope, params: dict[str, Any]) -> tuple[str, str, bytes]:
        school: School | None = school_for_scope(actor, int_param(params.get("school")))
        if school is None or not actor.can("org:manage", school_id=school.pk):
            raise Http404
        return f"{school.short_name or school.name}教师名册模板.xlsx", XLSX, roster.template_workbook(school=school)
