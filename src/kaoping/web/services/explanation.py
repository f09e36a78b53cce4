"""An explanation (得分说明) as a page a person reads: one table per level — the score, its
components, their sections and items, down to the records — each value with its rule in
words, folding below the second level, and links to the records.

``explanation_page(doc, record_url)`` takes the engine's explanation as stored
(``Explanation.to_dict``: each node's ``words`` for a reader, its ``rule`` as a formula for
older runs without words) and gives the template plain data; no wording is made in the
template. ``headline_words`` rewrites the headline of runs stored before ties were said
as 并列.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from ...engine.explain import fmt
from .scoring import RECORD_PLACE

#: levels shown open when the page opens (the score and its components); the rest fold
OPEN_DEPTH = 2
_OLD_RANK = re.compile(r"名次 第 (\d+) 名 / (\d+)，倒数第 (\d+) 名")


@dataclass
class RecordRow:
    kind: str
    summary: str
    value: str
    detail: str
    counted: bool
    url: str | None


@dataclass
class Level:
    """One node: its value, what made it (``words``), its parts as rows of a table (each
    with its own ``Level`` below when it has parts of its own) and its records."""

    anchor: str
    label: str
    value: str
    words: str
    depth: int
    open: bool
    rows: list[Level] = field(default_factory=list)
    records: list[RecordRow] = field(default_factory=list)

    @property
    def has_parts(self) -> bool:
        return bool(self.rows or self.records)

    @property
    def parts(self) -> list[Level]:
        """The rows that unfold into a level of their own."""
        return [r for r in self.rows if r.has_parts]


@dataclass
class Page:
    unit: str
    headline: list[str]
    levels: list[Level]        # the score, then what is kept apart from it (bonuses …)


def _value(v) -> str:
    return "—" if v is None else fmt(v)


def _record(r: dict, record_url: Callable[[int], str] | None) -> RecordRow:
    place = r.get("place", "")
    m = RECORD_PLACE.search(place)
    kind = place.split(" · ")[-1] if " · " in place else place
    return RecordRow(kind=kind, summary=r.get("record", ""), value=_value(r.get("value")),
                     detail=r.get("rule", ""), counted=r.get("counted", True),
                     url=record_url(int(m[1])) if m and record_url else None)


def _level(d: dict, depth: int, anchor: str, record_url, print_all: bool) -> Level:
    level = Level(anchor=anchor, label=d["label"], value=_value(d.get("value")),
                  words=d.get("words") or d.get("rule", ""), depth=depth,
                  open=print_all or depth < OPEN_DEPTH)
    level.rows = [_level(c, depth + 1, f"{anchor}-{k + 1}", record_url, print_all)
                  for k, c in enumerate(d.get("children", []))]
    level.records = [_record(r, record_url) for r in d.get("records", [])]
    return level


def headline_words(lines: list[str], ranks: list[int | None] = ()) -> list[str]:
    """The headline, with a tie said as 并列 also for runs stored before the engine said so;
    ``ranks`` are every unit's rank in the run (a tie is a rank more than one unit has)."""
    out = []
    for line in lines:
        m = _OLD_RANK.search(line)
        if m:
            rank, ranked, bottom = (int(x) for x in m.groups())
            tied = sum(1 for r in ranks if r == rank)
            words = (f"并列第 {rank} 名（{tied} 个单位得分相同，共 {ranked} 个）" if tied > 1
                     else f"第 {rank} 名（共 {ranked} 个），倒数第 {bottom} 名")
            line = line[:m.start()] + "名次 " + words + line[m.end():]
        out.append(line)
    return out


def explanation_page(doc: dict, record_url: Callable[[int], str] | None = None, *,
                     print_all: bool = False, ranks: list[int | None] = ()) -> Page:
    """The page of one unit's explanation ``doc``; ``print_all`` opens every level;
    ``ranks``: every unit's rank in the run, for the headline of older runs."""
    tops = [doc["score"], *doc.get("apart", [])]
    return Page(unit=doc["unit"], headline=headline_words(list(doc.get("summary", [])), ranks),
                levels=[_level(t, 0, f"l{k + 1}", record_url, print_all)
                        for k, t in enumerate(tops)])


def explanation_pdf(html: str, base_url: str | None = None) -> bytes:
    from weasyprint import HTML  # imported late: loads Pango

    return HTML(string=html, base_url=base_url).write_pdf()


__all__ = ["Level", "Page", "RecordRow", "explanation_page", "explanation_pdf",
           "headline_words"]
