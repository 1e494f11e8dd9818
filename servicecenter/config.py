"""Configuration classes, selected by SERVICECENTER_CONFIG (development, testing, production)."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = PROJECT_ROOT / "instance"


class ConfigError(RuntimeError):
    """Raised when a configuration cannot run safely (e.g. production without secrets)."""


class Base:
    SECRET_KEY: str | None = None
    SQLALCHEMY_DATABASE_URI: str | None = None
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    SQLALCHEMY_TRACK_MODIFICATIONS = False

    # Seconds a SQLite writer waits for the lock before giving up.
    SQLITE_BUSY_TIMEOUT = 15

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"

    # Uploads (the parts CSV) are refused above this before being read: a 413, not a full disk.
    MAX_CONTENT_LENGTH = 16 * 1024 * 1024

    WTF_CSRF_TIME_LIMIT = None  # a form left open over lunch at the counter must still submit

    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "Europe/Moscow"
    LANGUAGES = {"en": "English", "ru": "Русский"}
    CURRENCY = "RUB"

    BOOTSTRAP_SERVE_LOCAL = True  # the app must work in an office without internet

    # memory:// is per process; production sets redis:// so limits hold across workers.
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_RATE_LIMIT = "10 per minute;50 per hour"
    STATUS_RATE_LIMIT = "30 per minute;300 per hour"

    # Costly figures (the dashboard's panels, the workshops' load at routing) are computed once
    # per FIGURES_CACHE_SECONDS for everyone (queries.remembered). SimpleCache is per process;
    # CACHE_REDIS_URL (production) shares them across workers and hosts; deployments that share
    # one Redis set a CACHE_KEY_PREFIX each.
    CACHE_TYPE = "SimpleCache"
    CACHE_REDIS_URL = ""
    CACHE_KEY_PREFIX = "servicecenter:"
    CACHE_DEFAULT_TIMEOUT = 60
    FIGURES_CACHE_SECONDS = 60

    # Argon2 cost; testing lowers it so the suite stays fast.
    ARGON2_TIME_COST = 3
    ARGON2_MEMORY_COST = 65536

    # Our own repair warranty on labour, in days, counted from collection.
    REPAIR_WARRANTY_DAYS = 90
    # Promised turnaround when the workshop has none configured.
    DEFAULT_TURNAROUND_DAYS = 7
    PAGE_SIZE = 50
    # The SLA watch (Deadlines page, daily digest): a free repair is flagged this many days
    # before its 45-day legal limit.
    SLA_LEGAL_WARNING_DAYS = 7

    # Public base URL for links printed or sent to customers (status QR, SMS).
    PUBLIC_BASE_URL = "http://127.0.0.1:5000"

    DEMO_DATA_ALLOWED = True

    # Customer notifications (services.notifications). No MAIL_SERVER: mails go to the log.
    MAIL_SERVER = ""
    MAIL_PORT = 25
    MAIL_USE_TLS = False  # STARTTLS after connecting
    MAIL_USERNAME = ""
    MAIL_PASSWORD = ""
    MAIL_FROM = "service@localhost"
    SMS_GATEWAY = "log"  # or "http": POST {"to", "text"} to SMS_HTTP_URL with the bearer token
    SMS_HTTP_URL = ""
    SMS_HTTP_TOKEN = ""
    NOTIFY_SEND_TIMEOUT = 30  # seconds one SMTP or HTTP hand-over may take
    NOTIFY_MAX_ATTEMPTS = 5  # tries before a message is marked failed
    # A message claimed longer ago than this (its dispatcher died) is tried again.
    NOTIFY_SENDING_TIMEOUT = 600

    # Reverse proxies in front of the app whose X-Forwarded-* headers are trusted. Rate limits key
    # on the client address, so behind a proxy this must be set or everyone shares one limit.
    TRUSTED_PROXIES = 0

    # Nightly SQLite backups: where (None: instance/backups/) and how many are kept.
    BACKUP_DIR: str | None = None
    BACKUP_KEEP = 14
    # Web workers and the scheduler touch a file in HEARTBEAT_DIR (None: instance/heartbeats/)
    # at most every HEARTBEAT_SECONDS; `restore` refuses while one is younger than
    # RESTORE_QUIET_SECONDS. 0 turns the heartbeat off.
    HEARTBEAT_DIR: str | None = None
    HEARTBEAT_SECONDS = 30
    RESTORE_QUIET_SECONDS = 120
    # Report each request's SQL statement count in a response header (the benchmarks only).
    SQL_COUNT_HEADER = False
    # Job runs older than this many days are deleted when the job runs again.
    JOB_RUNS_KEEP_DAYS = 30

    # Pickup reminders (services.reminders): days after an order became ready, by local date.
    # 30 is the contract's "collect within 30 days of being told it is ready".
    PICKUP_REMINDER_DAYS = (3, 7, 30)
    # After 60 days storage may be charged and the written notice before disposal goes out;
    # disposal becomes possible DISPOSAL_WAIT_DAYS after the notice (Civil Code art. 738: two
    # months after the written notice).
    DISPOSAL_NOTICE_AFTER_DAYS = 60
    DISPOSAL_WAIT_DAYS = 60
    # The survey: not before the customer is home with the device, not after they have forgotten
    # the visit. The job runs hourly 9:15-20:15 local, so a device collected in the evening gets
    # its survey the next morning (about 14 hours on): the window must stay well above that.
    SURVEY_DELAY_HOURS = 3
    SURVEY_WINDOW_HOURS = 48
    # Orders the reminder jobs read at a time: the memory of a run stays bounded.
    REMINDER_BATCH_SIZE = 200

    @classmethod
    def validate(cls, config: dict) -> None:
        """Refuse configurations that cannot run; overridden where stricter rules apply."""


class Development(Base):
    DEBUG = True
    SECRET_KEY = "dev-only-not-secret"
    SQLALCHEMY_DATABASE_URI = f"sqlite:///{INSTANCE_DIR / 'servicecenter.sqlite3'}"


class Testing(Base):
    TESTING = True
    SECRET_KEY = "testing-not-secret"
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    WTF_CSRF_ENABLED = False
    RATELIMIT_ENABLED = False
    RATELIMIT_STORAGE_URI = "memory://"
    # Figures are computed on every request: a test sees what it has just written (the tests of
    # the cache itself turn it on).
    FIGURES_CACHE_SECONDS = 0
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 8192
    SERVER_NAME = None
    HEARTBEAT_SECONDS = 0  # the tests that need one turn it on, in a directory of their own


class Production(Base):
    TRUSTED_PROXIES = 1
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    DEMO_DATA_ALLOWED = False

    @classmethod
    def validate(cls, config: dict) -> None:
        missing = [key for key in ("SECRET_KEY", "SQLALCHEMY_DATABASE_URI") if not config.get(key)]
        if missing:
            names = {"SECRET_KEY": "SECRET_KEY", "SQLALCHEMY_DATABASE_URI": "DATABASE_URL"}
            raise ConfigError(
                "Production configuration refuses to start without: "
                + ", ".join(names[key] for key in missing)
            )


# Environment variables that override the class defaults, by config key.
ENVIRONMENT_OVERRIDES = {
    "SECRET_KEY": "SECRET_KEY",
    "SQLALCHEMY_DATABASE_URI": "DATABASE_URL",
    "RATELIMIT_STORAGE_URI": "RATELIMIT_STORAGE_URI",
    "CACHE_REDIS_URL": "CACHE_REDIS_URL",
    "CACHE_KEY_PREFIX": "CACHE_KEY_PREFIX",  # deployments sharing one Redis keep apart
    "FIGURES_CACHE_SECONDS": "FIGURES_CACHE_SECONDS",
    "PUBLIC_BASE_URL": "PUBLIC_BASE_URL",
    "TRUSTED_PROXIES": "TRUSTED_PROXIES",
    "MAIL_SERVER": "MAIL_SERVER",
    "MAIL_PORT": "MAIL_PORT",
    "MAIL_USE_TLS": "MAIL_USE_TLS",
    "MAIL_USERNAME": "MAIL_USERNAME",
    "MAIL_PASSWORD": "MAIL_PASSWORD",
    "MAIL_FROM": "MAIL_FROM",
    "SMS_GATEWAY": "SMS_GATEWAY",
    "SMS_HTTP_URL": "SMS_HTTP_URL",
    "SMS_HTTP_TOKEN": "SMS_HTTP_TOKEN",
    "NOTIFY_MAX_ATTEMPTS": "NOTIFY_MAX_ATTEMPTS",
}


def environment_overrides() -> dict:
    """Read the settings a deployment passes through the environment."""
    values = {
        key: os.environ[var] for key, var in ENVIRONMENT_OVERRIDES.items() if os.environ.get(var)
    }
    for key in ("TRUSTED_PROXIES", "MAIL_PORT", "NOTIFY_MAX_ATTEMPTS", "FIGURES_CACHE_SECONDS"):
        if key in values:
            values[key] = int(values[key])
    if "CACHE_REDIS_URL" in values:  # a Redis to share the figures in is the cache to use
        values["CACHE_TYPE"] = "RedisCache"
        # a Redis that stalls is a miss after half a second, not a page that hangs
        values["CACHE_OPTIONS"] = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
    if "MAIL_USE_TLS" in values:
        values["MAIL_USE_TLS"] = values["MAIL_USE_TLS"].lower() in ("1", "true", "yes", "on")
    return values


CONFIGS = {"development": Development, "testing": Testing, "production": Production}


def select(name: str | None = None) -> type[Base]:
    """Return the configuration class named by the argument or SERVICECENTER_CONFIG."""
    name = name or os.environ.get("SERVICECENTER_CONFIG", "development")
    try:
        return CONFIGS[name]
    except KeyError:
        raise ConfigError(f"Unknown configuration {name!r}; use one of {sorted(CONFIGS)}") from None
