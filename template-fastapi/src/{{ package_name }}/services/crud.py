"""Create, read, update, delete and list for any resource model, scoped to its owner."""

from collections.abc import Mapping
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from ..core.errors import ConflictError, NotFoundError
from ..models.base import OwnedMixin, ResourceBase

ModelT = TypeVar("ModelT", bound=ResourceBase)


class CRUDService(Generic[ModelT]):
    """Data access for one model. With an owner, every query sees only the owner's rows."""

    def __init__(self, session: AsyncSession, model: type[ModelT], owner_id: int | None) -> None:
        self.session = session
        self.model = model
        self.owner_id = owner_id
        self.label = model.__name__

    def _scoped(self, statement: Select[ModelT]) -> Select[ModelT]:
        if self.owner_id is not None and issubclass(self.model, OwnedMixin):
            statement = statement.where(self.model.owner_id == self.owner_id)
        return statement

    async def list(
        self, *, filters: Mapping[str, Any], order_by: str, limit: int, offset: int
    ) -> tuple[list[ModelT], int]:
        """A page of objects and the total count; `None` filter values are ignored."""
        statement = self._scoped(select(self.model))
        for name, value in filters.items():
            if value is not None:
                statement = statement.where(getattr(self.model, name) == value)
        total = await self.session.scalar(select(func.count()).select_from(statement.subquery()))
        column = getattr(self.model, order_by.removeprefix("-"))
        ordering = column.desc() if order_by.startswith("-") else column.asc()
        statement = statement.order_by(ordering, self.model.id).limit(limit).offset(offset)
        items = (await self.session.scalars(statement)).all()
        return list(items), total or 0

    async def get(self, object_id: int) -> ModelT:
        statement = self._scoped(select(self.model).where(self.model.id == object_id))
        obj = await self.session.scalar(statement)
        if obj is None:
            msg = f"{self.label} {object_id} not found"
            raise NotFoundError(msg)
        return obj

    async def create(self, values: Mapping[str, Any]) -> ModelT:
        obj = self.model(**values)
        if self.owner_id is not None and isinstance(obj, OwnedMixin):
            obj.owner_id = self.owner_id
        self.session.add(obj)
        await self._commit()
        return obj

    async def update(self, object_id: int, values: Mapping[str, Any]) -> ModelT:
        obj = await self.get(object_id)
        for name, value in values.items():
            setattr(obj, name, value)
        await self._commit()
        return obj

    async def delete(self, object_id: int) -> None:
        obj = await self.get(object_id)
        await self.session.delete(obj)
        await self._commit()

    async def _commit(self) -> None:
        try:
            await self.session.commit()
        except IntegrityError as exc:
            await self.session.rollback()
            msg = f"{self.label} conflicts with an existing one (a unique field is taken)"
            raise ConflictError(msg) from exc
