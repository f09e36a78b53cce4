"""A change after publication: a correction with a reason, a new run, revision 2; both
revisions stay readable and the reason is shown."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kaoping.web.actions.base import ActionError
from kaoping.web.actions.scoring import do_publish_revision, do_run_scoring
from kaoping.web.actions.verification import do_correct_record
from kaoping.web.models import AuditEntry, Publication
from webhelpers import publish_confirmed


@pytest.fixture
def published(scheme_a_assessment):
    w = scheme_a_assessment
    w.time_task(w.world.b1, "2026-01-15")
    w.r2 = w.time_task(w.world.b2, "2026-01-18")
    w.pub1 = publish_confirmed(w.world.bob, do_run_scoring(w.world.bob, w.jan))
    return w


def test_correction_then_revision_2_through_the_pages(published, login):
    w = published
    c = login(w.world.bob)
    resp = c.post(reverse("record_correct", args=[w.r2.pk]),
                  {"field": "完成日期", "value": "2026-01-15", "reason": ""})
    assert resp.status_code == 400
    resp = c.post(reverse("record_correct", args=[w.r2.pk]),
                  {"field": "完成日期", "value": "2026-01-15", "reason": "复核：按时完成"})
    assert resp.status_code == 302
    w.r2.refresh_from_db()
    assert w.r2.data["完成日期"] == "2026-01-15"
    row = AuditEntry.objects.get(action="record.correct")
    assert (row.before, row.after, row.reason, row.actor) == (
        {"完成日期": "2026-01-18"}, {"完成日期": "2026-01-15"}, "复核：按时完成", w.world.bob)

    # the old run is stale now; a new run is published as revision 2 with the reason
    resp = c.post(reverse("scoring_publish", args=[w.pub1.scoring_run_id]), {"reason": "x"})
    assert resp.status_code == 400
    c.post(reverse("scoring_run_new", args=[w.a.pk]), {"period": w.jan.pk})
    run = w.a.scoring_runs.first()
    assert run.pk != w.pub1.scoring_run_id and run.ok
    resp = c.post(reverse("scoring_publish", args=[run.pk]), {"reason": ""})
    assert resp.status_code == 400 and "更正理由" in resp.content.decode()
    resp = c.post(reverse("scoring_publish", args=[run.pk]), {"reason": "二支部完成日期更正"})
    assert resp.status_code == 302
    assert list(Publication.objects.filter(period=w.jan).values_list("revision", flat=True)) == [1, 2]

    url = reverse("period_results", args=[w.jan.pk])
    latest = c.get(url).content.decode()
    assert "第 2 版" in latest and "二支部完成日期更正" in latest
    assert "0.70" not in latest  # both branches now 1.00
    first = c.get(url, {"revision": 1}).content.decode()
    assert "0.70" in first
    assert f'href="{url}?revision=1"' in latest  # the switcher
    assert c.get(url, {"revision": 3}).status_code == 404
    # a reporter reads both revisions too, with the reason
    carol = login(w.world.carol)
    assert "二支部完成日期更正" in carol.get(url).content.decode()
    assert carol.get(url, {"revision": 1}).status_code == 200


def test_revision_rules(published):
    w = published
    with pytest.raises(ActionError, match="更正之后的新评分"):
        do_publish_revision(w.world.bob, w.jan, w.pub1.scoring_run, "x")
    feb_run = do_run_scoring(w.world.bob, w.feb)
    with pytest.raises(ActionError, match="尚未公示"):
        do_publish_revision(w.world.bob, w.feb, feb_run, "x")
    with pytest.raises(ActionError, match="不属于"):
        do_publish_revision(w.world.bob, w.jan, feb_run, "x")
    do_correct_record(w.world.bob, w.r2, {"严重超期": "是"}, "严重超期")
    run = do_run_scoring(w.world.bob, w.jan)
    pub2 = do_publish_revision(w.world.bob, w.jan, run, "严重超期认定")
    assert (pub2.revision, pub2.reason) == (2, "严重超期认定")
    row = AuditEntry.objects.get(action="publication.revise")
    assert row.reason == "严重超期认定" and row.before["revision"] == 1
    # revision 1 is untouched
    w.pub1.refresh_from_db()
    assert list(w.pub1.scoring_run.units.values_list("score", flat=True)) == [1.0, 0.7]
