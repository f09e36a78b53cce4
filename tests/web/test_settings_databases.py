"""Which database the settings choose from the environment, and that every SQLite database
— the default file or one named by DATABASE_URL — gets WAL and IMMEDIATE transactions."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"


def _databases(tmp_path, url: str | None) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(KAOPING_DATA=str(tmp_path), PYTHONPATH=str(SRC))
    if url:
        env["DATABASE_URL"] = url
    code = ("import json, kaoping.web.settings as s; "
            "print(json.dumps(s.DATABASES['default'], default=str))")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                         text=True, check=True, timeout=60)
    return json.loads(out.stdout)


def test_default_is_a_sqlite_file_in_the_data_folder(tmp_path):
    db = _databases(tmp_path, None)
    assert db["ENGINE"] == "django.db.backends.sqlite3"
    assert db["NAME"] == str(tmp_path / "kaoping.sqlite3")
    assert db["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in db["OPTIONS"]["init_command"]


def test_a_sqlite_url_gets_the_same_locking(tmp_path):
    db = _databases(tmp_path, f"sqlite:///{tmp_path}/other.sqlite3")
    assert db["NAME"] == f"{tmp_path}/other.sqlite3"
    assert db["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "busy_timeout=5000" in db["OPTIONS"]["init_command"]


@pytest.mark.parametrize("scheme", ["postgres", "postgresql"])
def test_a_postgres_url_is_used_as_given(tmp_path, scheme):
    db = _databases(tmp_path, f"{scheme}://kp:secret@db.example:5433/kaoping")
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["HOST"], db["PORT"], db["NAME"], db["USER"]) == ("db.example", 5433, "kaoping", "kp")
    assert "transaction_mode" not in db.get("OPTIONS", {})
