from django.apps import AppConfig


class Config(AppConfig):
    name = "reports"
    default_auto_field = "django.db.models.BigAutoField"
