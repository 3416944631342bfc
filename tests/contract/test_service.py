"""Service endpoints and general rules of the contract: health, OpenAPI, docs, 404 and 405."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx
import jsonschema
import pytest
from schemathesis.specs.openapi.definitions import OPENAPI_30, OPENAPI_31
from support import Project

from .client import Api, User, describe, expect, expect_error
from .server import WORKER_READY, free_port, serve, task_library
from .spec import Contract, path_shape

pytestmark = pytest.mark.slow

ITEM_PATH = r"/\{[A-Za-z_][A-Za-z0-9_]*\}"


def test_health(api: Api) -> None:
    response = api.http.get("/health")
    assert expect(response, 200) == {"status": "ok"}
    assert response.headers["content-type"].startswith("application/json")


def queue_health(project: Project) -> dict[str, str]:
    """What /health/ready says of the broker when it answers: nothing without a task queue."""
    return {"broker": "ok"} if task_library(project) in WORKER_READY else {}


def test_health_ready_sees_the_database(api: Api, project: Project) -> None:
    body = expect(api.http.get("/health/ready"), 200)
    assert body == {"status": "ok", "database": "ok", **queue_health(project)}


def _unreachable(database_url: str, tmp_path: Path) -> str:
    """A database URL of the same kind as ``database_url`` that cannot be reached."""
    if database_url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'no-such-directory' / 'app.db'}"
    scheme = database_url.split("://", 1)[0]
    return f"{scheme}://nobody:secret@127.0.0.1:{free_port()}/nothing"


def test_health_ready_is_503_while_the_database_is_unreachable(project: Project, tmp_path: Path) -> None:
    """A second server on a database that is not there: /health stays 200, /health/ready is 503."""
    url = _unreachable(project.database_url, tmp_path)
    with serve(project, tmp_path / "server.log", DATABASE_URL=url) as base_url:
        assert httpx.get(f"{base_url}/health", timeout=30).json() == {"status": "ok"}
        response = httpx.get(f"{base_url}/health/ready", timeout=30)
        assert response.status_code == 503, describe(response)
        expected = {"status": "unavailable", "database": "error", **queue_health(project)}
        assert response.json() == expected, describe(response)


@pytest.fixture(scope="module")
def openapi(api: Api) -> dict[str, Any]:
    document: dict[str, Any] = expect(api.http.get("/openapi.json"), 200)
    return document


def test_openapi_is_a_valid_openapi_3_document(openapi: dict[str, Any]) -> None:
    version = str(openapi.get("openapi", ""))
    assert version.startswith("3."), f"not OpenAPI 3: {version!r}"
    # The OpenAPI Initiative's JSON Schema of the document (as shipped with schemathesis). Formats
    # are annotations there, not assertions: OpenAPI allows relative URLs such as the password
    # flow's `tokenUrl: /api/v1/auth/token`, which a `format: uri` assertion would refuse.
    meta = OPENAPI_30 if version.startswith("3.0") else OPENAPI_31
    jsonschema.validators.validator_for(meta)(meta).validate(openapi)


def _operation(openapi: dict[str, Any], path: str, method: str) -> dict[str, Any]:
    """The operation of ``method path``; path parameters match whatever their names."""
    paths: dict[str, Any] = openapi["paths"]
    found = [p for p in paths if path_shape(p) == path_shape(path)]
    assert found, f"{path} is not in the OpenAPI paths {sorted(paths)}"
    assert method in paths[found[0]], f"{method.upper()} {path} is not in the OpenAPI document"
    operation: dict[str, Any] = paths[found[0]][method]
    return operation


def _json_schema(container: dict[str, Any], what: str) -> dict[str, Any]:
    content = container.get("content", {})
    assert "application/json" in content, f"{what} has no application/json content: {container}"
    schema: dict[str, Any] = content["application/json"].get("schema", {})
    assert schema, f"{what} has no schema"
    return schema


def _item_path(openapi: dict[str, Any], collection: str) -> str:
    matches: list[str] = [p for p in openapi["paths"] if re.fullmatch(re.escape(collection) + ITEM_PATH, p)]
    assert len(matches) == 1, f"expected one item path under {collection}, got {matches}"
    return matches[0]


def test_openapi_describes_every_crud_operation(openapi: dict[str, Any], contract: Contract) -> None:
    schemas = openapi.get("components", {}).get("schemas", {})
    for model in contract.models:
        item = _item_path(openapi, model.path)
        for path, method, status in (
            (model.path, "get", "200"),
            (model.path, "post", "201"),
            (item, "get", "200"),
            (item, "put", "200"),
            (item, "patch", "200"),
        ):
            operation = _operation(openapi, path, method)
            what = f"{method.upper()} {path}"
            assert status in operation.get("responses", {}), f"{what} documents no {status} response"
            _json_schema(operation["responses"][status], f"{what} response {status}")
            if method in ("post", "put", "patch"):
                assert "requestBody" in operation, f"{what} documents no request body"
                _json_schema(operation["requestBody"], f"{what} request body")
        delete = _operation(openapi, item, "delete")
        assert "204" in delete.get("responses", {}), f"DELETE {item} documents no 204 response"
        for suffix in ("Create", "Update", "Response"):
            name = f"{model.name}{suffix}"
            assert name in schemas, f"schema {name} missing: {sorted(schemas)}"


def test_openapi_describes_the_auth_endpoints(openapi: dict[str, Any], contract: Contract) -> None:
    if not contract.auth:
        pytest.skip("the spec has no authentication")
    by_method = {
        "JWT": [("/auth/refresh", "post")],
        "OAuth2": [("/auth/refresh", "post")],
        "Token": [("/auth/tokens", "get"), ("/auth/tokens", "post"), ("/auth/tokens/{id}", "delete")],
    }
    local = [("/auth/register", "post"), ("/auth/token", "post")] if contract.local else []
    for path, method in [*local, ("/users/me", "get"), *by_method[contract.method]]:
        operation = _operation(openapi, contract.prefix + path, method)
        if method == "delete":
            assert "204" in operation.get("responses", {}), f"DELETE {path} documents no 204"
            continue
        ok = "201" if (path, method) in (("/auth/register", "post"), ("/auth/tokens", "post")) else "200"
        assert ok in operation.get("responses", {}), f"{method.upper()} {path} documents no {ok}"
        _json_schema(operation["responses"][ok], f"{method.upper()} {path} response")
        if method == "post":
            assert "requestBody" in operation, f"POST {path} documents no request body"


class _Assets(HTMLParser):
    """The script and stylesheet URLs of an HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script" and values.get("src"):
            self.urls.append(str(values["src"]))
        if tag == "link" and "stylesheet" in (values.get("rel") or "").lower() and values.get("href"):
            self.urls.append(str(values["href"]))


