"""Uploaded files kept with an appeal or a rectification report: checked like record
evidence (``records.evidence_problem``) and stored under a random name, the original name
kept for the download."""

from __future__ import annotations

import os
import uuid

from .base import ActionError
from .records import evidence_problem


def upload_name(upload) -> str:
    """The upload's own file name, without any folder a browser sent."""
    return os.path.basename((upload.name or "").replace("\\", "/")).strip()[:255]


def checked_upload(upload, field: str = "file") -> str:
    """The upload's name once it may be kept; ActionError naming ``field`` otherwise."""
    name = upload_name(upload)
    problem = evidence_problem(name, upload.size or 0)
    if problem:
        raise ActionError(f"{name}：{problem}", {field: f"{name}：{problem}"})
    return name


def save_upload(file_field, upload, name: str) -> None:
    """Write ``upload`` into ``file_field`` under a random name with its extension."""
    file_field.save(f"{uuid.uuid4().hex}{os.path.splitext(name)[1].lower()}", upload,
                    save=False)
