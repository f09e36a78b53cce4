"""Smoke test of the deadline-day benchmark (bench/web_load.py) with three reporters on
SQLite: gunicorn starts, the clients log in and submit through the real pages, and every
submission is in the database. No timing is asserted."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench" / "web_load.py"


def test_three_reporters_submit_and_nothing_is_lost(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    out = subprocess.run([sys.executable, str(BENCH), "--n", "3", "--databases", "sqlite",
                          "--spread", "0.5", "--json", str(tmp_path / "r.json")],
                         env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "| sqlite | 3 |" in out.stdout
    assert "| 0 (server 0) | 6 / 6 |" in out.stdout  # no error, both records of each client
    (r,) = json.loads((tmp_path / "r.json").read_text())
    # the baseline burst ran before the submissions: 3 clients × 2 requests to /healthz/
    assert (r["baseline"]["count"], r["baseline"]["errors"]) == (3, 0)
    assert r["ratio"] is not None and r["ratio"] > 0
