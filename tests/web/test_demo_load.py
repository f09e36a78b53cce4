"""manage.py load_demo: the demo of `make run`, loaded through the actions, and only once."""

from __future__ import annotations

from collections import Counter
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from kaoping.web.management.commands.load_demo import DEMO_PASSWORD
from kaoping.web.models import Assessment, AuditEntry, Membership, Organisation, Record, Role


def _load(*args) -> str:
    out = StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_the_demo_has_both_trees_all_roles_and_three_months_of_records():
    out = _load()
    assert "已载入演示数据" in out and DEMO_PASSWORD in out
    for name in ("admin", "assessor", "leader", "reporter1", "reporter2", "assessor-g"):
        assert name in out

    organ = Organisation.objects.get(name="机关党委")
    assert organ.parent.name == "县委"
    assert [o.name for o in organ.children.order_by("pk")] == [
        "一支部", "二支部", "三支部", "四支部", "五支部", "六支部", "七支部", "八支部"]
    secretary = Organisation.objects.get(name="州统计局党组书记")
    assert secretary.parent.name == "州发展和改革委员会"
    assert secretary.parent.parent.name == "州直机关工委"

    roles = {(m.user.username, m.organisation.name, m.role)
             for m in Membership.objects.select_related("user", "organisation")}
    assert {("admin", "县委", Role.ADMIN), ("assessor", "机关党委", Role.ASSESSOR),
            ("leader", "县委", Role.LEADER), ("reporter1", "一支部", Role.REPORTER),
            ("reporter2", "二支部", Role.REPORTER),
            ("assessor-g", "州直机关工委", Role.ASSESSOR)} <= roles
    assert get_user_model().objects.get(username="reporter1").check_password(DEMO_PASSWORD)

    a = Assessment.objects.get(scheme_id="A")
    assert (a.year, a.cycle, a.organisation) == (2026, "month", organ)
    assert a.units.count() == 8
    assert [p.deadline.day for p in a.periods.all()] == [25] * 12
    by_period = Counter((r.period.number, r.status) for r in a.records.select_related("period"))
    assert set(p for p, _ in by_period) == {1, 2, 3}
    assert by_period[(1, Record.Status.ACCEPTED)] > 50
    assert by_period[(3, Record.Status.SUBMITTED)] > 50  # month 3 waits for verification
    assert a.records.filter(late=True).exists()  # a report after the 25th is marked late
    reporter1 = get_user_model().objects.get(username="reporter1")
    assert set(a.records.filter(created_by=reporter1).values_list("unit__name", flat=True)) \
        == {"一支部"}

    g = Assessment.objects.get(scheme_id="G")
    assert (g.cycle, g.units.count(), g.organisation.name) == ("quarter", 13, "州直机关工委")
    assert g.records.filter(status=Record.Status.ACCEPTED).count() == g.records.count() > 0
    # written through the actions: every record has its audit rows
    assert AuditEntry.objects.filter(action="record.accept").count() == \
        Record.objects.filter(status=Record.Status.ACCEPTED).count()

    with pytest.raises(CommandError, match="拒绝载入"):  # the second run refuses
        _load()
    assert Record.objects.count() == a.records.count() + g.records.count()
    out = _load("--if-empty")  # what make run does: nothing, but the accounts again
    assert "未载入" in out and "reporter1" in out


def test_if_empty_leaves_a_database_with_other_data_alone(world):
    out = _load("--if-empty")
    assert "未载入" in out and "reporter1" not in out  # no demo accounts to show
    assert not Assessment.objects.exists()
    with pytest.raises(CommandError):
        _load()
