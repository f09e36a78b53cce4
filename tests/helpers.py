"""Shared test helpers: the bundled schemes and a quick way to build a dataset from rows.

Import as ``from helpers import …`` (a conftest module cannot be imported by name: there
are several)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from kaoping.engine import Dataset, Scheme, load_scheme
from kaoping.io.jsonfile import dataset_from_document

ROOT = Path(__file__).resolve().parents[1]
SCHEMES = ROOT / "schemes"
EXAMPLES = SCHEMES / "examples"


@cache
def bundled(stem: str) -> Scheme:
    """A bundled scheme by file stem, e.g. ``bundled("a-linyi-branches")``."""
    return load_scheme(SCHEMES / f"{stem}.yaml")


def dataset(scheme: Scheme, units: list, records: dict, year: int = 2026) -> Dataset:
    """A dataset from plain rows; record kinds not given are empty. Units may be names."""
    units = [u if isinstance(u, dict) else {"单位": u} for u in units]
    all_records = {kind: [] for kind in scheme.records}
    all_records.update(records)
    doc = {"year": year, "units": units, "records": all_records}
    return dataset_from_document(scheme, doc, None, "test")

