"""The Kaoping scoring engine: pure Python + NumPy, no web framework.

The public API is small and deliberate (the web application calls exactly this)::

    scheme = load_scheme("schemes/a-linyi-branches.yaml")     # or raise SchemeError
    data = build_dataset(scheme, units_table, record_tables, year=2026)  # or InputError
    result = evaluate(scheme, data, history={2025: past_year})
    result.ranking()                                          # UnitResult per unit
    print(explain(result, "一支部").to_text())

``validate(path)`` returns the list of problems instead of raising.
"""

from __future__ import annotations

from pathlib import Path

from .appeals import Appeal, appeals_of
from .dataset import Dataset, RawTable, RecordTable, UnitTable, build_dataset
from .errors import InputError, KaopingError, Problem, SchemeError
from .evaluate import Evaluation
from .explain import Explanation, Node, RecordLine, explain
from .result import History, PastUnit, PastYear, Result, UnitResult, assemble
from .scheme import Scheme, load_scheme

__all__ = [
    "Appeal",
    "Dataset",
    "Explanation",
    "History",
    "InputError",
    "KaopingError",
    "Node",
    "PastUnit",
    "PastYear",
    "Problem",
    "RawTable",
    "RecordLine",
    "RecordTable",
    "Result",
    "Scheme",
    "SchemeError",
    "UnitResult",
    "UnitTable",
    "appeals_of",
    "build_dataset",
    "evaluate",
    "explain",
    "load_scheme",
    "validate",
]


def validate(source: str | Path, *, text: str | None = None) -> list[Problem]:
    """Every problem of a scheme file (an empty list when it is valid)."""
    try:
        load_scheme(source, text=text)
    except SchemeError as exc:
        return exc.problems
    return []


def evaluate(scheme: Scheme, data: Dataset, history: History | None = None,
             progress=None) -> Result:
    """Evaluate every measure, then ranks, grades and flags.

    ``history`` maps earlier years to their results, for "N years running" flags.
    ``progress``, if given, is called with each measure's name as it completes.
    """
    return assemble(scheme, Evaluation(scheme, data).run(progress), history)
