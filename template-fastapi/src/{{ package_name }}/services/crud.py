"""Create, read, update, delete and list for any resource model, scoped to its owner."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, inspect, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from ..core.errors import ConflictError, InvalidReferenceError, NotFoundError
from ..models.base import IdMixin, OwnedMixin, ResourceBase

ModelT = TypeVar("ModelT", bound=ResourceBase)


@dataclass(frozen=True)
class Reference:
    """A relationship given by id in request bodies: `post_id` (one) or `tag_ids` (many)."""

    field: str
    target: type[IdMixin]
    scoped: bool  # the target is owned by users: only the caller's own may be referred to
    attribute: str | None = None  # many-to-many: the relationship that takes the objects


class CRUDService(Generic[ModelT]):
    """Data access for one model. With an owner, every query sees only the owner's rows."""

    def __init__(
        self,
        session: AsyncSession,
        model: type[ModelT],
        owner_id: int | None,
        references: Sequence[Reference] = (),
        caller_id: int | None = None,
    ) -> None:
        self.session = session
        self.model = model
        self.owner_id = owner_id
        self.references = references
        # Whose objects a scoped reference may point at: the owner's, or the caller's when the
        # model itself is shared (nobody's, for an anonymous caller).
        self.caller_id = owner_id if caller_id is None else caller_id
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
        items = list((await self.session.scalars(statement)).all())
        await self._load_collections(items)
        return items, total or 0

    async def get(self, object_id: int) -> ModelT:
        statement = self._scoped(select(self.model).where(self.model.id == object_id))
        obj = await self.session.scalar(statement)
        if obj is None:
            msg = f"{self.label} {object_id} not found"
            raise NotFoundError(msg)
        await self._load_collections([obj])
        return obj

    async def create(self, values: Mapping[str, Any]) -> ModelT:
        obj = self.model(**await self._resolve(values))
        if self.owner_id is not None and isinstance(obj, OwnedMixin):
            obj.owner_id = self.owner_id
        self.session.add(obj)
        await self._commit(f"{self.label} conflicts with an existing one (a unique field is taken)")
        await self._load_collections([obj])
        return obj

    async def update(self, object_id: int, values: Mapping[str, Any]) -> ModelT:
        obj = await self.get(object_id)
        for name, value in (await self._resolve(values)).items():
            setattr(obj, name, value)
        await self._commit(f"{self.label} conflicts with an existing one (a unique field is taken)")
        return obj

    async def delete(self, object_id: int) -> None:
        obj = await self.get(object_id)
        await self.session.delete(obj)
        await self._commit(f"{self.label} {object_id} is still referred to by other objects")

    async def _resolve(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """Check every referenced id; many-to-many ids become the objects themselves."""
        resolved = dict(values)
        for reference in self.references:
            value = resolved.get(reference.field)
            if value is None:
                continue
            ids = list(dict.fromkeys(value)) if reference.attribute else [value]
            targets = await self._targets(reference, ids)
            if len(targets) != len(ids):
                raise InvalidReferenceError(reference.field)
            if reference.attribute:
                del resolved[reference.field]
                resolved[reference.attribute] = [*targets]
        return resolved

    async def _load_collections(self, objects: Sequence[ModelT]) -> None:
        """Load the many-to-many collections eager loading left out (it stops one level deep
        on a model that refers to itself), so that reading `*_ids` never does I/O."""
        names = [reference.attribute for reference in self.references if reference.attribute]
        for obj in objects:
            unloaded = [name for name in names if name in inspect(obj).unloaded]
            if unloaded:
                await self.session.refresh(obj, unloaded)

    async def _targets(self, reference: Reference, ids: Sequence[int]) -> Sequence[IdMixin]:
        if not ids:
            return ()
        target = reference.target
        statement = select(target).where(target.id.in_(ids))
        if reference.scoped and issubclass(target, OwnedMixin):
            statement = statement.where(target.owner_id == self.caller_id)
        return (await self.session.scalars(statement)).all()

    async def _commit(self, conflict: str) -> None:
        try:
            await self.session.commit()
        except IntegrityError as exc:
            await self.session.rollback()
            raise ConflictError(conflict) from exc
