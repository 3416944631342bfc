"""`/openapi.json` and Swagger UI, served with its own assets so `/docs` works offline."""

from importlib.util import find_spec
from pathlib import Path

from flask import Blueprint, Response, current_app, jsonify, send_from_directory

from .openapi import openapi_document

docs = Blueprint("docs", __name__)

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>{title} - API docs</title>
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
  <link rel="icon" type="image/png" href="/docs/assets/favicon-32x32.png">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/assets/swagger-ui-bundle.js"></script>
  <script>
    SwaggerUIBundle({{
      url: "/openapi.json",
      dom_id: "#swagger-ui",
      oauth2RedirectUrl: window.location.origin + "/docs/oauth2-redirect",
    }});
  </script>
</body>
</html>
"""


def assets_directory() -> Path:
    """The static files of the `swagger-ui-py` package, found without importing it."""
    spec = find_spec("swagger_ui")
    if spec is None or not spec.submodule_search_locations:
        msg = "the swagger-ui-py package is not installed"
        raise RuntimeError(msg)
    return Path(spec.submodule_search_locations[0]) / "static"


@docs.get("/openapi.json")
def openapi_json() -> Response:
    document = current_app.extensions.get("openapi")
    if document is None:
        document = openapi_document(current_app, current_app.config["API_TITLE"], "0.1.0")
        current_app.extensions["openapi"] = document
    return jsonify(document)


@docs.get("/docs")
def swagger_ui() -> Response:
    page = PAGE.format(title=current_app.config["API_TITLE"])
    return Response(page, mimetype="text/html")


@docs.get("/docs/oauth2-redirect")
def swagger_ui_redirect() -> Response:
    return send_from_directory(assets_directory(), "oauth2-redirect.html")


@docs.get("/docs/assets/<path:filename>")
def assets(filename: str) -> Response:
    return send_from_directory(assets_directory(), filename)
