"""Writing results (.json or .xlsx) and reading a previous year's results back as history.

* ``.json`` — ``Result.to_dict(explanations=True)``: every unit's scores, ranks, grade and
  flags (with ``score_exact``), and each unit's explanation tree.
* ``.xlsx`` — 排名 (the ranking table), 概况 (scheme, year, counts), 解释 (every unit's
  explanation, indented by depth), the breakdown (one sheet per unit with each measure by
  period, or one 明细 sheet with a block per unit when there are more than
  ``SHEET_PER_UNIT_LIMIT`` units) and a hidden 数据 sheet with the year and the exact scores,
  which ``read_history`` reads.

Both are written to a temporary file beside the target and moved into place, so a failure
never leaves a half-written file.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import zipfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..engine import Explanation, InputError, PastYear, Problem, Result, explain
from ..engine.appeals import appeal_kinds, appeals_of
from .breakdown import write_breakdown
from .common import YEAR_LABEL, atomic_path, parse_year, safe

FORMATS = (".json", ".xlsx")
RANKING_SHEET = "排名"
SUMMARY_SHEET = "概况"
EXPLAIN_SHEET = "解释"
APPEALS_SHEET = "申诉"
DATA_SHEET = "数据"
DATA_KEYS = ["unit", "class", "group", "score_exact", "rank", "bottom", "grade",
             "rank_in_class", "rank_in_group"]
MAX_ROWS = 1_048_576
Progress = Callable[[str], None] | None


# ---------------------------------------------------------------------- the ranking table


def ranking_table(result: Result) -> tuple[list[str], list[list[Any]]]:
    """The ranking as a header and rows of plain values (Decimal for shown numbers)."""
    spec = result.scheme.model.result
    units = result.data.units
    has_class = bool(result.scheme.model.units.classes)
    has_group = any(units.group_names)
    ranking = result.ranking()
    comps = list(ranking[0].components) if ranking else []
    apart = list(ranking[0].apart) if ranking else []
    head = ["名次", "单位"]
    head += ["类别"] if has_class else []
    head += ["类别内名次"] if "class" in spec.rank_within else []
    head += ["上级组织"] if has_group else []
    head += ["上级组织内名次"] if "group" in spec.rank_within else []
    head += ["得分"] + (["等次"] if spec.grade else []) + comps + apart + ["提示"]
    rows = []
    for ur in ranking:
        row: list[Any] = [ur.rank, ur.unit]
        row += [ur.unit_class] if has_class else []
        row += [ur.rank_in_class] if "class" in spec.rank_within else []
        row += [ur.group] if has_group else []
        row += [ur.rank_in_group] if "group" in spec.rank_within else []
        row += [ur.score] + ([ur.grade] if spec.grade else [])
        row += [ur.components[c] for c in comps] + [ur.apart[a] for a in apart]
        row.append("；".join(ur.flags))
        rows.append(row)
    return head, rows


# ---------------------------------------------------------------------- writing


def check_output(path: str | Path) -> Path:
    """The output path, or ``InputError`` when its format or folder is wrong."""
    path = Path(path)
    if path.suffix.lower() not in FORMATS:
        raise InputError([Problem(str(path), "结果文件须以 .xlsx 或 .json 结尾")])
    if not path.parent.is_dir():
        raise InputError([Problem(str(path), f"文件夹 {path.parent} 不存在")])
    return path


def explanations(result: Result, progress: Progress = None) -> dict[str, Explanation]:
    out = {}
    for u in result.units:
        out[u] = explain(result, u)
        if progress is not None:
            progress(u)
    return out


def write_results(result: Result, path: str | Path, progress: Progress = None) -> None:
    """Write the results as .json or .xlsx (by the suffix), atomically.

    ``progress``, if given, is called once per unit as its explanation is made.
    """
    path = check_output(path)
    expl = explanations(result, progress)
    if path.suffix.lower() == ".json":
        doc = result.to_dict()
        doc["explanations"] = {u: e.to_dict() for u, e in expl.items()}
        text = json.dumps(doc, ensure_ascii=False, indent=1)
        with atomic_path(path) as tmp:
            tmp.write_text(text + "\n", encoding="utf-8")
    else:
        _write_xlsx(result, expl, path)


def _write_xlsx(result: Result, expl: dict[str, Explanation], path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    try:
        _ranking_sheet(wb, result)
        _summary_sheet(wb, result)
        _explain_sheet(wb, result, expl)
        _appeals_sheet(wb, result)
        write_breakdown(wb, result, {RANKING_SHEET, SUMMARY_SHEET, EXPLAIN_SHEET, APPEALS_SHEET,
                                     DATA_SHEET})
        _data_sheet(wb, result)
        with atomic_path(path) as tmp:
            wb.save(tmp)
    except BaseException:
        for ws in wb.worksheets:  # finish the streamed sheets so nothing is left open
            with contextlib.suppress(Exception):
                if not ws.closed:
                    ws.close()
        raise


def _styled(ws, value, **style):
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(ws, value=value)
    for k, v in style.items():
        setattr(cell, k, v)
    return cell


def _bold():
    from openpyxl.styles import Font, PatternFill

    return {"font": Font(bold=True), "fill": PatternFill("solid", fgColor="DDEBF7")}


def _plain(v):
    return float(v) if isinstance(v, Decimal) else v


def _ranking_sheet(wb, result: Result) -> None:
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(RANKING_SHEET)
    head, rows = ranking_table(result)
    fmt = "0." + "0" * result.scheme.model.rounding.places if result.scheme.model.rounding.places else "0"
    for c, h in enumerate(head, start=1):
        width = 40 if h == "提示" else 22 if h in ("单位", "上级组织") else max(10, 2 * len(h) + 2)
        ws.column_dimensions[get_column_letter(c)].width = width
    ws.freeze_panes = "C2"
    ws.append([_styled(ws, h, **_bold()) for h in head])
    for row in rows:
        ws.append([_styled(ws, float(v), number_format=fmt) if isinstance(v, Decimal) else safe(v)
                   for v in row])


def _summary_sheet(wb, result: Result) -> None:
    ws = wb.create_sheet(SUMMARY_SHEET)
    ws.column_dimensions["A"].width = 18
    ws.column_dimensions["B"].width = 60
    m = result.scheme.model
    ws.append([_styled(ws, m.name, **_bold())])
    ws.append(["方案编号", m.id])
    ws.append([YEAR_LABEL, result.year])
    ws.append(["单位数", len(result.units)])
    ws.append(["生成时间", dt.datetime.now().strftime("%Y-%m-%d %H:%M")])
    ws.append(["说明", f"得分保留 {m.rounding.places} 位小数；名次、等次和提示按精确值比较"])
    counts: dict[str, int] = {}
    for g in result.grades:
        if g is not None:
            counts[g] = counts.get(g, 0) + 1
    if counts:
        ws.append([])
        ws.append([_styled(ws, "等次", **_bold()), _styled(ws, "单位数", **_bold())])
        for g, n in counts.items():
            ws.append([g, n])
    flags: dict[str, int] = {}
    for fl in result.flags:
        for f in fl:
            flags[f] = flags.get(f, 0) + 1
    if flags:
        ws.append([])
        ws.append([_styled(ws, "提示", **_bold()), _styled(ws, "单位数", **_bold())])
        for f, n in flags.items():
            ws.append([f, n])


def _explain_sheet(wb, result: Result, expl: dict[str, Explanation]) -> None:
    from openpyxl.styles import Alignment, Font

    ws = wb.create_sheet(EXPLAIN_SHEET)
    for letter, w in zip("ABCDE", (16, 60, 12, 70, 30), strict=True):
        ws.column_dimensions[letter].width = w
    ws.freeze_panes = "A2"
    ws.append([_styled(ws, h, **_bold()) for h in ("单位", "项目", "数值", "计算", "来源")])
    indents: dict[int, Alignment] = {}
    title = Font(bold=True)
    written = 1
    for ur in result.ranking():
        e = expl[ur.unit]
        rows = e.rows()
        if written + len(rows) + 2 > MAX_ROWS:
            ws.append(["", "（行数超过 Excel 上限，其余单位的解释从略；完整解释见 JSON 结果或 kaoping explain）"])
            break
        ws.append([_styled(ws, ur.unit, font=title), _styled(ws, safe("；".join(e.headline)), font=title)])
        for depth, label, value, rule, place in rows:
            align = indents.setdefault(depth, Alignment(indent=min(depth, 15)))
            ws.append([ur.unit, _styled(ws, safe(label), alignment=align), value, safe(rule),
                       safe(place)])
        written += len(rows) + 1


def _appeals_sheet(wb, result: Result) -> None:
    """Which units appealed and how it ended (schemes that register appeals only)."""
    if not appeal_kinds(result):
        return
    ws = wb.create_sheet(APPEALS_SHEET)
    for letter, w in zip("ABCDEFG", (16, 12, 50, 50, 12, 18, 30), strict=True):
        ws.column_dimensions[letter].width = w
    ws.append([_styled(ws, h, **_bold()) for h in
               ("单位", "申诉日期", "申诉事项", "答复", "答复日期", "处理情况", "来源")])
    for ur in result.ranking():
        for a in appeals_of(result, ur.unit):
            ws.append([ur.unit, a.filed, safe(a.claim), safe(a.answer or ""), a.answered,
                       a.state, safe(a.place)])


def _data_sheet(wb, result: Result) -> None:
    """The hidden sheet ``read_history`` reads: the year and each unit's exact score."""
    ws = wb.create_sheet(DATA_SHEET)
    ws.sheet_state = "hidden"
    doc = result.to_dict()
    ws.append(["kaoping-results", 1, "scheme", doc["scheme"], "year", doc["year"]])
    ws.append(DATA_KEYS)
    for u in doc["units"]:
        ws.append([u[k] for k in DATA_KEYS])


