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


# ----------------------------------------------------------------- progress, reminders, dashboard


@pytest.fixture
def progress_world(world):
    """Scheme A assessed by 机关党委 over 一支部 and 二支部, three monthly periods due on the
    25th (due soon = 3 days), and E (no items) over the same units, one yearly period.

    Records of 一支部 in 1月: 时间任务 on item 7 (submitted) and 典型培养宣传 (accepted, fixed
    item 8) are done; 数量任务 on item 2 (draft) and 质量成果 on item 3 (returned) are not.
    二支部 has a submitted 时间任务 on item 4 in 2月 only. ``record(...)`` adds more."""
    from datetime import date
    from pathlib import Path

    from kaoping.web.models import AssessedUnit, Assessment, Period, Record

    schemes = Path(__file__).resolve().parents[2] / "schemes"

    def assessment(stem, name, cycle, periods):
        a = Assessment.objects.create(
            name=name, organisation=world.organ, scheme_id=stem[0].upper(), scheme_name=name,
            scheme_source=(schemes / f"{stem}.yaml").read_text(encoding="utf-8"),
            scheme_file=f"{stem}.yaml", year=2026, cycle=cycle, due_soon_days=3,
            created_by=world.bob)
        for unit in (world.b1, world.b2):
            AssessedUnit.objects.create(assessment=a, organisation=unit)
        ps = [Period.objects.create(assessment=a, number=n, deadline=d) for n, d in periods]
        return a, ps

    a, (jan, feb, mar) = assessment("a-linyi-branches", "机关党建常态化绩效考评", "month",
                                    [(1, date(2026, 1, 25)), (2, date(2026, 2, 25)),
                                     (3, date(2026, 3, 25))])
    e, (e_year,) = assessment("e-weighted-indicators", "指标权重考评", "year",
                              [(1, date(2026, 12, 20))])

    def record(assessment, period, unit, kind, data=None, status=Record.Status.SUBMITTED):
        return Record.objects.create(assessment=assessment, period=period, unit=unit, kind=kind,
                                     scheme_period=period.number, data=data or {}, status=status,
                                     created_by=world.bob)

    S = Record.Status
    record(a, jan, world.b1, "时间任务", {"考核项目": "党建制度建设", "业务名称": "部署"})
    record(a, jan, world.b1, "典型培养宣传", {"媒体层级": "省"}, S.ACCEPTED)
    record(a, jan, world.b1, "数量任务", {"考核项目": "2", "业务名称": "三会一课"}, S.DRAFT)
    record(a, jan, world.b1, "质量成果", {"考核项目": "3 记录规范及档案整理情况"}, S.RETURNED)
    record(a, feb, world.b2, "时间任务", {"考核项目": "学习平台使用情况"})
    return SimpleNamespace(world=world, a=a, jan=jan, feb=feb, mar=mar, e=e, e_year=e_year,
                           record=record)


@pytest.fixture
def dashboard_world(world):
    """Scheme B (grades 先进/达标/未达标党组织) assessed by 机关党委 over 一支部 and 二支部,
    with hand-written result documents: 1月 published once, 2月 published twice (revision 2
    corrects 二支部), 3月 open and unpublished."""
    from datetime import date
    from pathlib import Path

    from helpers import stored_run
    from kaoping.web.models import AssessedUnit, Assessment, Period, Publication

    stem = "b-luoyang-rubric"
    source = (Path(__file__).resolve().parents[2] / "schemes" / f"{stem}.yaml").read_text(
        encoding="utf-8")
    a = Assessment.objects.create(
        name="目标绩效考核", organisation=world.organ, scheme_id="B", scheme_name="目标绩效考核",
        scheme_source=source, scheme_file=f"{stem}.yaml", year=2026, cycle="month",
        created_by=world.bob)
    for unit in (world.b1, world.b2):
        AssessedUnit.objects.create(assessment=a, organisation=unit)
    jan, feb, mar = (Period.objects.create(assessment=a, number=n, deadline=date(2026, n, 25))
                     for n in (1, 2, 3))

    def unit(name, score, rank, grade, online, yearend, flags=()):
        return {"unit": name, "class": "党支部", "group": "机关党委", "score": score,
                "score_exact": score, "rank": rank, "rank_in_class": rank, "rank_in_group": None,
                "bottom": 3 - rank, "grade": grade, "flags": list(flags),
                "components": {"网上考核得分": online, "年终分组考评得分": yearend}, "apart": {}}

    def publish(period, revision, units):
        run = stored_run(a, period, world.bob, {
            "scheme": "B", "scheme_name": "目标绩效考核", "year": 2026, "rounding": 2,
            "units": units})
        return Publication.objects.create(assessment=a, period=period, revision=revision,
                                          scoring_run=run, by=world.bob)

    publish(jan, 1, [unit("一支部", 92.5, 1, "先进党组织", 95.0, 90.0),
                     unit("二支部", 80.0, 2, "达标党组织", 80.0, 80.0)])
    publish(feb, 1, [unit("一支部", 88.0, 1, "达标党组织", 86.0, 90.0),
                     unit("二支部", 55.0, 2, "未达标党组织", 50.0, 60.0, ["数据不全"])])
    publish(feb, 2, [unit("二支部", 91.0, 1, "先进党组织", 92.0, 90.0),
                     unit("一支部", 88.0, 2, "达标党组织", 86.0, 90.0)])
    jan.state = feb.state = Period.State.PUBLISHED
    jan.save()
    feb.save()
    return SimpleNamespace(world=world, a=a, jan=jan, feb=feb, mar=mar)


