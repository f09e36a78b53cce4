"""A period where no unit got a score cannot be published (issue 11, point 9): scheme G's
demo at 第3季度 scores every one of its 13 secretaries 数据不全，未计分; the run page says why
and offers no 公示, and the action refuses it. A run with scored units still publishes."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kaoping.web.actions.base import ActionError
from kaoping.web.actions.scoring import do_publish, do_run_scoring
from kaoping.web.management.commands.load_demo import build_demo


@pytest.mark.django_db
def test_scheme_g_third_quarter_cannot_be_published(client):
    demo = build_demo(records=True)
    g = demo.assessment_g
    assessor = demo.users["assessor-g"]
    run = do_run_scoring(assessor, g.periods.get(number=3))
    assert run.ok
    units = list(run.units.all())
    assert len(units) == 13 and all(u.score is None for u in units)
    assert all("数据不全，未计分" in u.flags for u in units)
    client.force_login(assessor)
    page = client.get(reverse("scoring_run", args=[run.pk])).content.decode()
    assert "不能公示：全部 13 个单位都因数据不全未计分，没有可以公示的结果" in page
    assert reverse("scoring_publish", args=[run.pk]) not in page
    r = client.post(reverse("scoring_publish", args=[run.pk]))
    assert r.status_code == 400 and "全部 13 个单位都因数据不全未计分" in r.content.decode()
    with pytest.raises(ActionError, match="全部 13 个单位都因数据不全未计分"):
        do_publish(assessor, run)
    assert not g.periods.get(number=3).publications.exists()
    # scheme A's January, scored, is published as before
    a = demo.assessment_a
    jan = do_run_scoring(demo.users["assessor"], a.periods.get(number=1))
    assert jan.units.filter(score__isnull=False).exists()
    assert do_publish(demo.users["assessor"], jan).revision == 1
