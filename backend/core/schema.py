"""The OpenAPI schema says the truth: every operation documents the error answers it can give.

drf-spectacular documents the success response of each view; the errors come from one exception handler
(backend/core/api.py) in one shape, for every operation. This hook adds that shape for the statuses each
operation can answer with, so that clients and schemathesis' conformance checks see them.
"""

ERROR_SCHEMA = {
    "type": "object",
    "required": ["detail", "errors"],
    "properties": {
        "detail": {"type": "string", "description": "the first error in English"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["field", "code", "ja", "en"],
                "properties": {
                    "field": {"type": "string", "nullable": True,
                              "description": "the field, parameter or file at fault"},
                    "code": {"type": "string"},
                    "ja": {"type": "string"},
                    "en": {"type": "string"},
                    "row": {"type": "integer", "nullable": True, "description": "imports: the spreadsheet row"},
                    "column": {"type": "string", "nullable": True, "description": "imports: the column header"},
                },
            },
        },
    },
}

DESCRIPTIONS = {
    "400": "The input is not valid: each error names the field and the problem in Japanese and English.",
    "401": "Not signed in, or the token expired or was revoked.",
    "403": "Signed in, but the role or scope does not allow this.",
    "404": "No such object in the user's scope (objects outside it are not revealed), or no such page.",
    "409": "The request conflicts with the current state (a business rule, a concurrent change).",
    "429": "Too many failed logins or requests; try again later.",
}
WRITES = {"post", "put", "patch", "delete"}


def _statuses(method: str, has_parameters: bool) -> list[str]:
    statuses = ["401", "403", "404", "429"]
    if method in WRITES or has_parameters:
        statuses.append("400")
    if method in WRITES:
        statuses.append("409")
    return statuses


def add_error_responses(result, generator, request, public):
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components["Error"] = ERROR_SCHEMA
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            for status in _statuses(method, bool(operation.get("parameters"))):
                responses.setdefault(status, {
                    "description": DESCRIPTIONS[status],
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                })
    return result
