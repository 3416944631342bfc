from django.urls import path

from . import views

urlpatterns = [
    path("auth/register", views.RegisterView.as_view(), name="register"),
    path("auth/token", views.TokenView.as_view(), name="token"),
    path("auth/refresh", views.RefreshView.as_view(), name="token-refresh"),
    path("auth/password-reset", views.PasswordResetView.as_view(), name="password-reset"),
    path(
        "auth/password-reset/confirm",
        views.PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path("users/me", views.MeView.as_view(), name="me"),
]
