"""Models of this app (see SPEC §4 for names)."""
