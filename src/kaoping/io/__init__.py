"""Reading inputs and writing outputs (files), outside the engine.

Each input format turns a file into the engine's ``RawTable``s and hands them to
``build_dataset``; the engine does the checking, so every format reports the same
problems, each named by its own kind of place (sheet and cell, CSV file and line,
JSON path).
"""

from __future__ import annotations

from pathlib import Path

from ..engine import Dataset, InputError, Problem, Scheme


def read_input(scheme: Scheme, path: str | Path, year: int | None = None) -> Dataset:
    """Read a filled workbook (.xlsx), a folder of CSV files, or a JSON file."""
    path = Path(path)
    if not path.exists():
        raise InputError([Problem(str(path), "文件或文件夹不存在")])
    if path.is_dir():
        from .csvdir import read_csv_folder

        return read_csv_folder(scheme, path, year)
    suffix = path.suffix.lower()
    if suffix == ".json":
        from .jsonfile import read_json

        return read_json(scheme, path, year)
    if suffix in (".xlsx", ".xlsm"):
        from .workbook import read_workbook

        return read_workbook(scheme, path, year)
    raise InputError([Problem(str(path), "不支持的输入格式：须是 .xlsx 工作簿、.json 文件或 CSV 文件夹")])


__all__ = ["read_input"]