# ---------------------------------------------------------------------- reading back


def read_history(path: str | Path, scheme_id: str | None = None) -> PastYear:
    """A previous year's results (.json or .xlsx written by ``write_results``)."""
    path = Path(path)
    if not path.is_file():
        raise InputError([Problem(str(path), "历史结果文件不存在")])
    suffix = path.suffix.lower()
    if suffix == ".json":
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise InputError([Problem(str(path), f"不是有效的 JSON：{exc}")]) from None
    elif suffix in (".xlsx", ".xlsm"):
        doc = _xlsx_document(path)
    else:
        raise InputError([Problem(str(path), "历史结果须是本系统写出的 .json 或 .xlsx 结果文件")])
    if scheme_id is not None and isinstance(doc, dict) and doc.get("scheme") not in (None, scheme_id):
        raise InputError([Problem(str(path), f"历史结果属于方案 {doc['scheme']!r}，不是 {scheme_id!r}")])
    try:
        past = PastYear.from_dict(doc)
    except (KeyError, TypeError, ValueError, AttributeError):
        raise InputError([Problem(str(path), "不是本系统的结果文件（须有 year 和 units）")]) from None
    if parse_year(past.year) is None:
        raise InputError([Problem(str(path), f"历史结果的年度 {past.year!r} 无效")])
    return past


def _xlsx_document(path: Path) -> dict:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise InputError([Problem(str(path), f"无法打开工作簿：{exc}")]) from None
    try:
        if DATA_SHEET not in wb.sheetnames:
            raise InputError([Problem(str(path), f"不是本系统写出的结果工作簿（缺少隐藏工作表「{DATA_SHEET}」）")])
        rows = list(wb[DATA_SHEET].iter_rows(values_only=True))
    finally:
        wb.close()
    if len(rows) < 2 or not rows[0] or rows[0][0] != "kaoping-results":
        raise InputError([Problem(f"{path}: {DATA_SHEET}", "结果数据格式不符")])
    meta = dict(zip(rows[0][2::2], rows[0][3::2], strict=False))
    keys = [str(k) for k in rows[1] if k is not None]
    units = [dict(zip(keys, r, strict=False)) for r in rows[2:] if r and r[0] is not None]
    return {"scheme": meta.get("scheme"), "year": meta.get("year"), "units": units}


__all__ = ["write_results", "read_history", "ranking_table", "check_output", "explanations",
           "FORMATS"]
