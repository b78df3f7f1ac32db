"""Run the iegn benchmarks: ``python benchmarks/run.py [--quick] [--only NAME ...] [--out DIR]``.

Each module ``benchmarks/bench_<name>.py`` exposes ``run(quick: bool) -> list[dict]``; a row
holds at least ``case``, ``ours_s``, ``baseline_s`` (median seconds) and ``target`` (the
largest acceptable ratio ours/baseline, or ``None`` for a row that only informs). This script
adds ``ratio`` and ``status`` (``ok``, ``MISSED``, ``info``), prints one table per benchmark,
writes ``<out>/<name>.json`` and rewrites ``<out>/README.md`` from every JSON file in ``<out>``.

A missed target does not change the exit status (benchmarks report, they do not gate). A
benchmark that raises (including its own correctness check) makes the exit status 1.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import json
import os
import platform
import subprocess
import sys
import time
import traceback
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE / "results"
PREFIX = "bench_"
STATUS_OK, STATUS_MISSED, STATUS_INFO = "ok", "MISSED", "info"
THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "XLA_FLAGS")


def discover() -> dict[str, Path]:
    """Benchmark name (``bench_<name>.py`` without the prefix) -> module path, sorted."""
    return {p.stem[len(PREFIX) :]: p for p in sorted(HERE.glob(f"{PREFIX}*.py"))}


def machine_info() -> dict[str, Any]:
    import numpy as np
    import scipy

    info: dict[str, Any] = {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "cpu_count": os.cpu_count(),
        "cpu_affinity": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "cpu_model": _cpu_model(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "thread_env": {k: os.environ[k] for k in THREAD_VARS if k in os.environ},
        "loadavg_1_5_15": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
        "git_commit": _git("rev-parse", "HEAD"),
        "git_dirty": bool(_git("status", "--porcelain")),
    }
    try:
        import jax

        info["jax"] = jax.__version__
    except ImportError:
        info["jax"] = None
    try:
        import iegn

        info["iegn"] = getattr(iegn, "__version__", None)
    except ImportError:
        info["iegn"] = None
    return info


def _cpu_model() -> str | None:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or None


def _git(*args: str) -> str | None:
    try:
        out = subprocess.run(["git", *args], cwd=HERE, capture_output=True, text=True, timeout=10, check=True)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip()


def finish_row(row: dict[str, Any]) -> dict[str, Any]:
    """Add ``ratio`` = ours / baseline and ``status`` to a benchmark row."""
    ours, base, target = row["ours_s"], row["baseline_s"], row.get("target")
    if base != base:  # NaN: a row without a baseline run (its note says why)
        ratio = float("nan")
    else:
        ratio = ours / base if base > 0 else float("inf")
    mins = ((row.get("ours_timing") or {}).get("min_s"), (row.get("baseline_timing") or {}).get("min_s"))
    ratio_min = mins[0] / mins[1] if None not in mins and mins[1] > 0 else None
    if target is None:
        status = STATUS_INFO
    else:
        status = STATUS_OK if ratio <= target else STATUS_MISSED  # NaN ratio counts as missed
    return {**row, "ratio": ratio, "ratio_of_mins": ratio_min, "status": status}


def _fmt_s(seconds: float) -> str:
    if seconds >= 1.0:
        return f"{seconds:.3f}"
    return f"{seconds:.3g}" if seconds >= 1e-3 else f"{seconds:.2e}"


def _fmt_load(load: list[float] | None) -> str:
    return "?" if load is None else "/".join(f"{x:.2f}" for x in load)


def _fmt_target(target: float | None) -> str:
    return "—" if target is None else f"≤ {target:g}"


def _cells(row: dict[str, Any]) -> list[str]:
    return [
        row["case"],
        _fmt_s(row["ours_s"]),
        "—" if row["baseline_s"] != row["baseline_s"] else _fmt_s(row["baseline_s"]),
        "—" if row["ratio"] != row["ratio"] else f"{row['ratio']:.2f}",
        _fmt_target(row.get("target")),
        row["status"],
        "—" if row.get("ratio_of_mins") is None else f"{row['ratio_of_mins']:.2f}",
    ]


HEADER = ["case", "ours (s)", "baseline (s)", "ratio", "target", "pass/fail", "ratio of mins"]


def text_table(rows: list[dict[str, Any]]) -> str:
    table = [HEADER, *(_cells(r) for r in rows)]
    widths = [max(len(r[i]) for r in table) for i in range(len(HEADER))]
    lines = ["  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))) for r in table]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def markdown_table(rows: list[dict[str, Any]]) -> str:
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "|".join([":--"] + ["--:"] * (len(HEADER) - 1)) + "|"]
    for r in rows:
        cells = _cells(r)
        if r["status"] == STATUS_MISSED:
            cells[5] = "**MISSED**"
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def write_json(path: Path, payload: dict[str, Any]) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(payload, indent=2, allow_nan=True) + "\n")
    os.replace(tmp, path)


def write_summary(out: Path) -> Path:
    """Rewrite ``out/README.md`` from every ``out/*.json`` benchmark record (other JSON is listed)."""
    parts = [
        "# Benchmark results",
        "",
        "Generated by `benchmarks/run.py`; do not edit. ratio = ours / baseline (median seconds; "
        "lower is better); pass/fail judges the ratio of medians. `info` rows have no target. "
        "`ratio of mins` (fastest call of each) is a second reading, steadier on a busy machine. "
        "See `benchmarks/README.md`.",
        "",
    ]
    others: list[str] = []
    for path in sorted(out.glob("*.json")):
        try:
            rec = json.loads(path.read_text())
        except (OSError, ValueError):
            rec = None
        if not (isinstance(rec, dict) and {"name", "machine", "rows"} <= rec.keys()):
            others.append(path.name)  # some other tool's output: listed, not summarised
            continue
        m = rec["machine"]
        parts += [
            f"## {rec['name']}",
            "",
            f"{rec['timestamp']} · {'quick' if rec['quick'] else 'full'} size · {rec['elapsed_s']:.1f} s · "
            f"Python {m['python']}, NumPy {m['numpy']}, SciPy {m['scipy']}, JAX {m.get('jax')} · "
            f"{m['cpu_count']} CPUs ({m.get('cpu_model')}) · {m['platform']} · commit "
            f"{(m.get('git_commit') or '?')[:10]}{' (dirty)' if m.get('git_dirty') else ''} · "
            f"load average (1/5/15 min) {_fmt_load(m.get('loadavg_1_5_15'))} before, "
            f"{_fmt_load(rec.get('loadavg_after'))} after",
            "",
        ]
        if rec.get("error"):
            parts += ["**ERROR**:", "", "```", rec["error"].rstrip(), "```", ""]
        if rec["rows"]:
            parts += [markdown_table(rec["rows"]), ""]
            parts += ["| case | ours | baseline | repeats (warm-up) | note |", "|:--|:--|:--|:--|:--|"]
            for r in rec["rows"]:
                reps = r.get("ours_timing", {})
                rep = f"median of {reps.get('repeat', '?')} ({reps.get('warmup', '?')})"
                parts.append(f"| {r['case']} | {r.get('ours', '')} | {r.get('baseline', '')} | {rep} | {r.get('note', '')} |")
            params = rec["rows"][0].get("params")
            if params:
                parts += ["", "Parameters: " + ", ".join(f"{k}={v}" for k, v in params.items())]
            parts.append("")
    if others:
        parts += ["## Other files", "", "Not written by `run.py`: " + ", ".join(f"`{o}`" for o in others), ""]
    target = out / "README.md"
    target.write_text("\n".join(parts).rstrip() + "\n")
    return target


def run_one(name: str, path: Path, *, quick: bool, out: Path, machine: dict[str, Any]) -> dict[str, Any]:
    started = dt.datetime.now(dt.timezone.utc)
    t0 = time.perf_counter()
    error = None
    try:
        module = importlib.import_module(path.stem)
        rows = [finish_row(r) for r in module.run(quick)]
    except Exception:  # a broken benchmark is reported and recorded, the others still run
        rows, error = [], traceback.format_exc()
    record = {
        "name": name,
        "loadavg_after": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
        "module": f"benchmarks/{path.name}",
        "quick": quick,
        "timestamp": started.isoformat(timespec="seconds"),
        "elapsed_s": time.perf_counter() - t0,
        "machine": machine,
        "rows": rows,
        "error": error,
    }
    write_json(out / f"{name}.json", record)
    return record


def main(argv: list[str] | None = None) -> int:
    available = discover()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small, fast problem sizes")
    parser.add_argument(
        "--only",
        action="append",
        metavar="NAME",
        choices=sorted(available),
        help=f"run only this benchmark (repeatable); one of: {', '.join(sorted(available))}",
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"results folder (default {DEFAULT_OUT})")
    args = parser.parse_args(argv)

    selected = {k: v for k, v in available.items() if not args.only or k in args.only}
    args.out.mkdir(parents=True, exist_ok=True)
    sys.path.insert(0, str(HERE))
    machine = machine_info()
    print(
        f"Python {machine['python']} · NumPy {machine['numpy']} · SciPy {machine['scipy']} · JAX {machine['jax']} · "
        f"{machine['cpu_count']} CPUs ({machine['cpu_model']}) · {machine['platform']} · "
        f"load average {machine['loadavg_1_5_15']}"
    )
    print(f"size: {'quick' if args.quick else 'full'} · times are medians of interleaved repeats (see per-row repeat counts in the JSON)")

    missed: list[str] = []
    failed: list[str] = []
    for name, path in selected.items():
        print(f"\n== {name} ({path.name}) ==", flush=True)
        rec = run_one(name, path, quick=args.quick, out=args.out, machine=machine)
        if rec["error"]:
            failed.append(name)
            sys.stdout.flush()
            print(f"ERROR in {name}:\n{rec['error']}", file=sys.stderr, flush=True)
            continue
        print(text_table(rec["rows"]))
        for r in rec["rows"]:
            t = r.get("ours_timing", {})
            print(f"  {r['case']}: median of {t.get('repeat', '?')} after {t.get('warmup', '?')} warm-up; {r.get('note', '')}")
        missed += [f"{name}: {r['case']} (ratio {r['ratio']:.2f} > {r['target']:g})" for r in rec["rows"] if r["status"] == STATUS_MISSED]
        print(f"({rec['elapsed_s']:.1f} s) -> {args.out / (name + '.json')}")

    summary = write_summary(args.out)
    print(f"\nsummary -> {summary}")
    if missed:
        print("\nMISSED targets (reported, not gating):\n  " + "\n  ".join(missed))
    else:
        print("\nall targets met")
    if failed:
        print(f"\nFAILED benchmarks: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
