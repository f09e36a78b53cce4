"""A compact, pickle-free snapshot of a ``Result``, so that one unit can be explained later.

A results table keeps per unit what a ranking shows (score, ranks, grade, flags,
components). To explain a unit afterwards — days later, in another process — ``explain``
needs what the evaluation held: every measure's array, the per-record values of the
rubrics, and the dataset's records (their columns and places). ``snapshot(result)``
writes exactly that as one compressed NumPy ``.npz`` archive; ``restore(scheme, blob)``
gives back a ``Result`` whose ``explain(result, unit)`` equals the eager one.

What is stored, and how (never a pickle; ``np.load(..., allow_pickle=False)``):

* ``meta``: a JSON document (UTF-8 bytes as a ``uint8`` array): format version, scheme id,
  year, the units' names, class and group names, the record kinds and their columns, the
  measures kept, each unit's grade and flags, and which record values are kept;
* ``units.classes`` / ``units.groups``, the result's ``score``, ``rank``, ``bottom`` and
  ``rank_within`` arrays;
* per record kind ``k`` (numbered in ``meta``): ``r{k}.unit``, ``r{k}.period``, its columns
  ``r{k}.c{n}`` (numbers, dates, codes and booleans as they are; text as UTF-8 text, see
  ``_pack_text``), and the records' places (``r{k}.place``: text);
* per measure ``m``: ``m{m}`` (its array), and for the rubrics ``v{m}.values`` /
  ``v{m}.counted`` (the per-record deductions). An aggregate's per-record values are not
  stored: the evaluation computes them again from the records when first asked for, as it
  does for an eager result.

Text (places, free-text columns) is one UTF-8 byte array plus an ``int64`` offset array
(and a mask for blanks), decoded one string at a time when asked for: a county's 800,000
places then cost their bytes, not 800,000 Python strings.

The history (earlier years) is not stored: it was used for the flags, which are stored.
"""

from __future__ import annotations

import io
import json
import zipfile

import numpy as np

from .dataset import Dataset, RecordTable, UnitTable
from .evaluate import Evaluation
from .result import Result
from .scheme import Scheme

FORMAT = 1


class SnapshotError(ValueError):
    """The bytes are not a snapshot of this scheme (or of a format this code reads)."""


# ---------------------------------------------------------------------- text columns


def _pack_text(values, out: dict, key: str) -> None:
    """Strings (``None`` for blank) as ``key.bytes`` (UTF-8), ``key.ends`` (int64 end
    offsets) and ``key.blank`` (bool), all plain arrays."""
    encoded = [b"" if v is None else str(v).encode("utf-8") for v in values]
    out[f"{key}.bytes"] = np.frombuffer(b"".join(encoded), dtype=np.uint8)
    out[f"{key}.ends"] = np.cumsum([len(b) for b in encoded], dtype=np.int64)
    out[f"{key}.blank"] = np.array([v is None for v in values], dtype=bool)


class _Text:
    """A column of strings decoded on demand from ``_pack_text``'s arrays."""

    def __init__(self, data: bytes, ends: np.ndarray, blank: np.ndarray):
        self.data, self.ends, self.blank = data, ends, blank

    def __len__(self) -> int:
        return len(self.ends)

    def __getitem__(self, j: int) -> str | None:
        j = int(j)
        if self.blank[j]:
            return None
        start = int(self.ends[j - 1]) if j else 0
        return self.data[start:int(self.ends[j])].decode("utf-8")

    def to_objects(self) -> np.ndarray:
        return np.array([self[j] for j in range(len(self))], dtype=object)


def _unpack_text(z, key: str) -> _Text:
    return _Text(z[f"{key}.bytes"].tobytes(), z[f"{key}.ends"], z[f"{key}.blank"])


# ---------------------------------------------------------------------- writing


