"""A changed spec against the data model the project's migrations have reached.

The project keeps that data model in ``models.json`` beside its migrations (written on copy, and
again by every update that adds a migration). ``plan`` compares it with the spec's models and
returns the changes in the order a migration applies them; ``evolution_errors`` lists what
cannot be applied safely, one line each naming the JSON path, so that copier's validator and the
CLI refuse the update before anything is written.
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .model import Field, Resource, resources

STATE_FORMAT = 1
STRINGS = {"string", "text", "email", "url", "enum"}
NUMBERS = {"integer", "float", "decimal"}
# (old type, new type) pairs every supported database casts without losing a value.
SAFE_CASTS = {
    ("integer", "float"), ("integer", "decimal"), ("float", "decimal"), ("string", "text"),
    ("email", "string"), ("email", "text"), ("url", "string"), ("url", "text"), ("enum", "string"),
    ("enum", "text"),
}  # fmt: skip


def state(models: list[Any], auth_enabled: bool) -> dict[str, Any]:
    """What ``models.json`` holds: the spec's models as migrated (rename marks are spent)."""

    def clean(item: Any) -> Any:
        if not isinstance(item, dict):
            return item
        body = {k: v for k, v in item.items() if k != "renamed_from"}
        if "fields" in body:
            body["fields"] = [clean(f) for f in body["fields"]]
        return body

    return {"format": STATE_FORMAT, "auth_enabled": auth_enabled, "models": [clean(m) for m in models]}


def state_text(models: list[Any], auth_enabled: bool) -> str:
    return json.dumps(state(models, auth_enabled), indent=2, ensure_ascii=False) + "\n"


@dataclass
class Change:
    """One difference between the migrated data model and the spec."""

    kind: str  # add_model, drop_model, add_field, drop_field, rename_field, alter_field, add_relation, drop_relation
    model: str  # the model's name in the spec (its new name)
    old: Any = None  # the Resource, Field or Relation as migrated
    new: Any = None  # ... and as the spec now has it
    loses_data: bool = False
    needs: list[str] = field(default_factory=list)  # why it loses data, for the error
    renames: Renames | None = None  # rename_model: every database name that changes with the table

    @property
    def summary(self) -> str:
        item = self.new if self.new is not None else self.old
        name = item.name if not isinstance(item, Resource) else ""
        words = {
            "add_model": f"add model {self.model}",
            "rename_model": f"rename model {getattr(self.old, 'name', '')} to {self.model}",
            "drop_model": f"drop model {self.model}",
            "add_field": f"add {self.model}.{name}",
            "drop_field": f"drop {self.model}.{name}",
            "rename_field": f"rename {self.model}.{getattr(self.old, 'name', '')} to {name}",
            "alter_field": f"alter {self.model}.{name}",
            "add_relation": f"add relationship {self.model}.{name}",
            "drop_relation": f"drop relationship {self.model}.{name}",
        }
        return words[self.kind]

    @property
    def slug(self) -> str:
        words = self.summary.replace(" relationship", "").replace(" to ", " ")
        return re.sub(r"[^a-z0-9]+", "_", words.lower()).strip("_")


@dataclass
class Renames:
    """The database names a renamed model changes: tables, columns, indexes (recreated under the
    new name everywhere) and, where the database keeps them by name (PostgreSQL), constraints
    and the id sequence."""

    tables: list[tuple[str, str]] = field(default_factory=list)  # (old, new)
    columns: list[tuple[str, str, str]] = field(default_factory=list)  # (table, old, new)
    indexes: list[tuple[str, str, str, str, bool]] = field(default_factory=list)  # (table, old, new, column, unique)
    constraints: list[tuple[str, str, str]] = field(default_factory=list)  # (table, old, new)
    sequences: list[tuple[str, str]] = field(default_factory=list)  # (old, new)

    def reversed(self) -> Renames:
        """The renames undone, for the downgrade (which runs them in the opposite order, while
        the tables still have their new names)."""
        return Renames(
            tables=[(n, o) for o, n in reversed(self.tables)],
            columns=[(t, n, o) for t, o, n in reversed(self.columns)],
            indexes=[(t, n, o, c, u) for t, o, n, c, u in reversed(self.indexes)],
            constraints=[(t, n, o) for t, o, n in reversed(self.constraints)],
            sequences=[(n, o) for o, n in reversed(self.sequences)],
        )


