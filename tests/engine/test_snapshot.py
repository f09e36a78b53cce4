"""Result snapshots (engine/snapshot.py): every unit of every bundled example explained from
a restored snapshot equals its eager explanation; the bytes are a pickle-free .npz; and
the snapshot is small beside the eager explanations it replaces."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import numpy as np
import pytest

from kaoping.cli import load_history
from kaoping.engine import Result, evaluate, explain, load_scheme
from kaoping.engine.snapshot import SnapshotError
from kaoping.io import read_input

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted(p for p in (ROOT / "schemes" / "examples").glob("*.json")
                  if ".history-" not in p.name)


def _eager(example: Path) -> Result:
    scheme = load_scheme(ROOT / "schemes" / f"{example.stem}.yaml")
    data = read_input(scheme, example)
    history = sorted(example.parent.glob(f"{example.stem}.history-*.json"))
    return evaluate(scheme, data, history=load_history(history, scheme, data.year))


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_every_unit_explained_from_a_snapshot_as_eagerly(example):
    eager = _eager(example)
    restored = Result.restore(eager.scheme, eager.snapshot())
    assert restored.units == eager.units
    assert [u.__dict__ for u in restored.ranking()] == [u.__dict__ for u in eager.ranking()]
    for unit in eager.units:
        assert explain(restored, unit).to_dict() == explain(eager, unit).to_dict(), unit
        assert explain(restored, unit).to_text() == explain(eager, unit).to_text()


def test_the_snapshot_is_a_plain_npz_without_pickles():
    blob = _eager(EXAMPLES[0]).snapshot()
    with zipfile.ZipFile(io.BytesIO(blob)) as z:
        assert all(name.endswith(".npy") for name in z.namelist())
    z = np.load(io.BytesIO(blob), allow_pickle=False)  # raises on any object array
    assert all(z[k].dtype != object for k in z.files)
    assert json.loads(z["meta"].tobytes())["format"] == 1


def test_a_snapshot_is_refused_for_another_scheme_or_other_bytes():
    a = _eager(ROOT / "schemes" / "examples" / "a-linyi-branches.json")
    b = load_scheme(ROOT / "schemes" / "b-luoyang-rubric.yaml")
    with pytest.raises(SnapshotError, match="属于方案"):
        Result.restore(b, a.snapshot())
    with pytest.raises(SnapshotError, match="不是评分快照"):
        Result.restore(a.scheme, b"not a snapshot")


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_a_snapshot_is_smaller_than_the_explanations_it_replaces(example):
    """The measurement behind the web application's storage: the snapshot (all units) is a
    fraction of the eager explanations' JSON (all units)."""
    eager = _eager(example)
    blob = eager.snapshot()
    explanations = json.dumps({u: explain(eager, u).to_dict() for u in eager.units},
                              ensure_ascii=False).encode("utf-8")
    assert len(blob) < len(explanations)
