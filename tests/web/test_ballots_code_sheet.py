"""The printable code sheet (``/ballots/<id>/codes.pdf``): an A4 PDF of cards, 12 a page,
each with a QR code of its voting address and the code; only unused codes; assessors only."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import timedelta

import pytest
from django.utils import timezone

from kaoping.web import codesheet
from kaoping.web.actions.ballots import CategorySpec, do_create_ballot
from kaoping.web.models import BallotToken


@pytest.fixture
def ballot(ballot_assessment):
    k = ballot_assessment
    a = k.make("a-linyi-branches")
    now = timezone.now()
    return do_create_ballot(
        k.world.bob, a, title="第一季度民主测评", kind="民主测评", period=a.periods.get(),
        scheme_period=1, form="score",
        categories=[CategorySpec("党员", 60, tokens=20), CategorySpec("群众", 40, tokens=5,
                                                                      raters=[k.world.frank])],
        opens_at=now - timedelta(hours=1), closes_at=now + timedelta(hours=1),
        value_field="得分", scale=0.01)


def _anonymous(ballot):
    return list(BallotToken.objects.filter(category__ballot=ballot, user=None).order_by("id"))


def _pages_of(html: str) -> int:
    from weasyprint import HTML

    return len(HTML(string=html).render().pages)


def _page_count(pdf: bytes, tmp_path) -> int | None:
    """The pages of a PDF by poppler's pdfinfo (None without poppler-utils)."""
    if shutil.which("pdfinfo") is None:
        return None
    path = tmp_path / "count.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True,
                          text=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def _text(pdf: bytes, tmp_path) -> str | None:
    if shutil.which("pdftotext") is None:
        return None
    path = tmp_path / "codes.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout


def test_pdf_holds_each_unused_code_on_the_right_number_of_pages(ballot, world, login, tmp_path):
    tokens = _anonymous(ballot)
    assert len(tokens) == 25
    used = tokens[:3]
    BallotToken.objects.filter(pk__in=[t.pk for t in used]).update(used=True)
    unused = tokens[3:]  # 22 codes: 2 pages of 12

    r = login(world.bob).get(f"/ballots/{ballot.pk}/codes.pdf")
    assert r.status_code == 200
    assert r["Content-Type"] == "application/pdf"
    assert "attachment" not in r["Content-Disposition"]
    pdf = r.content
    assert pdf.startswith(b"%PDF")

    # the HTML before conversion: a card (QR code + code) per unused code, absolute voting URLs
    html = codesheet.sheet_html(ballot, codesheet.unused_codes(ballot),
                                lambda c: f"http://testserver/vote/{c}/", "http://testserver/vote/")
    assert _page_count(pdf, tmp_path) in (2, None)
    assert _pages_of(html) == 2
    assert html.count('class="code"') == 22
    assert html.count("<svg") == 22
    for t in unused:
        assert f'<div class="code">{t.code}</div>' in html
    for t in used:
        assert t.code not in html
    named = BallotToken.objects.get(user=world.frank)
    assert named.code not in html

    text = _text(pdf, tmp_path)
    if text is not None:
        for t in unused:
            assert t.code in text
        for t in [*used, named]:
            assert t.code not in text
        assert "第一季度民主测评" in text and "党员" in text and "群众" in text


def test_qr_code_encodes_the_voting_url():
    svg = codesheet.qr_svg("http://testserver/vote/ABCD2345/")
    assert svg.startswith("<svg") and 'class="qr"' in svg
    assert "width=" not in svg.split(">", 1)[0]  # sized by the sheet's CSS


@pytest.mark.parametrize("n, pages", [(0, 1), (1, 1), (12, 1), (13, 2), (25, 3)])
def test_pages_for_n_codes(ballot, n, pages, tmp_path):
    BallotToken.objects.filter(category__ballot=ballot).update(used=True)
    ids = [t.pk for t in _anonymous(ballot)][:n]
    BallotToken.objects.filter(pk__in=ids).update(used=False)
    html = codesheet.sheet_html(ballot, codesheet.unused_codes(ballot),
                                lambda c: f"http://testserver/vote/{c}/", "http://testserver/vote/")
    assert _pages_of(html) == pages
    assert _page_count(codesheet.sheet_pdf(html), tmp_path) in (pages, None)
    if n == 0:
        assert "没有未使用的投票码" in html


def test_voting_url_of_a_card_opens_the_ballot(ballot, world, login, client):
    code = _anonymous(ballot)[0].code
    html = codesheet.sheet_html(ballot, codesheet.unused_codes(ballot),
                                lambda c: f"http://testserver/vote/{c}/", "http://testserver/vote/")
    assert html.count(code) == 1
    assert client.get(f"/vote/{code}/").status_code == 200


@pytest.mark.parametrize("who", ["frank", "carol", "dave", "eve"])
def test_only_assessors_get_the_sheet(ballot, world, client, who):
    client.force_login(getattr(world, who))
    assert client.get(f"/ballots/{ballot.pk}/codes.pdf").status_code == 404


def test_alice_above_may_and_anonymous_is_sent_to_login(ballot, world, login, client):
    assert client.get(f"/ballots/{ballot.pk}/codes.pdf").url.startswith("/login/")
    assert login(world.alice).get(f"/ballots/{ballot.pk}/codes.pdf").status_code == 200
