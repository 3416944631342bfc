"""The CRUD resource of every model of the spec: shapes, validation, ordering, filters, ownership.

Each test runs once per model, as a subtest named after it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from typing import Any
from urllib.parse import urljoin

import pytest

from .client import (
    MISSING_ID,
    Api,
    User,
    describe,
    expect,
    expect_error,
    expect_validation_error,
    validation_errors,
)
from .payloads import (
    default_value,
    different_value,
    full_payload,
    has_offset,
    invalid_values,
    is_id,
    minimal_payload,
    new_token,
    parse_datetime,
    same_reference,
    same_value,
    sort_key,
)
from .spec import Contract, Model, Relation

pytestmark = pytest.mark.slow


def each(contract: Contract, subtests: pytest.Subtests) -> Iterator[tuple[Model, Any]]:
    """Every model, with a subtest context to run its checks in."""
    if not contract.models:
        pytest.skip("the spec has no model besides User")
    for model in contract.models:
        yield model, subtests.test(msg=model.name)


def owned_only(model: Model) -> None:
    if not model.owned:
        pytest.skip(f"{model.name} is not owned by users")


def assert_fields(model: Model, sent: dict[str, Any], got: dict[str, Any]) -> None:
    for field in model.fields:
        if field.name in sent:
            assert same_value(field, sent[field.name], got[field.name]), (
                f"{model.name}.{field.name}: sent {sent[field.name]!r}, got {got[field.name]!r}"
            )


def assert_references(model: Model, sent: dict[str, Any], got: dict[str, Any]) -> None:
    """Every relation key sent is given back: the same id, or the same ids in any order."""
    for relation in model.relations:
        if relation.key in sent:
            assert same_reference(relation, sent[relation.key], got[relation.key]), (
                f"{model.name}.{relation.key}: sent {sent[relation.key]!r}, got {got[relation.key]!r}"
            )


def assert_object(model: Model, obj: dict[str, Any], owner: User | None) -> None:
    """An object of the contract: exactly id, fields, relations, timestamps (and owner_id)."""
    keys = model.response_keys
    assert set(obj) == keys, f"{model.name} keys {sorted(obj)} != {sorted(keys)}"
    assert isinstance(obj["id"], int) and not isinstance(obj["id"], bool)
    for key in ("created_at", "updated_at"):
        assert has_offset(obj[key]), f"{model.name}.{key} {obj[key]!r} has no UTC offset"
    for field in model.fields:
        if field.type == "datetime" and obj[field.name] is not None:
            assert has_offset(obj[field.name]), f"{model.name}.{field.name} {obj[field.name]!r} has no offset"
        if field.type == "decimal" and obj[field.name] is not None:
            assert isinstance(obj[field.name], str), f"{model.name}.{field.name}: decimals are JSON strings"
    for relation in model.relations:
        value = obj[relation.key]
        if relation.many:
            assert isinstance(value, list) and all(is_id(i) for i in value), f"{model.name}.{relation.key} {value!r}"
        else:
            assert is_id(value) or (value is None and not relation.required), f"{model.name}.{relation.key} {value!r}"
    if model.owned and owner is not None:
        assert obj["owner_id"] == owner.id


def differences(model: Model, expected: dict[str, Any], got: dict[str, Any], *ignore: str) -> list[str]:
    """Keys whose values differ as values (one instant in two offsets is the same datetime)."""
    names = {f.name: f for f in model.fields}
    relations = {r.key: r for r in model.relations}
    keys = (set(expected) | set(got)) - set(ignore)
    found = []
    for key in sorted(keys):
        a, b = expected.get(key, "<missing>"), got.get(key, "<missing>")
        if key in names:
            same = same_value(names[key], a, b)
        elif key in relations:
            same = same_reference(relations[key], a, b)
        elif key in ("created_at", "updated_at") and isinstance(a, str) and isinstance(b, str):
            same = parse_datetime(a) == parse_datetime(b)
        else:
            same = a == b
        if not same:
            found.append(f"{key}: {a!r} != {b!r}")
    return found


def other_reference(api: Api, relation: Relation, user: User | None, current: dict[str, Any]) -> Any:
    """A valid value of ``relation`` for ``current`` other than the one it has: new targets (another
    object of the model, for a reference to itself), or none at all where that is allowed."""
    value = current[relation.key]
    if relation.many and value:
        return []
    if relation.to_user and not relation.many and value is not None:
        return value if relation.required else None  # the caller is the one user at hand
    if relation.to_self:
        return relation.value(api.new_object(api.contract.model(relation.source), user)["id"])
    return relation.value(api.target_id(relation, user))


def query_value(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


# -- list ----------------------------------------------------------------------------------------


def test_list_envelope(api: Api, contract: Contract, alice: User | None, subtests: pytest.Subtests) -> None:
    for model, subtest in each(contract, subtests):
        with subtest:
            api.new_object(model, alice)
            api.new_object(model, alice)
            response = api.request("GET", model.path, alice)
            page = expect(response, 200)
            assert set(page) == {"items", "total", "limit", "offset"}, describe(response)
            assert page["limit"] == 20 and page["offset"] == 0, describe(response)
            assert isinstance(page["total"], int) and page["total"] >= len(page["items"]) >= 2
            ids = [item["id"] for item in page["items"]]
            assert ids == sorted(ids), f"default order must be id ascending: {ids}"
            for item in page["items"]:
                assert_object(model, item, alice)


def test_list_pagination(api: Api, contract: Contract, subtests: pytest.Subtests) -> None:
    user = api.new_user("pages") if contract.auth else None
    for model, subtest in each(contract, subtests):
        with subtest:
            before = api.list(model, user, limit=1)["total"]
            created = [api.new_object(model, user)["id"] for _ in range(3)]
            first = api.list(model, user, limit=2, offset=before)
            assert first["total"] == before + 3 and first["limit"] == 2 and first["offset"] == before
            assert [item["id"] for item in first["items"]] == created[:2]
            rest = api.list(model, user, limit=2, offset=before + 2)
            assert [item["id"] for item in rest["items"]] == created[2:]
            assert api.list(model, user, limit=100)["limit"] == 100


@pytest.mark.parametrize(
    ("name", "value"),
    [("limit", 0), ("limit", 101), ("limit", -1), ("limit", "many"), ("offset", -1), ("offset", "first")],
)
def test_list_query_out_of_range_is_422(
    api: Api, contract: Contract, alice: User | None, subtests: pytest.Subtests, name: str, value: Any
) -> None:
    for model, subtest in each(contract, subtests):
        with subtest:
            response = api.request("GET", model.path, alice, params={name: value})
            expect_validation_error(response, "query", name)


# -- create and read -----------------------------------------------------------------------------


def test_create_with_every_field(api: Api, contract: Contract, alice: User | None, subtests: pytest.Subtests) -> None:
    for model, subtest in each(contract, subtests):
        with subtest:
            body = full_payload(model, 1, new_token(), api.relations(model, alice))
            response = api.request("POST", model.path, alice, json=body)
            obj = expect(response, 201)
            assert_object(model, obj, alice)
            assert_fields(model, body, obj)
            assert_references(model, body, obj)
            location = response.headers.get("location")
            assert location, "201 needs a Location header" + describe(response)
            fetched = api.request("GET", urljoin(api.base_url + model.path, location), alice)
            assert not differences(model, obj, expect(fetched, 200)), f"GET Location {location}"
            assert not differences(model, obj, expect(api.request("GET", model.item(obj["id"]), alice), 200))


def test_create_with_required_fields_only(
    api: Api, contract: Contract, alice: User | None, subtests: pytest.Subtests
) -> None:
    for model, subtest in each(contract, subtests):
        with subtest:
            body = minimal_payload(model, new_token(), api.relations(model, alice))
            obj = api.create(model, alice, body)
            assert_object(model, obj, alice)
            assert_fields(model, body, obj)
            for field in model.fields:
                if field.name in body:
                    continue
                expected = default_value(field) if field.has_default else None
                got = obj[field.name]
                assert same_value(field, expected, got), f"{field.name} not given: {got!r} != {expected!r}"
            for relation in model.relations:
                if relation.key not in body:
                    got = obj[relation.key]
                    assert got == relation.value(), f"{relation.key} not given: {got!r} != {relation.value()!r}"


def test_create_without_a_required_field_is_422(
    api: Api, contract: Contract, alice: User | None, subtests: pytest.Subtests
) -> None:
    for model, subtest in each(contract, subtests):
        with subtest:
            body = full_payload(model, 0, new_token(), api.relations(model, alice))
            for key in model.required_keys:
                partial = {k: v for k, v in body.items() if k != key}
                response = api.request("POST", model.path, alice, json=partial)
                expect_validation_error(response, "body", key, context=f"POST without {key}")


def test_read_missing_is_404(api: Api, contract: Contract, alice: User | None, subtests: pytest.Subtests) -> None:
    for model, subtest in each(contract, subtests):
        with subtest:
            expect_error(api.request("GET", model.item(MISSING_ID), alice), 404)
            # A non-integer id names no object: 404, or 422 at the path parameter; never a 5xx.
            response = api.request("GET", model.item("not-an-id"), alice)
            if response.status_code == 422:
                expect_validation_error(response, "path")
            else:
                expect_error(response, 404)


# -- replace, update, delete ---------------------------------------------------------------------


def test_put_replaces_the_object(api: Api, contract: Contract, alice: User | None, subtests: pytest.Subtests) -> None:
    for model, subtest in each(contract, subtests):
        with subtest:
            obj = api.new_object(model, alice, 0)
            body = full_payload(model, 2, new_token(), api.relations(model, alice))
            response = api.request("PUT", model.item(obj["id"]), alice, json=body)
            replaced = expect(response, 200)
            assert_object(model, replaced, alice)
            assert_fields(model, body, replaced)
            assert_references(model, body, replaced)
            assert replaced["id"] == obj["id"]
            assert parse_datetime(replaced["created_at"]) == parse_datetime(obj["created_at"])
            assert not differences(model, replaced, expect(api.request("GET", model.item(obj["id"]), alice), 200))
            expect_error(api.request("PUT", model.item(MISSING_ID), alice, json=body), 404)


def test_put_without_a_required_field_is_422(
    api: Api, contract: Contract, alice: User | None, subtests: pytest.Subtests
) -> None:
    for model, subtest in each(contract, subtests):
        with subtest:
            if not model.required_keys:
                pytest.skip(f"{model.name} has no required field")
            obj = api.new_object(model, alice)
            body = full_payload(model, 1, new_token(), api.relations(model, alice))
            for key in model.required_keys:
                partial = {k: v for k, v in body.items() if k != key}
                response = api.request("PUT", model.item(obj["id"]), alice, json=partial)
                expect_validation_error(response, "body", key, context=f"PUT without {key}")
            assert not differences(model, obj, expect(api.request("GET", model.item(obj["id"]), alice), 200))


def test_patch_changes_only_the_given_fields(
    api: Api, contract: Contract, alice: User | None, subtests: pytest.Subtests
) -> None:
    for model, subtest in each(contract, subtests):
        with subtest:
            current = api.new_object(model, alice, 0)
            token = new_token()
            for field in model.fields:
                value = different_value(field, current[field.name], token)
                response = api.request("PATCH", model.item(current["id"]), alice, json={field.name: value})
                patched = expect(response, 200, f"PATCH {field.name}")
                assert same_value(field, value, patched[field.name]), describe(response)
                changed = differences(model, current, patched, field.name, "updated_at")
                assert not changed, f"PATCH {field.name} changed other keys: {changed}"
                current = patched
            for relation in model.relations:
                value = other_reference(api, relation, alice, current)
                response = api.request("PATCH", model.item(current["id"]), alice, json={relation.key: value})
                patched = expect(response, 200, f"PATCH {relation.key}")
                assert same_reference(relation, value, patched[relation.key]), describe(response)
                changed = differences(model, current, patched, relation.key, "updated_at")
                assert not changed, f"PATCH {relation.key} changed other keys: {changed}"
                current = patched
            response = api.request("PATCH", model.item(current["id"]), alice, json={})
            assert not differences(model, current, expect(response, 200), "updated_at"), "PATCH {} changed it"
            expect_error(api.request("PATCH", model.item(MISSING_ID), alice, json={}), 404)


def test_delete(api: Api, contract: Contract, alice: User | None, subtests: pytest.Subtests) -> None:
    for model, subtest in each(contract, subtests):
        with subtest:
            obj = api.new_object(model, alice)
            response = api.request("DELETE", model.item(obj["id"]), alice)
            assert response.status_code == 204 and response.content == b"", describe(response)
            expect_error(api.request("GET", model.item(obj["id"]), alice), 404)
            expect_error(api.request("DELETE", model.item(obj["id"]), alice), 404)


# -- ordering and filters ------------------------------------------------------------------------


def _sort_keys(model: Model) -> dict[str, Callable[[Any], Any]]:
    """Every key the list may be ordered by, with how to compare its values."""
    keys: dict[str, Callable[[Any], Any]] = {"id": int}
    for field in model.orderable:
        keys[field.name] = partial(sort_key, field)
    for relation in model.foreign_keys:
        keys[relation.key] = int
    keys["created_at"] = keys["updated_at"] = parse_datetime
    return keys


def test_order_by_every_scalar_field(api: Api, contract: Contract, subtests: pytest.Subtests) -> None:
    user = api.new_user("order") if contract.auth else None
    for model, subtest in each(contract, subtests):
        with subtest:
            token = new_token()
            # Created out of order, so that id order differs from the order of every field.
            ours = {api.new_object(model, user, variant, token)["id"] for variant in (2, 0, 1)}
            for name, key in _sort_keys(model).items():
                for descending in (False, True):
                    order_by = f"-{name}" if descending else name
                    items = api.list_all(model, user, order_by=order_by)
                    values = [item[name] for item in items if item["id"] in ours]
                    assert len(values) == 3, f"order_by={order_by}: our objects are not all on the page"
                    if None in values:
                        continue  # where nulls sort is the database's choice; see test_relationships
                    keys = [key(value) for value in values]
                    assert keys == sorted(keys, reverse=descending), f"order_by={order_by} gave {keys}"


@pytest.mark.parametrize("order_by", ["no_such_field", "-no_such_field", "--id"])
def test_order_by_unknown_field_is_422(
    api: Api, contract: Contract, alice: User | None, subtests: pytest.Subtests, order_by: str
) -> None:
    for model, subtest in each(contract, subtests):
        with subtest:
            response = api.request("GET", model.path, alice, params={"order_by": order_by})
            expect_validation_error(response, "query", "order_by")


def test_exact_match_filters(api: Api, contract: Contract, subtests: pytest.Subtests) -> None:
    user = api.new_user("filter") if contract.auth else None
    for model, subtest in each(contract, subtests):
        with subtest:
            keys = [f.name for f in model.filters]
            keys += [r.key for r in model.foreign_keys]
            if not keys:
                pytest.skip(f"{model.name} has no filterable field")
            token = new_token()
            first, second = (api.new_object(model, user, variant, token) for variant in (0, 1))
            for key in keys:
                if first[key] == second[key]:
                    continue  # the field admits one value only
                items = api.list_all(model, user, **{key: query_value(first[key])})
                ids = {item["id"] for item in items}
                assert first["id"] in ids and second["id"] not in ids, f"?{key}={first[key]} gave {ids}"
                assert all(item[key] == first[key] for item in items), f"?{key}= let others through"


@pytest.mark.parametrize("value", [2**31, 2**63, -(2**80)], ids=["2**31", "2**63", "-2**80"])
def test_filter_values_beyond_any_id_are_not_server_errors(
    api: Api, contract: Contract, alice: User | None, subtests: pytest.Subtests, value: int
) -> None:
    """An integer beyond the ids and integer columns (32-bit and 64-bit) matches nothing (200) or is
    refused (422); never a 5xx."""
    for model, subtest in each(contract, subtests):
        with subtest:
            keys = [f.name for f in model.filters if f.type == "integer"] + [r.key for r in model.foreign_keys]
            if not keys:
                pytest.skip(f"{model.name} has no integer filter")
            for key in keys:
                response = api.request("GET", model.path, alice, params={key: value})
                if response.status_code == 422:
                    expect_validation_error(response, "query", key, context=f"?{key}={value}")
                else:
                    page = expect(response, 200, f"?{key}={value}: 200 (no match) or 422")
                    assert page["total"] == 0 and page["items"] == [], describe(response)


# -- validation ----------------------------------------------------------------------------------


def test_invalid_field_values_are_422(
    api: Api, contract: Contract, alice: User | None, subtests: pytest.Subtests
) -> None:
    for model, subtest in each(contract, subtests):
        with subtest:
            relations = api.relations(model, alice)
            obj = api.new_object(model, alice)
            for field in model.fields:
                for why, value in invalid_values(field):
                    body = full_payload(model, 0, new_token(), relations) | {field.name: value}
                    response = api.request("POST", model.path, alice, json=body)
                    expect_validation_error(response, "body", field.name, context=f"POST {field.name} {why}")
                    response = api.request("PATCH", model.item(obj["id"]), alice, json={field.name: value})
                    expect_validation_error(response, "body", field.name, context=f"PATCH {field.name} {why}")
            assert not differences(model, obj, expect(api.request("GET", model.item(obj["id"]), alice), 200))


@pytest.mark.parametrize(
    "content",
    [
        b'{"unterminated": ',
        b"not json at all",
        b"[1, 2, 3]",
        b'"a string"',
        b"{'single': 'quotes'}",
        b'{"text": "\xff\xfe not UTF-8"}',
    ],
    ids=["truncated", "not-json", "array", "string", "single-quotes", "not-utf8"],
)
def test_malformed_json_body_is_422(
    api: Api, contract: Contract, alice: User | None, subtests: pytest.Subtests, content: bytes
) -> None:
    headers = {**api.auth(alice), "Content-Type": "application/json"}
    for model, subtest in each(contract, subtests):
        with subtest:
            obj = api.new_object(model, alice)
            for method, url in (
                ("POST", model.path),
                ("PUT", model.item(obj["id"])),
                ("PATCH", model.item(obj["id"])),
            ):
                response = api.http.request(method, url, content=content, headers=headers)
                errors = validation_errors(response, f"{method} malformed JSON")
                assert any(e["loc"][0] == "body" for e in errors), describe(response)


def test_unique_field_taken_is_409(api: Api, contract: Contract, alice: User | None, subtests: pytest.Subtests) -> None:
    for model, subtest in each(contract, subtests):
        with subtest:
            if not model.uniques:
                pytest.skip(f"{model.name} has no unique field")
            relations = api.relations(model, alice)
            taken = api.new_object(model, alice, 0)
            other = api.new_object(model, alice, 0)
            for field in model.uniques:
                body = full_payload(model, 0, new_token(), relations) | {field.name: taken[field.name]}
                expect_error(api.request("POST", model.path, alice, json=body), 409)
                patch = {field.name: taken[field.name]}
                expect_error(api.request("PATCH", model.item(other["id"]), alice, json=patch), 409)


# -- ownership and authentication ----------------------------------------------------------------


def test_another_users_object_is_404(
    api: Api, contract: Contract, alice: User | None, bob: User | None, subtests: pytest.Subtests
) -> None:
    if not contract.auth:
        pytest.skip("the spec has no authentication")
    for model, subtest in each(contract, subtests):
        with subtest:
            owned_only(model)
            obj = api.new_object(model, alice)
            body = full_payload(model, 1, new_token(), api.relations(model, bob))
            field = model.fields[0]
            patch = {field.name: different_value(field, obj[field.name], new_token())}
            expect_error(api.request("GET", model.item(obj["id"]), bob), 404)
            expect_error(api.request("PUT", model.item(obj["id"]), bob, json=body), 404)
            expect_error(api.request("PATCH", model.item(obj["id"]), bob, json=patch), 404)
            expect_error(api.request("DELETE", model.item(obj["id"]), bob), 404)
            assert obj["id"] not in {item["id"] for item in api.list(model, bob, limit=100)["items"]}
            assert not differences(model, obj, expect(api.request("GET", model.item(obj["id"]), alice), 200))


def test_owner_id_is_read_only(
    api: Api, contract: Contract, alice: User | None, bob: User | None, subtests: pytest.Subtests
) -> None:
    if not contract.auth or alice is None or bob is None:
        pytest.skip("the spec has no authentication")
    for model, subtest in each(contract, subtests):
        with subtest:
            owned_only(model)
            body = full_payload(model, 0, new_token(), api.relations(model, alice)) | {"owner_id": bob.id}
            response = api.request("POST", model.path, alice, json=body)
            if response.status_code != 422:  # refusing the key is as good as ignoring it
                assert expect(response, 201)["owner_id"] == alice.id, describe(response)
            obj = api.new_object(model, alice)
            response = api.request("PATCH", model.item(obj["id"]), alice, json={"owner_id": bob.id})
            if response.status_code != 422:
                assert expect(response, 200)["owner_id"] == alice.id, describe(response)
            expect_error(api.request("GET", model.item(obj["id"]), bob), 404)


def test_endpoints_need_a_valid_token(
    api: Api, contract: Contract, alice: User | None, subtests: pytest.Subtests
) -> None:
    if not contract.auth:
        pytest.skip("the spec has no authentication")
    for model, subtest in each(contract, subtests):
        with subtest:
            obj = api.new_object(model, alice)
            body = full_payload(model, 1, new_token(), api.relations(model, alice))
            item = model.item(obj["id"])
            operations = {
                "list": ("GET", model.path, None),
                "create": ("POST", model.path, body),
                "read": ("GET", item, None),
                "replace": ("PUT", item, body),
                "update": ("PATCH", item, {}),
                "delete": ("DELETE", item, None),
            }
            for operation, (method, url, json) in operations.items():
                if operation in model.public:
                    continue
                for headers in (None, {"Authorization": "Bearer not-a-token"}):
                    response = api.http.request(method, url, json=json, headers=headers)
                    expect_error(response, 401, f"{operation} with {headers}")
            assert not differences(model, obj, expect(api.request("GET", item, alice), 200))


def test_valid_values_of_every_field_round_trip(
    api: Api, contract: Contract, alice: User | None, subtests: pytest.Subtests
) -> None:
    """Each variant of each field is stored and given back as sent (the datetime variant 1 has +02:00)."""
    for model, subtest in each(contract, subtests):
        with subtest:
            token = new_token()
            for variant in (0, 1, 2):
                body = full_payload(model, variant, token + str(variant), api.relations(model, alice))
                obj = api.create(model, alice, body)
                assert_fields(model, body, obj)
                assert_fields(model, body, expect(api.request("GET", model.item(obj["id"]), alice), 200))
