from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "community"
    verbose_name = _("Communities and members")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Notifications: the ticket_events_recorded receiver, and the Celery tasks for workers.
        from .notifications import receivers, tasks  # noqa: F401
