"""Every bundled example gives the same results read as JSON, as a filled template, or as CSV."""

from __future__ import annotations

import json

import pytest

from helpers import EXAMPLES, SCHEMES
from kaoping.engine import evaluate, load_scheme
from kaoping.io import read_input
from kaoping_files import to_csv_folder, to_workbook

STEMS = sorted(p.stem for p in EXAMPLES.glob("*.json")
               if ".history-" not in p.name and (SCHEMES / f"{p.stem}.yaml").exists())


@pytest.mark.parametrize("stem", STEMS)
def test_same_results_in_every_format(stem, tmp_path):
    s = load_scheme(SCHEMES / f"{stem}.yaml")
    example = EXAMPLES / f"{stem}.json"
    doc = json.loads(example.read_text(encoding="utf-8"))
    expected = evaluate(s, read_input(s, example)).to_dict()
    for src in (to_workbook(s, tmp_path / "in.xlsx", doc), to_csv_folder(s, tmp_path / "in", doc)):
        got = evaluate(s, read_input(s, src)).to_dict()
        assert got == expected, src