def snapshot(result: Result) -> bytes:
    """The bytes from which ``restore`` rebuilds ``result`` for explanations."""
    scheme, data, ev = result.scheme, result.data, result.evaluation
    arrays: dict[str, np.ndarray] = {}
    u = data.units
    arrays["units.classes"] = u.classes
    arrays["units.groups"] = u.groups
    arrays["score"] = result.score
    arrays["rank"] = result.rank
    arrays["bottom"] = result.bottom
    within = sorted(result.rank_within)
    for w in within:
        arrays[f"rank_within.{w}"] = result.rank_within[w]
    kinds = []
    for k, (kind, t) in enumerate(data.records.items()):
        arrays[f"r{k}.unit"] = t.unit
        arrays[f"r{k}.period"] = t.period
        columns = []
        for n, (name, col) in enumerate(t.columns.items()):
            text = col.dtype == object
            if text:
                _pack_text(col, arrays, f"r{k}.c{n}")
            else:
                arrays[f"r{k}.c{n}"] = col
            columns.append({"name": name, "text": text})
        _pack_text([t.place(j) for j in range(len(t))], arrays, f"r{k}.place")
        kinds.append({"kind": kind, "columns": columns})
    measures = list(ev.values)
    for m, name in enumerate(measures):
        arrays[f"m{m}"] = ev.values[name]
    kept = []
    for m, name in enumerate(measures):
        if scheme.measures[name].op == "rubric":  # computed during the run, not on demand
            values, counted = ev.record_values[name]
            arrays[f"v{m}.values"], arrays[f"v{m}.counted"] = values, counted
            kept.append(m)
    meta = {"format": FORMAT, "scheme": scheme.id, "year": data.year,
            "units": {"names": u.names, "class_names": u.class_names,
                      "group_names": u.group_names},
            "kinds": kinds, "measures": measures, "record_values": kept, "within": within,
            "grades": result.grades, "flags": result.flags}
    arrays["meta"] = np.frombuffer(json.dumps(meta, ensure_ascii=False).encode("utf-8"),
                                   dtype=np.uint8)
    buf = io.BytesIO()
    np.savez_compressed(buf, **arrays)
    return buf.getvalue()


# ---------------------------------------------------------------------- reading


def restore(scheme: Scheme, blob: bytes) -> Result:
    """The ``Result`` that ``snapshot`` saved, ready for ``explain`` (not for scoring again:
    the history is not kept)."""
    try:
        z = np.load(io.BytesIO(blob), allow_pickle=False)
        meta = json.loads(z["meta"].tobytes().decode("utf-8"))
    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as exc:
        raise SnapshotError(f"不是评分快照：{exc}") from None
    if meta.get("format") != FORMAT:
        raise SnapshotError(f"评分快照的格式 {meta.get('format')} 无法读取")
    if meta.get("scheme") != scheme.id:
        raise SnapshotError(f"评分快照属于方案 {meta.get('scheme')}，不是 {scheme.id}")
    mu = meta["units"]
    units = UnitTable(mu["names"], z["units.classes"], mu["class_names"], z["units.groups"],
                      mu["group_names"])
    records = {}
    for k, spec in enumerate(meta["kinds"]):
        columns = {}
        for n, c in enumerate(spec["columns"]):
            key = f"r{k}.c{n}"
            columns[c["name"]] = _unpack_text(z, key).to_objects() if c["text"] else z[key]
        places = _unpack_text(z, f"r{k}.place")
        records[spec["kind"]] = RecordTable(spec["kind"], z[f"r{k}.unit"], z[f"r{k}.period"],
                                            columns, locate=places.__getitem__)
    data = Dataset(int(meta["year"]), units, records)
    ev = Evaluation(scheme, data)
    for m, name in enumerate(meta["measures"]):
        ev.values[name] = z[f"m{m}"]
    for m in meta["record_values"]:
        ev.record_values[meta["measures"][m]] = (z[f"v{m}.values"], z[f"v{m}.counted"])
    rank_within = {w: z[f"rank_within.{w}"] for w in meta["within"]}
    return Result(scheme, data, ev, z["score"], z["rank"], z["bottom"], rank_within,
                  meta["grades"], meta["flags"], {})


__all__ = ["FORMAT", "SnapshotError", "restore", "snapshot"]
