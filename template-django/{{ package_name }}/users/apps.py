from django.apps import AppConfig


class UsersConfig(AppConfig):
    name = f"{__package__}"
    label = "users"
    verbose_name = "Users"
    default_auto_field = "django.db.models.BigAutoField"
