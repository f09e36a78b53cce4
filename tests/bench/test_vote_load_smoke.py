"""Smoke test of the meeting benchmark (bench/vote_load.py) with five raters on SQLite:
gunicorn starts, each rater opens its code's page and votes, and the database counts
exactly five sheets with every code used once. No timing is asserted."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench" / "vote_load.py"


def test_five_raters_vote_and_every_sheet_is_counted(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    out = subprocess.run([sys.executable, str(BENCH), "--n", "5", "--units", "3",
                          "--databases", "sqlite", "--json", str(tmp_path / "r.json")],
                         env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stdout + out.stderr
    (r,) = json.loads((tmp_path / "r.json").read_text())
    assert (r["errors"], r["server_errors"], r["confirmed"]) == (0, 0, 5)
    assert (r["sheets"], r["results_sheets"], r["used"], r["unused"]) == (5, 5, 5, 0)
    assert r["votes"] == 5 * 3 and r["counted_exactly"]
    # the baseline burst ran: 5 clients × 2 requests to /healthz/, none failed
    assert (r["baseline"]["count"], r["baseline"]["errors"]) == (5, 0)
    assert r["ratio"] is not None and r["ratio"] > 0
    assert "| sqlite | 5 |" in out.stdout
