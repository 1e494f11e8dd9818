"""Gunicorn settings for servicecenter: `gunicorn -c deploy/gunicorn.conf.py wsgi:app`.

Every value can be changed from the environment, so one file serves every host. The workers do
not share memory: the rate limits live in Redis (RATELIMIT_STORAGE_URI) and the job scheduler is
a process of its own (`flask --app wsgi jobs run`), never started by a worker.
"""

import gc
import multiprocessing
import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
# Pages are short database round trips and PDF rendering is CPU: sync workers, about two per core.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = 30
keepalive = 5  # nginx keeps upstream connections open (see deploy/nginx-site.conf)
# A worker is replaced now and then, so a slow leak in a library cannot grow for weeks. Not too
# often: a new worker spends a second or two of CPU importing the app and compiling templates.
max_requests = 20000
max_requests_jitter = 2000
# No preload: each worker opens its own database connections, and `kill -HUP` (systemctl reload)
# starts workers on the new code (a preloaded app would keep the master's old code).
preload_app = False
# nginx on the same host is the only client; it sets X-Forwarded-For (TRUSTED_PROXIES=1).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("ACCESS_LOG", "-") or None  # "" turns it off (the benchmarks)
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info")


def post_worker_init(worker):
    """Compile every template before the worker takes its first request: Jinja compiles on first
    use, so a fresh worker (at start, or replacing a recycled one) would otherwise answer its
    first pages a few hundred milliseconds late while requests queue behind them."""
    environment = getattr(worker.wsgi, "jinja_env", None)  # absent if the app failed to load
    if environment is None:
        return
    for name in environment.list_templates(extensions=("html", "txt")):
        environment.get_template(name)
    # What the worker holds from now on (the app, its templates, the translations: some 160,000
    # objects) is moved out of the garbage collector's sight: its full collections then scan only
    # what requests leave behind, not a 90 ms walk over all of it every few dozen requests while
    # the requests queued behind it wait.
    gc.collect()
    gc.freeze()
