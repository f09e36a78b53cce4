"""Django's ``{# … #}`` comment ends at the end of its line: one spread over two lines is
printed as text on the page (issue 11, point 1: every record form showed its comment).
Multi-line comments must be ``{% comment %} … {% endcomment %}``."""

from __future__ import annotations

from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "kaoping" / "web" / "templates"


def test_no_template_has_a_comment_spread_over_lines():
    unclosed = []
    for path in sorted(TEMPLATES.rglob("*.html")) + sorted(TEMPLATES.rglob("*.txt")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            rest = line
            while "{#" in rest:
                rest = rest[rest.index("{#") + 2:]
                if "#}" not in rest:
                    unclosed.append(f"{path.relative_to(TEMPLATES)}:{number}")
                    break
                rest = rest[rest.index("#}") + 2:]
    assert unclosed == []


def test_record_form_does_not_show_its_template_comment(reporting, login, world):
    from django.urls import reverse

    a = reporting.a
    response = login(world.carol).get(reverse("record_create", args=[a.pk, 1]) + "?kind=时间任务")
    assert response.status_code == 200
    body = response.content.decode()
    assert "{#" not in body and "required_title" not in body
