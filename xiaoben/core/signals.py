"""Signals of the platform that any app may send or hear.

`record_changed`: a record changed without `save()` (a conditional UPDATE, e.g. a writing
submitted or withdrawn): `record_changed.send(sender=Model, instance=obj)`. The search index
re-reads the record (resources/search.py), as it does after a save."""

from django.dispatch import Signal

record_changed = Signal()
