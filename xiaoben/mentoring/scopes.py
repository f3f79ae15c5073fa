"""Pairs are known within the school (counts are public there); notes and monthly
texts are private to the pair and the mentorship lead (enforced by the mentoring app). Refine here."""

from xiaoben.core.tenancy import scope_rule

from .models import Mentorship


@scope_rule(Mentorship)
def _mentorships(scope, qs):
    return qs.filter(school_id__in=scope.member_school_ids)
