"""Relationships between resources: references by id, their validation, filters, ordering, and
what deleting a referenced object does (cascade, set_null, protect; many-to-many links).

Each test runs once per relation of the spec, as a subtest named ``Model.key``. Every test makes
the targets it refers to, so that nothing else refers to them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from .client import MISSING_ID, Api, User, describe, expect, expect_error, expect_validation_error
from .payloads import full_payload, new_token, same_reference
from .spec import Contract, Model, Relation

pytestmark = pytest.mark.slow


def each_relation(contract: Contract, subtests: pytest.Subtests) -> Iterator[tuple[Model, Relation, Any]]:
    """Every relation of every model, with a subtest context to run its checks in."""
    relations = [(model, relation) for model in contract.models for relation in model.relations]
    if not relations:
        pytest.skip("the spec has no relationships")
    for model, relation in relations:
        yield model, relation, subtests.test(msg=f"{model.name}.{relation.key}")


def target_model(contract: Contract, relation: Relation) -> Model:
    assert not relation.to_user, relation
    return contract.model(relation.target)


def new_target(api: Api, relation: Relation, user: User | None) -> int:
    """A new object ``relation`` may refer to in ``user``'s bodies (a user: ``user`` itself)."""
    if relation.to_user:
        assert user is not None
        return user.id
    target_id: int = api.new_object(target_model(api.contract, relation), user)["id"]
    return target_id


def referrer(api: Api, model: Model, relation: Relation, user: User | None, *targets: int) -> dict[str, Any]:
    """A new object of ``model`` whose ``relation`` refers to ``targets`` (the rest as usual)."""
    body = full_payload(model, 0, new_token(), api.relations(model, user))
    body[relation.key] = relation.value(*targets)
    obj = api.create(model, user, body)
    assert same_reference(relation, body[relation.key], obj[relation.key]), f"{relation.key}: {obj}"
    return obj


def read(api: Api, model: Model, object_id: int, user: User | None) -> dict[str, Any]:
    obj: dict[str, Any] = expect(api.request("GET", model.item(object_id), user), 200, f"GET {model.name}")
    return obj


def expect_refused(
    api: Api,
    model: Model,
    relation: Relation,
    user: User | None,
    obj: dict[str, Any],
    value: Any,
    methods: tuple[str, ...],
    label: str,
) -> None:
    """Sending ``value`` as ``relation`` with each of ``methods`` is a 422 on that key: a new
    object (POST), a replacement (PUT) or a change of ``obj`` (PATCH)."""
    body = full_payload(model, 0, new_token(), api.relations(model, user)) | {relation.key: value}
    requests = {
        "POST": (model.path, body),
        "PUT": (model.item(obj["id"]), body),
        "PATCH": (model.item(obj["id"]), {relation.key: value}),
    }
    for method in methods:
        path, sent = requests[method]
        response = api.request(method, path, user, json=sent)
        expect_validation_error(response, "body", relation.key, context=f"{method} {relation.key}={label}")


# -- references by id ----------------------------------------------------------------------------


def test_reference_to_a_missing_object_is_422(
    api: Api, contract: Contract, alice: User | None, subtests: pytest.Subtests
) -> None:
    for model, relation, subtest in each_relation(contract, subtests):
        with subtest:
            obj = api.new_object(model, alice)
            missing = relation.value(MISSING_ID)
            expect_refused(api, model, relation, alice, obj, missing, ("POST", "PUT", "PATCH"), str(missing))
            if relation.many:  # one missing id among valid ones is refused all the same
                mixed = [new_target(api, relation, alice), MISSING_ID]
                expect_refused(api, model, relation, alice, obj, mixed, ("PATCH",), str(mixed))
            assert read(api, model, obj["id"], alice) == obj, "a refused reference changed the object"


def test_reference_to_another_users_object_is_422(
    api: Api, contract: Contract, alice: User | None, bob: User | None, subtests: pytest.Subtests
) -> None:
    """Where the target is owned by users, bob's objects do not exist for alice: a 422, as if missing."""
    if not contract.auth:
        pytest.skip("the spec has no authentication")
    for model, relation, subtest in each_relation(contract, subtests):
        with subtest:
            if relation.to_user or not relation.target_owned:
                pytest.skip(f"{relation.target} is not owned by users")
            theirs = relation.value(new_target(api, relation, bob))
            obj = api.new_object(model, alice)
            expect_refused(api, model, relation, alice, obj, theirs, ("POST", "PATCH"), "bob's")
            assert read(api, model, obj["id"], alice) == obj, "a refused reference changed the object"


