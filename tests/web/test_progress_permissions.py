"""Who may read the progress board: the assessment's staff; everyone else gets a 404."""

from __future__ import annotations

import pytest
from django.urls import reverse


def board_url(w, **query):
    url = reverse("progress_board", args=[w.a.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_anonymous_users_are_sent_to_login(client, progress_world):
    for url in (reverse("progress_index"), board_url(progress_world)):
        r = client.get(url)
        assert r.status_code == 302 and r["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", ["alice", "bob"])
def test_assessment_staff_read_the_board(login, progress_world, name):
    w = progress_world
    c = login(getattr(w.world, name))
    r = c.get(board_url(w))
    assert r.status_code == 200
    html = r.content.decode()
    assert "填报进度" in html and "一支部" in html and "二支部" in html and "1月" in html
    assert f'hx-get="{reverse("progress_board", args=[w.a.pk])}"' in html
    # each unit links to its reporting page for the period
    assert f'{reverse("report_period", args=[w.a.pk, 1])}?unit={w.world.b1.pk}' in html
    index = c.get(reverse("progress_index")).content.decode()
    assert board_url(w) in index


@pytest.mark.parametrize("name", ["frank", "carol", "dave", "eve"])
def test_leaders_reporters_and_outsiders_get_404(login, progress_world, name):
    w = progress_world
    c = login(getattr(w.world, name))
    assert c.get(board_url(w)).status_code == 404
    assert c.get(board_url(w, period=2)).status_code == 404
    r = c.get(reverse("progress_index"))
    assert r.status_code == 200 and board_url(w) not in r.content.decode()


def test_unknown_assessment_or_period_is_404(login, progress_world):
    w = progress_world
    c = login(w.world.bob)
    assert c.get(reverse("progress_board", args=[w.a.pk + 999])).status_code == 404
    assert c.get(board_url(w, period=13)).status_code == 404
    assert c.get(board_url(w, period="x")).status_code == 404


def test_htmx_switches_the_period_in_place(login, progress_world):
    w = progress_world
    c = login(w.world.bob)
    r = c.get(board_url(w, period=2), HTTP_HX_REQUEST="true")
    html = r.content.decode()
    assert r.status_code == 200
    assert html.lstrip().startswith('<div id="board">') and "<html" not in html
    assert "2月" in html and "截止 2026年2月25日" in html
    full = c.get(board_url(w, period=2)).content.decode()
    assert "<html" in full and 'value="2" selected' in full


def test_navigation_link_only_for_staff(login, progress_world):
    w = progress_world
    assert reverse("progress_index") in login(w.world.bob).get(reverse("home")).content.decode()
    assert reverse("progress_index") not in login(w.world.carol).get(
        reverse("home")).content.decode()
