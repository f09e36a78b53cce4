"""The values a scheme file marks as settings (``# setting: …``), to be changed without
editing the file by hand: grade bands, points, weights, decimals, score scales, deadline
days.

A ``# setting`` comment marks the line it ends (or, alone on its line, the next line with
content). The numbers on that line are settings, and so is every number under a key that
starts on it and opens a block (``bands:  # setting`` covers each band's ``min``).

``editable_values(text)`` lists them — each with its path, value, a label in Chinese made
from where it sits ("等次「优秀」的最低分", "「民主测评」的「得分」最大值") and the
comment — and ``with_values(text, changes)`` writes new numbers into the text, keeping
everything else (comments, layout) as it was. The result is an ordinary scheme text: the
caller checks it with ``load_scheme`` like any other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

from .errors import Problem, SchemeError
from .yamlsrc import format_path, load_with_lines

_MARK = re.compile(r"#\s*setting\b[^:]*:?\s*(.*)$")
_NUMBER_TAGS = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")

_KEYS = {"places": "保留小数位数", "min": "最小值", "max": "最大值", "above": "高于",
         "deadline_day": "截止日（每月几日）", "base": "满分", "late_cap": "逾期上报最高分",
         "per_day": "每超期一天扣分", "per_short": "每少报一项扣分", "floor": "最低分",
         "undone": "未完成计分", "severe_cap": "严重超期最高分", "points": "分值", "cap": "封顶",
         "by": "倍数", "value": "数值", "low": "最低分", "span": "分差", "count": "名额"}


@dataclass(frozen=True)
class Editable:
    path: tuple
    value: float | int
    label: str
    note: str          # the comment that marks it, as the scheme's author wrote it
    start: int         # the number's place in the text
    end: int

    @property
    def key(self) -> str:
        return format_path(self.path)


def _marked_lines(text: str) -> dict[int, str]:
    """0-based line → the note of its ``# setting`` mark."""
    lines = text.splitlines()
    out: dict[int, str] = {}
    pending: str | None = None
    for k, line in enumerate(lines):
        stripped = line.strip()
        m = _MARK.search(line)
        if stripped.startswith("#"):
            if m:
                pending = m.group(1).strip()
            continue
        if not stripped:
            continue
        if m:
            out[k] = m.group(1).strip()
        elif pending is not None:
            out[k] = pending
        pending = None
    return out


def _walk(node, path, out):
    """(path, scalar node, key node or None) for every scalar under ``node``."""
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            out.append((path + (k.value,), v, k))
            _walk(v, path + (k.value,), out)
    elif isinstance(node, yaml.SequenceNode):
        for i, v in enumerate(node.value):
            out.append((path + (i,), v, None))
            _walk(v, path + (i,), out)


def _label(data, path: tuple) -> str:
    """Where a value sits, in words."""
    def at(p):
        d = data
        for part in p:
            d = d[part]
        return d

    key = path[-1]
    what = _KEYS.get(key, f"「{key}」") if isinstance(key, str) else ""
    if path[:1] == ("rounding",):
        return "结果保留的小数位数"
    if len(path) >= 5 and path[0] == "records" and path[2] == "fields":
        field = at(path[:4])
        return f"「{path[1]}」的「{field.get('name', '')}」{what}"
    if "bands" in path:
        k = path.index("bands")
        band = at(path[:k + 2])
        bound = {"min": "最低分", "above": "高于此分"}.get(key, what)
        return f"等次「{band.get('grade', '')}」的{bound}"
    context = ""
    if path[:1] == ("measures",) and len(path) > 1:
        m = at(path[:2])
        context = f"「{m.get('label') or m.get('name', '')}」"
    if "points_by" in path:
        k = path.index("points_by")
        rest = [str(p) for p in path[k + 1:]]
        if len(rest) == 2:
            return f"{context}中「{rest[0]}」为「{rest[1]}」的分值"
    if "weights" in path or (len(path) > 1 and path[-2] == "weighted"):
        return f"{context}中「{key}」的权重"
    return f"{context}的{what}" if context else what


def editable_values(text: str, filename: str = "方案.yaml") -> list[Editable]:
    """The numbers the scheme marks as settings, in the order of the file."""
    data, _ = load_with_lines(text, filename)
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    marked = _marked_lines(text)
    scalars: list = []
    _walk(root, (), scalars)
    chosen: dict[tuple, Editable] = {}
    covering: list[tuple] = []   # paths of block values under a marked key
    for path, node, key in scalars:
        if key is not None and key.start_mark.line in marked and not isinstance(
                node, yaml.ScalarNode) and node.start_mark.line != key.start_mark.line:
            covering.append((path, marked[key.start_mark.line]))
    for path, node, _key in scalars:
        if not isinstance(node, yaml.ScalarNode) or node.tag not in _NUMBER_TAGS:
            continue
        note = marked.get(node.start_mark.line)
        if note is None:
            note = next((n for p, n in covering if path[:len(p)] == p), None)
        if note is None:
            continue
        value = yaml.safe_load(node.value)
        if isinstance(value, bool):
            continue
        chosen[path] = Editable(path, value, _label(data, path), note,
                                node.start_mark.index, node.end_mark.index)
    return sorted(chosen.values(), key=lambda e: e.start)


def _number_text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def with_values(text: str, changes: dict[str, float], filename: str = "方案.yaml") -> str:
    """``text`` with the settings named by key (``Editable.key``) set to new numbers."""
    slots = {e.key: e for e in editable_values(text, filename)}
    unknown = [k for k in changes if k not in slots]
    if unknown:
        raise SchemeError([Problem(filename, f"「{k}」不是方案标明的设置") for k in unknown])
    out = text
    for e in sorted((slots[k] for k in changes), key=lambda e: -e.start):
        out = out[:e.start] + _number_text(changes[e.key]) + out[e.end:]
    return out


__all__ = ["Editable", "editable_values", "with_values"]
