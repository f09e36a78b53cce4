"""Benchmark of the scoring engine on a synthetic province (a benchmark, not a test).

    python bench/engine.py                      # 100,000 units under 10,000 organisations
    python bench/engine.py --units 20000 --groups 2000 --scheme a --repeat 3

For each scheme ("A-like": monthly normalised scoring, 25M records of which 18M time
tasks; "E-like": 40 weighted indicators × 3 sources, 4M records) synthetic records are
generated directly as encoded NumPy columns (seeded, deterministic), then scored twice: by
the engine's ``evaluate`` and by the same arithmetic written by hand in NumPy. Each run
happens in its own child process (spawned), so that peak memory (VmHWM) of one does not
contaminate the other; generation time is reported apart from evaluation time. The two
must agree (final scores within 1e-9, same ranks, grades and flags), else exit status 1.
Missing a target (engine ÷ NumPy ≤ 3, peak ≤ 2 GiB, both schemes < 60 s) is reported,
never asserted. See bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import multiprocessing as mp
import os
import platform
import resource
import sys
import time
from pathlib import Path

import numpy as np

from kaoping.engine import Dataset, RecordTable, UnitTable, evaluate, load_scheme
from kaoping.engine.dataset import NO_DATE, date_to_days

HERE = Path(__file__).resolve().parent
SCHEMES = {"a": HERE / "schemes" / "a-like.yaml", "e": HERE / "schemes" / "e-like.yaml"}
TITLES = {"a": "A-like", "e": "E-like"}
YEAR = 2026
SEED = 20260601
GiB = 1024**3
TARGET_RATIO = 3.0
TARGET_PEAK = 2 * GiB
TARGET_TOTAL_S = 60.0


# =========================================================================== generation


def month_starts(year: int) -> np.ndarray:
    return np.array([date_to_days(dt.date(year, m, 1)) for m in range(1, 13)], dtype=np.int32)


def make_units(rng: np.random.Generator, units: int, groups: int, prefix: str) -> UnitTable:
    """``units`` units under ``groups`` assessing organisations, every organisation with at
    least one unit, the rest assigned at random (about units ÷ groups each, varying)."""
    groups = max(1, min(groups, units))
    g = np.concatenate([np.arange(groups), rng.integers(0, groups, units - groups)])
    g = rng.permutation(g).astype(np.int32)
    names = [f"{prefix}{i:06d}" for i in range(units)]
    group_names = [f"上级组织{k:05d}" for k in range(groups)]
    return UnitTable.from_arrays(names, None, (), g, group_names)


def _cells(rng: np.random.Generator, n_cells: int, p_counts: list[float]) -> np.ndarray:
    """Cell numbers (in order) repeated 0, 1, 2… times with the given probabilities."""
    counts = rng.choice(len(p_counts), size=n_cells, p=p_counts).astype(np.int64)
    return np.repeat(np.arange(n_cells, dtype=np.int64), counts)


def _records(kind: str, unit, period, **columns) -> RecordTable:
    return RecordTable(kind, np.ascontiguousarray(unit, dtype=np.int32),
                       np.ascontiguousarray(period, dtype=np.int8), columns)


def generate_a(scheme, units: int, groups: int, seed: int = SEED) -> Dataset:
    """Scheme A-like records, month by month (as the monthly sheets arrive)."""
    rng = np.random.default_rng([seed, 1])
    table = make_units(rng, units, groups, "支部")
    U, K, P = len(table), len(scheme.items), 12
    ms = month_starts(YEAR)

    def item(code: str) -> int:
        return scheme.item_by_key(code).index

    levels = [0.05, 0.15, 0.30, 0.50]  # 中央 / 省 / 市 / 县
    rec: dict[str, RecordTable] = {}

    # 时间任务: one per unit × item × month (the 18M records at 100,000 units)
    n = P * U * K
    period = np.repeat(np.arange(P, dtype=np.int8), U * K)
    deadline = ms[period] + rng.integers(9, 28, n, dtype=np.int32)
    fate = rng.integers(0, 100, n, dtype=np.int8)  # <70 on time, <95 late, <98 undone, else severe
    done = deadline + np.where(fate < 70, -rng.integers(0, 6, n, dtype=np.int32),
                               rng.integers(1, 13, n, dtype=np.int32))
    severe = fate >= 98
    done[severe] += 15
    done[(fate >= 95) & ~severe] = NO_DATE
    del fate
    rec["时间任务"] = _records(
        "时间任务", np.tile(np.repeat(np.arange(U, dtype=np.int32), K), P), period,
        考核项目=np.tile(np.arange(K, dtype=np.int32), P * U),
        截止日期=deadline, 完成日期=done, 严重超期=severe)
    del period, deadline, done, severe

    # 数量任务: items 2, 3, 4 and 9, one per unit × item × month
    q_items = np.array([item(c) for c in ("2", "3", "4", "9")], dtype=np.int32)
    n = P * U * len(q_items)
    period = np.repeat(np.arange(P, dtype=np.int8), U * len(q_items))
    required = rng.integers(1, 6, n).astype(np.float64)
    short = rng.integers(0, 4, n) * (rng.integers(0, 5, n) == 0)
    rec["数量任务"] = _records(
        "数量任务", np.tile(np.repeat(np.arange(U, dtype=np.int32), len(q_items)), P), period,
        考核项目=np.tile(q_items, P * U), 应报数量=required,
        实报数量=np.maximum(required - short, 0.0),
        上报日期=ms[period] + rng.integers(14, 30, n, dtype=np.int32))
    del period, required, short

    # 典型培养宣传 (fixed item 8): 0–2 articles per unit × month
    cell = _cells(rng, P * U, [0.70, 0.22, 0.08])
    rec["典型培养宣传"] = _records(
        "典型培养宣传", cell % U, cell // U,
        媒体层级=rng.choice(4, size=len(cell), p=levels).astype(np.int16))

    # 质量成果: 0–2 results per unit × month, on items 6, 7, 13, 14
    cell = _cells(rng, P * U, [0.60, 0.30, 0.10])
    r_items = np.array([item(c) for c in ("6", "7", "13", "14")], dtype=np.int32)
    rec["质量成果"] = _records(
        "质量成果", cell % U, cell // U,
        考核项目=r_items[rng.integers(0, len(r_items), len(cell))],
        层级=rng.choice(4, size=len(cell), p=levels).astype(np.int16))

    # 月度扣分: 0–2 deductions of 0.01–0.05 per unit × month
    cell = _cells(rng, P * U, [0.80, 0.15, 0.05])
    amounts = np.array([0.01, 0.02, 0.03, 0.04, 0.05])
    rec["月度扣分"] = _records(
        "月度扣分", cell % U, cell // U,
        类型=rng.integers(0, 4, len(cell)).astype(np.int16),
        扣分=amounts[rng.integers(0, 5, len(cell))])

    # 展评排名: 95% of units take part each quarter; places 1..n within the organisation
    cell = np.flatnonzero(rng.random(4 * U) < 0.95)
    unit, quarter = cell % U, cell // U
    order = np.lexsort((rng.random(len(cell)), table.groups[unit], quarter))
    seg = (quarter * len(table.group_names) + table.groups[unit])[order]
    first = np.r_[True, seg[1:] != seg[:-1]]
    pos = np.arange(len(cell))
    place = np.empty(len(cell))
    place[order] = pos - np.maximum.accumulate(np.where(first, pos, 0)) + 1
    rec["展评排名"] = _records("展评排名", unit, quarter, 名次=place)

    # 民主测评 (quarterly) and 述职评议 (yearly): one score 0.60–1.00 each
    cell = np.arange(4 * U)
    rec["民主测评"] = _records("民主测评", cell % U, cell // U,
                           得分=np.round(rng.uniform(0.6, 1.0, 4 * U), 2))
    rec["述职评议"] = _records("述职评议", np.arange(U), np.zeros(U),
                           得分=np.round(rng.uniform(0.6, 1.0, U), 2))
    return Dataset(year=YEAR, units=table, records=rec)


def generate_e(scheme, units: int, groups: int, seed: int = SEED) -> Dataset:
    """Scheme E-like records: 40 indicators per unit (each unit's sheet in turn), each with a
    weight 5/3/1 and three grades; a few corrections and vetoes."""
    rng = np.random.default_rng([seed, 5])
    table = make_units(rng, units, groups, "党组织")
    U, K = len(table), 40
    table.class_names = list(scheme.model.units.classes)
    table.classes = rng.choice(3, size=U, p=[0.3, 0.4, 0.3]).astype(np.int16)
    n = U * K
    unit = np.repeat(np.arange(U, dtype=np.int32), K)
    kind = np.tile(np.r_[np.zeros(24), np.ones(10), np.full(6, 2)].astype(np.int16), U)
    weight = np.tile(np.r_[np.zeros(10), np.ones(15), np.full(15, 2)].astype(np.int16), U)
    # each unit has a level; a grade is the level plus noise on the 优(0)…差(3) scale,
    # the self-assessment a little kinder than the organisation and the public
    level = rng.uniform(-0.4, 2.4, U).astype(np.float32)[unit]

    def grades(bias: float) -> np.ndarray:
        noise = rng.standard_normal(n, dtype=np.float32) * np.float32(0.7)
        noise += level + np.float32(bias)
        return np.clip(np.rint(noise), 0, 3).astype(np.int16)

    rec = {"指标评分": _records("指标评分", unit, np.zeros(n, np.int8), 指标类型=kind,
                              权重=weight, 单位自评=grades(-0.3), 组织评估=grades(0.0),
                              社会评价=grades(0.1))}
    fixed = np.flatnonzero(rng.random(U) < 0.02)
    rec["实绩修正"] = _records("实绩修正", fixed, np.zeros(len(fixed)),
                           修正分值=rng.integers(-10, 11, len(fixed)) / 2.0)
    vetoed = np.flatnonzero(rng.random(U) < 0.004)
    rec["一票否决"] = _records("一票否决", vetoed, np.zeros(len(vetoed)),
                           否决情形=rng.integers(0, 2, len(vetoed)).astype(np.int16),
                           集体讨论确认=rng.random(len(vetoed)) < 0.75)
    return Dataset(year=YEAR, units=table, records=rec)


GENERATORS = {"a": generate_a, "e": generate_e}


# =========================================================================== NumPy baselines


def competition_positions(values: np.ndarray, segments: np.ndarray, lower_better: bool = False):
    """Competition position (1 + number strictly better) within each segment, and the
    segment's number of valued elements; 0 for NaN."""
    n = len(values)
    top = np.zeros(n, np.int64)
    size = np.zeros(n, np.int64)
    idx = np.flatnonzero(~np.isnan(values))
    key = values[idx] if lower_better else -values[idx]
    seg = segments[idx]
    order = np.lexsort((key, seg))
    k, s = key[order], seg[order]
    pos = np.arange(len(order))
    new_seg = np.r_[True, s[1:] != s[:-1]]
    new_run = new_seg | np.r_[True, k[1:] != k[:-1]]
    seg_start = np.maximum.accumulate(np.where(new_seg, pos, 0))
    run_start = np.maximum.accumulate(np.where(new_run, pos, 0))
    seg_len = np.diff(np.r_[np.flatnonzero(new_seg), len(order)])
    top[idx[order]] = run_start - seg_start + 1
    size[idx[order]] = np.repeat(seg_len, seg_len)
    return top, size


def numpy_a(scheme, data: Dataset) -> dict:
    """Scheme A-like by hand: bincount per unit × item × month, ÷ best in organisation, …"""
    U, K, P = len(data.units), len(scheme.items), 12
    groups = data.units.groups
    r = data.records

    def cells(t, item):  # flat index into (U, K, P), int64 as bincount wants, in place
        idx = t.unit.astype(np.int64)
        idx *= K
        idx += item
        idx *= P
        idx += t.period
        return idx

    # time tasks: 1 − 0.1 per day late (≥ 0); undone 0; severely late at most 0.5
    t = r["时间任务"]
    c = t.columns
    late = c["完成日期"] - c["截止日期"]  # undone rows wrap around; overwritten below
    np.maximum(late, 0, out=late)
    v = late * 0.1
    del late
    np.subtract(1.0, v, out=v)
    np.round(v, 9, out=v)
    np.maximum(v, 0.0, out=v)
    v[c["完成日期"] == NO_DATE] = 0.0
    np.minimum(v, 0.5, out=v, where=c["严重超期"])
    raw = np.bincount(cells(t, c["考核项目"]), v, minlength=U * K * P)
    del v
    # quantity tasks: reported ÷ required (≤ 1); reported after the 25th at most 0.5
    t = r["数量任务"]
    c = t.columns
    v = c["实报数量"] / c["应报数量"]
    np.minimum(v, 1.0, out=v)
    day25 = month_starts(data.year) + 24
    np.minimum(v, 0.5, out=v, where=(c["上报日期"] != NO_DATE) & (c["上报日期"] > day25[t.period]))
    raw += np.bincount(cells(t, c["考核项目"]), v, minlength=U * K * P)
    # publicity and quality results: 4 / 3 / 2 / 1 points by level
    lut = np.array([4.0, 3.0, 2.0, 1.0])
    t = r["典型培养宣传"]
    raw += np.bincount(cells(t, scheme.item_by_key("典型培养宣传情况").index),
                       lut[t.columns["媒体层级"]], minlength=U * K * P)
    t = r["质量成果"]
    raw += np.bincount(cells(t, t.columns["考核项目"]), lut[t.columns["层级"]],
                       minlength=U * K * P)
    # ÷ the best unit of the same organisation, per item and month
    x = raw.reshape(U, K * P)
    order = np.argsort(groups, kind="stable")
    sg = groups[order]
    starts = np.flatnonzero(np.r_[True, sg[1:] != sg[:-1]])
    best_of_group = np.full((len(data.units.group_names), K * P), np.nan)
    best_of_group[sg[starts]] = np.maximum.reduceat(x[order], starts, axis=0)
    performance = best_of_group[groups]
    ok = performance > 0
    np.divide(x, performance, out=performance, where=ok)
    performance[~ok] = 0.0
    del raw, x, ok, best_of_group
    monthly = performance.reshape(U, K, P).sum(axis=1)
    del performance
    t = r["月度扣分"]
    monthly -= np.bincount(t.unit.astype(np.int64) * P + t.period, t.columns["扣分"],
                           minlength=U * P).reshape(U, P)
    quarterly = monthly.reshape(U, 4, 3).sum(axis=-1)
    # showcase places → three near-equal tiers within the organisation: 1 / 0.9 / 0.8
    t = r["展评排名"]
    place = np.full(U * 4, np.inf)
    np.fmin.at(place, t.unit.astype(np.int64) * 4 + t.period, t.columns["名次"])
    place[np.isinf(place)] = np.nan
    seg = (groups.astype(np.int64)[:, None] * 4 + np.arange(4)).ravel()
    pos, n = competition_positions(np.round(place, 9), seg, lower_better=True)
    first = -(-n // 3)
    second = first + -(-(n - first) // 2)
    showcase = np.where(n > 0, np.array([1.0, 0.9, 0.8])[(pos > first).astype(np.int64) + (pos > second)], 0.0)
    quarterly += showcase.reshape(U, 4)
    t = r["民主测评"]
    quarterly += np.bincount(t.unit.astype(np.int64) * 4 + t.period, t.columns["得分"],
                             minlength=U * 4).reshape(U, 4)
    annual = quarterly.sum(axis=1)
    t = r["述职评议"]
    annual += np.bincount(t.unit, t.columns["得分"], minlength=U)
    score = np.round(annual, 9)
    rank, _ = competition_positions(score, np.zeros(U, np.int64))
    rank_group, _ = competition_positions(score, groups)
    below = score < np.round(score.mean(), 9)
    return {"score": score, "rank": rank, "rank_group": rank_group, "flag": below}


def numpy_e(scheme, data: Dataset) -> dict:
    """Scheme E-like by hand: Σ(w × points) ÷ Σw per source, 0.6/0.2/0.2, correction, veto."""
    U = len(data.units)
    t = data.records["指标评分"]
    c = t.columns
    w = np.array([5.0, 3.0, 1.0])[c["权重"]]
    points = np.array([100.0, 85.0, 70.0, 40.0])
    total_w = np.bincount(t.unit, w, minlength=U)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = [np.bincount(t.unit, w * points[c[f]], minlength=U) / total_w
                for f in ("单位自评", "组织评估", "社会评价")]
    mean = [np.where(total_w > 0, m, np.nan) for m in mean]
    score = 0.6 * mean[0] + 0.2 * mean[1] + 0.2 * mean[2]
    t = data.records["实绩修正"]
    score += np.bincount(t.unit, t.columns["修正分值"], minlength=U)
    t = data.records["一票否决"]
    score[np.bincount(t.unit[t.columns["集体讨论确认"]], minlength=U) > 0] = 0.0
    score = np.round(score, 9)
    grade = 3 - (score >= 60).astype(np.int64) - (score >= 80) - (score >= 90)
    rank, _ = competition_positions(score, np.zeros(U, np.int64))
    rank_class, _ = competition_positions(score, data.units.classes.astype(np.int64))
    return {"score": score, "rank": rank, "rank_class": rank_class, "grade": grade}


BASELINES = {"a": numpy_a, "e": numpy_e}


def engine_summary(key: str, result) -> dict:
    """The engine's result in the baseline's terms (outside the timed part)."""
    out = {"score": np.asarray(result.score, np.float64), "rank": np.asarray(result.rank)}
    if key == "a":
        out["rank_group"] = np.asarray(result.rank_within["group"])
        out["flag"] = np.array(["不予上报先进基层党组织" in f for f in result.flags])
    else:
        out["rank_class"] = np.asarray(result.rank_within["class"])
        names = [b.grade for b in result.scheme.model.result.grade.bands]
        out["grade"] = np.array([names.index(g) for g in result.grades])
    return out


def compare(engine: dict, numpy: dict) -> tuple[float, list[str]]:
    """Max |score difference| and the names of the other outputs that disagree."""
    a, b = engine["score"], numpy["score"]
    if a.shape != b.shape or not np.array_equal(np.isnan(a), np.isnan(b)):
        return float("inf"), ["score"]
    diff = float(np.nanmax(np.abs(a - b))) if a.size else 0.0
    bad = [k for k in engine if k != "score" and not np.array_equal(engine[k], numpy[k])]
    return diff, bad


# =========================================================================== running


def peak_rss() -> int:
    """This process's peak resident memory in bytes (VmHWM)."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss if sys.platform == "darwin" else rss * 1024


def data_size(data: Dataset) -> tuple[int, int]:
    """Number of records and bytes of the encoded columns."""
    n = nbytes = 0
    for t in data.records.values():
        n += len(t)
        nbytes += t.unit.nbytes + t.period.nbytes + sum(a.nbytes for a in t.columns.values())
    return n, nbytes


def job(key: str, who: str, units: int, groups: int, repeat: int, seed: int = SEED) -> dict:
    """Generate, then score ``repeat`` times with the engine or the baseline (best time)."""
    t0 = time.perf_counter()
    scheme = load_scheme(SCHEMES[key])
    data = GENERATORS[key](scheme, units, groups, seed)
    gen_s = time.perf_counter() - t0
    records, nbytes = data_size(data)
    peak_data = peak_rss()
    best, out = float("inf"), None
    for _ in range(max(1, repeat)):
        out = None
        gc.collect()
        t = time.perf_counter()
        if who == "engine":
            res = evaluate(scheme, data)
            best = min(best, time.perf_counter() - t)
            out = engine_summary(key, res)
            del res
        else:
            out = BASELINES[key](scheme, data)
            best = min(best, time.perf_counter() - t)
    return {"gen_s": gen_s, "run_s": best, "peak": peak_rss(), "peak_data": peak_data,
            "records": records, "data_bytes": nbytes, "out": out}


def in_child(*args) -> dict:
    """``job(*args)`` in a freshly spawned process (its own peak memory)."""
    with mp.get_context("spawn").Pool(1) as pool:
        return pool.apply(job, args)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    mem = ""
    try:
        mem = f", {os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / GiB:.1f} GiB RAM"
    except (ValueError, OSError, AttributeError):
        pass
    return (f"{cpu} × {os.cpu_count()}{mem}; Python {platform.python_version()}, "
            f"NumPy {np.__version__}; {platform.system()} {platform.release()}")


def gib(x: float) -> str:
    return f"{x / GiB:.2f} GiB"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--units", type=int, default=100_000)
    ap.add_argument("--groups", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=3, help="best of R evaluations (default 3)")
    ap.add_argument("--scheme", choices=["a", "e", "both"], default="both")
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--inline", action="store_true",
                    help="run in this process (for profilers; peak memory then mixes runs)")
    args = ap.parse_args(argv)
    run = job if args.inline else in_child
    keys = ["a", "e"] if args.scheme == "both" else [args.scheme]
    print(f"Kaoping engine benchmark — {dt.date.today().isoformat()}")
    print(f"machine: {machine()}")
    print(f"province: {args.units:,} units under {args.groups:,} organisations; "
          f"best of {args.repeat}; seed {args.seed}\n")
    rows, ok = [], True
    wall0 = time.perf_counter()
    for key in keys:
        e = run(key, "engine", args.units, args.groups, args.repeat, args.seed)
        n = run(key, "numpy", args.units, args.groups, args.repeat, args.seed)
        diff, bad = compare(e["out"], n["out"])
        agree = diff <= 1e-9 and not bad
        ok &= agree
        rows.append((key, e, n, diff, bad, agree))
    wall = time.perf_counter() - wall0

    head = (f"{'scheme':<7} {'records':>11} {'data':>9} {'generate':>9} {'engine':>8} "
            f"{'numpy':>8} {'ratio':>6} {'engine peak':>12} {'numpy peak':>11} {'max|Δ|':>8}")
    print(head)
    print("-" * len(head))
    for key, e, n, diff, bad, agree in rows:
        print(f"{TITLES[key]:<7} {e['records']:>11,} {gib(e['data_bytes']):>9} "
              f"{e['gen_s']:>8.1f}s {e['run_s']:>7.2f}s {n['run_s']:>7.2f}s "
              f"{e['run_s'] / n['run_s']:>5.2f}× {gib(e['peak']):>12} {gib(n['peak']):>11} "
              f"{diff:>8.1e}" + ("" if agree else f"  DISAGREE {' '.join(bad)}"))
    print("\n(peak = VmHWM of the child process, data and interpreter included; "
          "after generation alone: " + ", ".join(f"{TITLES[k]} {gib(e['peak_data'])}"
                                                 for k, e, *_ in rows) + ")")
    total = sum(e["run_s"] for _, e, *_ in rows)
    print("\ntargets:")
    for key, e, n, *_ in rows:
        r = e["run_s"] / n["run_s"]
        print(f"  {TITLES[key]}: engine ÷ NumPy {r:.2f} ≤ {TARGET_RATIO:g}: "
              f"{'met' if r <= TARGET_RATIO else 'MISSED'}; peak {gib(e['peak'])} ≤ 2 GiB: "
              f"{'met' if e['peak'] <= TARGET_PEAK else 'MISSED'}")
    if len(rows) == 2:
        print(f"  both schemes evaluated by the engine in {total:.1f} s < {TARGET_TOTAL_S:g} s: "
              f"{'met' if total < TARGET_TOTAL_S else 'MISSED'} "
              f"(with generation: {total + sum(e['gen_s'] for _, e, *_ in rows):.1f} s)")
    print(f"  benchmark wall time {wall:.1f} s; results "
          + ("agree" if ok else "DISAGREE (engine and NumPy baseline differ)"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
