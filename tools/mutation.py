"""Mutation testing of the core mathematical modules: ``python tools/mutation.py [options]``.

For each module of :data:`MODULES` this script copies the repository into a fresh temporary
folder (the tool rewrites source files, so it never runs in the working tree), writes a
``[tool.mutmut]`` table scoped to that module and its tests into the copy's ``pyproject.toml``,
runs ``mutmut run`` there and prints one row per module::

    module  mutants  tested  killed  survived  timeout  crashed  no tests  other  score %  wall s

A mutant is *detected* when the tests fail (killed), exceed mutmut's time limit (timeout:
the mutation made a loop run away, which a test that bounds its time would also report) or
crash the test process (crashed: mutmut's "segfault", a mutant that hands corrupt arrays to
compiled code; the test run fails). The score is ``(killed + timeout + crashed) / tested``;
a mutant no selected test reaches ("no tests")
counts as not detected. Surviving mutants are listed after the table with their names, which
``mutmut show NAME`` (run inside a copy kept with ``--keep``) turns into a diff.

Options
-------
``--module NAME``   one module (repeatable); default: all of them.
``--sample N``      test a random sample of N mutants per module (seeded by ``--seed``)
                    instead of all; the score is then the sampled score, reported with N.
``--max-children``  parallel mutant runs (default: 2).
``--rev REV``       mutate the committed tree of REV instead of the working tree.
``--keep``          keep the temporary copies (their paths are printed).
``--fail-under P``  exit 1 when a module's score is below P percent.

Each mutant runs the tests that reached its function when mutmut traced the selected test
files, with ``-x -q -p no:randomly`` (mutmut's own flags), without xdist, under the fast
Hypothesis profile (``HYPOTHESIS_PROFILE=ci``) and a fixed Hypothesis seed, so two runs of
one tree give the same score. Workers are forked from a fork server that has imported pytest
but not JAX: forking the process that already ran the JAX tests deadlocks the child.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MUTMUT_VERSION = "3.8.1"


@dataclass(frozen=True)
class Module:
    """Source files to mutate and the test files whose tests may kill their mutants."""

    sources: tuple[str, ...]
    tests: tuple[str, ...]
    #: pytest node ids deselected for this module, each with its reason.
    deselect: tuple[tuple[str, str], ...] = ()
    #: a pytest ``-k`` expression narrowing the selection, and its reason.
    keyword: tuple[str, str] | None = None


MODULES: dict[str, Module] = {
    "thermo": Module(("iegn/numeric/_thermo.py",), ("tests/test_thermo.py", "tests/test_thermo_laws.py")),
    "consensus": Module(("iegn/numeric/_consensus.py",),
                        ("tests/test_consensus.py", "tests/test_consensus_laws.py", "tests/test_extreme_inputs.py")),
    # _transport.py is not mutated: its loop is compiled by Numba, which cannot compile mutmut's
    # trampolines; its evidence is the rational oracle, POT, and the certificate law (test_transport)
    "curvature": Module(
        ("iegn/graph/_curvature.py", "iegn/graph/_engine.py"),
        ("tests/test_curvature.py", "tests/test_curvature_engine.py", "tests/test_transport.py", "tests/test_flow.py",
         "tests/test_extreme_inputs.py", "tests/test_bad_input.py"),
        deselect=(("tests/test_transport.py::test_threads_give_bit_identical_results",
                   "runs the engine in worker threads, which mutmut's stats run does not follow"),),
        keyword=("not cli", "the CLI tests start `python -m iegn.cli` in a temporary folder; under "
                 "mutmut's stats run the child's trampolines look for mutmut's configuration there "
                 "and fail. The CLI is not one of the mutated modules"),
    ),
    "kernels": Module(
        ("iegn/kernels/_codegen.py", "iegn/kernels/_registry.py", "iegn/kernels/_generated_numpy.py"),
        ("tests/test_kernels.py", "tests/test_kernel_codegen.py", "tests/test_kernel_boundaries.py"),
        deselect=(("tests/test_kernels.py::test_committed_modules_are_what_the_generator_writes",
                   "compares the text of _generated_numpy.py, which mutmut rewrites with its "
                   "trampolines, so it fails on the unmutated copy too"),),
    ),
    "lagrangian": Module(("iegn/symbolic/_lagrangian.py",),
                         ("tests/test_lagrangian.py", "tests/test_mechanics.py", "tests/test_lagrangian_laws.py",
                          "tests/test_lagrangian_structure.py")),
}

#: mutmut's exit-code classes (mutmut.stats.status_by_exit_code), folded into the table's columns.
#: "segfault" is detected: the mutant handed corrupt arrays to compiled code and the test
#: process died, so the test run fails just as it does for a killed mutant; it has its own column.
DETECTED = ("killed", "timeout", "caught by type check", "segfault")


@dataclass
class Result:
    module: str
    statuses: dict[str, str] = field(default_factory=dict)  # mutant name -> mutmut status
    generated: int = 0
    wall_s: float = 0.0
    workdir: Path | None = None

    def count(self, *statuses: str) -> int:
        return sum(1 for s in self.statuses.values() if s in statuses)

    @property
    def tested(self) -> int:
        return len(self.statuses)

    @property
    def score(self) -> float:
        return 100.0 * self.count(*DETECTED) / self.tested if self.tested else float("nan")


def _toml_value(value: object) -> str:
    # A JSON string or list of strings is valid TOML (basic strings, arrays).
    return json.dumps(value)


def _without_table(text: str, table: str) -> str:
    """``text`` with the TOML table ``[table]`` (header to the next header) removed."""
    pattern = re.compile(rf"^\[{re.escape(table)}\][^\n]*\n(?:(?!\[).*\n?)*", re.MULTILINE)
    return pattern.sub("", text)


def mutmut_config(module: Module) -> dict[str, object]:
    """The ``[tool.mutmut]`` table for one module."""
    pytest_args = ["-p", "no:cacheprovider", "--hypothesis-seed=0"]
    for node, _reason in module.deselect:
        pytest_args += ["--deselect", node]
    if module.keyword is not None:
        pytest_args += ["-k", module.keyword[0]]
    return {
        "source_paths": ["iegn/"],
        "only_mutate": list(module.sources),
        "pytest_add_cli_args_test_selection": list(module.tests),
        "pytest_add_cli_args": pytest_args,
        "process_isolation": "forkserver",
    }


def copy_tree(dest: Path, rev: str | None) -> None:
    """Copy the repository (working tree, or the committed tree of ``rev``) into ``dest``."""
    if rev is not None:
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev], check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)
        return
    listed = subprocess.run(["git", "-C", str(ROOT), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            check=True, capture_output=True).stdout
    for name in filter(None, listed.decode().split("\0")):
        src = ROOT / name
        if src.is_file():  # a tracked file deleted in the working tree is skipped
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / name)


def write_config(dest: Path, module: Module) -> None:
    pyproject = dest / "pyproject.toml"
    text = _without_table(pyproject.read_text(), "tool.mutmut").rstrip("\n")
    lines = [f"{key} = {_toml_value(value)}" for key, value in mutmut_config(module).items()]
    pyproject.write_text(text + "\n\n[tool.mutmut]\n" + "\n".join(lines) + "\n")


def environment(dest: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("HYPOTHESIS_PROFILE", "ci")
    # One BLAS/XLA thread per mutant run: the runs already share the cores.
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env.setdefault(var, "1")
    env.setdefault("JAX_PLATFORMS", "cpu")
    # Tests that start `python -m iegn.cli` in a subprocess import the mutated copy.
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(dest / "mutants"), env.get("PYTHONPATH", "")]))
    return env


def mutant_names(dest: Path, env: dict[str, str]) -> list[str]:
    """Generate the mutants in ``dest/mutants`` (without running tests) and list their names."""
    generate = ("from mutmut.__main__ import copy_src_dir, copy_also_copy_files, create_mutants\n"
                "copy_src_dir(); copy_also_copy_files(); create_mutants(1)\n")
    subprocess.run([sys.executable, "-c", generate], cwd=dest, env=env, check=True,
                   stdout=subprocess.DEVNULL)
    return sorted(name for meta in (dest / "mutants").rglob("*.meta")
                  for name in json.loads(meta.read_text())["exit_code_by_key"])


def read_statuses(dest: Path) -> dict[str, str]:
    from mutmut.stats import status_by_exit_code

    out: dict[str, str] = {}
    for meta in (dest / "mutants").rglob("*.meta"):
        for name, code in json.loads(meta.read_text())["exit_code_by_key"].items():
            out[name] = status_by_exit_code[code]
    return out


def run_module(name: str, *, sample: int | None, seed: int, max_children: int, rev: str | None,
               keep: bool, log: Path | None) -> Result:
    module = MODULES[name]
    dest = Path(tempfile.mkdtemp(prefix=f"iegn-mutation-{name}-"))
    result = Result(name, workdir=dest if keep else None)
    try:
        copy_tree(dest, rev)
        write_config(dest, module)
        env = environment(dest)
        (dest / "mutants").mkdir()  # exists before Python starts, so PYTHONPATH finds it
        start = time.perf_counter()
        names = mutant_names(dest, env)
        result.generated = len(names)
        chosen = sorted(random.Random(seed).sample(names, sample)) if sample and sample < len(names) else []
        cmd = [sys.executable, "-m", "mutmut", "run", "--max-children", str(max_children), *chosen]
        out = open(log, "a") if log else subprocess.DEVNULL  # noqa: SIM115 - closed below
        try:
            proc = subprocess.run(cmd, cwd=dest, env=env, stdout=out, stderr=subprocess.STDOUT)
        finally:
            if log:
                out.close()
        result.wall_s = time.perf_counter() - start
        statuses = read_statuses(dest)
        keys = chosen or names
        result.statuses = {k: statuses.get(k, "not checked") for k in keys}
        if proc.returncode != 0 or result.count("not checked"):
            raise RuntimeError(f"mutmut run failed for {name} (exit {proc.returncode}, "
                               f"{result.count('not checked')} mutants not checked); see the log "
                               f"({log or 'pass --log FILE'})")
    finally:
        if not keep:
            shutil.rmtree(dest, ignore_errors=True)
    return result


def table(results: list[Result]) -> str:
    head = ("module", "mutants", "tested", "killed", "survived", "timeout", "crashed", "no tests", "other",
            "score %", "wall s")
    rows = [head]
    for r in results:
        other = r.tested - r.count("killed", "survived", "timeout", "segfault", "no tests", "caught by type check")
        rows.append((r.module, str(r.generated), str(r.tested), str(r.count("killed", "caught by type check")),
                     str(r.count("survived")), str(r.count("timeout")), str(r.count("segfault")),
                     str(r.count("no tests")), str(other), f"{r.score:.1f}", f"{r.wall_s:.0f}"))
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    fmt = lambda row: "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths)))  # noqa: E731
    return "\n".join([fmt(rows[0]), fmt(tuple("-" * w for w in widths)), *map(fmt, rows[1:])])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--module", action="append", choices=sorted(MODULES), help="module to test (repeatable)")
    parser.add_argument("--sample", type=int, default=None, help="random sample of N mutants per module")
    parser.add_argument("--seed", type=int, default=0, help="seed of the sample")
    parser.add_argument("--max-children", type=int, default=2)
    parser.add_argument("--rev", default=None, help="mutate the committed tree of REV, not the working tree")
    parser.add_argument("--keep", action="store_true", help="keep the temporary copies")
    parser.add_argument("--log", type=Path, default=None, help="append mutmut's output to FILE")
    parser.add_argument("--fail-under", type=float, default=None, help="exit 1 when a score is below P percent")
    args = parser.parse_args(argv)
    if args.sample is not None and not args.sample > 0:
        parser.error(f"--sample={args.sample} must be a positive integer")

    from importlib.metadata import version

    if version("mutmut") != MUTMUT_VERSION:
        print(f"warning: mutmut {version('mutmut')} installed, this script was written for {MUTMUT_VERSION}",
              file=sys.stderr)
    results = []
    for name in args.module or list(MODULES):
        print(f"mutating {name}: {', '.join(MODULES[name].sources)} against {', '.join(MODULES[name].tests)}",
              flush=True)
        results.append(run_module(name, sample=args.sample, seed=args.seed, max_children=args.max_children,
                                  rev=args.rev, keep=args.keep, log=args.log))
    print()
    print(table(results))
    for r in results:
        survivors = sorted(k for k, s in r.statuses.items() if s not in DETECTED)
        if survivors:
            print(f"\n{r.module}: {len(survivors)} not detected")
            for k in survivors:
                print(f"  {r.statuses[k]:<9}  {k}")
        if r.workdir:
            print(f"\n{r.module}: copy kept at {r.workdir} (cd there; mutmut show NAME)")
    if args.fail_under is not None and any(not r.score >= args.fail_under for r in results):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
