"""The printable code sheet of a ballot: A4 pages of cards, each with a QR code of the voting
address of one unused code and the code in large type for typing.

The sheet is HTML (``kaoping/ballots/codes_pdf.html``) turned into a PDF by WeasyPrint; the QR
codes are segno's SVG, embedded inline. Cards are laid out page by page (:data:`PER_PAGE` per
page) so that N codes always take ⌈N ÷ PER_PAGE⌉ pages, whatever the fonts measure.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import segno
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from .models import Ballot, BallotToken

#: cards per A4 page: 3 columns × 4 rows
COLUMNS = 3
ROWS = 4
PER_PAGE = COLUMNS * ROWS


@dataclass
class Card:
    code: str
    category: str
    url: str
    qr: SafeString


def qr_svg(url: str) -> SafeString:
    """The QR code of ``url`` as inline SVG, sized by CSS (no width/height of its own)."""
    qr = segno.make(url, error="m", micro=False)
    return mark_safe(qr.svg_inline(scale=1, border=2, omitsize=True, svgclass="qr",
                                   lineclass=None, dark="#000"))


def unused_codes(ballot: Ballot):
    """The anonymous codes of ``ballot`` not used yet, category by category."""
    return (BallotToken.objects.filter(category__ballot=ballot, user=None, used=False)
            .select_related("category").order_by("category__position", "category_id", "code"))


def pages(cards: list[Card]) -> list[list[list[Card]]]:
    """Cards in pages of rows of :data:`COLUMNS`."""
    out = []
    for p in range(0, len(cards), PER_PAGE):
        page = cards[p:p + PER_PAGE]
        out.append([page[r:r + COLUMNS] for r in range(0, len(page), COLUMNS)])
    return out


def sheet_html(ballot: Ballot, tokens: Iterable[BallotToken],
               vote_url: Callable[[str], str], start_url: str) -> str:
    """The sheet as HTML; ``vote_url(code)`` is the absolute voting address of a code."""
    cards = [Card(t.code, t.category.name, vote_url(t.code), qr_svg(vote_url(t.code)))
             for t in tokens]
    return render_to_string("kaoping/ballots/codes_pdf.html", {
        "ballot": ballot, "pages": pages(cards), "count": len(cards), "start_url": start_url})


def sheet_pdf(html: str, base_url: str | None = None) -> bytes:
    from weasyprint import HTML  # imported late: loads Pango

    return HTML(string=html, base_url=base_url).write_pdf()


__all__ = ["COLUMNS", "PER_PAGE", "ROWS", "Card", "pages", "qr_svg", "sheet_html", "sheet_pdf",
           "unused_codes"]
