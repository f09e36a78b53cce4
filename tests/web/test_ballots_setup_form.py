"""The set-up form: grades and rater categories as rows (prefilled from the scheme), a blank
row from the htmx endpoint, a wrong entry shown beside its row with nothing saved."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from kaoping.web.actions.ballots import do_close_ballot
from kaoping.web.models import Ballot, BallotToken

CLASSES = {"一支部": "镇街", "二支部": "市直单位"}


@pytest.fixture
def d(ballot_assessment):
    return ballot_assessment.make("d-leadership-teams", classes=CLASSES)


def _post_data(a, world, **kw):
    data = {"kind": "民主测评", "title": "民主测评", "period": a.periods.get().pk, "form": "score",
            "cat_name": ["领导自评", "机关干部"], "cat_weight": ["40", "60"],
            "cat_tokens": ["3", "4"], "cat_target": ["领导自评", "民主评议"],
            "cat_raters": ["frank", ""], "opens_at": "2026-12-10T09:00",
            "closes_at": "2026-12-10T12:00", "must_rate_all": "1", "write": "value",
            "value_field": "得分", "scale": "1", "category_field": "评价主体",
            "units": [world.b2.pk]}
    data.update(kw)
    return data


def test_rows_prefilled_from_the_scheme(d, world, login):
    c = login(world.bob)
    page = c.get(f"/assessments/{d.pk}/ballots/new/?kind=民主测评").text
    assert 'name="cat_name" value="领导自评"' in page and 'name="cat_name" value="民主评议"' in page
    assert '<option value="领导自评" selected>评价主体＝领导自评（方案权重 40）' in page
    assert '<option value="民主评议" selected>评价主体＝民主评议（方案权重 60）' in page
    assert '权重合计 <strong id="weight-sum">100</strong>' in page
    page = c.get(f"/assessments/{d.pk}/ballots/new/?kind=述职评议").text
    assert page.count('name="choice_label"') == 4
    assert 'name="choice_label" value="较好"' in page and 'name="choice_points" value="80"' in page
    assert "各类别合并计入" in page                 # a distribution: no target per category
    # the add-a-row control asks the htmx endpoint (vendored htmx, no CDN)
    assert f'hx-get="/assessments/{d.pk}/ballots/new/row/"' in page
    assert "http://" not in page and "https://" not in page


def test_blank_rows_from_the_endpoint(d, world, login):
    c = login(world.bob)
    url = f"/assessments/{d.pk}/ballots/new/row/"
    r = c.get(url, {"what": "choice", "kind": "述职评议"})
    assert r.status_code == 200
    assert r.text.startswith("<tr>") and 'name="choice_label" value=""' in r.text
    r = c.get(url, {"what": "category", "kind": "民主测评", "write": "value",
                    "category_field": "评价主体"})
    assert 'name="cat_name" value=""' in r.text
    assert '<option value="民主评议">评价主体＝民主评议（方案权重 60）</option>' in r.text
    # the rows as entered, re-drawn for another write mode: targets follow the mode
    r = c.get(url, {"what": "categories", "kind": "民主测评", "write": "value",
                    "category_field": "", "cat_name": ["甲", ""], "cat_weight": ["50", ""],
                    "cat_tokens": ["2", ""], "cat_target": ["", ""], "cat_raters": ["", ""]})
    assert r.text.count("<tr>") == 1 and 'value="甲"' in r.text and "各类别合并计入" in r.text
    assert c.get(url, {"what": "choice", "kind": "无此种类"}).status_code == 404
    assert c.get(url, {"what": "x", "kind": "述职评议"}).status_code == 404


@pytest.mark.parametrize("who", ["frank", "carol", "eve"])
def test_endpoint_refuses_others(d, world, client, who):
    client.force_login(getattr(world, who))
    r = client.get(f"/assessments/{d.pk}/ballots/new/row/", {"what": "choice", "kind": "述职评议"})
    assert r.status_code == 404


def test_endpoint_sends_anonymous_to_login(d, client):
    r = client.get(f"/assessments/{d.pk}/ballots/new/row/", {"what": "choice", "kind": "述职评议"})
    assert r.status_code == 302 and r.url.startswith("/login/")


def test_wrong_entries_beside_their_rows_nothing_saved(d, world, login):
    c = login(world.bob)
    url = f"/assessments/{d.pk}/ballots/new/"
    # a weight that is no number, an unknown user: each beside its row
    r = c.post(url, _post_data(d, world, cat_weight=["四十", "60"],
                               cat_raters=["frank", "nobody"]))
    assert r.status_code == 400
    text = r.content.decode()
    assert text.count('class="errorlist row-error"') == 2
    assert '<span class="errorlist row-error">权重须是数字</span>' in text
    assert '<span class="errorlist row-error">没有用户「nobody」</span>' in text
    assert 'value="四十"' in text                     # what was typed is kept
    # a weight that is not the scheme's, and two categories feeding the same option
    r = c.post(url, _post_data(d, world, cat_weight=["40", "50"]))
    assert r.status_code == 400
    assert "方案规定「评价主体＝民主评议」的权重为 60" in r.content.decode()
    r = c.post(url, _post_data(d, world, cat_target=["民主评议", "民主评议"],
                               cat_weight=["60", "60"]))
    assert r.status_code == 400
    assert "与「领导自评」写入同一处（评价主体＝民主评议）" in r.content.decode()
    # grades: a point value out of range, on a choices ballot of 述职评议
    r = c.post(url, {"kind": "述职评议", "title": "述职评议", "period": d.periods.get().pk,
                     "form": "choices", "choice_label": ["好", "较好", "一般", "差"],
                     "choice_points": ["100", "180", "60", "40"], "cat_name": ["常委"],
                     "cat_weight": ["100"], "cat_tokens": ["5"], "cat_target": [""],
                     "cat_raters": [""], "opens_at": "2026-12-10T09:00",
                     "closes_at": "2026-12-10T12:00", "write": "distribution",
                     "choice_field": "档次", "count_field": "票数", "scale": "1",
                     "units": [world.b1.pk]})
    assert r.status_code == 400
    text = r.content.decode()
    assert text.count('class="errorlist row-error"') == 1
    assert '<span class="errorlist row-error">分值须在 0—100 之间</span>' in text
    assert not Ballot.objects.exists() and not BallotToken.objects.exists()


def test_a_category_named_freely_feeds_the_option_it_chooses(ballot_assessment, d, world, login):
    k = ballot_assessment
    c = login(world.bob)
    # blank rows are ignored
    data = _post_data(d, world, cat_name=["领导自评", "", "机关干部"], cat_weight=["40", "", "60"],
                      cat_tokens=["3", "", "4"], cat_target=["领导自评", "", "民主评议"],
                      cat_raters=["frank", "", ""])
    r = c.post(f"/assessments/{d.pk}/ballots/new/", data)
    assert r.status_code == 302, r.content.decode()
    b = Ballot.objects.get()
    assert b.field_map == {"领导自评": "领导自评", "机关干部": "民主评议"}
    assert [(x.name, x.weight, x.tokens.count()) for x in b.categories.all()] == [
        ("领导自评", 40, 4), ("机关干部", 60, 4)]     # 3 codes + frank's named token
    now = timezone.now()
    Ballot.objects.filter(pk=b.pk).update(opens_at=now - timedelta(hours=1),
                                          closes_at=now + timedelta(hours=1))
    b.refresh_from_db()
    for s in (90, 80):
        k.vote(b, "领导自评", {world.b2: s})
    for s in (70, 60, 80):
        k.vote(b, "机关干部", {world.b2: s})
    records = do_close_ballot(world.bob, b)
    # 领导自评 (90 + 80) / 2 = 85; 机关干部 → 民主评议 (70 + 60 + 80) / 3 = 70
    assert sorted((r.data["评价主体"], r.data["得分"]) for r in records) == [
        ("民主评议", 70), ("领导自评", 85)]
