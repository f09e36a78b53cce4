from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "kaoping.web"
    label = "web"
    verbose_name = "党建考评"
    default_auto_field = "django.db.models.BigAutoField"
