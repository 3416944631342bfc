"""Black-box contract suite: starts a generated project and checks docs/api-contract.md over HTTP.

It knows a generated project only through its operating contract (``make migrate``, ``make run``
with ``HOST`` and ``PORT``), its spec and HTTP, so every framework's template reuses it unchanged.
"""
