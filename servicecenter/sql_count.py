"""The number of SQL statements a request ran, in its `X-SQL-Queries` response header.

For the benchmarks (`SQL_COUNT_HEADER = True`), which report queries per request beside the
timings. Off by default: it adds an event per statement and tells a visitor about the inside.
"""

from __future__ import annotations

from flask import Flask, g, has_request_context
from sqlalchemy import event

from .extensions import db

HEADER = "X-SQL-Queries"


def is_query(statement: str) -> bool:
    """Whether a statement counts: SQLite's explicit BEGIN (database.configure_engine) does
    not, as PostgreSQL's is implicit and the same page must count the same on both."""
    return not statement.startswith("BEGIN")


def init_app(app: Flask) -> None:
    if not app.config.get("SQL_COUNT_HEADER"):
        return
    with app.app_context():
        engine = db.engine

    @event.listens_for(engine, "before_cursor_execute")
    def _count(_connection, _cursor, statement: str, *_args) -> None:
        if has_request_context() and is_query(statement):
            g.sql_queries = g.get("sql_queries", 0) + 1

    @app.after_request
    def _report(response):
        response.headers[HEADER] = str(g.get("sql_queries", 0))
        return response
