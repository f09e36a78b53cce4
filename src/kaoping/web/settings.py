"""One environment-driven settings file.

Defaults need no configuration: SQLite in WAL mode under ``KAOPING_DATA`` (./data), files
stored beside it outside the web root. Set ``DATABASE_URL`` for PostgreSQL, and
``KAOPING_SECRET_KEY``, ``KAOPING_DEBUG``, ``KAOPING_ALLOWED_HOSTS``, ``KAOPING_EMAIL_*``
for a real deployment (see docs/deployment.md).
"""

from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("KAOPING_DATA", Path.cwd() / "data")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    key = os.environ.get("KAOPING_SECRET_KEY")
    if key:
        return key
    path = DATA_DIR / "secret_key"  # made once per installation, kept with the data
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


def _bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).lower() in ("1", "true", "yes", "on")


SECRET_KEY = _secret_key()
DEBUG = _bool("KAOPING_DEBUG")
ALLOWED_HOSTS = os.environ.get("KAOPING_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("KAOPING_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "kaoping.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "kaoping.web.urls"
WSGI_APPLICATION = "kaoping.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kaoping.web.context.navigation",
            ],
        },
    },
]

_SQLITE = {
    "ENGINE": "django.db.backends.sqlite3",
    "NAME": DATA_DIR / "kaoping.sqlite3",
    # WAL lets readers work while one writer commits; IMMEDIATE takes the write lock at
    # the start of a transaction, so two writers queue instead of failing on upgrade.
    "OPTIONS": {
        "init_command": "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA busy_timeout=5000;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    },
    # tests on a file, not in memory: an in-memory shared cache answers two connections'
    # concurrent writes with "table is locked" at once instead of queueing them, so the
    # tests of simultaneous submissions (one vote per token) would not see the real locking
    "TEST": {"NAME": str(Path(tempfile.gettempdir()) / f"kaoping-test-{os.getpid()}.sqlite3")},
}

def _database() -> dict:
    if not os.environ.get("DATABASE_URL"):
        return _SQLITE
    config = dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60)
    if config["ENGINE"] == _SQLITE["ENGINE"]:
        # a SQLite file named by URL gets the same locking as the default one
        config["OPTIONS"] = {**_SQLITE["OPTIONS"], **config.get("OPTIONS", {})}
    return config


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "kaoping.web.passwords.MinimumLengthValidator",  # message in Chinese
     "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_HTTPONLY = True
#: Failed logins before an account (and the address it is tried from) is locked, and for how long.
LOGIN_FAILURE_LIMIT = int(os.environ.get("KAOPING_LOGIN_FAILURE_LIMIT", "5"))
LOGIN_LOCKOUT_SECONDS = int(os.environ.get("KAOPING_LOGIN_LOCKOUT_SECONDS", "900"))

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = os.environ.get("KAOPING_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns about a missing root
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True  # serve from the app folders too, so collectstatic is optional

#: Evidence files live here, outside the web root, and are served only through a view
#: that checks who may see the record.
MEDIA_ROOT = DATA_DIR / "files"
EVIDENCE_MAX_BYTES = int(os.environ.get("KAOPING_EVIDENCE_MAX_BYTES", str(20 * 1024 * 1024)))
EVIDENCE_EXTENSIONS = (".pdf", ".jpg", ".jpeg", ".png", ".doc", ".docx", ".xls", ".xlsx",
                       ".ppt", ".pptx", ".txt", ".zip")
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
#: the assessment set-up form has a check box and a class per unit (a county has hundreds)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10000

EMAIL_BACKEND = os.environ.get("KAOPING_EMAIL_BACKEND",
                               "django.core.mail.backends.smtp.EmailBackend"
                               if os.environ.get("KAOPING_EMAIL_HOST") else
                               "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("KAOPING_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("KAOPING_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("KAOPING_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("KAOPING_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = _bool("KAOPING_EMAIL_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("KAOPING_EMAIL_FROM", "kaoping@localhost")


# Background tasks (django-tasks): scoring runs in a worker, `manage.py db_worker`, which
# takes queued tasks from the database (SQLite or PostgreSQL: no other server). With
# KAOPING_TASKS=immediate a task runs at once inside the request instead (the tests do).
_TASK_BACKENDS = {"database": "django_tasks_db.DatabaseBackend",
                  "immediate": "django_tasks.backends.immediate.ImmediateBackend"}
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[os.environ.get("KAOPING_TASKS", "database")]}}
#: a running scoring whose worker has not reported for this long has died: marked failed
SCORING_STALE_SECONDS = int(os.environ.get("KAOPING_SCORING_STALE_SECONDS", "120"))


def _schemes_dir() -> Path:
    if os.environ.get("KAOPING_SCHEMES_DIR"):
        return Path(os.environ["KAOPING_SCHEMES_DIR"]).resolve()
    for candidate in (BASE_DIR.parents[2] / "schemes", Path.cwd() / "schemes"):
        if candidate.is_dir():
            return candidate.resolve()
    return (BASE_DIR.parents[2] / "schemes").resolve()


#: The bundled scheme files offered when an assessment is set up: ``KAOPING_SCHEMES_DIR``,
#: else the repository's schemes/ beside src/, else ./schemes.
KAOPING_SCHEMES_DIR = _schemes_dir()

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("KAOPING_LOG_LEVEL", "WARNING")},
}
