"""Thin views, one module per area: parse the request, call an action or a query, render."""


def optional_int(value) -> int | None:
    """A query-string or form value as an int; None when it is missing or not a number."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
