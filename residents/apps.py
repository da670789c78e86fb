from django.apps import AppConfig


class Config(AppConfig):
    name = "residents"
    default_auto_field = "django.db.models.BigAutoField"
