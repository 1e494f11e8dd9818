"""servicecenter: after-sales repair and warranty service network. `create_app` builds the app."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from . import config as config_module
from .database import configure_engine, end_reads_with_commit
from .extensions import babel, bootstrap, cache, csrf, db, limiter, login_manager, migrate

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(config: str | None = None, **overrides) -> Flask:
    """Build the application. `config` names a class in config.py; `overrides` win over it.

    The scheduler is never started here: every web worker would run every job.
    """
    app = Flask(
        __name__,
        template_folder=str(PROJECT_ROOT / "templates"),
        instance_path=str(PROJECT_ROOT / "instance"),
    )
    config_class = config_module.select(config)
    app.config.from_object(config_class)
    app.config.from_pyfile("config.py", silent=True)
    app.config.update(config_module.environment_overrides())
    app.config.update(overrides)
    config_class.validate(app.config)
    if app.config["TRUSTED_PROXIES"]:
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    _init_extensions(app)
    _register_blueprints(app)

    from .web import errors, templating

    errors.register(app)
    templating.register(app)

    from . import cli, heartbeat, sql_count

    cli.register(app)
    heartbeat.register(app)
    sql_count.init_app(app)
    return app


def _init_extensions(app: Flask) -> None:
    from . import models  # noqa: F401  (registers the tables with the metadata)
    from .web import i18n, session

    db.init_app(app)
    with app.app_context():
        configure_engine(db.engine, busy_timeout=app.config["SQLITE_BUSY_TIMEOUT"])
    end_reads_with_commit(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True)
    login_manager.init_app(app)
    session.configure(login_manager)
    csrf.init_app(app)
    babel.init_app(
        app,
        locale_selector=i18n.select_locale,
        default_translation_directories=str(Path(__file__).parent / "translations"),
    )
    i18n.install_template_gettext(app)
    bootstrap.init_app(app)
    limiter.init_app(app)
    cache.init_app(app)


def _register_blueprints(app: Flask) -> None:
    from .web import (
        account,
        admin,
        api,
        auth,
        customers,
        dashboard,
        deadlines,
        documents,
        followups,
        handovers,
        intake,
        main,
        network,
        notifications,
        orders,
        partners,
        parts,
        status,
        stock,
        workshop,
    )

    modules = (
        main,
        auth,
        account,
        intake,
        orders,
        customers,
        documents,
        workshop,
        handovers,
        deadlines,
        stock,
        status,
        api,
        admin,
        parts,
        network,
        partners,
        notifications,
        followups,
        dashboard,
    )
    for module in modules:
        app.register_blueprint(module.bp)
