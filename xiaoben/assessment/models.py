"""考核: AssessmentScheme, AssessmentResult (SPEC §4)."""
