class LazyPage:
    """Hand a queryset plus a row serialiser to ninja's @paginate: the page is sliced
    in SQL first and only its rows are serialised (so per-row rules, like hiding
    personal data, cost nothing for rows not shown)."""

    def __init__(self, qs, out):
        self.qs, self.out = qs, out

    def __len__(self):
        return self.qs.count()

    def count(self):
        return self.qs.count()

    def __getitem__(self, item):
        return [self.out(x) for x in self.qs[item]]

    def all(self):
        return self