def test_shared_targets_may_be_referred_to_by_every_user(
    api: Api, contract: Contract, alice: User | None, bob: User | None, subtests: pytest.Subtests
) -> None:
    """A target not owned by users is shared: bob may refer to what alice created."""
    if not contract.auth:
        pytest.skip("the spec has no authentication")
    for model, relation, subtest in each_relation(contract, subtests):
        with subtest:
            if relation.to_user or relation.target_owned:
                pytest.skip(f"{relation.target} is owned by users (or is User)")
            shared = new_target(api, relation, alice)
            obj = referrer(api, model, relation, bob, shared)
            assert same_reference(relation, relation.value(shared), read(api, model, obj["id"], bob)[relation.key])


def test_required_and_optional_references(
    api: Api, contract: Contract, alice: User | None, subtests: pytest.Subtests
) -> None:
    """A required many-to-one must be given and cannot be null; an optional one left out is null and
    may be set and emptied again; so may a many-to-many (the empty list)."""
    for model, relation, subtest in each_relation(contract, subtests):
        with subtest:
            obj = api.new_object(model, alice)
            url = model.item(obj["id"])
            body = full_payload(model, 0, new_token(), api.relations(model, alice))
            without = {k: v for k, v in body.items() if k != relation.key}
            if relation.required:
                response = api.request("POST", model.path, alice, json=without)
                expect_validation_error(response, "body", relation.key, context=f"POST without {relation.key}")
                response = api.request("POST", model.path, alice, json=body | {relation.key: None})
                expect_validation_error(response, "body", relation.key, context=f"POST {relation.key}=null")
                response = api.request("PUT", url, alice, json=without)
                expect_validation_error(response, "body", relation.key, context=f"PUT without {relation.key}")
                response = api.request("PATCH", url, alice, json={relation.key: None})
                expect_validation_error(response, "body", relation.key, context=f"PATCH {relation.key}=null")
                assert read(api, model, obj["id"], alice) == obj
                continue
            created = api.create(model, alice, without)
            assert created[relation.key] == relation.value(), f"{relation.key} left out: {created[relation.key]!r}"
            linked = relation.value(*([new_target(api, relation, alice)] if not relation.to_self else [created["id"]]))
            response = api.request("PATCH", url, alice, json={relation.key: linked})
            assert same_reference(relation, linked, expect(response, 200)[relation.key]), describe(response)
            response = api.request("PATCH", url, alice, json={relation.key: relation.value()})
            assert expect(response, 200)[relation.key] == relation.value(), describe(response)
            assert read(api, model, obj["id"], alice)[relation.key] == relation.value()


def test_many_to_many_takes_several_objects(
    api: Api, contract: Contract, alice: User | None, subtests: pytest.Subtests
) -> None:
    for model, relation, subtest in each_relation(contract, subtests):
        with subtest:
            if not relation.many or relation.to_user:
                pytest.skip(f"{relation.key} is not a many-to-many to a resource")
            if relation.to_self:
                targets = [api.new_object(model, alice)["id"] for _ in range(3)]
            else:
                targets = [new_target(api, relation, alice) for _ in range(3)]
            obj = referrer(api, model, relation, alice, *targets[:2])
            response = api.request("PATCH", model.item(obj["id"]), alice, json={relation.key: targets[1:]})
            assert sorted(expect(response, 200)[relation.key]) == sorted(targets[1:]), describe(response)
            assert sorted(read(api, model, obj["id"], alice)[relation.key]) == sorted(targets[1:])


# -- filters and ordering ------------------------------------------------------------------------


def _two_targets(api: Api, model: Model, relation: Relation, user: User | None) -> list[int | None]:
    """Two distinct values a many-to-one of ``user``'s objects may take (None: no reference)."""
    if relation.to_self:
        return [api.new_object(model, user)["id"], api.new_object(model, user)["id"]]
    if relation.to_user:
        assert user is not None
        return [user.id, None] if not relation.required else [user.id]
    return [new_target(api, relation, user), new_target(api, relation, user)]


@pytest.fixture(scope="module")
def carol(api: Api) -> User | None:
    """A user of her own for the list tests, so that her lists hold only what they made."""
    return api.new_user("carol") if api.contract.auth else None