def test_docs_render_without_internet(api: Api) -> None:
    response = api.http.get("/docs")
    assert response.status_code == 200, describe(response)
    assert response.headers.get("content-type", "").startswith("text/html"), describe(response)
    parser = _Assets()
    parser.feed(response.text)
    assert any("swagger" in url.lower() for url in parser.urls), f"no Swagger UI assets in {parser.urls}"
    own = urlsplit(api.base_url).netloc
    for url in parser.urls:
        absolute = urljoin(f"{api.base_url}/docs", url)
        assert urlsplit(absolute).netloc == own, f"/docs loads {url} from another host (offline docs break)"
        asset = api.http.get(absolute)
        assert asset.status_code == 200 and asset.content, f"asset {url}" + describe(asset)


@pytest.mark.parametrize("path", ["/no-such-path", "{prefix}/no-such-resource", "{prefix}/no/such/thing"])
def test_unknown_path_is_404_json(api: Api, path: str) -> None:
    expect_error(api.http.get(path.format(prefix=api.prefix)), 404)


def test_wrong_method_is_405_json(api: Api, contract: Contract, alice: User | None) -> None:
    expect_error(api.http.delete("/health"), 405)
    expect_error(api.http.put("/health/ready", json={}), 405)
    # Authenticated, so that no framework may answer 401 before it looks at the method.
    for model in contract.models:
        expect_error(api.request("PATCH", model.path, alice, json={}), 405)
        expect_error(api.request("POST", model.item(1), alice, json={}), 405)
