from django.apps import AppConfig


class Config(AppConfig):
    name = "tickets"
    default_auto_field = "django.db.models.BigAutoField"
