# The headers Django's SecurityMiddleware and XFrameOptionsMiddleware send by default: every
# backend of this template family sends the same set, on every response.
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}
TOO_LARGE = "Request body too large"
NOT_JSON = "Unsupported media type: send the body as JSON (application/json)"
FORM = "application/x-www-form-urlencoded"


def declared_other_than_json(content_type: str | None) -> bool:
    """A Content-Type is declared and is not JSON (`application/json`, `application/*+json`)."""
    media_type = (content_type or "").partition(";")[0].strip().lower()
    if not media_type:
        return False
    return media_type != "application/json" and not (
        media_type.startswith("application/") and media_type.endswith("+json")
    )


def is_form(content_type: str | None) -> bool:
    """The form encoding, which the token endpoint takes besides JSON (OAuth2 password grant)."""
    return (content_type or "").partition(";")[0].strip().lower() == FORM
