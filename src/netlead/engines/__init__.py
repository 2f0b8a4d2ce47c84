"""Where the data lives, beside the embedded DuckDB file: a PostgreSQL database (postgres.py), or
Spark tables (spark.py, read-only).

An engine offers the metric code exactly what it uses of a DuckDB connection (`execute` and `sql`
with bound parameters, `executemany`, `register` / `unregister` of a small Arrow table, results
as Arrow), and runs the metric SQL, written once in DuckDB's dialect, transpiled by
`netlead.metrics._sql.transpile`. The metric functions do not know which engine they run on.
"""

URL_SCHEMES = ("postgresql://", "postgres://")


def is_url(location: object) -> bool:
    """True when a workspace location names a database rather than a folder."""
    return isinstance(location, str) and location.startswith(URL_SCHEMES)


def without_password(url: str) -> str:
    """A database URL fit for a message: its password, if any, is never shown."""
    if "@" in url and ":" in url.split("://", 1)[1].split("@", 1)[0]:
        scheme, rest = url.split("://", 1)
        user, host = rest.split("@", 1)
        return f"{scheme}://{user.split(':', 1)[0]}:***@{host}"
    return url


def is_spark(location: object) -> bool:
    """True when a workspace location is `spark:DIR`: tables read by Spark (engines/spark.py)."""
    return isinstance(location, str) and location.startswith("spark:")
