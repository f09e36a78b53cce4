"""Appeals (申诉) as the results show them: a unit's claim, the answer and how it ended.

A scheme registers appeals as records of a kind with an ``appeal`` mapping
(``model.AppealFields``, e.g. scheme E's 申诉 per seed 002 第十八条). Those records are
never scored; ``appeals_of`` reads them back for one unit, so that the results document and
the explanation say which units appealed and what they were told. The web application's
appeals are the same concept: it hands its appeals to the engine as records of that kind.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from .dataset import NO_DATE, days_to_date
from .result import Result

UPHELD, REJECTED = "upheld", "rejected"


@dataclass(frozen=True)
class Appeal:
    place: str
    claim: str
    filed: date | None = None
    answer: str | None = None
    answered: date | None = None
    #: ``UPHELD``, ``REJECTED`` or None (not decided, or the scheme records no outcome)
    outcome: str | None = None

    @property
    def state(self) -> str:
        """How it ended, in words: 待答复 / 已答复 / 已答复，予以更正 / 已答复，维持原结果."""
        if not self.answer and self.outcome is None:
            return "待答复"
        return {UPHELD: "已答复，予以更正", REJECTED: "已答复，维持原结果"}.get(self.outcome, "已答复")

    def line(self) -> str:
        filed = f"（{self.filed.isoformat()}）" if self.filed else ""
        answer = f"；答复：{self.answer}" if self.answer else ""
        answered = f"（{self.answered.isoformat()}）" if self.answered and self.answer else ""
        return f"申诉{filed}：{self.claim}{answer}{answered}；{self.state}"

    def to_dict(self) -> dict:
        """Without the place: the results document is the same whatever the input format."""
        return {"claim": self.claim,
                "filed": self.filed.isoformat() if self.filed else None,
                "answer": self.answer,
                "answered": self.answered.isoformat() if self.answered else None,
                "outcome": self.outcome, "state": self.state}


def appeal_kinds(result: Result) -> list[str]:
    return [k for k, spec in result.scheme.records.items() if spec.appeal is not None]


def appeals_of(result: Result, unit: str | int) -> list[Appeal]:
    """The unit's appeals in every appeal kind of the scheme, in input order."""
    u = unit if isinstance(unit, int) else result.index_of(unit)
    out: list[Appeal] = []
    for kind in appeal_kinds(result):
        table = result.data.records.get(kind)
        if table is None or not len(table):
            continue
        a = result.scheme.records[kind].appeal
        fields = {f.name: f for f in result.scheme.fields_of(kind)}
        cols = table.columns

        for j in np.flatnonzero(table.unit == u):
            def text(name, j=j, cols=cols):
                return (cols[name][j] or None) if name else None

            def day(name, j=j, cols=cols):
                if not name or cols[name][j] == NO_DATE:
                    return None
                return days_to_date(cols[name][j])

            outcome = None
            if a.outcome is not None:
                v = table.columns[a.outcome.field][j]
                chosen = fields[a.outcome.field].options[v] if v >= 0 else None
                outcome = {a.outcome.upheld: UPHELD, a.outcome.rejected: REJECTED}.get(chosen)
            out.append(Appeal(table.place(int(j)), text(a.claim), day(a.filed), text(a.answer),
                              day(a.answered), outcome))
    return out
