"""Answers every operation of the API can give, documented once rather than on each view.

drf-spectacular documents what a view declares. These answers come from the framework around the
views instead, so a view that does not declare them would be documented as never giving them:
- any operation: 401 when an agency token is refused, 403 when the caller is not signed in or their
  role may not take the action (the permission matrix);
- a paginated list: 400 when a filter's value is not valid, 404 for a page past the last or a
  cursor the API did not make;
- an operation that takes a body: 415 when the body is in a format the API does not read.
"""

METHODS = {"get", "put", "patch", "post", "delete"}

ANY_OPERATION = {
    "401": "The agency token is not valid, or has been revoked.",
    "403": "Not signed in, or your role may not take this action.",
}
PAGINATED_LIST = {
    "400": "A filter's value is not valid: parameter name to a list of messages.",
    "404": (
        "No such page, a cursor not taken from a `next` or `previous` link, or (under a case) "
        "no such case that you may see."
    ),
}
PAGE_PARAMETERS = {"page", "cursor"}
WITH_BODY = {"415": "The body is not in a format the API reads: send JSON."}


def document_common_answers(result: dict, generator, request, public) -> dict:
    """drf-spectacular postprocessing hook: add the answers above where a view left them out."""
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if method not in METHODS:
                continue
            responses = operation.setdefault("responses", {})
            answers = dict(ANY_OPERATION)
            parameters = {parameter.get("name") for parameter in operation.get("parameters", [])}
            if method == "get" and parameters & PAGE_PARAMETERS:
                answers.update(PAGINATED_LIST)
            if "requestBody" in operation:
                answers.update(WITH_BODY)
            for code, description in answers.items():
                responses.setdefault(code, {"description": description})
    return result
