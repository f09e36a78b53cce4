"""Thin views, one module per area: parse the request, call an action or a query, render."""

from django.http import FileResponse, Http404


def optional_int(value) -> int | None:
    """A query-string or form value as an int; None when it is missing or not a number."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def attachment(field_file, filename: str, content_type: str | None = None) -> FileResponse:
    """A stored file as a download under its original name; 404 when it is gone."""
    try:
        handle = field_file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=filename,
                        content_type=content_type or "application/octet-stream")
