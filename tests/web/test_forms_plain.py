"""Forms speak Chinese from the server, not from the browser (issue 11, point 7): every form
is ``novalidate`` (no English validation bubbles) and a field left empty is named in Chinese
by the server; drop-downs start with 请选择, never Django's "---------"."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import kaoping.web

TEMPLATES = Path(kaoping.web.__file__).parent / "templates"
#: the vote pages belong to the ballot voting work (their own tests)
VOTE_PAGES = {"vote.html", "start.html"}


def test_every_form_is_novalidate():
    missing = []
    for f in sorted(TEMPLATES.rglob("*.html")):
        if f.name in VOTE_PAGES:
            continue
        for tag in re.findall(r"<form\b[^>]*>", f.read_text(encoding="utf-8")):
            if "novalidate" not in tag:
                missing.append(f"{f.relative_to(TEMPLATES)}: {tag}")
    assert not missing, missing


@pytest.mark.django_db
def test_an_empty_field_is_named_in_chinese(client):
    r = client.post("/login/", {"username": "", "password": ""})
    assert r.status_code == 200
    assert "这个字段是必填项" in r.content.decode()


@pytest.mark.parametrize("url", ["/users/new/", "/orgs/new/"])
def test_drop_downs_start_with_please_choose(login, world, url):
    page = login(world.alice).get(url).content.decode()
    assert "---------" not in page
    assert '<option value="" selected>请选择</option>' in page
    assert "<form novalidate" in page
