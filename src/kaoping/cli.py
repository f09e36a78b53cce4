"""The ``kaoping`` command: a thin layer over the engine and the file formats.

    kaoping validate SCHEME…                       check scheme files
    kaoping template SCHEME -o input.xlsx          write the workbook to fill in
    kaoping score SCHEME INPUT [-o results.xlsx|results.json] [--history PREV…]
    kaoping explain SCHEME INPUT UNIT [--json]     why a unit got its score
    kaoping demo [--schemes DIR]                   score every bundled example

Exit codes: 0 success; 2 bad input (every problem printed to stderr, one per line,
prefixed by its place) — a scheme, an input file, an option; 1 an unexpected error.
Nothing is written when anything fails. ``validate`` prints its report (有效, or each
problem) on stdout, since the report is what was asked for; it too exits 2 if any is invalid.
"""

from __future__ import annotations

import argparse
import contextlib
import difflib
import json
import os
import sys
import traceback
from collections.abc import Iterator
from pathlib import Path

from .engine import (
    InputError,
    KaopingError,
    PastYear,
    Problem,
    Result,
    Scheme,
    evaluate,
    explain,
    load_scheme,
    validate,
)
from .io import read_input
from .io.console import ranking_text
from .io.results import check_output, read_history, write_results

#: A run is "long" after this many seconds: then a progress bar shows even without a TTY.
LONG_RUN = 3.0


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, or a usage error (argparse exits with 2)
        return int(exc.code or 0)
    try:
        return args.run(args)
    except KaopingError as exc:
        _problems(exc.problems)
        return 2
    except BrokenPipeError:  # the reader stopped early (… | head): not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as exc:
        where = exc.filename or ""
        print(f"{where}: 文件读写失败：{exc.strerror or exc}" if where else f"文件读写失败：{exc}",
              file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("已中断", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug: say so, with the traceback for the report
        traceback.print_exc(file=sys.stderr)
        print(f"内部错误（请报告此问题）：{type(exc).__name__}: {exc}", file=sys.stderr)
        return 1


def _problems(problems: list[Problem]) -> None:
    for p in problems:
        print(str(p), file=sys.stderr)


# ---------------------------------------------------------------------- commands


def cmd_validate(args) -> int:
    bad = 0
    for path in args.schemes:
        problems = validate(path)
        if problems:
            bad += 1
            for p in problems:
                print(str(p))
        else:
            print(f"{path}: 有效")
    return 2 if bad else 0


def cmd_template(args) -> int:
    from .io.template import write_template

    out = Path(args.output)
    if out.suffix.lower() != ".xlsx":
        raise InputError([Problem(str(out), "模板须写为 .xlsx 文件")])
    if not out.parent.is_dir():
        raise InputError([Problem(str(out), f"文件夹 {out.parent} 不存在")])
    scheme = load_scheme(args.scheme)
    with _writing(out):
        write_template(scheme, out, args.year)
    print(f"已写出填报模板：{out}")
    return 0


def cmd_score(args) -> int:
    out = check_output(args.output) if args.output else None
    scheme = load_scheme(args.scheme)
    result = _evaluate(scheme, args.input, args.year, args.history)
    print(ranking_text(result))
    if out is not None:
        with _bar(len(result.units), "生成解释") as step, _writing(out):
            write_results(result, out, progress=step)
        print(f"已写出结果：{out}", file=sys.stderr)
    return 0


def cmd_explain(args) -> int:
    scheme = load_scheme(args.scheme)
    result = _evaluate(scheme, args.input, args.year, args.history)
    if args.unit not in result.data.units.index():
        near = difflib.get_close_matches(args.unit, result.units, n=3, cutoff=0.3)
        hint = f"（是否指：{'、'.join(near)}）" if near else ""
        raise InputError([Problem(str(args.input), f"没有单位「{args.unit}」{hint}")])
    e = explain(result, args.unit)
    if args.json:
        print(json.dumps(e.to_dict(), ensure_ascii=False, indent=1))
    else:
        print(e.to_text())
    return 0


def cmd_demo(args) -> int:
    folder = Path(args.schemes) if args.schemes else find_schemes()
    if folder is None or not folder.is_dir():
        raise InputError([Problem(str(folder or "schemes"), "找不到方案文件夹（用 --schemes 指定）")])
    examples = folder / "examples"
    runs = [(p, examples / f"{p.stem}.json") for p in sorted(folder.glob("*.yaml"))]
    runs = [(p, ex) for p, ex in runs if ex.is_file()]
    if not runs:
        raise InputError([Problem(str(folder), "没有带示例数据（examples/<方案>.json）的方案")])
    failed = 0
    for k, (path, example) in enumerate(runs):
        if k:
            print()
        print(f"■ {path.name}（示例数据 {example.relative_to(folder)}）")
        history = sorted(examples.glob(f"{path.stem}.history-*.json"))
        try:
            scheme = load_scheme(path)
            result = _evaluate(scheme, example, None, history)
        except KaopingError as exc:
            failed += 1
            print(f"{path.name}: 未能计分", file=sys.stderr)
            _problems(exc.problems)
            continue
        print(ranking_text(result))
    return 2 if failed else 0


def find_schemes() -> Path | None:
    """The schemes folder: ./schemes or one in a parent folder, else the source tree's."""
    cwd = Path.cwd()
    for base in (cwd, *cwd.parents):
        if (base / "schemes").is_dir():
            return base / "schemes"
    here = Path(__file__).resolve().parents[2] / "schemes"
    return here if here.is_dir() else None


# ---------------------------------------------------------------------- helpers


def _evaluate(scheme: Scheme, input_path, year: int | None, history_paths) -> Result:
    data = read_input(scheme, input_path, year)
    history = load_history(history_paths or [], scheme, data.year)
    with _bar(len(scheme.order), "计算") as step:
        return evaluate(scheme, data, history=history, progress=step)


def load_history(paths, scheme: Scheme, year: int) -> dict[int, PastYear]:
    """Previous years' results by year; each must be earlier than ``year`` and distinct."""
    history: dict[int, PastYear] = {}
    problems: list[Problem] = []
    for path in paths:
        try:
            past = read_history(path, scheme.id)
        except InputError as exc:
            problems += exc.problems
            continue
        if past.year >= year:
            problems.append(Problem(str(path), f"历史结果的年度 {past.year} 须早于考核年度 {year}"))
        elif past.year in history:
            problems.append(Problem(str(path), f"{past.year} 年度的历史结果重复"))
        else:
            history[past.year] = past
    if problems:
        raise InputError(problems)
    return history


@contextlib.contextmanager
def _writing(path: Path) -> Iterator[None]:
    """Report a failed write (permissions, a full disk) as a problem with the output file."""
    try:
        yield
    except OSError as exc:
        raise InputError([Problem(str(path), f"无法写入：{exc.strerror or exc}")]) from None


@contextlib.contextmanager
def _bar(total: int, desc: str) -> Iterator:
    """A tqdm bar on stderr: at once on a terminal, otherwise only once a run is long."""
    from tqdm import tqdm

    tty = sys.stderr.isatty()
    bar = tqdm(total=total, desc=desc, file=sys.stderr, leave=False, dynamic_ncols=True,
               delay=0 if tty else LONG_RUN, mininterval=0.1 if tty else LONG_RUN)
    try:
        yield lambda _name: bar.update(1)
    finally:
        bar.close()


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="kaoping", description="党建工作绩效考评：按方案文件计分、排名、解释")
    sub = p.add_subparsers(dest="command", required=True, metavar="命令")

    v = sub.add_parser("validate", help="检查方案文件", description="检查方案文件，列出全部问题")
    v.add_argument("schemes", nargs="+", metavar="方案文件")
    v.set_defaults(run=cmd_validate)

    t = sub.add_parser("template", help="生成填报模板（.xlsx）", description="按方案生成填报用的 Excel 工作簿")
    t.add_argument("scheme", metavar="方案文件")
    t.add_argument("-o", "--output", required=True, metavar="模板.xlsx")
    t.add_argument("--year", type=_year, metavar="年度", help="考核年度（默认今年）")
    t.set_defaults(run=cmd_template)

    s = sub.add_parser("score", help="计分并排名", description="读取填报数据，计分、排名，写出结果")
    s.add_argument("scheme", metavar="方案文件")
    s.add_argument("input", metavar="数据", help="填好的 .xlsx、.json 或 CSV 文件夹")
    s.add_argument("-o", "--output", metavar="结果.xlsx|结果.json", help="写出结果文件（不写则只打印排名）")
    _common(s)
    s.set_defaults(run=cmd_score)

    e = sub.add_parser("explain", help="解释某单位的得分", description="逐级列出某单位得分的来历")
    e.add_argument("scheme", metavar="方案文件")
    e.add_argument("input", metavar="数据")
    e.add_argument("unit", metavar="单位")
    e.add_argument("--json", action="store_true", help="以 JSON 输出")
    _common(e)
    e.set_defaults(run=cmd_explain)

    d = sub.add_parser("demo", help="为每个自带方案的示例数据计分", description="对 schemes/ 中每个有示例数据的方案计分并打印排名")
    d.add_argument("--schemes", metavar="文件夹", help="方案文件夹（默认：当前目录或上级目录中的 schemes/）")
    d.set_defaults(run=cmd_demo)
    return p


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--year", type=_year, metavar="年度", help="考核年度（覆盖数据中的年度）")
    p.add_argument("--history", nargs="+", action="extend", default=[], metavar="往年结果",
                   help="往年的结果文件（.json 或 .xlsx），用于“连续 N 年”的提示")


def _year(text: str) -> int:
    from .io.common import parse_year

    y = parse_year(text)
    if y is None:
        raise argparse.ArgumentTypeError(f"年度 {text!r} 无效，须是四位年份")
    return y


if __name__ == "__main__":
    sys.exit(main())