def test_filter_by_reference(api: Api, contract: Contract, carol: User | None, subtests: pytest.Subtests) -> None:
    user = carol
    for model, relation, subtest in each_relation(contract, subtests):
        with subtest:
            if relation.many:
                pytest.skip(f"{relation.key} is a many-to-many")
            targets = _two_targets(api, model, relation, user)
            if len(targets) < 2:
                pytest.skip(f"{relation.key} can take one value only here")
            objects = [referrer(api, model, relation, user, *([t] if t is not None else [])) for t in targets]
            for wanted in targets:
                if wanted is None:
                    continue
                items = api.list_all(model, user, **{relation.key: wanted})
                ids = {item["id"] for item in items}
                expected = {o["id"] for o in objects if o[relation.key] == wanted}
                ours = {o["id"] for o in objects}
                assert ids & ours == expected, f"?{relation.key}={wanted} gave {sorted(ids)}"
                assert all(item[relation.key] == wanted for item in items), f"?{relation.key}= let others in"
            response = api.request("GET", model.path, user, params={relation.key: "not-an-id"})
            expect_validation_error(response, "query", relation.key)


def test_order_by_reference(api: Api, contract: Contract, carol: User | None, subtests: pytest.Subtests) -> None:
    user = carol
    for model, relation, subtest in each_relation(contract, subtests):
        with subtest:
            if relation.many or relation.to_user:
                pytest.skip(f"{relation.key} is a many-to-many or refers to users")
            if relation.to_self:
                targets = [api.new_object(model, user)["id"] for _ in range(3)]
            else:
                targets = [new_target(api, relation, user) for _ in range(3)]
            # Referrers made in the order 2, 0, 1 of their targets: id order is not target order.
            ours = {referrer(api, model, relation, user, targets[i])["id"] for i in (2, 0, 1)}
            for descending in (False, True):
                order_by = f"-{relation.key}" if descending else relation.key
                items = api.list_all(model, user, order_by=order_by)
                found = [item[relation.key] for item in items if item["id"] in ours]
                assert found == sorted(targets, reverse=descending), f"order_by={order_by} gave {found}"


# -- deleting a referenced object ----------------------------------------------------------------


def test_deleting_a_referenced_object(
    api: Api, contract: Contract, alice: User | None, subtests: pytest.Subtests
) -> None:
    """cascade deletes the referrers, set_null empties their reference, protect refuses with 409
    (until nothing refers to the target any more); a many-to-many link simply disappears."""
    for model, relation, subtest in each_relation(contract, subtests):
        with subtest:
            if relation.to_user:
                pytest.skip("users are not deleted through the API")
            target = target_model(contract, relation)
            target_id = api.new_object(target, alice)["id"]
            obj = referrer(api, model, relation, alice, target_id)
            # A bystander that refers to another target must come through untouched.
            bystander = referrer(api, model, relation, alice, api.new_object(target, alice)["id"])
            response = api.request("DELETE", target.item(target_id), alice)
            after = api.request("GET", model.item(obj["id"]), alice)
            if relation.on_delete == "protect" and not relation.many:
                expect_error(response, 409, f"DELETE {target.name} still referred to by {model.name}")
                assert expect(after, 200)[relation.key] == target_id, describe(after)
                read(api, target, target_id, alice)
                expect(api.request("DELETE", model.item(obj["id"]), alice), 204)
                expect(api.request("DELETE", target.item(target_id), alice), 204, "DELETE once unreferenced")
            else:
                assert response.status_code == 204, describe(response)
                if relation.many:
                    assert expect(after, 200)[relation.key] == [], describe(after)
                elif relation.on_delete == "set_null":
                    assert expect(after, 200)[relation.key] is None, describe(after)
                else:
                    expect_error(after, 404, f"{model.name} after its {relation.name} was deleted (cascade)")
                    assert obj["id"] not in {item["id"] for item in api.list_all(model, alice)}
            expect_error(api.request("GET", target.item(target_id), alice), 404)
            assert read(api, model, bystander["id"], alice)[relation.key] == bystander[relation.key]


def test_openapi_documents_409_on_deleting_a_protected_target(api: Api, contract: Contract) -> None:
    """The OpenAPI document describes every response of an endpoint, so DELETE of a model that a
    `protect` relation refers to lists 409."""
    protected = {r.target for m in contract.models for r in m.foreign_keys if r.on_delete == "protect"}
    protected.discard("User")
    if not protected:
        pytest.skip("no relation of the spec protects its target")
    paths: dict[str, Any] = expect(api.http.get("/openapi.json"), 200)["paths"]
    missing = []
    for name in sorted(protected):
        model = contract.model(name)
        item = next(p for p in paths if re.fullmatch(re.escape(model.path) + r"/\{[A-Za-z_]+\}", p))
        if "409" not in paths[item]["delete"]["responses"]:
            missing.append(f"DELETE {item}: {sorted(paths[item]['delete']['responses'])}")
    assert not missing, f"409 is not documented for: {missing}"