def table_renames(
    old: Resource, new: Resource, everything: list[Resource], table_map: dict[str, str], renamed: set[str]
) -> Renames:
    """What renaming ``old`` to ``new`` renames in the database (names of the metadata's
    naming convention; ``table_map`` maps the old table of every renamed model to its new one)."""
    before, after = old.table, new.table
    out = Renames(tables=[(before, after)], sequences=[(f"{before}_id_seq", f"{after}_id_seq")])
    columns = ["created_at"] + (["owner_id"] if old.owned else []) + [rel.field for rel in old.foreign_keys]
    out.indexes += [(after, f"ix_{before}_{c}", f"ix_{after}_{c}", c, False) for c in columns]
    indexed = [f for f in old.fields if f.unique or f.index]
    out.indexes += [(after, f"ix_{before}_{f.name}", f"ix_{after}_{f.name}", f.name, f.unique) for f in indexed]
    out.constraints.append((after, f"pk_{before}", f"pk_{after}"))
    if old.owned:
        out.constraints.append((after, f"fk_{before}_owner_id_users", f"fk_{after}_owner_id_users"))
    for rel in old.foreign_keys:
        target = table_map.get(rel.target_table, rel.target_table)
        name = f"{rel.field}_{rel.target_table}"
        out.constraints.append((after, f"fk_{before}_{name}", f"fk_{after}_{rel.field}_{target}"))
    for rel in old.collections:
        moved = replace(rel, source=new.name)
        (left, right), (new_left, new_right) = rel.association_columns, moved.association_columns
        table, new_table = rel.association_table, moved.association_table
        target = table_map.get(rel.target_table, rel.target_table)
        out.tables.append((table, new_table))
        out.columns += [(new_table, o, n) for o, n in ((left, new_left), (right, new_right)) if o != n]
        out.indexes.append((new_table, f"ix_{table}_{right}", f"ix_{new_table}_{new_right}", new_right, False))
        out.constraints += [
            (new_table, f"pk_{table}", f"pk_{new_table}"),
            (new_table, f"fk_{table}_{left}_{before}", f"fk_{new_table}_{new_left}_{after}"),
            (new_table, f"fk_{table}_{right}_{rel.target_table}", f"fk_{new_table}_{new_right}_{target}"),
        ]
    for other in everything:
        if other.name in renamed or other.name == old.name:
            continue  # a renamed model renames its own constraints
        for rel in other.foreign_keys:
            if rel.target == old.name:
                out.constraints.append(
                    (other.table, f"fk_{other.table}_{rel.field}_{before}", f"fk_{other.table}_{rel.field}_{after}")
                )
        for rel in other.collections:
            if rel.target == old.name:
                right, table = rel.association_columns[1], rel.association_table
                out.constraints.append((table, f"fk_{table}_{right}_{before}", f"fk_{table}_{right}_{after}"))
    return out


@dataclass
class Plan:
    changes: list[Change]
    errors: list[str]
    old: list[Resource]
    new: list[Resource]

    @property
    def name(self) -> str:
        """A short file-name slug of the changes (``add_todo_tags``, ``alter_book_title``...)."""
        if not self.changes:
            return "no_changes"
        first = self.changes[0].slug
        return first if len(self.changes) == 1 else f"{first}_and_more"


