"""Writes to the organisation tree."""

from __future__ import annotations

from django.db import transaction

from ..models import Organisation
from .base import ActionError, audit


def _snapshot(org: Organisation) -> dict:
    return {"name": org.name, "parent": org.parent_id, "category": org.category,
            "secretary": org.secretary, "affairs_worker": org.affairs_worker,
            "member_count": org.member_count}


@transaction.atomic
def do_create_organisation(actor, *, name: str, parent: Organisation | None = None,
                           category: str = "", secretary: str = "", affairs_worker: str = "",
                           member_count: int | None = None) -> Organisation:
    name = (name or "").strip()
    if not name:
        raise ActionError("组织名称不能为空", {"name": "组织名称不能为空"})
    if Organisation.objects.filter(parent=parent, name=name).exists():
        raise ActionError(f"「{parent or '顶层'}」下已有名为「{name}」的组织", {"name": "同一上级下名称重复"})
    org = Organisation.objects.create(name=name, parent=parent, category=category,
                                      secretary=secretary, affairs_worker=affairs_worker,
                                      member_count=member_count)
    org.path = org.compute_path()
    org.save(update_fields=["path"])
    audit(actor, "organisation.create", org, organisation=org, after=_snapshot(org))
    return org
