"""The CRUD view every resource of the spec shares, and the health checks."""

import logging
from collections.abc import Mapping
from typing import Any, ClassVar

from django.db import DatabaseError, transaction
from django.db.models import Model, QuerySet
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularSwaggerView
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .contract import ContractPagination, ExactFilters, OrderBy, owned_by
from .migrations import BEHIND, pending_migrations

logger = logging.getLogger(__name__)

Fields = Mapping[str, serializers.Field[Any, Any, Any, Any]]


class PublicActions(permissions.BasePermission):
    """A logged-in caller, except for the view's `public_actions` (the spec's `auth_required`)."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        if getattr(view, "action", None) in getattr(view, "public_actions", ()):
            return True
        return bool(request.user and request.user.is_authenticated)


class PublicMethods(permissions.BasePermission):
    """A logged-in caller, except for the view's `public_methods` (the spec's `auth_required`)."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        if request.method in getattr(view, "public_methods", ()):
            return True
        return bool(request.user and request.user.is_authenticated)


class CustomEndpoint(APIView):
    """An endpoint of the spec that is not CRUD (see resources/custom.py)."""

    public_methods: ClassVar[frozenset[str]] = frozenset()
    permission_classes = (PublicMethods,)


class ResourceViewSet(viewsets.ModelViewSet[Any]):
    """List, create, read, replace, update and delete one model.

    A subclass names its model, its three serializers (request body of create and replace, of
    a partial update, and the response), its filters and sort keys, and whether the objects
    belong to their creator (`owned`): then each user sees and changes only their own, and
    another user's object is a 404.
    """

    model: ClassVar[type[Model]]
    create_serializer: ClassVar[type[serializers.ModelSerializer[Any]]]
    update_serializer: ClassVar[type[serializers.ModelSerializer[Any]]]
    response_serializer: ClassVar[type[serializers.ModelSerializer[Any]]]
    owned: ClassVar[bool] = True
    public_actions: ClassVar[frozenset[str]] = frozenset()
    filter_fields: ClassVar[Fields] = {}
    order_fields: ClassVar[tuple[str, ...]] = ("id",)
    many_to_many: ClassVar[tuple[str, ...]] = ()

    permission_classes = (PublicActions,)
    pagination_class = ContractPagination
    filter_backends = (ExactFilters, OrderBy)
    lookup_value_converter = "object_id"
    http_method_names = ("get", "post", "put", "patch", "delete")

    def get_queryset(self) -> QuerySet[Any]:
        queryset = self.model._default_manager.all()
        if self.owned:
            queryset = owned_by(queryset, self.request.user)
        if self.many_to_many:
            queryset = queryset.prefetch_related(*self.many_to_many)
        return queryset.order_by("id")

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Any]]:
        if self.action in ("create", "update"):
            return self.create_serializer
        if self.action == "partial_update":
            return self.update_serializer
        return self.response_serializer

    def _respond(self, instance: Model, code: int = status.HTTP_200_OK) -> Response:
        return Response(self.response_serializer(instance).data, status=code)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            extra = {"owner": request.user} if self.owned else {}
            instance = serializer.save(**extra)
        response = self._respond(instance, status.HTTP_201_CREATED)
        name = self.basename or self.model._meta.model_name
        response["Location"] = reverse(f"{name}-detail", args=[instance.pk])
        return response

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        partial = kwargs.pop("partial", False)
        instance = self.get_object()
        serializer = self.get_serializer(instance, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            instance = serializer.save()
        return self._respond(instance)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        instance = self.get_object()
        with transaction.atomic():
            instance.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class HealthSerializer(serializers.Serializer[Any]):
    status = serializers.ChoiceField(choices=["ok"])


class ReadinessSerializer(serializers.Serializer[Any]):
    status = serializers.ChoiceField(choices=["ok", "unavailable"])
    database = serializers.ChoiceField(choices=["ok", "error", "behind"])  # behind: not migrated


class HealthView(APIView):
    """The process is up; touches no database."""

    authentication_classes = ()
    permission_classes = (permissions.AllowAny,)

    @extend_schema(tags=["health"], responses={200: HealthSerializer})
    def get(self, request: Request) -> Response:
        return Response({"status": "ok"})


class ReadinessView(APIView):
    """The process can serve requests: the database answers and has every migration of the code
    applied."""

    authentication_classes = ()
    permission_classes = (permissions.AllowAny,)

    @extend_schema(tags=["health"], responses={200: ReadinessSerializer, 503: ReadinessSerializer})
    def get(self, request: Request) -> Response:
        try:
            pending = pending_migrations()
        except (DatabaseError, OSError) as exc:
            logger.warning("readiness check failed: %s", exc)
            body = {"status": "unavailable", "database": "error"}
            return Response(body, status=status.HTTP_503_SERVICE_UNAVAILABLE)
        if pending:
            logger.warning("readiness check failed: %s", BEHIND)
            body = {"status": "unavailable", "database": "behind"}
            return Response(body, status=status.HTTP_503_SERVICE_UNAVAILABLE)
        return Response({"status": "ok", "database": "ok"})


class SwaggerView(SpectacularSwaggerView):
    """drf-spectacular's Swagger UI page, with the Cross-Origin-Opener-Policy of every other
    response: it opens the policy up for OAuth2 login popups, which the password grant of this
    API does not use."""

    def finalize_response(
        self, request: Request, response: Response, *args: Any, **kwargs: Any
    ) -> Response:
        response.headers.pop("Cross-Origin-Opener-Policy", None)  # SecurityMiddleware sets it
        return super().finalize_response(request, response, *args, **kwargs)
