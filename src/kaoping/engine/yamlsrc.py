"""YAML loading that remembers the line of every value, so problems can name it."""

from __future__ import annotations

from typing import Any

import yaml

from .errors import Problem, SchemeError

Path = tuple[str | int, ...]


class _Loader(yaml.SafeLoader):
    """SafeLoader that also rejects duplicate keys (a common, silent mistake in YAML)."""


#: the parser's messages (English) as a person who writes a scheme understands them
_YAML_PROBLEMS = [
    ("mapping values are not allowed", "这一行多了一个冒号，或缩进与上一行不一致"
                                       "（一行里只能有一个“名称: 值”；值里有冒号时请加引号）"),
    ("cannot start any token", "行首有制表符（Tab）或不能出现的字符；缩进请用空格"),
    ("found character '\\t'", "行首有制表符（Tab）；缩进请用空格"),
    ("expected <block end>", "缩进不对齐：同一层的各行须以同样多的空格开头"),
    ("expected ',' or ']'", "方括号 [ ] 没有配对：少了“]”或两项之间少了逗号"),
    ("expected ',' or '}'", "花括号 { } 没有配对：少了“}”或两项之间少了逗号"),
    ("found unexpected end of stream", "引号没有配对：少了结尾的引号"),
    ("undefined alias", "用了未定义的引用（*名称）"),
    ("could not find expected ':'", "这一行少了冒号，应写成“名称: 值”"),
    ("found duplicate anchor", "锚点（&名称）重复定义"),
    ("unacceptable character", "文件里有不能出现的字符"),
]


def _yaml_problem(exc: yaml.YAMLError) -> str:
    """The parser's problem in Chinese, with the line and column (the place keeps the line
    too, as ``file:line``)."""
    text = getattr(exc, "problem", None) or str(exc)
    words = next((zh for en, zh in _YAML_PROBLEMS if en in text), "写法有误")
    mark = getattr(exc, "problem_mark", None)
    where = f"第 {mark.line + 1} 行第 {mark.column + 1} 列附近" if mark else "某处"
    return f"文件格式有误，{where}：{words}"


def load_with_lines(text: str, filename: str) -> tuple[Any, dict[Path, int]]:
    """Parse ``text``; return the plain data and a map from path to 1-based line."""
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        raise SchemeError([Problem(f"{filename}{line}", _yaml_problem(exc))]) from None
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
