"""Writes to the organisation tree: create, edit, move, delete, and import from a workbook.

Callers (views) check that the actor administers the organisations involved; these actions
keep the tree itself sound: names unique under one parent, ``path`` right for every
organisation after a move, no organisation under its own descendant, nothing deleted that
something still refers to.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import CharField, QuerySet, Value
from django.db.models.functions import Concat, Substr

from ..models import AuditEntry, Organisation
from ..orgimport import Known, SheetProblems, read_plan
from .base import ActionError, audit


class ImportRefused(ActionError):
    """An import that saved nothing; ``problems`` lists every cell problem."""

    def __init__(self, problems: list[str]):
        super().__init__(f"导入失败：共 {len(problems)} 处问题，未导入任何组织。")
        self.problems = problems


def _snapshot(org: Organisation) -> dict:
    return {"name": org.name, "parent": org.parent_id, "category": org.category,
            "secretary": org.secretary, "affairs_worker": org.affairs_worker,
            "member_count": org.member_count}


def _check_name(name: str, parent: Organisation | None, exclude: Organisation | None = None) -> str:
    name = (name or "").strip()
    if not name:
        raise ActionError("组织名称不能为空", {"name": "组织名称不能为空"})
    siblings = Organisation.objects.filter(parent=parent, name=name)
    if exclude is not None:
        siblings = siblings.exclude(pk=exclude.pk)
    if siblings.exists():
        raise ActionError(f"「{parent or '顶层'}」下已有名为「{name}」的组织", {"name": "同一上级下名称重复"})
    return name


def _create(actor, *, name: str, parent: Organisation | None, reason: str = "",
            **details) -> Organisation:
    org = Organisation.objects.create(name=name, parent=parent, **details)
    org.path = org.compute_path()
    org.save(update_fields=["path"])
    audit(actor, "organisation.create", org, organisation=org, after=_snapshot(org), reason=reason)
    return org


@transaction.atomic
def do_create_organisation(actor, *, name: str, parent: Organisation | None = None,
                           category: str = "", secretary: str = "", affairs_worker: str = "",
                           member_count: int | None = None) -> Organisation:
    name = _check_name(name, parent)
    return _create(actor, name=name, parent=parent, category=category, secretary=secretary,
                   affairs_worker=affairs_worker, member_count=member_count)


@transaction.atomic
def do_update_organisation(actor, org: Organisation, *, name: str, category: str = "",
                           secretary: str = "", affairs_worker: str = "",
                           member_count: int | None = None) -> Organisation:
    """Change an organisation's own details (not its place in the tree: see the move)."""
    before = _snapshot(org)
    org.name = _check_name(name, org.parent, exclude=org)
    org.category, org.secretary, org.affairs_worker = category, secretary, affairs_worker
    org.member_count = member_count
    org.save(update_fields=["name", "category", "secretary", "affairs_worker", "member_count"])
    if _snapshot(org) != before:
        audit(actor, "organisation.update", org, organisation=org, before=before,
              after=_snapshot(org))
    return org


@transaction.atomic
def do_move_organisation(actor, org: Organisation, new_parent: Organisation) -> Organisation:
    """Put ``org`` and its whole subtree under ``new_parent``, rewriting every ``path``."""
    # Lock both rows (in id order, so two opposite moves cannot deadlock) and re-read their
    # paths: a move committed meanwhile may have made new_parent a descendant of org.
    locked = {o.pk: o for o in Organisation.objects.select_for_update()
              .filter(pk__in=[org.pk, new_parent.pk]).order_by("pk")}
    org, new_parent = locked[org.pk], locked[new_parent.pk]
    if new_parent.is_within(org):
        raise ActionError(f"不能把「{org}」移到它自己或它的下级组织「{new_parent}」之下",
                          {"parent": "不能移到自己或自己的下级组织之下"})
    if org.parent_id == new_parent.pk:
        raise ActionError(f"「{org}」已在「{new_parent}」之下", {"parent": "上级组织没有变化"})
    _check_name(org.name, new_parent, exclude=org)
    before = {"parent": org.parent_id, "parent_name": str(org.parent or ""), "path": org.path}
    old_path = org.path
    org.parent = new_parent
    org.path = org.compute_path()
    org.save(update_fields=["parent"])
    # one statement for the whole subtree: new prefix + what follows the old prefix
    Organisation.objects.filter(path__startswith=old_path).update(path=Concat(
        Value(org.path), Substr("path", len(old_path) + 1), output_field=CharField()))
    audit(actor, "organisation.move", org, organisation=org, before=before,
          after={"parent": new_parent.pk, "parent_name": new_parent.name, "path": org.path})
    return org


def references(org: Organisation) -> list[tuple[str, int]]:
    """What still refers to ``org`` (label, count), the audit trail aside."""
    found = []
    for rel in Organisation._meta.get_fields(include_hidden=True):
        if not (rel.auto_created and not rel.concrete) or rel.related_model is AuditEntry:
            continue
        n = rel.related_model._default_manager.filter(**{rel.field.name: org}).count()
        if n:
            label = "下级组织" if rel.related_model is Organisation else str(
                rel.related_model._meta.verbose_name)
            found.append((label, n))
    return found


@transaction.atomic
def do_delete_organisation(actor, org: Organisation, reason: str = "") -> None:
    """Delete an organisation nothing refers to; its audit rows pass to its parent."""
    org = Organisation.objects.select_for_update().get(pk=org.pk)
    found = references(org)
    if found:
        listed = "、".join(f"{label}（{n}）" for label, n in found)
        raise ActionError(f"「{org}」仍被引用，不能删除：{listed}。请先移走或删除这些内容。")
    audit(actor, "organisation.delete", org, organisation=org.parent, before=_snapshot(org),
          reason=reason)
    # The trail stays readable by the admins above: rows about this organisation now hang
    # on its parent (their object_type/object_id and before/after still name it).
    AuditEntry.objects.filter(organisation=org).update(organisation=org.parent)
    org.delete()


@transaction.atomic
def do_import_organisations(actor, upload, *, within: QuerySet[Organisation]) -> list[Organisation]:
    """Create every organisation of an import workbook, or none (``ImportRefused``).

    Parents are looked up among ``within`` (the actor's subtree) and the sheet's own rows.
    """
    existing = {o.pk: o for o in within}
    filename = getattr(upload, "name", "") or ""
    try:
        plan = read_plan(upload, [Known(o.pk, o.name, o.parent_id) for o in existing.values()],
                         filename)
    except SheetProblems as exc:
        raise ImportRefused(exc.problems) from None
    created: dict[int, Organisation] = {}
    for row in plan:
        kind, ref = row.parent_key
        parent = existing[ref] if kind == "org" else created[ref]
        created[row.number] = _create(
            actor, name=row.name, parent=parent, category=row.category,
            secretary=row.secretary, affairs_worker=row.affairs_worker,
            member_count=row.member_count, reason=f"从「{filename}」第 {row.number} 行导入")
    return list(created.values())
