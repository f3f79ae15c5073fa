"""Xiaoben settings: 12-factor, read from environment variables.

Defaults give the embedded setup (SQLite, local files, in-process jobs).
DATABASE_URL, REDIS_URL and S3_* switch on the production parts; see docs/deploy.md.
"""

from datetime import timedelta
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)
# PRODUCTION=1: a real deployment. It refuses to start with any secret left at a public default.
PRODUCTION = env.bool("PRODUCTION", default=False)
# The development key is public (it is in this file): anyone could forge sessions, password-reset
# links and QR sign-in tokens with it. It is for the embedded demo and tests only.
DEV_SECRET_KEY = "dev-insecure-xiaoben-key-change-me-in-production-0123456789"
SECRET_KEY = env.str("SECRET_KEY", default="") or ("" if PRODUCTION else DEV_SECRET_KEY)
if PRODUCTION and (SECRET_KEY == DEV_SECRET_KEY or len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        "PRODUCTION=1 需要设置 SECRET_KEY 环境变量：至少50个字符的随机字符串，不能是演示用的默认值。"
        " 生成：python -c 'import secrets; print(secrets.token_urlsafe(64))'"
    )
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

XIAOBEN_APPS = [
    "xiaoben.core",
    "xiaoben.org",
    "xiaoben.activities",
    "xiaoben.observations",
    "xiaoben.writings",
    "xiaoben.mentoring",
    "xiaoben.research",
    "xiaoben.hours",
    "xiaoben.requirements",
    "xiaoben.plans",
    "xiaoben.assessment",
    "xiaoben.resources",
    "xiaoben.reports",
    "xiaoben.messaging",
    "xiaoben.region",
    "xiaoben.api",
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "simple_history",
    *XIAOBEN_APPS,
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "xiaoben.core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "xiaoben.core.middleware.ChineseFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "xiaoben.api.middleware.ApiNumberRangeMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "xiaoben.core.middleware.ForcePasswordChangeMiddleware",
    "xiaoben.core.middleware.NotPermittedMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "xiaoben.urls"
WSGI_APPLICATION = "xiaoben.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "xiaoben" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "xiaoben.core.context_processors.shell",
                "xiaoben.core.context_processors.csp_nonce",
            ],
        },
    }
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
            "transaction_mode": "IMMEDIATE",
        }
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    if DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql") and not env.bool("PG_JIT", default=False):
        # PostgreSQL's JIT compiles queries whose *estimated* cost is high; the search's OR of
        # EXISTS (one per indexed model) is estimated at millions and spent 4 s compiling for a
        # 1.4 s execution on the district set (docs/bench.md). Short web queries gain nothing from it.
        opts = DATABASES["default"].setdefault("OPTIONS", {})
        opts["options"] = (opts.get("options", "") + " -c jit=off").strip()
# A read replica for dashboards and reports (core/dbrouter.py); falls back to the primary.
if env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db("DATABASE_REPLICA_URL")
    DATABASES["replica"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["xiaoben.core.dbrouter.ReplicaRouter"]
REPLICA_RETRY_SECONDS = env.int("REPLICA_RETRY_SECONDS", default=30)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "xiaoben.core.auth.StaffNoOrPhoneBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:login"

# Login protection: 5 failures for one account from one address lock it for 15 minutes.
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked.html"
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"
# One account, however it is named (工号, mobile, username): see core.auth.lockout_key.
AXES_USERNAME_CALLABLE = "xiaoben.core.auth.lockout_key"
# Behind a load balancer/reverse proxy: how many proxies append to the header (0 = use the
# socket address). Never set it higher than the number of proxies you run: the header's
# left-most entries are whatever the client sent.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
TRUSTED_PROXY_HEADER = "HTTP_" + env.str("TRUSTED_PROXY_HEADER", default="X-Forwarded-For").upper().replace("-", "_")
AXES_CLIENT_IP_CALLABLE = "xiaoben.core.auth.client_ip"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "xiaoben" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "xiaoben" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
UPLOAD_MAX_MB = env.int("UPLOAD_MAX_MB", default=20)
# Lesson videos (课例视频) may be larger than other uploads; served with HTTP range requests.
RESOURCES_VIDEO_MAX_MB = env.int("RESOURCES_VIDEO_MAX_MB", default=500)
DATA_UPLOAD_MAX_MEMORY_SIZE = 30 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env.bool("STATIC_MANIFEST", default=False)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
if env.str("S3_BUCKET", default=""):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("S3_BUCKET"),
            "endpoint_url": env.str("S3_ENDPOINT_URL", default=None),
            "access_key": env.str("S3_ACCESS_KEY", default=None),
            "secret_key": env.str("S3_SECRET_KEY", default=None),
            "region_name": env.str("S3_REGION", default=None),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }

# Redis switches on the shared cache and the Celery queue; without it, jobs run in-process.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="xb") + env.str("PYTEST_XDIST_WORKER", default=""),
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL or env.bool("CELERY_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
# Scheduled notices, retries and digests (without Redis: `manage.py send_notices` from cron).
CELERY_BEAT_SCHEDULE = {
    "messaging-tick": {"task": "messaging.tick", "schedule": env.int("NOTICE_TICK_SECONDS", default=300)},
    # the kept per-teacher metric values, recomputed once a day (requirements/kept.py)
    "requirements-kept-refresh": {"task": "requirements.kept_refresh", "schedule": env.int("KEPT_REFRESH_SECONDS", default=86400)},
}
# Robot webhook URLs and secrets are encrypted with this (SECRET_KEY when unset); see docs/deploy.md.
FIELD_ENCRYPTION_KEY = env.str("FIELD_ENCRYPTION_KEY", default="")
# Extra allowed robot URL prefixes (a company's own 企业微信 gateway; the fake robot in tests).
ROBOT_EXTRA_URL_PREFIXES = tuple(env.list("ROBOT_EXTRA_URL_PREFIXES", default=[]))

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="xiaoben@localhost")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)

# Security: secure cookies and headers when served over HTTPS (production).
SECURE_HTTPS = env.bool("SECURE_HTTPS", default=not DEBUG and PRODUCTION)
SESSION_COOKIE_SECURE = SECURE_HTTPS
CSRF_COOKIE_SECURE = SECURE_HTTPS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 24 * 14
SECURE_SSL_REDIRECT = SECURE_HTTPS and env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = 31536000 if SECURE_HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HTTPS
SECURE_HSTS_PRELOAD = SECURE_HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if SECURE_HTTPS else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
    "loggers": {"jieba": {"level": "WARNING"}},
}

NINJA_PAGINATION_PER_PAGE = 50
