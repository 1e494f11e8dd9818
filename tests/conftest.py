"""Shared fixtures: one app per test session, a clean database for every test, a client that runs
each request in its own application context (as a real server does), users and order factories."""

from __future__ import annotations

import contextvars

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from servicecenter import create_app
from servicecenter.extensions import db as _db

from .databases import scratch_database
from .factories import Factory


class IsolatedClient(FlaskClient):
    """Runs each request outside the test's application context.

    Otherwise the request would share the test's `g` and database session, and a login cached in
    `g` would leak from one request into the next.
    """

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """This test run's own database (see tests/databases.py)."""
    with scratch_database(tmp_path_factory.mktemp("db"), "test") as url:
        yield url


@pytest.fixture(scope="session")
def app(database_url):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url)
    app.test_client_class = IsolatedClient
    with app.app_context():
        _db.create_all()
    yield app
    with app.app_context():
        _db.engine.dispose()


def _wipe() -> None:
    tables = list(reversed(_db.metadata.sorted_tables))
    if _db.engine.dialect.name == "postgresql":
        names = ", ".join(table.name for table in tables)
        _db.session.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for table in tables:
            _db.session.execute(table.delete())
    _db.session.commit()


@pytest.fixture
def db(app):
    """The database, empty at the start of the test, inside an application context."""
    with app.app_context():
        yield _db
        _db.session.rollback()
        _wipe()


@pytest.fixture
def client(app, db):
    return app.test_client()


@pytest.fixture
def make(db) -> Factory:
    """Factories for the network, customers, devices and orders in any status."""
    return Factory()


@pytest.fixture
def login_as(client):
    """Log the test client in as a user without going through the login form."""

    def login(user):
        with client.session_transaction() as session:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True
        return user

    return login


@pytest.fixture
def fresh(db):
    """Forget what the test's session has read, to see what requests have committed since."""

    def refresh():
        db.session.rollback()
        db.session.expire_all()

    return refresh
