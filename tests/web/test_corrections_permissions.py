"""Who may reach the correction pages of a published period (公示后更正, 补录, 撤销): the
assessment staff. Reporters — of the unit or another one —, leaders and outsiders get a 404
for every page and every POST, and nothing is written; anonymous users are sent to login."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kaoping.web.actions.scoring import do_run_scoring
from kaoping.web.models import AuditEntry, Record
from webhelpers import publish_confirmed

DEDUCTION = {"kind": "月度扣分", "scheme_period": "1", "类型": "督办", "扣分": "0.02",
             "事由": "超期", "reason": "漏录"}


@pytest.fixture
def published(scheme_a_assessment):
    w = scheme_a_assessment
    w.r1 = w.time_task(w.world.b1, "2026-01-15", by=w.world.carol)
    w.r2 = w.time_task(w.world.b2, "2026-01-18", by=w.world.dave)
    publish_confirmed(w.world.bob, do_run_scoring(w.world.bob, w.jan))
    return w


def urls(w):
    add = reverse("correction_add", args=[w.jan.pk]) + "?kind=月度扣分"
    return {"index": reverse("corrections", args=[w.jan.pk]), "add": add,
            "withdraw1": reverse("record_withdraw", args=[w.r1.pk]),
            "withdraw2": reverse("record_withdraw", args=[w.r2.pk])}


def unchanged(w):
    assert sorted(Record.objects.values_list("pk", "status")) == [
        (w.r1.pk, Record.Status.SUBMITTED), (w.r2.pk, Record.Status.SUBMITTED)]
    assert not AuditEntry.objects.filter(action__startswith="record.correct").exists()


def test_anonymous_users_are_sent_to_login(client, published):
    for url in urls(published).values():
        for r in (client.get(url), client.post(url, {**DEDUCTION, "unit": "1"})):
            assert r.status_code == 302 and r["Location"].startswith(reverse("login"))
    unchanged(published)


@pytest.mark.parametrize("name", ["carol", "dave", "frank", "eve"])
def test_reporters_leaders_and_outsiders_get_404(login, published, name):
    """carol reports for 一支部 (r1 is hers), dave for 二支部, frank is a leader, eve an
    outsider: not one of them can add to or withdraw from the locked period by any URL."""
    w = published
    c = login(getattr(w.world, name))
    for key, url in urls(w).items():
        assert c.get(url).status_code == 404, (name, key)
        unit = w.world.b1 if key != "withdraw2" else w.world.b2
        r = c.post(url, {**DEDUCTION, "unit": str(unit.pk), "reason": "想改"})
        assert r.status_code == 404, (name, key)
    unchanged(w)
    # and the normal reporting path stays shut for the locked period too
    if name in ("carol", "dave"):
        r = c.post(reverse("record_create", args=[w.a.pk, 1]) + "?kind=质量成果",
                   {"kind": "质量成果", "unit": str((w.world.b1 if name == "carol"
                                                     else w.world.b2).pk),
                    "scheme_period": "1", "考核项目": "1 书记履职尽责情况", "成果名称": "x",
                    "层级": "省", "submit": "1"})
        assert r.status_code in (400, 404)
        unchanged(w)


@pytest.mark.parametrize("name", ["alice", "bob"])
def test_assessment_staff_use_them(login, published, name):
    w = published
    c = login(getattr(w.world, name))
    page = c.get(urls(w)["index"]).content.decode()
    assert "公示后更正" in page and urls(w)["withdraw2"] in page and "补录「月度扣分」" in page
    r = c.post(urls(w)["add"], {**DEDUCTION, "unit": str(w.world.b2.pk)})
    assert r.status_code == 302
    assert c.post(urls(w)["withdraw1"], {"reason": "错误记录"}).status_code == 302
    assert Record.objects.get(pk=w.r1.pk).status == Record.Status.WITHDRAWN


def test_the_results_page_links_staff_to_the_corrections(login, published):
    w = published
    url = reverse("period_results", args=[w.jan.pk])
    assert urls(w)["index"] in login(w.world.bob).get(url).content.decode()
    assert urls(w)["index"] not in login(w.world.carol).get(url).content.decode()


def test_an_assessment_elsewhere_is_404_for_its_staff(login, published):
    """An assessor of 其他党委 does not reach 机关党委's periods: access goes through the
    assessment's organisation."""
    from kaoping.web.actions.people import do_create_user, do_grant_role
    from kaoping.web.models import Role

    w = published
    other = do_create_user(None, username="grace", password=w.world.password)
    do_grant_role(None, other, w.world.other, Role.ASSESSOR)
    c = login(other)
    for url in urls(w).values():
        assert c.get(url).status_code == 404
    unchanged(w)


def test_the_locked_reporting_page_links_staff_only(login, published):
    w = published
    url = reverse("report_period", args=[w.a.pk, 1])
    assert urls(w)["index"] in login(w.world.bob).get(url).content.decode()
    assert urls(w)["index"] not in login(w.world.carol).get(url).content.decode()
