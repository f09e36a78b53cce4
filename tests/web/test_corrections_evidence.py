"""Evidence for a record added after publication (公示后补录): the 考核管理员 attaches files
to it through the same upload as reporters' evidence — same limits, same storage, same
download — audited as 公示后补充佐证材料. Records that were published keep the evidence
they were published with, and nobody else writes to the locked period's evidence.

Scheme A, January published; then bob adds a 月度扣分 of 一支部 that was found late."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kaoping.web.actions.base import ActionError
from kaoping.web.actions.scoring import do_run_scoring
from kaoping.web.actions.verification import (
    do_add_record_after_publication,
    do_attach_evidence_after_publication,
    do_withdraw_record,
)
from kaoping.web.models import AuditEntry, Evidence
from webhelpers import publish_confirmed

NAME = "督办通知 2026-1.pdf"
CONTENT = b"%PDF-1.4 notice"


@pytest.fixture
def added(scheme_a_assessment, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "files"
    w = scheme_a_assessment
    w.r1 = w.time_task(w.world.b1, "2026-01-15", by=w.world.carol)
    w.r2 = w.time_task(w.world.b2, "2026-01-18", by=w.world.dave)
    publish_confirmed(w.world.bob, do_run_scoring(w.world.bob, w.jan))
    w.jan.refresh_from_db()
    w.added = do_add_record_after_publication(
        w.world.bob, assessment=w.a, period=w.jan, kind="月度扣分", unit=w.world.b1,
        scheme_period=1, values={"类型": "督办", "扣分": "0.02", "事由": "档案整理超期"},
        reason="督办通知漏录")
    w.media = settings.MEDIA_ROOT
    return w


def upload(client, record, name=NAME, content=CONTENT):
    return client.post(reverse("evidence_upload", args=[record.pk]),
                       {"file": SimpleUploadedFile(name, content, "application/pdf")})


def stored_files(w):
    return [p for p in w.media.rglob("*") if p.is_file()] if w.media.exists() else []


def test_the_assessor_attaches_evidence_to_an_added_record(added, login):
    w = added
    c = login(w.world.bob)
    verify_page = c.get(reverse("verify_record", args=[w.added.pk])).content.decode()
    assert "补充佐证材料" in verify_page
    detail = c.get(reverse("record_detail", args=[w.added.pk])).content.decode()
    assert reverse("evidence_upload", args=[w.added.pk]) in detail and "公示后补录" in detail

    r = upload(c, w.added)
    assert r.status_code == 302 and r["Location"] == reverse("record_detail", args=[w.added.pk])
    ev = Evidence.objects.get()
    assert (ev.record, ev.original_name, ev.size, ev.uploaded_by) == (
        w.added, NAME, len(CONTENT), w.world.bob)
    # stored like a reporter's evidence: under MEDIA_ROOT by a random name
    assert stored_files(w) == [w.media / ev.file.name] and NAME not in ev.file.name
    row = AuditEntry.objects.get(object_type="evidence", object_id=str(ev.pk))
    assert (row.action, row.actor, row.organisation) == (
        "evidence.correct_attach", w.world.bob, w.world.b1)
    assert row.after == {"record": w.added.pk, "name": NAME, "size": len(CONTENT)}
    history = c.get(reverse("record_history", args=[w.added.pk])).content.decode()
    assert "公示后补充佐证材料" in history and NAME in history
    # the unit reads and downloads it like any evidence of its records
    carol = login(w.world.carol)
    assert NAME in carol.get(reverse("record_detail", args=[w.added.pk])).content.decode()
    got = carol.get(reverse("evidence_download", args=[ev.pk]))
    assert got.status_code == 200 and b"".join(got.streaming_content) == CONTENT


def test_the_same_limits_apply(added, login, settings):
    w = added
    c = login(w.world.bob)
    settings.EVIDENCE_MAX_BYTES = 10
    r = upload(c, w.added, content=b"x" * 11)
    assert r.status_code == 400 and "超过上限" in r.content.decode()
    settings.EVIDENCE_MAX_BYTES = 1000
    r = upload(c, w.added, name="脚本.exe")
    assert r.status_code == 400 and "不支持的文件类型" in r.content.decode()
    assert not Evidence.objects.exists() and stored_files(w) == []
    assert not AuditEntry.objects.filter(action__startswith="evidence.").exists()


def test_a_published_or_withdrawn_record_takes_no_evidence(added, login):
    w = added
    c = login(w.world.bob)
    r = upload(c, w.r1)
    assert r.status_code == 400 and "已公示的记录不能再添加佐证材料" in r.content.decode()
    page = c.get(reverse("record_detail", args=[w.r1.pk])).content.decode()
    assert reverse("evidence_upload", args=[w.r1.pk]) not in page
    do_withdraw_record(w.world.bob, w.added, "督办已撤回")
    with pytest.raises(ActionError, match="已撤销"):
        do_attach_evidence_after_publication(
            w.world.bob, w.added, SimpleUploadedFile(NAME, CONTENT, "application/pdf"))
    assert not Evidence.objects.exists() and stored_files(w) == []


# ----------------------------------------------------------------- permissions


def test_the_units_reporter_cannot_attach_to_a_locked_periods_record(added, login):
    """carol reports for 一支部: her own published record is locked (400), and the added
    deduction is the assessing organisation's (404); the action refuses her too."""
    w = added
    c = login(w.world.carol)
    r = upload(c, w.r1)
    assert r.status_code == 400
    assert "该期结果已公示，记录已锁定；如需更改，请由考核管理员走公示后更正流程" in r.content.decode()
    assert upload(c, w.added).status_code == 404
    page = c.get(reverse("record_detail", args=[w.r1.pk])).content.decode()
    assert reverse("evidence_upload", args=[w.r1.pk]) not in page
    with pytest.raises(ActionError, match="记录已锁定"):
        do_attach_evidence_after_publication(
            w.world.carol, w.added, SimpleUploadedFile(NAME, CONTENT, "application/pdf"))
    assert not Evidence.objects.exists() and stored_files(w) == []


@pytest.mark.parametrize("name", ["dave", "eve", "frank"])
def test_other_reporters_outsiders_and_leaders_get_404(added, login, name):
    w = added
    c = login(getattr(w.world, name))
    for record in (w.added, w.r1):
        assert upload(c, record).status_code == 404, (name, record.kind)
    assert not Evidence.objects.exists() and stored_files(w) == []


def test_anonymous_users_are_sent_to_login(added, client):
    r = upload(client, added.added)
    assert r.status_code == 302 and r["Location"].startswith(reverse("login"))
    assert not Evidence.objects.exists()
