"""The audit trail read back for the history pages: one record's, or one unit's."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from ..models import AuditEntry, Evidence, Organisation, Publication, Record, ScoringRun

#: what the audit actions are called on the pages: every action an ``audit()`` call writes
#: has its label here (tests/web/test_history_action_labels.py fails for one that has none)
ACTION_LABELS = {
    # records and their evidence
    "record.create": "新建记录", "record.update": "修改记录", "record.save": "保存记录",
    "record.submit": "提交", "record.delete": "删除记录", "record.import": "导入记录",
    "record.accept": "核查通过", "record.return": "退回", "record.adjust": "核查调整",
    "record.correct": "公示后更正", "record.correct_add": "公示后补录",
    "record.correct_withdraw": "公示后撤销", "record.correct_delete": "公示后删除草稿",
    "record.withdraw": "重开测评，撤回结果记录",
    "evidence.attach": "上传佐证材料", "evidence.upload": "上传佐证材料",
    "evidence.delete": "删除佐证材料", "evidence.correct_attach": "公示后补充佐证材料",
    # scoring and publication
    "scoring.run": "评分", "publication.publish": "公示", "publication.revise": "发布更正版",
    "appeal.file": "提出申诉", "appeal.answer": "答复申诉", "problem.open": "登记整改问题",
    "problem.report": "报送整改情况", "problem.review": "审核整改情况",
    "followup.open": "登记结果运用事项", "followup.done": "办结结果运用事项",
    # evaluation ballots
    "ballot.create": "新建测评", "ballot.issue": "发放投票码", "ballot.close": "结束测评",
    "ballot.reopen": "重新开启测评",
    # the organisation tree, assessments, people
    "organisation.create": "新建组织", "organisation.update": "修改组织",
    "organisation.move": "调整上级组织", "organisation.delete": "删除组织",
    "assessment.create": "新建考核", "assessment.update": "修改考核",
    "assessment.settings": "修改考核参数",
    "user.create": "新建用户", "user.reset_password": "重置密码", "user.activate": "启用账号",
    "user.deactivate": "停用账号", "role.grant": "授予角色", "role.revoke": "撤销角色",
    "reminders.send": "发送填报提醒",
}


def _record_q(record_ids: list[int]) -> Q:
    evidence = Evidence.objects.filter(record_id__in=record_ids).values_list("pk", flat=True)
    return (Q(object_type="record", object_id__in=[str(i) for i in record_ids])
            | Q(object_type="evidence", object_id__in=[str(i) for i in evidence]))


def record_history(record: Record) -> QuerySet[AuditEntry]:
    return (AuditEntry.objects.filter(_record_q([record.pk])).select_related("actor")
            .order_by("at", "id"))


def unit_history(unit: Organisation, scoring_assessments: list[int] = ()) -> QuerySet[AuditEntry]:
    """Everything about the unit's records and about the results it is in: publications of
    its assessments, and (for ``scoring_assessments``, shown to their staff) scoring runs."""
    records = list(Record.objects.filter(unit=unit).values_list("pk", flat=True))
    assessments = list(unit.assessed_in.values_list("assessment_id", flat=True))
    pubs = Publication.objects.filter(assessment__in=assessments).values_list("pk", flat=True)
    runs = ScoringRun.objects.filter(assessment__in=[a for a in scoring_assessments
                                                     if a in assessments]).values_list("pk",
                                                                                        flat=True)
    q = (_record_q(records)
         | Q(object_type="publication", object_id__in=[str(i) for i in pubs])
         | Q(object_type="scoringrun", object_id__in=[str(i) for i in runs]))
    return AuditEntry.objects.filter(q).select_related("actor").order_by("-at", "-id")


#: the keys of the snapshots actions write, as the pages call them
KEY_LABELS = {"status": "状态", "return_reason": "退回原因", "late": "逾期", "kind": "记录种类",
              "unit": "单位", "period": "考核期", "scheme_period": "期次", "revision": "版次",
              "scoring_run": "评分", "state": "状态", "public": "公开", "problems": "问题数",
              "units": "单位数", "ok": "成功", "record": "记录", "name": "文件名", "size": "大小"}
_VALUE_LABELS = {"draft": "草稿", "submitted": "已提交", "returned": "已退回", "accepted": "已核查",
                 "withdrawn": "已撤销",
                 "open": "填报中", "published": "已公示", True: "是", False: "否"}


def _flat(doc) -> dict:
    """A snapshot as one level: nested dicts (a record's data) become their own keys."""
    if doc is None:
        return {}
    if not isinstance(doc, dict):
        return {"": doc}
    out = {}
    for k, v in doc.items():
        if isinstance(v, dict):
            out.update({str(kk): vv for kk, vv in v.items()})
        else:
            out[KEY_LABELS.get(k, k)] = v
    return out


def _show(v):
    if isinstance(v, bool | str) and v in _VALUE_LABELS:
        return _VALUE_LABELS[v]
    return v


def changes(entry: AuditEntry) -> list[tuple[str, object, object]]:
    """(what, before, after) for each value the entry changed; every value when it only has
    one side (a creation or a deletion)."""
    before, after = _flat(entry.before), _flat(entry.after)
    keys = list(before) + [k for k in after if k not in before]
    both = entry.before is not None and entry.after is not None
    return [(k, _show(before.get(k)), _show(after.get(k))) for k in keys
            if not both or before.get(k) != after.get(k)]


#: ids in the snapshots that a person has no use for: the object column names the thing
_HIDDEN_KEYS = {"评分", "记录"}
_TYPE_LABELS = {"assessment": "考核", "organisation": "组织", "user": "用户", "role": "角色",
                "ballot": "测评", "period": "考核期", "record": "记录", "evidence": "佐证材料",
                "publication": "公示", "scoringrun": "评分"}


def _by_id(model, ids: set[str], related: tuple[str, ...]) -> dict[str, object]:
    pks = [int(i) for i in ids if i.isdigit()]
    return {str(o.pk): o for o in model.objects.filter(pk__in=pks).select_related(*related)}


class _Names:
    """What each entry is about, in words: "时间任务（1月）", "1月 公示第 2 版" …; read
    with one query per kind of object on the page."""

    def __init__(self, entries):
        want: dict[str, set[str]] = {}
        for e in entries:
            want.setdefault(e.object_type, set()).add(e.object_id)
        self.records = _by_id(Record, want.get("record", set()),
                              ("period__assessment", "unit"))
        self.evidence = _by_id(Evidence, want.get("evidence", set()),
                               ("record__period__assessment",))
        self.pubs = _by_id(Publication, want.get("publication", set()), ("period__assessment",))
        self.runs = _by_id(ScoringRun, want.get("scoringrun", set()), ("period__assessment",))

    def record_words(self, r: Record) -> str:
        from ..recordcheck import scheme_period_label

        spec = r.period.assessment.scheme.records.get(r.kind)
        when = (scheme_period_label(r.period.assessment, r.kind, r.scheme_period)
                if spec is not None else r.period.label)
        return f"{r.kind}（{when}）"

    def of(self, e: AuditEntry) -> tuple[str, int | None, object | None]:
        """(words, record id to link, the assessment it belongs to)."""
        t, i = e.object_type, e.object_id
        if t == "record" and i in self.records:
            r = self.records[i]
            return self.record_words(r), r.pk, r.period.assessment
        if t == "evidence" and i in self.evidence:
            ev = self.evidence[i]
            return (f"佐证材料「{ev.original_name}」· {self.record_words(ev.record)}",
                    ev.record_id, ev.record.period.assessment)
        if t == "evidence":  # deleted: its name is in the snapshot
            name = (e.before or e.after or {}).get("name", "")
            return f"佐证材料「{name}」（已删除）" if name else "佐证材料（已删除）", None, None
        if t == "publication" and i in self.pubs:
            pub = self.pubs[i]
            return f"{pub.period.label} 公示第 {pub.revision} 版", None, pub.period.assessment
        if t == "scoringrun" and i in self.runs:
            run = self.runs[i]
            return f"{run.period.label} 评分", None, run.period.assessment
        return _TYPE_LABELS.get(t, "其他"), None, None


def _period_words(assessment, changes_: list, cache: dict) -> list:
    """A period's number as its label (3 → 3月) once the assessment is known."""
    if assessment is None:
        return changes_
    if assessment.pk not in cache:
        cache[assessment.pk] = {p.number: p.label for p in assessment.periods.all()}
    labels = cache[assessment.pk]
    out = []
    for key, before, after in changes_:
        if key == "考核期":
            before, after = labels.get(before, before), labels.get(after, after)
        out.append((key, before, after))
    return out


def rows(entries) -> list[dict]:
    entries = list(entries)
    names = _Names(entries)
    cache: dict = {}
    out = []
    for e in entries:
        words, record_id, assessment = names.of(e)
        shown = [c for c in changes(e) if c[0] not in _HIDDEN_KEYS]
        out.append({"entry": e, "label": ACTION_LABELS.get(e.action, e.action),
                    "changes": _period_words(assessment, shown, cache), "object": words,
                    "record_id": record_id})
    return out