def _spec_models(models: list[Any]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for m in models:
        if isinstance(m, str) and m != "User":
            out[m] = {"name": m, "fields": [{"name": "name", "type": "string"}]}
        elif isinstance(m, dict):
            out[m["name"]] = m
    return out


def _where(models: list[Any], model: str, part: str = "", index: int | None = None) -> str:
    for i, m in enumerate(models):
        if (m if isinstance(m, str) else m.get("name") if isinstance(m, dict) else None) == model:
            base = f"database.models[{i}]"
            return base if not part else f"{base}.{part}[{index}]"
    return "database.models"


def _column(f: Field) -> tuple[Any, ...]:
    """What of a field its database column is made of (with SQLAlchemy's and Django's eyes)."""
    choices = tuple(f.spec.get("choices", ()))
    return (f.type, f.column_type, f.required, f.nullable, f.unique, f.index, choices, f.default_literal)


def _type_change(old: Field, new: Field) -> str | None:
    """None when the column keeps every value; else why it may not ("narrows", "incompatible")."""
    if old.type != new.type:
        if (old.type, new.type) in SAFE_CASTS:
            return None
        same_family = {old.type, new.type} <= STRINGS or {old.type, new.type} <= NUMBERS
        return "narrows" if same_family else "incompatible"
    spec_old, spec_new = old.spec, new.spec
    if old.type == "string" and spec_new.get("max_length", 255) < spec_old.get("max_length", 255):
        return "narrows"
    if old.type == "decimal":
        digits = spec_new.get("max_digits", 12) - spec_old.get("max_digits", 12)
        places = spec_new.get("decimal_places", 2) - spec_old.get("decimal_places", 2)
        if places < 0 or digits < places:
            return "narrows"
    if old.type == "enum" and set(spec_old["choices"]) - set(spec_new["choices"]):
        return "narrows"
    return None


def plan(
    previous: dict[str, Any],
    models: list[Any],
    auth_enabled: bool,
    allow_data_loss: bool = False,
    database: str = "SQLite",
) -> Plan:
    """The changes from the migrated data model ``previous`` (``models.json``) to ``models``."""
    old_models = previous.get("models", [])
    old_res = {r.name: r for r in resources(old_models, previous.get("auth_enabled", auth_enabled), database)}
    new_res = resources(models, auth_enabled, database)
    specs = _spec_models(models)
    changes: list[Change] = []
    errors: list[str] = []
    drops: list[Change] = []

    renames = {
        specs[r.name]["renamed_from"]: r.name
        for r in new_res
        if specs[r.name].get("renamed_from") in old_res
        and r.name not in old_res
        and specs[r.name]["renamed_from"] not in specs
    }
    tables = {old_res[o].table: n for o, n in renames.items()}
    new_tables = {r.name: r.table for r in new_res}
    table_map = {t: new_tables[n] for t, n in tables.items()}
    sources = {n: o for o, n in renames.items()}
    for r in new_res:
        spec = specs[r.name]
        source = sources.get(r.name, r.name)
        if source not in old_res:
            changes.append(Change("add_model", r.name, new=r))
            continue
        if source != r.name:
            renamed = table_renames(old_res[source], r, list(old_res.values()), table_map, set(renames))
            changes.append(Change("rename_model", r.name, old=old_res[source], new=r, renames=renamed))
        errors += _model_changes(old_res[source], r, spec, models, changes, drops, renames)

    for name, r in old_res.items():
        if name not in specs and name not in renames:
            drops.append(Change("drop_model", name, old=r, loses_data=True, needs=["drops the table and its rows"]))

    if not allow_data_loss:
        for change in drops + [c for c in changes if c.loses_data]:
            where = _where(models, change.model) if change.kind != "drop_model" else "database.models"
            errors.append(
                f"{where}: {change.summary} {'; '.join(change.needs)}: refused unless data loss is allowed "
                "(allow_data_loss=true, or --allow-data-loss)"
            )
    ordered = _ordered(changes + drops, old_res, new_res)
    return Plan(ordered, errors, list(old_res.values()), new_res)


def _model_changes(
    old: Resource,
    new: Resource,
    spec: dict[str, Any],
    models: list[Any],
    changes: list[Change],
    drops: list[Change],
    renames: dict[str, str],
) -> list[str]:
    errors: list[str] = []
    if old.owned != new.owned:
        errors.append(
            f"{_where(models, new.name)}.owned_by_user: changing the owner column of an existing table is not "
            "supported; add a new model instead"
        )
    old_fields = {f.name: f for f in old.fields}
    renamed = {f.spec.get("renamed_from"): f.name for f in new.fields if f.spec.get("renamed_from") in old_fields}
    matched: set[str] = set()
    for j, f in enumerate(new.fields):
        where = _where(models, new.name, "fields", j)
        source = f.spec.get("renamed_from") if f.name not in old_fields else f.name
        if source in renamed and renamed[source] != f.name:
            source = None
        if source not in old_fields or source in matched:
            if not f.nullable and not f.has_default:
                errors.append(
                    f"{where}: a required field without a default cannot be added to the existing table "
                    f'{new.table!r} (its rows would have no value); give it a "default" or "required": false'
                )
            changes.append(Change("add_field", new.name, new=f))
            continue
        matched.add(source)
        before = old_fields[source]
        if source != f.name:
            changes.append(Change("rename_field", new.name, old=before, new=f))
        if _column(before) == _column(f):
            continue
        change = Change("alter_field", new.name, old=before, new=f)
        reason = _type_change(before, f)
        if reason == "incompatible":
            errors.append(
                f"{where}.type: {before.type!r} cannot become {f.type!r} in place; add a field with a new name "
                "and drop this one"
            )
            continue
        if reason == "narrows":
            change.loses_data = True
            change.needs.append(
                "removes choices that rows may hold" if f.type == "enum" == before.type else "narrows the column"
            )
            if f.type == "enum" == before.type and not f.has_default and not f.nullable:
                errors.append(
                    f'{where}.choices: rows holding a removed choice need a value; give the field a "default"'
                )
        if before.nullable and not f.nullable and not f.has_default:
            errors.append(f'{where}.required: rows may hold no value; give the field a "default" to fill them with')
        changes.append(change)
    for name, f in old_fields.items():
        if name not in matched:
            drops.append(
                Change("drop_field", new.name, old=f, loses_data=True, needs=["drops the column and its values"])
            )

    old_rel = {rel.name: rel for rel in old.relations}
    new_rel = {rel.name: rel for rel in new.relations}
    for j, rel in enumerate(new.relations):
        earlier = old_rel.get(rel.name)
        if earlier is not None and (earlier.kind, renames.get(earlier.target, earlier.target)) == (
            rel.kind,
            rel.target,
        ):
            if (earlier.required, earlier.on_delete) != (rel.required, rel.on_delete):
                errors.append(
                    f"{_where(models, new.name, 'relationships', j)}: changing 'required' or 'on_delete' of an "
                    "existing relationship is not supported yet; add one with a new name and drop this one"
                )
            continue
        if earlier is not None:
            drops.append(Change("drop_relation", new.name, old=earlier, loses_data=True, needs=["drops the links"]))
        if not rel.many and not rel.nullable:
            errors.append(
                f"{_where(models, new.name, 'relationships', j)}: a required many_to_one cannot be added to the "
                f'existing table {new.table!r} (its rows would point nowhere); add it with "required": false'
            )
        changes.append(Change("add_relation", new.name, new=rel))
    for name, rel in old_rel.items():
        if name not in new_rel:
            drops.append(Change("drop_relation", new.name, old=rel, loses_data=True, needs=["drops the links"]))
    return errors


def _ordered(changes: list[Change], old: dict[str, Resource], new: list[Resource]) -> list[Change]:
    """New tables first (referenced before referring), then changes inside tables, then
    association tables, then drops (referring before referenced)."""
    rank_new = {r.name: i for i, r in enumerate(new)}
    rank_old = {name: i for i, name in enumerate(old)}

    def key(c: Change) -> tuple[int, int]:
        if c.kind == "rename_model":
            return (-1, rank_new[c.model])
        if c.kind == "add_model":
            return (0, rank_new[c.model])
        if c.kind in ("rename_field", "add_field", "alter_field"):
            return (1, rank_new[c.model])
        if c.kind == "add_relation":
            return (2 if c.new.many else 1, rank_new[c.model])
        if c.kind in ("drop_relation", "drop_field"):
            return (3, rank_new.get(c.model, 0))
        return (4, -rank_old[c.model])  # drop_model

    return sorted(changes, key=key)


def evolution_errors(previous: Any, models: Any, auth_enabled: bool, allow_data_loss: bool = False) -> list[str]:
    """What a changed spec would do to the migrated data model that cannot be done safely
    (nothing on copy, where there is no migrated data model yet)."""
    from .rules import model_errors

    if not isinstance(previous, dict) or "models" not in previous or model_errors(models, auth_enabled):
        return []
    return plan(previous, models, auth_enabled, bool(allow_data_loss)).errors


# -- Writing the migration ---------------------------------------------------------------------

STATE_FILE = "models.json"


def migrations_dir(project: Path, framework: str, package: str) -> Path:
    if framework == "Django":
        return project / package / "resources" / "migrations"
    return project / "migrations" / "versions"


def state_path(framework: str, package: str) -> str:
    """Where ``models.json`` lives, relative to the project."""
    return f"{package}/resources/migrations/{STATE_FILE}" if framework == "Django" else f"migrations/{STATE_FILE}"


_ALEMBIC_IDS = re.compile(r"^(revision|down_revision)\s*(?::[^=]*)?=\s*(.+)$", re.MULTILINE)


def alembic_head(versions: Path) -> str:
    """The one head of the revisions in ``versions`` (hand-written ones included)."""
    revisions: dict[str, set[str]] = {}
    for path in versions.glob("*.py"):
        found = dict(_ALEMBIC_IDS.findall(path.read_text(encoding="utf-8")))
        if "revision" not in found:
            continue
        down = ast.literal_eval(found.get("down_revision", "None").strip())
        downs = set(down) if isinstance(down, (tuple, list)) else ({down} if down else set())
        revisions[ast.literal_eval(found["revision"].strip())] = downs
    heads = set(revisions) - set().union(*revisions.values()) if revisions else set()
    if len(heads) != 1:
        raise ValueError(f"{versions}: {len(heads)} heads ({', '.join(sorted(heads))}); merge them into one first")
    return heads.pop()


def django_leaf(migrations: Path) -> str:
    """The latest migration of the resources app (the one no other migration depends on)."""
    names = {p.stem for p in migrations.glob("[0-9]*.py")}
    needed = {
        dep
        for p in migrations.glob("[0-9]*.py")
        for dep in re.findall(r"\(\s*[\"']resources[\"']\s*,\s*[\"']([^\"']+)[\"']\s*\)", p.read_text(encoding="utf-8"))
    }
    leaves = names - needed
    if len(leaves) != 1:
        raise ValueError(f"{migrations}: {len(leaves)} leaf migrations ({', '.join(sorted(leaves))}); merge them first")
    return leaves.pop()


def next_number(directory: Path) -> int:
    numbers = [int(m.group(1)) for p in directory.glob("*.py") if (m := re.match(r"(\d{4})_", p.name))]
    return max(numbers, default=0) + 1


def render_migration(
    environment: Any, framework: str, migration_plan: Plan, directory: Path, number: int
) -> tuple[str, str] | None:
    """(file name, source) of the migration for ``migration_plan``; None when the database
    needs no change (a default changed: SQLAlchemy keeps defaults in Python)."""
    from .django import stdlib_imports

    changes = migration_plan.changes
    summary = [c.summary for c in changes]
    fields = [c.new for c in changes if isinstance(c.new, Field)] + [c.old for c in changes if isinstance(c.old, Field)]
    name = f"{number:04d}_{migration_plan.name}"[:60]
    context: dict[str, Any] = {
        "changes": changes,
        "summary": summary,
        "fields": fields,
        "stdlib": stdlib_imports(fields, True),
    }
    if framework == "Django":
        altered = [c for c in changes if c.kind == "alter_field"]
        shortens = any(
            c.new.type in ("string", "enum") and c.new.column_type != c.old.column_type and c.old.type in STRINGS
            for c in altered
        )
        removes = any(
            c.new.type == c.old.type == "enum" and set(c.old.spec["choices"]) - set(c.new.spec["choices"])
            for c in altered
        )
        users = [r for c in changes if c.kind == "add_model" for r in [c.new] if r.owned] + [
            rel for c in changes if c.kind == "add_relation" and c.new.target == "User" for rel in [c.new]
        ]
        users += [rel for c in changes if c.kind == "add_model" for rel in c.new.relations if rel.target == "User"]
        context |= {
            "previous": django_leaf(directory),
            "needs_user": bool(users),
            "shortens": shortens,
            "data_steps": shortens or removes,
        }
        source = environment.get_template("partials/django/migration.py.jinja").render(context)
        return f"{name}.py", source
    tables = {r.name: r.table for r in migration_plan.new} | {r.name: r.table for r in migration_plan.old}
    context |= {
        "revision": f"{number:04d}",
        "down_revision": alembic_head(directory),
        "message": summary[0] if len(summary) == 1 else f"{summary[0]} and {len(summary) - 1} more changes",
        "table_of": tables,
    }
    source = environment.get_template("partials/sqlalchemy/migrations/revision.py.jinja").render(context)
    upgrade = source.split("def upgrade() -> None:", 1)[1].split("def downgrade", 1)[0]
    if not upgrade.strip():
        return None
    return f"{name}.py", source
