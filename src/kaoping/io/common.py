"""Small helpers shared by the file formats: sheet names, the year cell, atomic writes.

Sheet names: Excel allows at most 31 characters and none of ``[]:*?/\\``; a record kind's
sheet is its name cleaned and cut to fit, the same way in the template and the reader
(``record_sheets``). The sheets the formats themselves use (说明, 单位, 选项, 考核细则 …) are
never given to a record kind.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..engine import Problem, Scheme

README_SHEET = "说明"
UNITS_SHEET = "单位"
OPTIONS_SHEET = "选项"
RUBRIC_SHEET = "考核细则"
ITEMS_SHEET = "考核项目"
YEAR_LABEL = "考核年度"
SCHEME_LABEL = "方案编号"
RESERVED_SHEETS = (README_SHEET, UNITS_SHEET, OPTIONS_SHEET, RUBRIC_SHEET, ITEMS_SHEET)
MAX_SHEET = 31
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def clean_sheet_name(name: str, taken: set[str]) -> str:
    """A legal sheet name for ``name``, distinct from those in ``taken`` (case-insensitive)."""
    base = _BAD_SHEET_CHARS.sub("_", safe(str(name))).strip("'") or "表"
    lowered = {t.lower() for t in taken}
    candidate = base[:MAX_SHEET]
    n = 1
    while candidate.lower() in lowered:
        n += 1
        tail = f"~{n}"
        candidate = base[:MAX_SHEET - len(tail)] + tail
    return candidate


def record_sheets(scheme: Scheme) -> dict[str, str]:
    """Each record kind's sheet name (kinds in scheme order)."""
    taken = set(RESERVED_SHEETS)
    out: dict[str, str] = {}
    for kind in scheme.records:
        out[kind] = clean_sheet_name(kind, taken)
        taken.add(out[kind])
    return out


_YEAR_RE = re.compile(r"^\s*(\d{4})\s*年?(度)?\s*$")


def parse_year(v: Any) -> int | None:
    """A year from 2026, 2026.0, "2026" or "2026年"; ``None`` when it is not one."""
    if isinstance(v, bool):
        return None
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    if isinstance(v, str):
        m = _YEAR_RE.match(v)
        v = int(m[1]) if m else None
    if isinstance(v, int) and 1900 < v < 3000:
        return v
    return None


def year_and_scheme(found: dict[str, tuple[str, Any]], scheme: Scheme, year: int | None,
                    missing: Problem, problems: list[Problem]) -> int | None:
    """Check the 方案编号 and read the 考核年度 found in a 说明 sheet or file.

    ``found`` maps each label to ``(place, value)``; an explicit ``year`` (``--year``) wins.
    """
    sid = found.get(SCHEME_LABEL)
    if sid is not None and sid[1] not in (None, "") and str(sid[1]).strip() != scheme.id:
        problems.append(Problem(sid[0], f"数据属于方案 {str(sid[1]).strip()!r}，不是 {scheme.id!r}"))
    if year is not None:
        return year
    if YEAR_LABEL not in found:
        problems.append(missing)
        return None
    place, value = found[YEAR_LABEL]
    parsed = parse_year(value)
    if parsed is None:
        shown = "" if value is None else str(value).strip()
        problems.append(Problem(place, f"{YEAR_LABEL} \"{shown}\" 无效，须是四位年份（如 2026）"))
    return parsed


def plain_cell(v: Any) -> Any:
    """A spreadsheet value as the engine expects it: a datetime at midnight is a date."""
    if isinstance(v, dt.datetime) and v.time() == dt.time(0):
        return v.date()
    return v


_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def safe(v: Any) -> Any:
    """Text without the control characters a worksheet cannot hold (others unchanged)."""
    return _ILLEGAL.sub("", v) if isinstance(v, str) else v


@contextlib.contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success move it into place at once.

    A failure (an exception inside the block) removes the temporary file, so ``path`` is
    either the old file or the complete new one, never half written.
    """
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=path.suffix + ".tmp",
                               dir=path.parent if str(path.parent) else ".")
    os.close(fd)
    try:
        os.chmod(tmp, 0o666 & ~_umask())  # as an ordinary new file would be
        yield Path(tmp)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


__all__ = ["README_SHEET", "UNITS_SHEET", "OPTIONS_SHEET", "RUBRIC_SHEET", "ITEMS_SHEET",
           "YEAR_LABEL", "SCHEME_LABEL", "RESERVED_SHEETS", "clean_sheet_name", "record_sheets",
           "parse_year", "plain_cell", "atomic_path", "safe"]
