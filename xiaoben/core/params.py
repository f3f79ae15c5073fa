"""Reading numbers from query strings and posts: a value that does not fit the database is no
value (`?term=99999999999999999999` once overflowed SQLite's INTEGER and answered 500)."""

DB_INT_MIN, DB_INT_MAX = -(2**31), 2**31 - 1  # what every supported database stores in an integer column


def int_param(v: object) -> int | None:
    """`v` as an int when it is one and fits an integer column; None otherwise."""
    try:
        n = int(str(v).strip())
    except (TypeError, ValueError):
        return None
    return n if DB_INT_MIN <= n <= DB_INT_MAX else None
