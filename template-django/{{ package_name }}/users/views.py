"""Registration, login (OAuth2 password grant, form or JSON), token refresh, password reset and
the caller."""

from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import IntegrityError, transaction
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, permissions, status
from rest_framework.parsers import FormParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ..core.client_address import client_address
from ..core.contract import BadRequest, Conflict, MessageSerializer, Unauthorized, responses
from ..core.parsers import JSONParser
from . import password_reset, tasks
from .emails import Mail, password_reset_mail, welcome_mail
from .models import User
from .serializers import (
    PasswordResetConfirmSerializer,
    PasswordResetRequestSerializer,
    RefreshRequestSerializer,
    TokenPairSerializer,
    TokenRequestSerializer,
    UserCreateSerializer,
    UserResponseSerializer,
)
from .throttling import LoginThrottle
from .tokens import InvalidRefreshTokenError, issue_pair, rotate

TAKEN = "A user with this email already exists"
RESET_REQUESTED = "If the account exists, a password reset mail is on its way"
RESET_REFUSED = "Invalid or expired password reset token"


def send_later(user: User, mail: Mail) -> None:
    """Hand the mail to the background; the request does not wait for the mail server."""
    tasks.send_mail_later(user.email, mail.subject, mail.body)


class RegisterView(APIView):
    authentication_classes = ()
    permission_classes = (permissions.AllowAny,)

    @extend_schema(
        tags=["auth"],
        request=UserCreateSerializer,
        responses=responses({201: UserResponseSerializer}, 409, 422),
    )
    def post(self, request: Request) -> Response:
        serializer = UserCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data: dict[str, Any] = serializer.validated_data
        email = data["email"].lower()
        if User.objects.filter(email=email).exists():
            raise Conflict(TAKEN)
        try:
            with transaction.atomic():
                user = User.objects.create_user(
                    email, data["password"], full_name=data["full_name"]
                )
                transaction.on_commit(lambda: send_later(user, welcome_mail(user)))
        except IntegrityError as exc:  # registered concurrently
            raise Conflict(TAKEN) from exc
        return Response(UserResponseSerializer(user).data, status=status.HTTP_201_CREATED)


class TokenView(APIView):
    """Log in. Past the allowed failures per minute (per account and address, and per address)
    this answers 429; when too many logins are being checked at once, 503."""

    authentication_classes = ()
    permission_classes = (permissions.AllowAny,)
    parser_classes = (FormParser, JSONParser)

    @extend_schema(
        tags=["auth"],
        request={
            "application/x-www-form-urlencoded": TokenRequestSerializer,
            "application/json": TokenRequestSerializer,
        },
        responses=responses({200: TokenPairSerializer}, 401, 422, 429, 503),
    )
    def post(self, request: Request) -> Response:
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        email: str = serializer.validated_data["username"]
        peer = request.META.get("REMOTE_ADDR", "")
        forwarded_for = request.META.get("HTTP_X_FORWARDED_FOR")
        address = client_address(peer, forwarded_for, settings.TRUSTED_PROXIES)
        throttle = LoginThrottle(email, address)
        if (wait := throttle.retry_after()) is not None:
            raise exceptions.Throttled(wait, detail="Too many failed logins; try again later")
        password = serializer.validated_data["password"]
        user = authenticate(request, username=email.lower(), password=password)
        if not isinstance(user, User):
            throttle.record_failure()
            raise Unauthorized("Incorrect email or password")
        throttle.record_success()
        return Response(issue_pair(user))


class RefreshView(APIView):
    """A new token pair; the refresh token given is spent (rotation)."""

    authentication_classes = ()
    permission_classes = (permissions.AllowAny,)

    @extend_schema(
        tags=["auth"],
        request=RefreshRequestSerializer,
        responses=responses({200: TokenPairSerializer}, 401, 422),
    )
    def post(self, request: Request) -> Response:
        serializer = RefreshRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            return Response(rotate(serializer.validated_data["refresh_token"]))
        except InvalidRefreshTokenError as exc:
            raise Unauthorized("Invalid or expired refresh token") from exc


class PasswordResetView(APIView):
    """Mail a password reset token to the account of the email, if there is an active one. The
    answer is the same either way, so that it does not tell which emails have an account."""

    authentication_classes = ()
    permission_classes = (permissions.AllowAny,)

    @extend_schema(
        tags=["auth"],
        request=PasswordResetRequestSerializer,
        responses=responses({202: MessageSerializer}, 422),
    )
    def post(self, request: Request) -> Response:
        serializer = PasswordResetRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        email = serializer.validated_data["email"].lower()
        user = User.objects.filter(email=email, is_active=True).first()
        if user is not None:
            send_later(user, password_reset_mail(user, password_reset.make_token(user)))
        return Response({"detail": RESET_REQUESTED}, status=status.HTTP_202_ACCEPTED)


class PasswordResetConfirmView(APIView):
    """Set a new password with the token of a password reset mail; every refresh token of the
    user is revoked (its access tokens live out their few minutes)."""

    authentication_classes = ()
    permission_classes = (permissions.AllowAny,)

    @extend_schema(
        tags=["auth"],
        request=PasswordResetConfirmSerializer,
        responses=responses({204: None}, 400, 422),
    )
    def post(self, request: Request) -> Response:
        serializer = PasswordResetConfirmSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data: dict[str, Any] = serializer.validated_data
        try:
            password_reset.reset_password(data["token"], data["new_password"])
        except password_reset.InvalidResetTokenError as exc:
            raise BadRequest(RESET_REFUSED) from exc
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    @extend_schema(tags=["users"], responses=responses({200: UserResponseSerializer}, 401))
    def get(self, request: Request) -> Response:
        if not isinstance(request.user, User):  # IsAuthenticated let an anonymous caller in
            raise Unauthorized
        return Response(UserResponseSerializer(request.user).data)