# ----------------------------------------------------------------- verification, scoring, publication


@pytest.fixture
def scheme_a_assessment(world):
    """Scheme A (schemes/a-linyi-branches.yaml) assessed by 机关党委 in 2026 over 一支部 and
    二支部, monthly periods jan/feb/mar (deadline the 25th), no records yet.

    ``record(unit, kind, data, period=jan, status=submitted)`` adds a record through the ORM
    with ``data`` as the engine's JSON input has it; ``time_task(unit, done)`` adds a 时间任务
    on item 3 due 2026-01-15 (``done`` "2026-01-18" is 3 days late: 1 − 0.1×3 = 0.70)."""
    from datetime import date
    from pathlib import Path

    from django.utils import timezone

    from kaoping.web.models import AssessedUnit, Assessment, Period, Record

    stem = "a-linyi-branches"
    source = (Path(__file__).resolve().parents[2] / "schemes" / f"{stem}.yaml").read_text(
        encoding="utf-8")
    a = Assessment.objects.create(
        name="机关党建常态化绩效考评", organisation=world.organ, scheme_id="A",
        scheme_name="机关党建工作常态化绩效考评", scheme_source=source,
        scheme_file=f"{stem}.yaml", year=2026, cycle="month", created_by=world.bob)
    units = [AssessedUnit.objects.create(assessment=a, organisation=u)
             for u in (world.b1, world.b2)]
    jan, feb, mar = (Period.objects.create(assessment=a, number=n, deadline=date(2026, n, 25))
                     for n in (1, 2, 3))

    def record(unit, kind, data, period=None, status=Record.Status.SUBMITTED, by=None,
               scheme_period=None):
        period = period or jan
        submitted = status != Record.Status.DRAFT
        return Record.objects.create(
            assessment=a, period=period, unit=unit, kind=kind, data=data, status=status,
            scheme_period=period.number if scheme_period is None else scheme_period,
            created_by=by or world.bob, submitted_at=timezone.now() if submitted else None)

    def time_task(unit, done, name="1月档案整理归档", **kw):
        return record(unit, "时间任务", {"考核项目": "记录规范及档案整理情况", "业务名称": name,
                                         "截止日期": "2026-01-15", "完成日期": done}, **kw)

    return SimpleNamespace(world=world, a=a, units=units, jan=jan, feb=feb, mar=mar,
                           record=record, time_task=time_task)


# ----------------------------------------------------------------- assessments set-up and reporting


