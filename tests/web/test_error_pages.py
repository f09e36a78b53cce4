"""The 404, 403 and 500 pages are Chinese and give a way back (issue 11, point 7), with
DEBUG off as in production."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.views import defaults

pytestmark = pytest.mark.django_db


def _way_back(html: str) -> None:
    assert 'href="/">返回首页</a>' in html and "返回上一页" in html
    assert "Not Found" not in html and "Forbidden" not in html and "Server Error" not in html


def test_404_in_chinese_with_a_way_back(settings, client, world, login):
    settings.DEBUG = False
    r = client.get("/no-such-page/")
    assert r.status_code == 404
    html = r.content.decode()
    assert "找不到这个页面" in html and 'href="/login/">登录</a>' in html
    _way_back(html)
    # a logged-in user gets the same page, with the menu
    r = login(world.carol).get("/records/999999/history/")
    assert r.status_code == 404 and "找不到这个页面" in r.content.decode()
    _way_back(r.content.decode())


def test_403_in_chinese_with_a_way_back(settings, world):
    settings.DEBUG = False
    request = RequestFactory().get("/")
    request.user = world.carol
    r = defaults.permission_denied(request, PermissionDenied())
    assert r.status_code == 403
    html = r.content.decode()
    assert "没有权限" in html
    _way_back(html)


def test_csrf_failure_in_chinese(settings, world):
    from django.test import Client

    settings.DEBUG = False
    c = Client(enforce_csrf_checks=True)
    r = c.post("/login/", {"username": "x", "password": "y"})
    assert r.status_code == 403
    html = r.content.decode()
    assert "页面已过期" in html
    _way_back(html)


def test_500_in_chinese_with_a_way_back(settings):
    settings.DEBUG = False
    r = defaults.server_error(RequestFactory().get("/"))
    assert r.status_code == 500
    html = r.content.decode()
    assert "系统出了问题" in html
    _way_back(html)
