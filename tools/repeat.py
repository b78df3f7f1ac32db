"""Flakiness check: run the test suite N times under the ``ci`` Hypothesis profile and report
every test whose outcome was not the same in all runs.

    python tools/repeat.py --runs 20 [--exclude tests/test_docs.py] [-- extra pytest args]

Each run is a fresh ``pytest -n 2`` process writing a JUnit XML report; Hypothesis draws new
examples in every run (the ``ci`` profile is not derandomised). The summary lists the runs'
wall times and pass/fail/skip/xfail counts, then every test that failed in at least one run
(a test failing in some runs and passing in others is *flaky*). Exit status 1 if any test
failed in any run.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _outcomes(report: Path) -> dict[str, str]:
    """Test id -> passed / failed / skipped / xfailed, from one JUnit XML report."""
    out: dict[str, str] = {}
    for case in ET.parse(report).getroot().iter("testcase"):
        name = f"{case.get('classname')}::{case.get('name')}"
        kinds = {child.tag for child in case}
        skipped = case.find("skipped")
        if "failure" in kinds or "error" in kinds:
            out[name] = "failed"
        elif skipped is not None:
            out[name] = "xfailed" if (skipped.get("type") == "pytest.xfail") else "skipped"
        else:
            out[name] = "passed"
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--exclude", action="append", default=[], help="test path to leave out (repeatable)")
    parser.add_argument("pytest_args", nargs="*")
    args = parser.parse_args(argv)
    env = dict(os.environ, HYPOTHESIS_PROFILE="ci")
    history: dict[str, list[str]] = defaultdict(list)
    with tempfile.TemporaryDirectory(prefix="iegn-repeat-") as tmp:
        for run in range(1, args.runs + 1):
            report = Path(tmp) / f"run{run}.xml"
            cmd = [sys.executable, "-m", "pytest", "-n", "2", "-q", "-p", "no:cacheprovider", f"--junitxml={report}",
                   *(f"--ignore={p}" for p in args.exclude), *args.pytest_args]
            t0 = time.perf_counter()
            proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
            wall = time.perf_counter() - t0
            outcomes = _outcomes(report) if report.exists() else {}
            for name, kind in outcomes.items():
                history[name].append(kind)
            counts = Counter(outcomes.values())
            print(f"run {run:2d}: exit {proc.returncode}, {wall:6.1f} s, " + ", ".join(
                f"{counts[k]} {k}" for k in ("passed", "failed", "skipped", "xfailed")), flush=True)
            if proc.returncode not in (0, 1):
                print(proc.stdout[-3000:], proc.stderr[-3000:], sep="\n")
    bad = {name: kinds for name, kinds in history.items() if "failed" in kinds}
    print(f"\n{len(history)} tests, {args.runs} runs: {len(bad)} failed in at least one run")
    for name, kinds in sorted(bad.items()):
        c = Counter(kinds)
        label = "FLAKY" if c["passed"] else "FAILED"
        print(f"  {label}: {name} ({c['failed']} failed, {c['passed']} passed)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
