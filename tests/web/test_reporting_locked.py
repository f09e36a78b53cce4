"""A published (locked) period refuses every write of reporting, with a clear message; the
correction after publication is another path."""

from __future__ import annotations

from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from kaoping.web.models import Evidence, Period, Record

ARTICLE = {"媒体层级": "省", "媒体名称": "大众日报", "文章题目": "支部工作法", "发表日期": "2026-01-10"}
LOCKED = "本期已公示，记录已锁定"


def test_locked_period_refuses_every_write(reporting, login):
    c = login(reporting.world.carol)
    reporting.post(c, "典型培养宣传", ARTICLE)
    draft = Record.objects.get()
    c.post(reverse("evidence_upload", args=[draft.pk]),
           {"file": SimpleUploadedFile("a.pdf", b"%PDF", "application/pdf")})
    evidence = Evidence.objects.get()
    Period.objects.filter(pk=reporting.jan.pk).update(state=Period.State.PUBLISHED)
    before = (draft.data, draft.status)

    r = reporting.post(c, "典型培养宣传", {**ARTICLE, "文章题目": "新的"}, submit=True)
    assert r.status_code == 400 and LOCKED in r.content.decode()
    r = c.post(reverse("record_edit", args=[draft.pk]), {**ARTICLE, "scheme_period": "1",
                                                         "draft": "1"})
    assert r.status_code == 400 and LOCKED in r.content.decode()
    for name in ("record_submit", "record_delete"):
        r = c.post(reverse(name, args=[draft.pk]))
        assert r.status_code == 400 and LOCKED in r.content.decode(), name
    r = c.post(reverse("evidence_upload", args=[draft.pk]),
               {"file": SimpleUploadedFile("b.pdf", b"%PDF", "application/pdf")})
    assert r.status_code == 400 and LOCKED in r.content.decode()
    r = c.post(reverse("evidence_delete", args=[evidence.pk]))
    assert r.status_code == 400 and LOCKED in r.content.decode()
    out = BytesIO()
    Workbook().save(out)
    r = c.post(reverse("period_upload", args=[reporting.a.pk, 1]),
               {"file": SimpleUploadedFile("t.xlsx", out.getvalue())})
    assert r.status_code == 400 and LOCKED in r.content.decode()

    draft.refresh_from_db()
    assert (draft.data, draft.status) == before
    assert Record.objects.count() == 1 and Evidence.objects.count() == 1
    # reading stays possible, without the write buttons
    page = c.get(reverse("record_detail", args=[draft.pk])).content.decode()
    assert LOCKED in page and reverse("record_submit", args=[draft.pk]) not in page
    page = c.get(reverse("report_period", args=[reporting.a.pk, 1])).content.decode()
    assert "?kind=" not in page  # no 新增


def test_assessor_is_refused_too(reporting, login):
    Period.objects.filter(pk=reporting.jan.pk).update(state=Period.State.PUBLISHED)
    b = login(reporting.world.bob)
    r = reporting.post(b, "月度扣分", {"类型": "督办", "扣分": "0.02", "事由": "超期"}, submit=True)
    assert r.status_code == 400 and LOCKED in r.content.decode()
    assert not Record.objects.exists()
