"""The people of the web tests, on a small tree:

    县委 (county)                         alice: 系统管理员 of 县委
    └── 机关党委 (organ committee)        bob: 考核管理员; frank: 领导
        ├── 一支部                        carol: 填报员
        └── 二支部                        dave: 填报员
    其他党委 (elsewhere)                  eve: 填报员 of 其他支部 (an outsider)
        └── 其他支部
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from kaoping.web.actions.orgs import do_create_organisation
from kaoping.web.actions.people import do_create_user, do_grant_role
from kaoping.web.models import Role

PASSWORD = "Kaoping-test-2026"


@pytest.fixture
def world(db):
    org = lambda name, parent=None: do_create_organisation(None, name=name, parent=parent)  # noqa: E731
    county = org("县委")
    organ = org("机关党委", county)
    b1, b2 = org("一支部", organ), org("二支部", organ)
    other = org("其他党委")
    other_branch = org("其他支部", other)
    people = {}
    for name, unit, role in [("alice", county, Role.ADMIN), ("bob", organ, Role.ASSESSOR),
                             ("frank", organ, Role.LEADER), ("carol", b1, Role.REPORTER),
                             ("dave", b2, Role.REPORTER), ("eve", other_branch, Role.REPORTER)]:
        user = do_create_user(None, username=name, password=PASSWORD)
        do_grant_role(None, user, unit, role)
        people[name] = user
    return SimpleNamespace(county=county, organ=organ, b1=b1, b2=b2, other=other,
                           other_branch=other_branch, password=PASSWORD, **people)


@pytest.fixture
def login(client):
    def as_(user):
        client.force_login(user)
        return client
    return as_
