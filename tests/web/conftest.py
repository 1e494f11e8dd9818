"""Web-test fixtures: a second app with other settings (CSRF, rate limits), a manager of another
workshop."""

from __future__ import annotations

import pytest

from servicecenter import create_app
from servicecenter.domain.enums import Role
from servicecenter.extensions import db as _db
from servicecenter.extensions import limiter
from servicecenter.services import users

from ..conftest import IsolatedClient
from ..factories import PASSWORD


@pytest.fixture
def make_app(app, database_url, db):
    """Build another app on the session's database, e.g. with CSRF or rate limits switched on.

    The rate limiter is one object shared by every app of the process and takes its on/off switch
    from the app built last, so the session app's setting is put back afterwards.
    """
    built = []

    def build(**overrides):
        other = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url, **overrides)
        other.test_client_class = IsolatedClient
        built.append(other)
        return other

    yield build
    for other in built:
        with other.app_context():
            _db.engine.dispose()
    limiter.init_app(app)
    assert not limiter.enabled


@pytest.fixture
def manager_other(make):
    """A manager of the `other` partner workshop (the factory has only its technician)."""
    user = users.create_user(
        username="manager_other",
        name="Manager Other",
        role=Role.MANAGER,
        password=PASSWORD,
        workshop=make.net.other,
    )
    _db.session.commit()
    return user
