"""Settings shared by every environment, read from environment variables (12-factor).

| variable | default | meaning |
| --- | --- | --- |
| DATABASE_URL | SQLite file db.sqlite3 | where the data lives |
| REDIS_URL | unset: Celery runs tasks in-process | Celery broker and result backend |
| SECRET_KEY | a development key (production refuses to start without one) | signing |
| FIELD_ENCRYPTION_KEY | derived from SECRET_KEY | key for ID-card encryption and look-up hashes |
| ALLOWED_HOSTS | 127.0.0.1,localhost | comma-separated host names |
| DEBUG | False | Django debug pages |
| EMAIL_URL | console backend | SMTP URL for outgoing mail |
| DEFAULT_FROM_EMAIL | noreply@gongzhi.local | sender address |
| SITE_URL | http://127.0.0.1:8000 | the portal's address, for the links in e-mails |
| TICKET_REMINDER_LEAD_MINUTES | 120 | staff are reminded this long before a ticket deadline |
| METRICS_RANK_MIN_N | 30 | street-office view: the least n a community is ranked on |
| RECORD_UPLOAD_MAX_MB | 20 | largest file (MB) uploaded to the community records |
"""

from pathlib import Path

import environ
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-change-me-0123456789abcdef")
FIELD_ENCRYPTION_KEY = env("FIELD_ENCRYPTION_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    # The project's apps first: their templates and translations take precedence over
    # Django's and the libraries' (e.g. our "Change" is not the admin's 修改).
    "community",
    "residents",
    "tickets",
    "complaints",
    "property_ops",
    "reports",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "auditlog",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "community.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
AUTH_USER_MODEL = "community.User"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "community.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
# Persistent connections: measured 2.6x requests per second on the list API.
# Off under DEBUG: runserver's thread per request would keep one connection each.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0 if DEBUG else 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "community:home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling (django-axes): 5 failures per username and address lock for 15 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False  # no "AXES: BEGIN version ..." banner on every manage.py command

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
# Numbers grouped by threes with commas in both languages (config/formats/zh_Hans).
FORMAT_MODULE_PATH = ["config.formats"]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "media")))
RECORD_UPLOAD_MAX_MB = env.int("RECORD_UPLOAD_MAX_MB", default=20)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="noreply@gongzhi.local")
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
TICKET_REMINDER_LEAD_MINUTES = env.int("TICKET_REMINDER_LEAD_MINUTES", default=120)

