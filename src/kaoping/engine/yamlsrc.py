"""YAML loading that remembers the line of every value, so problems can name it."""

from __future__ import annotations

from typing import Any

import yaml

from .errors import Problem, SchemeError

Path = tuple[str | int, ...]


class _Loader(yaml.SafeLoader):
    """SafeLoader that also rejects duplicate keys (a common, silent mistake in YAML)."""


def load_with_lines(text: str, filename: str) -> tuple[Any, dict[Path, int]]:
    """Parse ``text``; return the plain data and a map from path to 1-based line."""
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise SchemeError([Problem(f"{filename}{line}", f"YAML 语法错误：{problem}")]) from None
    if node is None:
        raise SchemeError([Problem(filename, "文件为空")])
    lines: dict[Path, int] = {}
    problems: list[Problem] = []
    loader = _Loader("")

    def build(n: yaml.Node, path: Path) -> Any:
        lines[path] = n.start_mark.line + 1
        if isinstance(n, yaml.MappingNode):
            out: dict[Any, Any] = {}
            for k, v in n.value:
                key = loader.construct_object(k, deep=True)
                if key in out:
                    problems.append(
                        Problem(f"{filename}:{k.start_mark.line + 1}", f"键 {key!r} 重复出现")
                    )
                out[key] = build(v, (*path, key))
            return out
        if isinstance(n, yaml.SequenceNode):
            return [build(v, (*path, i)) for i, v in enumerate(n.value)]
        return loader.construct_object(n, deep=True)

    data = build(node, ())
    if problems:
        raise SchemeError(problems)
    return data, lines


def line_of(lines: dict[Path, int], path: Path) -> int | None:
    """The line of ``path``, or of its nearest ancestor that has one."""
    path = tuple(path)
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return lines.get(())


def format_path(path: Path) -> str:
    """``("sections", 2, "items", 4)`` → ``sections[2].items[4]``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out
