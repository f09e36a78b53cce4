"""Who may read and write which records: a reporter only its own unit's, and only the kinds
its unit enters; an outsider nothing; every refusal by page or direct URL is a 404."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kaoping.web.models import Record

ARTICLE = {"媒体层级": "省", "媒体名称": "大众日报", "文章题目": "支部工作法", "发表日期": "2026-01-10"}


@pytest.fixture
def dave_record(reporting, login):
    c = login(reporting.world.dave)
    assert reporting.post(c, "典型培养宣传", ARTICLE, unit=reporting.world.b2).status_code == 302
    return Record.objects.get(unit=reporting.world.b2)


def record_urls(rec):
    return {name: reverse(name, args=[rec.pk]) for name in
            ("record_detail", "record_edit", "record_submit", "record_delete", "evidence_upload")}


def test_carol_cannot_read_edit_or_submit_the_other_branchs_record(reporting, login, dave_record):
    c = login(reporting.world.carol)
    urls = record_urls(dave_record)
    assert c.get(urls["record_detail"]).status_code == 404
    assert c.get(urls["record_edit"]).status_code == 404
    for name in ("record_edit", "record_submit", "record_delete", "evidence_upload"):
        assert c.post(urls[name], {**ARTICLE, "submit": "1"}).status_code == 404, name
    dave_record.refresh_from_db()
    assert dave_record.status == Record.Status.DRAFT
    page = c.get(reverse("report_period", args=[reporting.a.pk, 1])).content.decode()
    assert "二支部" not in page


def test_carol_cannot_enter_a_record_for_the_other_branch(reporting, login):
    c = login(reporting.world.carol)
    r = reporting.post(c, "典型培养宣传", ARTICLE, unit=reporting.world.b2)
    assert r.status_code == 400
    assert not Record.objects.exists()


def test_carol_cannot_enter_or_change_assessor_only_kinds(reporting, login):
    c = login(reporting.world.carol)
    url = reverse("record_create", args=[reporting.a.pk, 1])
    assert c.get(url + "?kind=月度扣分").status_code == 404
    assert reporting.post(c, "月度扣分", {"类型": "督办", "扣分": "0.02", "事由": "超期"}
                          ).status_code == 404
    page = c.get(reverse("report_period", args=[reporting.a.pk, 1])).content.decode()
    assert "月度扣分" not in page and "典型培养宣传" in page
    # one entered by bob against carol's branch: not hers to change
    b = login(reporting.world.bob)
    assert reporting.post(b, "月度扣分", {"类型": "督办", "扣分": "0.02", "事由": "超期"},
                          submit=True).status_code == 302
    rec = Record.objects.get(kind="月度扣分")
    c = login(reporting.world.carol)
    assert c.get(reverse("record_edit", args=[rec.pk])).status_code == 404
    assert c.post(reverse("record_delete", args=[rec.pk])).status_code == 404


def test_assessor_enters_assessor_kinds_for_any_unit(reporting, login):
    b = login(reporting.world.bob)
    page = b.get(reverse("report_period", args=[reporting.a.pk, 1])).content.decode()
    assert "月度扣分" in page and "展评排名" in page and "民主测评" in page
    r = b.get(reverse("record_create", args=[reporting.a.pk, 3]) + "?kind=展评排名")
    assert r.status_code == 200
    assert [label for _, label in r.context["form"].fields["scheme_period"].choices] == ["第1季度"]
    r = reporting.post(b, "展评排名", {"名次": "1", "scheme_period": "1"},
                       period=reporting.periods[2], unit=reporting.world.b2, submit=True)
    assert r.status_code == 302, r.content.decode()
    rec = Record.objects.get()
    assert (rec.unit, rec.scheme_period, rec.data, rec.late) == (reporting.world.b2, 1,
                                                                  {"名次": 1}, False)
    # the scheme's own check: two units cannot share a rank in the same group and quarter
    r = reporting.post(b, "展评排名", {"名次": "1", "scheme_period": "1"},
                       period=reporting.periods[2], unit=reporting.world.b1, submit=True)
    assert r.status_code == 400 and "重复" in " ".join(r.context["form"].general_problems)
    # and may still change it after submitting (assessor-entered kinds)
    r = b.post(reverse("record_edit", args=[rec.pk]), {"名次": "2", "scheme_period": "1",
                                                       "save": "1"})
    assert r.status_code == 302
    rec.refresh_from_db()
    assert rec.data == {"名次": 2} and rec.status == Record.Status.SUBMITTED


def test_outsider_sees_nothing(reporting, login, dave_record):
    e = login(reporting.world.eve)
    page = e.get(reverse("reporting")).content.decode()
    assert reporting.a.name not in page
    assert e.get(reverse("report_period", args=[reporting.a.pk, 1])).status_code == 404
    assert e.get(reverse("record_create", args=[reporting.a.pk, 1]) + "?kind=典型培养宣传"
                 ).status_code == 404
    assert e.get(reverse("period_template", args=[reporting.a.pk, 1])).status_code == 404
    assert e.get(reverse("period_upload", args=[reporting.a.pk, 1])).status_code == 404
    for name, url in record_urls(dave_record).items():
        assert (e.get(url) if name in ("record_detail", "record_edit") else e.post(url)
                ).status_code == 404, name


def test_leader_reads_but_cannot_write(reporting, login, dave_record):
    f = login(reporting.world.frank)
    assert f.get(reverse("record_detail", args=[dave_record.pk])).status_code == 200
    assert f.get(reverse("record_edit", args=[dave_record.pk])).status_code == 404
    assert f.get(reverse("record_create", args=[reporting.a.pk, 1]) + "?kind=典型培养宣传"
                 ).status_code == 404
    assert f.get(reverse("period_template", args=[reporting.a.pk, 1])).status_code == 404


def test_anonymous_is_sent_to_login(reporting, client, dave_record):
    client.logout()
    for url in [reverse("reporting"), reverse("report_period", args=[reporting.a.pk, 1]),
                reverse("record_detail", args=[dave_record.pk]),
                reverse("period_template", args=[reporting.a.pk, 1])]:
        r = client.get(url)
        assert r.status_code == 302 and r["Location"].startswith(reverse("login")), url


def test_unknown_ids_are_404(reporting, login):
    b = login(reporting.world.bob)
    assert b.get(reverse("record_detail", args=[999999])).status_code == 404
    assert b.get(reverse("report_period", args=[reporting.a.pk, 13])).status_code == 404
    assert b.get(reverse("record_create", args=[reporting.a.pk, 1]) + "?kind=没有这种"
                 ).status_code == 404
    assert b.get(reverse("evidence_download", args=[999999])).status_code == 404
