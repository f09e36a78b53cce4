"""Plain-text tables for the terminal, aligned for Chinese (full-width) characters."""

from __future__ import annotations

import unicodedata
from decimal import Decimal
from typing import Any

from ..engine import Result
from .results import ranking_table


def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def show(v: Any) -> str:
    return "" if v is None else str(v)


def format_table(head: list[str], rows: list[list[Any]]) -> str:
    """Columns padded to the widest cell; numbers right-aligned, text left-aligned."""
    text = [[show(v) for v in row] for row in rows]
    widths = [max([width(h)] + [width(r[c]) for r in text]) for c, h in enumerate(head)]
    numeric = [all(isinstance(r[c], int | float | Decimal) or r[c] is None for r in rows) and rows
               for c in range(len(head))]

    def line(cells: list[str]) -> str:
        out = []
        for c, v in enumerate(cells):
            pad = " " * (widths[c] - width(v))
            out.append(pad + v if numeric[c] else v + pad)
        return "  ".join(out).rstrip()

    sep = "  ".join("─" * w for w in widths)
    return "\n".join([line(head), sep, *(line(r) for r in text)])


def ranking_text(result: Result) -> str:
    """The ranking table with a title line (scheme, year, number of units)."""
    head, rows = ranking_table(result)
    title = f"{result.scheme.name}（{result.year} 年度，{len(result.units)} 个单位）"
    return title + "\n" + format_table(head, rows)


__all__ = ["format_table", "ranking_text", "width"]
