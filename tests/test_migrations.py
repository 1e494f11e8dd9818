"""The migrations are the schema: an empty database upgraded to head matches the models exactly."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from servicecenter import create_app
from servicecenter.extensions import db

from .databases import scratch_database


@pytest.fixture
def empty_database_url(tmp_path):
    with scratch_database(tmp_path, "migrations") as url:
        yield url


def schema_differences(app) -> list:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "compare_server_default": False}
        )
        return compare_metadata(context, db.metadata)


def test_upgrade_to_head_gives_the_models_schema(empty_database_url):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=empty_database_url)
    with app.app_context():
        upgrade()
        assert schema_differences(app) == []
        db.engine.dispose()


def test_downgrade_to_base_and_back(empty_database_url):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=empty_database_url)
    with app.app_context():
        upgrade()
        downgrade(revision="base")
        tables = set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}
        assert tables == set()
        upgrade()
        assert schema_differences(app) == []
        db.engine.dispose()
