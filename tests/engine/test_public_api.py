"""The engine's public API is deliberate: this test fails when an export changes."""

import kaoping.engine as engine


def test_exported_members():
    assert engine.__all__ == [
        "Appeal", "Dataset", "Explanation", "History", "InputError", "KaopingError", "Node", "PastUnit",
        "PastYear", "Problem", "RawTable", "RecordLine", "RecordTable", "Result", "Scheme",
        "SchemeError", "UnitResult", "UnitTable", "appeals_of", "build_dataset", "evaluate", "explain",
        "load_scheme", "validate",
    ]
    for name in engine.__all__:
        assert getattr(engine, name) is not None


def test_engine_imports_no_web_framework():
    import pathlib

    src = pathlib.Path(engine.__file__).parent
    for path in src.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "import django" not in text and "from django" not in text, path