REST_FRAMEWORK = {
    # Token first: a request without valid credentials answers 401 with
    # `WWW-Authenticate: Token` (the first class names the scheme), not 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "community.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "config.drf.Pagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "config.drf.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Gongzhi API",
    "DESCRIPTION": "Community co-governance portal. Every path is scoped to one community.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Every choice set gets its own schema name (Model + class), so fields named alike
    # (kind, status, channel) in different models never collide.
    "ENUM_NAME_OVERRIDES": {
        "ActivityKindEnum": "community.models.Activity.Kind",
        "ActivitySignupSourceEnum": "community.models.ActivitySignup.Source",
        "AgendaTopicSourceEnum": "community.models.AgendaTopic.Source",
        "AgendaTopicStatusEnum": "community.models.AgendaTopic.Status",
        "AnnualReviewJobStatusEnum": "reports.models.AnnualReview.JobStatus",
        "CategoryTargetUnitEnum": "tickets.models.Category.TargetUnit",
        "ConvenienceServiceKindEnum": "property_ops.models.ConvenienceService.Kind",
        "DisclosureChannelChannelEnum": "community.models.DisclosureChannel.Channel",
        "DisclosureKindEnum": "community.models.Disclosure.Kind",
        "DisputeKindEnum": "complaints.models.Dispute.Kind",
        "DisputeOutcomeEnum": "complaints.models.Dispute.Outcome",
        "DisputePartySideEnum": "complaints.models.DisputeParty.Side",
        "EmergencyPlanKindEnum": "community.models.EmergencyPlan.Kind",
        "FacilityKindEnum": "property_ops.models.Facility.Kind",
        "FacilityStatusEnum": "property_ops.models.Facility.Status",
        "HazardInspectionKindEnum": "property_ops.models.HazardInspection.Kind",
        "HazardKindEnum": "property_ops.models.Hazard.Kind",
        "HazardStatusEnum": "property_ops.models.Hazard.Status",
        "HazardStepKindEnum": "property_ops.models.HazardStep.Kind",
        "HouseholdOccupancyEnum": "residents.models.Household.Occupancy",
        "HygieneInspectionGradeEnum": "property_ops.models.HygieneInspection.Grade",
        "IdentityAccessLogFieldEnum": "residents.models.IdentityAccessLog.Field",
        "IncidentKindEnum": "community.models.Incident.Kind",
        "MaintenanceRecordKindEnum": "property_ops.models.MaintenanceRecord.Kind",
        "MeetingKindEnum": "community.models.Meeting.Kind",
        "MembershipRoleEnum": "community.models.Membership.Role",
        "NotificationKindEnum": "community.models.Notification.Kind",
        "OpinionChannelEnum": "community.models.Opinion.Channel",
        "OpinionDecisionEnum": "community.models.Opinion.Decision",
        "OrganisationKindEnum": "community.models.Organisation.Kind",
        "OutboxMessageChannelEnum": "community.models.OutboxMessage.Channel",
        "OutboxMessageStatusEnum": "community.models.OutboxMessage.Status",
        "ResidentRelationEnum": "residents.models.Resident.Relation",
        "ResponsiblePartyEnum": "tickets.models.ResponsibleParty",
        "SanitationRunWasteKindEnum": "property_ops.models.SanitationRun.WasteKind",
        "SurveyQuestionKindEnum": "community.models.SurveyQuestion.Kind",
        "SurveyScopeEnum": "community.models.Survey.Scope",
        "TicketChannelEnum": "tickets.models.Ticket.Channel",
        "TicketEventActorKindEnum": "tickets.models.TicketEvent.ActorKind",
        "TicketEventKindEnum": "tickets.models.TicketEvent.Kind",
        "TicketKindEnum": "tickets.models.TicketKind",
        "TicketStatusEnum": "tickets.models.Ticket.Status",
    },
}

REDIS_URL = env("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# While the broker is down a publish fails in a fraction of a second instead of holding the
# request about 6 s; what it was for waits in the outbox (community/notifications).
CELERY_BROKER_TRANSPORT_OPTIONS = {"max_retries": 1, "interval_start": 0}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE: dict = {
    # Resolved 7 days without an answer -> closed by the system (tickets/tasks.py).
    "tickets-auto-close": {"task": "tickets.auto_close", "schedule": 15 * 60},
    # Current and previous month of every community, at 02:00 (reports/tasks.py).
    "metrics-nightly": {"task": "reports.tasks.metrics_nightly", "schedule": crontab(0, 2)},
    # Pending outbox messages, including those left over from a broker outage; a run that
    # waited a minute in the queue is dropped, the next one does the same work
    # (community/notifications/tasks.py).
    "outbox-drain": {
        "task": "notifications.outbox_drain",
        "schedule": 60,
        "options": {"expires": 60},
    },
    # Near-deadline and overdue reminders and escalations, each written once.
    "tickets-deadline-reminders": {
        "task": "notifications.deadline_reminders",
        "schedule": 10 * 60,
    },
}

# The street-office view ranks a community on a figure only when its n is at least this
# (reports/dashboard.py).
METRICS_RANK_MIN_N = env.int("METRICS_RANK_MIN_N", default=30)


def _client_error_without_traceback(record) -> bool:
    """A 4xx answer (PermissionDenied, Http404) is the client's doing: log its one line at
    WARNING, not the traceback of the exception that produced it."""
    if getattr(record, "status_code", 500) < 500:
        record.exc_info = record.exc_text = None
    return True


# One handler, on the root: "django" loses Django's own console handler (which printed every
# line a second time under DEBUG) and propagates like every other logger.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"client_errors": {"()": lambda: _client_error_without_traceback}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django": {"handlers": [], "level": env("LOG_LEVEL", default="INFO")},
        "django.request": {"level": "WARNING", "filters": ["client_errors"]},
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "ERROR"},
    },
}
