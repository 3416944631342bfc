"""Property-based tests of every operation in the app's own OpenAPI document (schemathesis 4).

Stateless: each operation gets generated valid (positive) and invalid (negative) requests, sent
with the token of a registered user; no response may be a 5xx, and every response must match the
documented status codes and schemas.

The app only exists once the `live_app` fixture has started it, so the schema is loaded inside
the test and each operation is run as a Hypothesis test of its own, reported as a subtest.
(``schemathesis.pytest.from_fixture`` would do the same, but schemathesis 4.32 sets
``Function._nodeid``, which pytest 9.2 no longer has.)
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error, response_schema_conformance, status_code_conformance
from schemathesis.core.result import Ok

from .client import Api

pytestmark = pytest.mark.slow

CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]


def not_a_server_error_but_501(ctx: Any, response: Any, case: Any) -> bool | None:
    """For an endpoint of the spec that is not CRUD: its 501 ``{"detail": "Not implemented"}`` (the
    contract's answer until a person writes its body) is expected; any other 5xx is a failure."""
    if response.status_code == 501:
        assert response.json() == {"detail": "Not implemented"}, f"501 body: {response.text[:500]}"
        return None
    result: bool | None = not_a_server_error(ctx, response, case)
    return result


MAX_EXAMPLES = 25


@pytest.fixture(scope="module")
def api_schema(live_app: str) -> schemathesis.BaseSchema:
    config = schemathesis.Config.from_dict({"base-url": live_app, "request-timeout": 30})
    return schemathesis.openapi.from_url(f"{live_app}/openapi.json", config=config)


@pytest.fixture(scope="module")
def auth_headers(api: Api) -> dict[str, str]:
    """A user's bearer token for every generated request (none when the spec has no auth)."""
    return api.new_user("schemathesis").headers if api.contract.auth else {}


def run_operation(operation: Any, mode: GenerationMode, headers: dict[str, str], custom: bool) -> None:
    checks = [not_a_server_error_but_501, *CHECKS[1:]] if custom else CHECKS

    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,  # the same requests on every run: a failure reproduces
        phases=[Phase.explicit, Phase.generate],  # shrinking would add minutes for little insight
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def check(case: schemathesis.Case[Any]) -> None:
        case.call_and_validate(headers=headers, checks=checks)

    try:
        check()
    except Unsatisfiable:
        if mode is not GenerationMode.NEGATIVE:
            raise
        pytest.skip(f"{operation.label} takes no input that could be made invalid")


@pytest.mark.parametrize("mode", list(GenerationMode), ids=lambda mode: mode.value)
def test_every_operation(
    api_schema: schemathesis.BaseSchema,
    auth_headers: dict[str, str],
    api: Api,
    subtests: pytest.Subtests,
    mode: GenerationMode,
) -> None:
    operations, broken = [], []
    for result in api_schema.get_all_operations():
        if isinstance(result, Ok):
            operations.append(result.ok())
        else:
            broken.append(str(result.err()))
    assert not broken, f"operations schemathesis cannot read: {broken}"
    assert operations, "the OpenAPI document has no operation"
    for operation in operations:
        with subtests.test(msg=f"{mode.value} {operation.label}"):
            custom = api.contract.is_custom(operation.method, operation.path)
            run_operation(operation, mode, auth_headers, custom)
