"""Who reads what in reports: jobs are their requester's; drafts, templates and the
closure log are the school admins'; a term's closure state is read by its school."""

from django.db.models import Q

from xiaoben.core.tenancy import scope_rule

from .models import DocumentTemplate, ExportJob, SummaryDraft, TermClosure, TermClosureLog


@scope_rule(ExportJob)
def _jobs(scope, qs):
    return qs.filter(user_id=scope.user_id)


@scope_rule(SummaryDraft)
def _drafts(scope, qs):
    return qs.filter(
        Q(school_id__in=scope.admin_school_ids)
        | Q(group_id__in=scope.led_group_ids)
        | Q(region_id__in=scope.region_ids, school__isnull=True)
    )


@scope_rule(DocumentTemplate)
def _templates(scope, qs):
    return qs.filter(school_id__in=scope.admin_school_ids)


@scope_rule(TermClosure)
def _closures(scope, qs):
    return qs.filter(term__school_id__in=scope.member_school_ids)


@scope_rule(TermClosureLog)
def _closure_log(scope, qs):
    return qs.filter(term__school_id__in=scope.admin_school_ids)
