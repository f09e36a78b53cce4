"""Smoke test of the benchmark (bench/engine.py) on a tiny province: the generators, the
engine and the hand-written NumPy baselines must agree. No timing is asserted."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from kaoping.engine import evaluate, load_scheme

BENCH = Path(__file__).resolve().parents[2] / "bench" / "engine.py"


def _load():
    spec = importlib.util.spec_from_file_location("kaoping_bench_engine", BENCH)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


bench = _load()


@pytest.mark.parametrize("key", ["a", "e"])
def test_engine_and_numpy_baseline_agree(key):
    scheme = load_scheme(bench.SCHEMES[key])
    data = bench.GENERATORS[key](scheme, 200, 20)
    assert len(data.units) == 200
    assert len(set(data.units.groups.tolist())) == 20
    engine = bench.engine_summary(key, evaluate(scheme, data))
    baseline = bench.BASELINES[key](scheme, data)
    diff, disagree = bench.compare(engine, baseline)
    assert diff <= 1e-9
    assert disagree == []
    assert (engine["rank"] > 0).all()  # every unit scored


def test_generation_is_deterministic():
    scheme = load_scheme(bench.SCHEMES["a"])
    one = bench.generate_a(scheme, 200, 20)
    two = bench.generate_a(scheme, 200, 20)
    for kind, t in one.records.items():
        u = two.records[kind]
        assert (t.unit == u.unit).all() and (t.period == u.period).all()
        for name, col in t.columns.items():
            assert col.tobytes() == u.columns[name].tobytes(), (kind, name)


def test_command_runs_in_process(capsys):
    assert bench.main(["--units", "200", "--groups", "20", "--repeat", "1", "--inline"]) == 0
    out = capsys.readouterr().out
    assert "A-like" in out and "E-like" in out and "agree" in out
