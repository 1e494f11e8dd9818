"""The load benchmark (tests/bench/load.py, `make bench`) run small: 300 orders, a second an
endpoint, so that the harness cannot rot between benchmark runs. It times nothing: it checks
that every endpoint answered under load without an error and that the report was written."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.skipif(shutil.which("wrk") is None, reason="the load generator wrk is missing")
@pytest.mark.skipif(
    bool(os.environ.get("TEST_DATABASE_URL")), reason="run once, with `make test` (SQLite)"
)
def test_the_load_benchmark_runs_on_a_tiny_data_set():
    done = subprocess.run(
        [sys.executable, "-m", "tests.bench.load", "--smoke"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    report = json.loads((ROOT / "instance" / "bench" / "load-smoke.json").read_text())
    results = report["sizes"]["300"]
    assert len(results) == 11
    for result in results:
        assert result["requests"] > 0 and result["errors"] == 0, result
    assert results[-1]["note"] == "numbers unique and gapless"
    assert results[0]["queries"] == 0  # the ceiling touches no database
    assert all(result["queries"] > 0 for result in results[1:])
    by_name = {result["name"]: result for result in results}
    # a reprint finds its document stored: no second, writing transaction
    first, again = by_name["contract PDF, first print"], by_name["contract PDF, reprint"]
    assert again["queries_max"] < first["queries"], (first, again)
    # the dashboard as served is mostly read from the figures kept (a miss now and then)
    served, computed = by_name["dashboard"], by_name["dashboard, computed"]
    assert served["queries"] < computed["queries"] == computed["queries_max"], (served, computed)
