from django.apps import AppConfig


class Config(AppConfig):
    name = "complaints"
    default_auto_field = "django.db.models.BigAutoField"
