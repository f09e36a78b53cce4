"""Evidence files: size and type limits, stored under MEDIA_ROOT by a random name with the
original name kept, downloaded only through the view that checks access to the record."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kaoping.web.models import AuditEntry, Evidence, Record

ARTICLE = {"媒体层级": "省", "媒体名称": "大众日报", "文章题目": "支部工作法", "发表日期": "2026-01-10"}
NAME = "支部工作法 报道.pdf"


@pytest.fixture
def draft(reporting, login):
    c = login(reporting.world.carol)
    reporting.post(c, "典型培养宣传", ARTICLE)
    return Record.objects.get()


def upload(client, record, name=NAME, content=b"%PDF-1.4 evidence"):
    return client.post(reverse("evidence_upload", args=[record.pk]),
                       {"file": SimpleUploadedFile(name, content, "application/pdf")})


def test_attach_list_and_download(reporting, login, draft, settings):
    c = login(reporting.world.carol)
    assert upload(c, draft).status_code == 302
    ev = Evidence.objects.get()
    assert ev.original_name == NAME and ev.size == len(b"%PDF-1.4 evidence")
    path = settings.MEDIA_ROOT / ev.file.name
    assert path.exists() and NAME not in ev.file.name and str(path).startswith(
        str(settings.MEDIA_ROOT))
    page = c.get(reverse("record_detail", args=[draft.pk])).content.decode()
    assert NAME in page
    r = c.get(reverse("evidence_download", args=[ev.pk]))
    assert r.status_code == 200 and b"".join(r.streaming_content) == b"%PDF-1.4 evidence"
    disposition = r["Content-Disposition"]
    assert disposition.startswith("attachment")
    assert f"filename*=utf-8''{quote(NAME)}" in disposition
    assert AuditEntry.objects.filter(action="evidence.attach").exists()


def test_size_and_type_limits(reporting, login, draft, settings):
    c = login(reporting.world.carol)
    settings.EVIDENCE_MAX_BYTES = 10
    r = upload(c, draft, content=b"x" * 11)
    assert r.status_code == 400 and "超过上限" in r.content.decode()
    settings.EVIDENCE_MAX_BYTES = 1000
    r = upload(c, draft, name="脚本.exe")
    assert r.status_code == 400 and "不支持的文件类型" in r.content.decode()
    r = upload(c, draft, name="没有扩展名")
    assert r.status_code == 400
    assert not Evidence.objects.exists()
    assert [p for p in settings.MEDIA_ROOT.rglob("*") if p.is_file()] == []


def test_only_those_who_may_read_the_record_download(reporting, login, draft):
    c = login(reporting.world.carol)
    upload(c, draft)
    ev = Evidence.objects.get()
    url = reverse("evidence_download", args=[ev.pk])
    for who in ("dave", "eve"):
        assert login(getattr(reporting.world, who)).get(url).status_code == 404, who
    assert login(reporting.world.bob).get(url).status_code == 200
    d = login(reporting.world.dave)
    assert d.post(reverse("evidence_delete", args=[ev.pk])).status_code == 404
    c.logout()
    r = c.get(url)
    assert r.status_code == 302 and r["Location"].startswith(reverse("login"))


def test_delete_while_draft_not_after_submitting(reporting, login, draft, settings,
                                                 django_capture_on_commit_callbacks):
    c = login(reporting.world.carol)
    upload(c, draft)
    upload(c, draft, name="照片.jpg", content=b"\xff\xd8jpeg")
    first, second = Evidence.objects.order_by("id")
    path = settings.MEDIA_ROOT / first.file.name
    with django_capture_on_commit_callbacks(execute=True):
        assert c.post(reverse("evidence_delete", args=[first.pk])).status_code == 302
    assert not Evidence.objects.filter(pk=first.pk).exists() and not path.exists()
    c.post(reverse("record_submit", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.status == Record.Status.SUBMITTED
    assert c.post(reverse("evidence_delete", args=[second.pk])).status_code == 400
    assert upload(c, draft).status_code == 400
    assert Evidence.objects.filter(pk=second.pk).exists()
    assert (settings.MEDIA_ROOT / second.file.name).exists()