@pytest.fixture
def reporting(world, settings, tmp_path):
    """An assessment set up through the action by bob: 机关党委 assesses 一支部 and 二支部 on
    the bundled scheme ``stem`` (A unless told), monthly, this year. 1月 is due in 10 days
    (on time), 2月 was due yesterday (late); evidence files go to a temporary MEDIA_ROOT.

    ``make(stem, cycle)`` sets up another; ``post(client, kind, data, …)`` posts the record
    form of a period; ``fields(response)`` are the form's field names."""
    import datetime as dt
    from pathlib import Path

    from django.urls import reverse
    from django.utils import timezone

    from kaoping.web.actions.assessments import do_create_assessment
    from kaoping.web.models import Assessment

    settings.MEDIA_ROOT = tmp_path / "files"
    schemes = Path(__file__).resolve().parents[2] / "schemes"
    today = timezone.localdate()

    def make(stem="a-linyi-branches", cycle="month", classes=None):
        units = [(world.b1, (classes or {}).get("一支部", "")),
                 (world.b2, (classes or {}).get("二支部", ""))]
        same = Assessment.objects.filter(name__startswith=f"{stem} 考评").count()
        a = do_create_assessment(world.bob, organisation=world.organ,
                                 name=f"{stem} 考评" + (f"（{same + 1}）" if same else ""),
                                 scheme_file=f"{stem}.yaml",
                                 scheme_source=(schemes / f"{stem}.yaml").read_text("utf-8"),
                                 year=today.year, cycle=cycle, units=units,
                                 verifiers=[world.bob])
        periods = list(a.periods.order_by("number"))
        periods[0].deadline = today + dt.timedelta(days=10)
        periods[0].save()
        if len(periods) > 1:
            periods[1].deadline = today - dt.timedelta(days=1)
            periods[1].save()
        return a, periods

    a, periods = make()

    def post(client, kind, data, *, period=None, assessment=None, unit=None, submit=False):
        assessment = assessment or a
        period = period or periods[0]
        payload = {"kind": kind, "unit": str((unit or world.b1).pk), **data}
        payload.setdefault("scheme_period", str(period.number))
        payload["submit" if submit else "draft"] = "1"
        url = reverse("record_create", args=[assessment.pk, period.number]) + f"?kind={kind}"
        return client.post(url, payload)

    def fields(response):
        return list(response.context["form"].fields)

    return SimpleNamespace(world=world, a=a, periods=periods, jan=periods[0], feb=periods[1],
                           today=today, make=make, post=post, fields=fields, schemes=schemes)


# ----------------------------------------------------------------- evaluation ballots


@pytest.fixture
def ballot_assessment(world):
    """``make(stem, units=None, classes=None)``: an assessment of ``schemes/<stem>.yaml`` by
    机关党委 in 2026 with a yearly cycle (one period, number 1), over ``units`` (default 一支部
    and 二支部; ``classes`` gives each unit's class). ``branches(n)`` adds n more branches
    under 机关党委 (支部1 … 支部n)."""
    from datetime import date
    from pathlib import Path

    from kaoping.web.actions.orgs import do_create_organisation
    from kaoping.web.models import AssessedUnit, Assessment, Period

    schemes = Path(__file__).resolve().parents[2] / "schemes"

    def make(stem, units=None, classes=None):
        same = Assessment.objects.filter(name__startswith=stem).count()  # names are unique
        a = Assessment.objects.create(
            name=stem if not same else f"{stem}-{same + 1}", organisation=world.organ, scheme_id=stem[0].upper(), scheme_name=stem,
            scheme_source=(schemes / f"{stem}.yaml").read_text(encoding="utf-8"),
            scheme_file=f"{stem}.yaml", year=2026, cycle="year", created_by=world.bob)
        units = units or [world.b1, world.b2]
        for u in units:
            AssessedUnit.objects.create(assessment=a, organisation=u,
                                        unit_class=(classes or {}).get(u.name, ""))
        Period.objects.create(assessment=a, number=1, deadline=date(2026, 12, 20))
        return a

    def branches(n):
        return [do_create_organisation(None, name=f"支部{i}", parent=world.organ)
                for i in range(1, n + 1)]

    def vote(ballot, category, answers, now=None):
        """Cast one sheet with the next unused anonymous token of ``category``; ``answers``
        maps a unit (organisation) to a choice label or a score."""
        from kaoping.web.actions.ballots import do_cast_ballot
        from kaoping.web.models import BallotToken

        token = BallotToken.objects.filter(category__ballot=ballot, category__name=category,
                                           user=None, used=False).order_by("id").first()
        labels = [c[0] for c in ballot.choices]
        sheet = {u.pk: labels.index(a) if isinstance(a, str) else a for u, a in answers.items()}
        do_cast_ballot(token, sheet, now=now)

    def during(ballot):
        return ballot.opens_at + (ballot.closes_at - ballot.opens_at) / 2

    return SimpleNamespace(make=make, branches=branches, world=world, vote=vote, during=during)
