"""DRF's JSON parser, with JSON nested too deeply for Python's parser a ParseError, which the
contract's exception handler makes a 422 (DRF lets the RecursionError through: a 500).

A module of its own: the REST_FRAMEWORK setting imports it while DRF itself is loading."""

from collections.abc import Mapping
from typing import Any

from rest_framework import exceptions, parsers


class JSONParser(parsers.JSONParser):
    def parse(
        self,
        stream: Any,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            msg = "JSON parse error - nested too deeply"
            raise exceptions.ParseError(msg) from exc
