"""Every audit action has a Chinese label on the history pages.

The action names are read from the source: every ``audit(actor, <action>, …)`` call in the
web application, where ``<action>`` is a string, a conditional between strings, a local
variable assigned strings, or a parameter of the enclosing function (then the strings its
callers pass). Anything else fails the test — so adding an action without a label, or
passing an action in a way this test cannot follow, is caught here.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import kaoping.web
from kaoping.web.services.history import ACTION_LABELS, rows

WEB = Path(kaoping.web.__file__).resolve().parent
CJK = re.compile(r"[\u4e00-\u9fff]")


def _modules() -> dict[Path, ast.Module]:
    return {p: ast.parse(p.read_text(encoding="utf-8"), filename=str(p))
            for p in sorted(WEB.rglob("*.py")) if "migrations" not in p.parts}


def _name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _argument(call: ast.Call, index: int, keyword: str) -> ast.expr | None:
    for kw in call.keywords:
        if kw.arg == keyword:
            return kw.value
    return call.args[index] if len(call.args) > index else None


def _functions(modules) -> dict[str, list[ast.FunctionDef]]:
    out: dict[str, list[ast.FunctionDef]] = {}
    for tree in modules.values():
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef):
                out.setdefault(node.name, []).append(node)
    return out


def _parents(tree: ast.Module) -> dict[ast.AST, ast.FunctionDef]:
    """Each node's innermost enclosing function."""
    owner: dict[ast.AST, ast.FunctionDef] = {}

    def visit(node, func):
        for child in ast.iter_child_nodes(node):
            inner = child if isinstance(child, ast.FunctionDef) else func
            if func is not None:
                owner[child] = func
            visit(child, inner)

    visit(tree, None)
    return owner


def action_names() -> dict[str, list[str]]:
    """Action name → where it is written (file:line)."""
    modules = _modules()
    functions = _functions(modules)
    calls: list[tuple[Path, ast.Call, ast.FunctionDef | None]] = []
    for path, tree in modules.items():
        owner = _parents(tree)
        calls += [(path, n, owner.get(n)) for n in ast.walk(tree) if isinstance(n, ast.Call)]
    found: dict[str, list[str]] = {}

    def resolve(expr, func, where, depth=0) -> None:
        if depth > 5:
            pytest.fail(f"{where}: cannot follow the audit action")
        if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
            found.setdefault(expr.value, []).append(where)
            return
        if isinstance(expr, ast.IfExp):
            resolve(expr.body, func, where, depth + 1)
            resolve(expr.orelse, func, where, depth + 1)
            return
        if isinstance(expr, ast.Name) and func is not None:
            params = [a.arg for a in func.args.posonlyargs + func.args.args]
            keywords = [a.arg for a in func.args.kwonlyargs]
            if expr.id in params or expr.id in keywords:
                index = params.index(expr.id) if expr.id in params else 10 ** 6
                callers = [(p, c, f) for p, c, f in calls if _name(c.func) == func.name]
                assert callers, f"{where}: nothing calls {func.name}() to say the action"
                for p, c, f in callers:
                    arg = _argument(c, index, expr.id)
                    if arg is not None:
                        resolve(arg, f, f"{p.name}:{c.lineno}", depth + 1)
                return
            values = [n.value for n in ast.walk(func) if isinstance(n, ast.Assign)
                      and any(isinstance(t, ast.Name) and t.id == expr.id for t in n.targets)]
            assert values, f"{where}: no value assigned to {expr.id}"
            for v in values:
                resolve(v, func, where, depth + 1)
            return
        pytest.fail(f"{where}: the audit action is neither a string nor a name this test can "
                    f"follow ({ast.dump(expr)[:80]})")

    for path, call, func in calls:
        if _name(call.func) != "audit" or func is None or func.name == "audit":
            continue
        expr = _argument(call, 1, "action")
        assert expr is not None, f"{path.name}:{call.lineno}: audit() without an action"
        resolve(expr, func, f"{path.name}:{call.lineno}")
    assert functions  # the source was read
    return found


def test_the_source_is_read():
    """The test follows every way the actions write their names today."""
    names = action_names()
    for name in ("record.create", "record.update", "record.submit",  # a local variable
                 "user.activate", "user.deactivate",                   # a conditional
                 "evidence.attach", "evidence.correct_attach",         # a parameter
                 "record.withdraw", "record.adjust", "reminders.send"):  # strings
        assert name in names, name


def test_every_audit_action_has_a_chinese_label():
    names = action_names()
    missing = {name: where for name, where in names.items() if name not in ACTION_LABELS}
    assert not missing, f"audit actions without a label in services/history.py: {missing}"
    for name in names:
        assert CJK.search(ACTION_LABELS[name]), (name, ACTION_LABELS[name])


@pytest.mark.django_db
def test_the_history_rows_show_the_label():
    from types import SimpleNamespace

    entry = SimpleNamespace(action="record.withdraw", before={"status": "accepted"}, after=None,
                            object_type="record", object_id="7")
    [row] = rows([entry])
    assert row["label"] == "重开测评，撤回结果记录"
    assert row["object"] == "记录" and row["record_id"] is None   # a record no longer there
