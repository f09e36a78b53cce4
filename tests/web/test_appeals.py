"""申诉 (seed 002 part 3 第十八条) on the web: a unit appeals a published month within the
window, the assessor answers (upheld → correction → a new revision linked to the appeal;
rejected → the answer), and both show beside the unit's result."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from kaoping.web.actions.appeals import do_answer_appeal, do_file_appeal
from kaoping.web.actions.base import ActionError
from kaoping.web.actions.scoring import do_publish_revision, do_run_scoring
from kaoping.web.actions.verification import do_correct_record
from kaoping.web.models import Appeal, AppealEvidence, AuditEntry, Publication
from webhelpers import publish_confirmed


@pytest.fixture
def w(scheme_a_assessment, settings, tmp_path):
    """January published: 一支部 finished its 档案整理 on the 15th (on time: 1.00), 二支部
    on the 18th (3 days late: 1 − 0.1×3 = 0.70)."""
    settings.MEDIA_ROOT = tmp_path
    w = scheme_a_assessment
    w.r1 = w.time_task(w.world.b1, "2026-01-15", status="accepted")
    w.r2 = w.time_task(w.world.b2, "2026-01-18", status="accepted")
    w.pub = publish_confirmed(w.world.bob, do_run_scoring(w.world.bob, w.jan))
    return w


def test_a_unit_appeals_and_the_assessor_rejects_with_an_answer(w, login):
    appeal = do_file_appeal(w.world.dave, w.pub, w.world.b2, "完成日期应为 1 月 15 日",
                            record=w.r2,
                            files=[SimpleUploadedFile("签收单.pdf", b"%PDF-1.4 x")])
    # filed today, answer due in the assessment's 15 days
    assert appeal.due == timezone.localdate() + timedelta(days=15)
    assert AppealEvidence.objects.get(appeal=appeal).original_name == "签收单.pdf"
    do_answer_appeal(w.world.bob, appeal, upheld=False, answer="签收单日期为 1 月 18 日，维持原结果")
    appeal.refresh_from_db()
    assert appeal.state == Appeal.State.REJECTED and appeal.revision is None
    assert [e.action for e in AuditEntry.objects.filter(action__startswith="appeal.").order_by("pk")] == [
        "appeal.file", "appeal.answer"]
    # dave sees it beside his unit's result and in its explanation; carol's unit does not
    page = login(w.world.dave).get(reverse("period_results", args=[w.jan.pk])).content.decode()
    assert "申诉及答复（1 件）" in page and "已答复，维持原结果" in page
    expl = login(w.world.dave).get(reverse("result_explain", args=[w.jan.pk, w.world.b2.pk]))
    assert "签收单日期为 1 月 18 日" in expl.content.decode()
    page = login(w.world.carol).get(reverse("period_results", args=[w.jan.pk])).content.decode()
    assert "申诉及答复" not in page


def test_an_upheld_appeal_leads_to_the_correction_and_the_next_revision(w):
    appeal = do_file_appeal(w.world.dave, w.pub, w.world.b2, "完成日期录错，应为 1 月 15 日",
                            record=w.r2)
    do_answer_appeal(w.world.bob, appeal, upheld=True, answer="经核实签收单为 15 日，予以更正")
    do_correct_record(w.world.bob, w.r2, {"完成日期": "2026-01-15"}, "申诉核实后更正")
    run = do_run_scoring(w.world.bob, w.jan)
    # 二支部 now on time: 1.00, as 一支部
    scores = dict(run.units.values_list("name", "score"))
    assert scores == {"一支部": 1.0, "二支部": 1.0}
    rev2 = do_publish_revision(w.world.bob, w.jan, run, "二支部申诉成立，完成日期更正")
    appeal.refresh_from_db()
    assert appeal.revision == rev2 and rev2.revision == 2
    assert AuditEntry.objects.get(action="publication.revise").after["appeals_settled"] == 1


@pytest.mark.parametrize(("who", "unit"), [("carol", "b2"), ("bob", "b2"), ("eve", "b2")])
def test_only_the_units_own_people_appeal_for_it(w, who, unit):
    with pytest.raises(ActionError):
        do_file_appeal(getattr(w.world, who), w.pub, getattr(w.world, unit), "不服")
    assert not Appeal.objects.exists()


def test_the_window_closes_appeal_days_after_publication(w):
    # published 8 days ago, the window is 7 days
    Publication.objects.filter(pk=w.pub.pk).update(at=timezone.now() - timedelta(days=8))
    w.pub.refresh_from_db()
    with pytest.raises(ActionError) as exc:
        do_file_appeal(w.world.dave, w.pub, w.world.b2, "不服")
    assert "申诉期已过" in exc.value.message


def test_bad_input_is_refused_with_its_field_and_nothing_is_kept(w, login):
    c = login(w.world.dave)
    url = reverse("appeal_new", args=[w.jan.pk])
    resp = c.post(url, {"unit": w.world.b2.pk, "claim": "  "})
    assert resp.status_code == 400 and "请填写申诉事项" in resp.content.decode()
    resp = c.post(url, {"unit": w.world.b2.pk, "claim": "不服",
                        "files": SimpleUploadedFile("病毒.exe", b"MZ")})
    assert resp.status_code == 400 and "不支持的文件类型" in resp.content.decode()
    assert not Appeal.objects.exists() and not AppealEvidence.objects.exists()


def test_the_assessor_answers_from_the_queue(w, login):
    appeal = do_file_appeal(w.world.dave, w.pub, w.world.b2, "完成日期应为 15 日")
    c = login(w.world.bob)
    queue = c.get(reverse("appeals_index")).content.decode()
    assert "二支部" in queue and "待答复" in queue
    url = reverse("appeal_answer", args=[appeal.pk])
    assert c.post(url, {"outcome": "rejected", "answer": ""}).status_code == 400
    resp = c.post(url, {"outcome": "rejected", "answer": "维持原结果，理由见签收单"})
    assert resp.status_code == 302
    appeal.refresh_from_db()
    assert appeal.state == Appeal.State.REJECTED
    # a reporter cannot answer, and an outsider cannot even see it
    assert login(w.world.dave).post(url, {"outcome": "upheld", "answer": "x"}).status_code == 400
    assert login(w.world.eve).get(reverse("appeal_detail", args=[appeal.pk])).status_code == 404


def test_scheme_e_reads_the_web_appeals_as_its_appeal_register(progress_world):
    """E's 申诉 kind is the appeal register (``appeal`` key): an appeal filed on the web is
    what the engine shows in the results document and the explanation."""
    from kaoping.engine import appeals_of, explain
    from kaoping.web.models import AssessedUnit
    from kaoping.web.services import scoring

    w = progress_world
    AssessedUnit.objects.filter(assessment=w.e).update(unit_class="市直部门党组织")
    for unit in (w.world.b1, w.world.b2):  # one graded indicator each, so both are scored
        w.record(w.e, w.e_year, unit, "指标评分", {
            "指标名称": "支部标准化建设", "指标类型": "规定指标", "权重": "5", "责任单位": unit.name,
            "责任人": "王芳", "完成时限": "2026-12-31", "进展情况": "已完成", "单位自评": "良",
            "组织评估": "良", "社会评价": "中"}, status="accepted")
    run = do_run_scoring(w.world.bob, w.e_year)
    pub = publish_confirmed(w.world.bob, run)
    appeal = do_file_appeal(w.world.dave, pub, w.world.b2, "社会评价偏低")
    do_answer_appeal(w.world.bob, appeal, upheld=False, answer="程序合规，维持原评价")
    result = scoring.score(w.e, w.e_year).result
    (a,) = appeals_of(result, "二支部")
    assert (a.claim, a.answer, a.outcome, a.state) == (
        "社会评价偏低", "程序合规，维持原评价", "rejected", "已答复，维持原结果")
    assert a.place.startswith(f"申诉#{appeal.pk} · 二支部")
    assert "申诉 1 件：已答复，维持原结果" in explain(result, "二支部").headline
    assert appeals_of(result, "一支部") == []


def test_the_assessment_sets_its_appeal_window(w):
    from kaoping.web.models import Assessment

    # a window of 3 days: published 4 days ago is too late, 3 days ago is the last day
    Assessment.objects.filter(pk=w.a.pk).update(appeal_days=3, answer_days=10)
    Publication.objects.filter(pk=w.pub.pk).update(at=timezone.now() - timedelta(days=4))
    w.pub.refresh_from_db()
    with pytest.raises(ActionError):
        do_file_appeal(w.world.dave, w.pub, w.world.b2, "不服")
    Publication.objects.filter(pk=w.pub.pk).update(at=timezone.now() - timedelta(days=3))
    w.pub.refresh_from_db()
    appeal = do_file_appeal(w.world.dave, w.pub, w.world.b2, "不服")
    assert appeal.due == timezone.localdate() + timedelta(days=10)


def test_an_appeal_window_out_of_range_is_refused_by_name(w):
    from kaoping.web.actions.assessments import _check_settings

    with pytest.raises(ActionError) as exc:
        _check_settings(3, appeal_days=0)
    assert exc.value.fields == {"appeal_days": "须在 1—90 之间"}
    with pytest.raises(ActionError) as exc:
        _check_settings(3, answer_days=91)
    assert "答复期限须在 1—90 天之间" in exc.value.message


def test_e_appeals_are_filed_on_the_result_not_typed_as_records(progress_world, login):
    """One concept: E's 申诉 register is not offered as a record to report; entering one is
    refused with where to go instead."""
    from kaoping.web.actions.records import APPEAL_ELSEWHERE, do_save_record

    w = progress_world
    with pytest.raises(ActionError) as exc:
        do_save_record(w.world.carol, assessment=w.e, period=w.e_year, kind="申诉",
                       unit=w.world.b1, scheme_period=None, values={"申诉事项": "不服"})
    assert exc.value.message == APPEAL_ELSEWHERE
    html = login(w.world.carol).get(reverse("report_period", args=[w.e.pk, 1])).content.decode()
    assert "<h3>指标评分" in html and "<h3>申诉" not in html
