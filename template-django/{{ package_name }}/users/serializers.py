from typing import Any

from rest_framework import serializers

from ..core.fields import StrictCharField, StrictEmailField
from .models import User


class UserCreateSerializer(serializers.Serializer[Any]):
    email = StrictEmailField(max_length=320)
    password = StrictCharField(min_length=8, max_length=128, write_only=True)
    full_name = StrictCharField(max_length=255, default=None, allow_null=True)


class UserResponseSerializer(serializers.ModelSerializer[User]):
    class Meta:
        model = User
        fields = ("id", "email", "full_name", "is_active", "created_at")
        read_only_fields = fields


class TokenRequestSerializer(serializers.Serializer[Any]):
    """OAuth2 password grant: `username` is the email."""

    username = StrictCharField(min_length=1, max_length=320)
    password = StrictCharField(min_length=1, max_length=128)


class RefreshRequestSerializer(serializers.Serializer[Any]):
    refresh_token = StrictCharField(min_length=1, max_length=2048)


class PasswordResetRequestSerializer(serializers.Serializer[Any]):
    email = StrictEmailField(max_length=320)


class PasswordResetConfirmSerializer(serializers.Serializer[Any]):
    token = StrictCharField(max_length=1024, help_text="The token of the password reset mail")
    new_password = StrictCharField(min_length=8, max_length=128, write_only=True)


class TokenPairSerializer(serializers.Serializer[Any]):
    access_token = serializers.CharField()
    refresh_token = serializers.CharField()
    token_type = serializers.ChoiceField(choices=["bearer"])
    expires_in = serializers.IntegerField(help_text="Lifetime of the access token, in seconds")
