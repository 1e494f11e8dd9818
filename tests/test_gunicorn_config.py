"""deploy/gunicorn.conf.py, the web server's settings the README's deployment runs with."""

from __future__ import annotations

import gc
import runpy
from pathlib import Path
from types import SimpleNamespace

CONFIG = Path(__file__).resolve().parents[1] / "deploy" / "gunicorn.conf.py"


def test_a_worker_compiles_every_template_before_its_first_request(app):
    settings = runpy.run_path(str(CONFIG))
    environment = app.jinja_env
    environment.cache.clear()
    try:
        settings["post_worker_init"](SimpleNamespace(wsgi=app))
        # what it holds then is out of the garbage collector's full collections
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()
    compiled = {name for _loader, name in environment.cache}
    assert {"orders/index.html", "orders/detail.html", "status/order.html"} <= compiled
    assert "bootstrap5/form.html" in compiled  # the library's macros too
    assert len(compiled) == len(environment.list_templates(extensions=("html", "txt")))


def test_a_reload_starts_workers_on_the_new_code():
    """`systemctl reload` (HUP) is the release step; with a preloaded app the master would hand
    its old code to the new workers."""
    assert runpy.run_path(str(CONFIG))["preload_app"] is False


def test_a_worker_whose_app_failed_to_load_still_starts():
    """It answers with gunicorn's error page and its log says why, rather than dying in a loop."""
    settings = runpy.run_path(str(CONFIG))
    settings["post_worker_init"](SimpleNamespace(wsgi=lambda environ, start_response: []))
