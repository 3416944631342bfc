"""A seeded generator of valid specs: every field type and relationship kind, random constraints.

The same seed gives the same spec, so a failure is replayed with ``SPEC_SEED=<seed> make test``.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import zlib
from typing import Any

from python_specialist.mapping import TEMPLATE_ROOT, load_spec_model

# The field types of docs/spec-format.md, as the templates' own spec model lists them.
FIELD_TYPES: list[str] = list(load_spec_model(TEMPLATE_ROOT).FIELD_TYPES)
MODEL_WORDS = ["Book", "Shelf", "Author", "Order", "Parcel", "Invoice", "Garden", "Plant", "Sensor", "Ticket"]
FIELD_WORDS = ["label", "summary", "amount", "weight", "price", "flag", "due", "seen", "contact", "link"]
FIELD_WORDS += ["ref", "state", "extra", "code", "note", "size", "level", "score", "origin", "mood"]


def default_seeds(count: int) -> list[int]:
    """``SPEC_SEED`` (comma-separated), or seeds that change every day and agree across processes."""
    configured = [int(seed) for seed in os.environ.get("SPEC_SEED", "").split(",") if seed.strip()]
    today = dt.date.today().isoformat()
    daily = [zlib.crc32(f"{today}-{i}".encode()) for i in range(count)]
    return (configured + daily[len(configured) :])[:count]


def random_spec(seed: int, database: str = "SQLite") -> dict[str, Any]:
    rng = random.Random(seed)
    names = rng.sample(MODEL_WORDS, rng.randint(2, 4))
    if rng.random() < 0.5:  # a name of several words
        names[0] = names[0] + rng.choice(MODEL_WORDS)
    types = FIELD_TYPES[:]
    rng.shuffle(types)
    # Every type once, spread over the models; each model gets at least one field.
    buckets: list[list[str]] = [[] for _ in names]
    for i, kind in enumerate(types):
        buckets[i % len(names) if i < len(names) else rng.randrange(len(names))].append(kind)
    words = rng.sample(FIELD_WORDS, len(FIELD_WORDS))
    models: list[Any] = ["User"]
    for index, (name, kinds) in enumerate(zip(names, buckets, strict=True)):
        model: dict[str, Any] = {"name": name, "fields": [_field(rng, words.pop(), kind) for kind in kinds]}
        if rng.random() < 0.3:
            model["owned_by_user"] = False
        model["relationships"] = _relations(rng, names, index)
        models.append(model)
    if not any(r["kind"] == "many_to_many" for m in models[1:] for r in m["relationships"]):
        models[1]["relationships"].append({"name": "links", "kind": "many_to_many", "target": names[-1]})
    return {
        "project_name": f"Random {seed}",
        "backend_architecture": {"framework": "FastAPI"},
        "database": {"type": database, "models": models},
        "authentication": {"method": "JWT"},
    }


def _field(rng: random.Random, name: str, kind: str) -> dict[str, Any]:
    field: dict[str, Any] = {"name": name, "type": kind}
    if rng.random() < 0.3:
        field["required"] = False
    if kind == "string":
        field["max_length"] = rng.choice([20, 60, 255])
        if rng.random() < 0.5:
            field["unique"] = True
    elif kind == "integer":
        field["minimum"], field["maximum"] = sorted(rng.sample(range(-1000, 5000), 2))
        if rng.random() < 0.5:
            field["index"] = True
    elif kind == "float" and rng.random() < 0.5:
        field["minimum"] = 0
    elif kind == "decimal":
        field["max_digits"] = rng.choice([6, 10, 12])
        field["decimal_places"] = rng.choice([0, 2, 4])
    elif kind == "enum":
        field["choices"] = rng.sample(["new", "open", "in progress", "done", "archived", "Held"], 3)
        if rng.random() < 0.5:
            field["default"] = field["choices"][1]
    elif kind == "boolean" and rng.random() < 0.5:
        field["default"] = rng.choice([True, False])
    elif kind == "uuid" and rng.random() < 0.5:
        field["unique"] = True
    return field


def _relations(rng: random.Random, names: list[str], index: int) -> list[dict[str, Any]]:
    """Many-to-one references point at earlier models only (never a cycle), at User or at itself."""
    relations: list[dict[str, Any]] = []
    if index > 0:
        required = rng.random() < 0.6
        on_delete = rng.choice(["cascade", "protect"] if required else ["cascade", "protect", "set_null"])
        relations.append(
            {
                "name": "parent_item" if rng.random() < 0.5 else "owner_of_record",
                "kind": "many_to_one",
                "target": names[rng.randrange(index)],
                "required": required,
                "on_delete": on_delete,
            }
        )
    roll = rng.random()
    if roll < 0.25:
        relations.append({"name": "assignee", "kind": "many_to_one", "target": "User", "required": False,
                          "on_delete": "set_null"})  # fmt: skip
    elif roll < 0.45:
        relations.append(
            {"name": "previous", "kind": "many_to_one", "target": names[index], "required": False,
             "on_delete": "set_null"}
        )  # fmt: skip
    if rng.random() < 0.4:
        relations.append({"name": "related", "kind": "many_to_many", "target": rng.choice([*names, "User"])})
    return relations
