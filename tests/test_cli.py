"""The command line, run as a user runs it (subprocess)."""

from __future__ import annotations

import json
import subprocess
import sys

import networkx as nx
import pytest


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "iegn.cli", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=300)


def test_bound_json_is_exact_on_a_known_spectrum(tmp_path):
    path = tmp_path / "k33.graphml"
    nx.write_graphml(nx.complete_bipartite_graph(3, 3), path)
    out = run("bound", str(path), "--format", "json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    # K_{3,3}: spectrum 0, 3 (x4), 6 (Brouwer & Haemers 2012, §1.4.6)
    assert data["mu_2"] == pytest.approx(3.0, rel=1e-14)
    assert data["mu_max"] == pytest.approx(6.0, rel=1e-14)
    assert data["critical_step"] == pytest.approx(1 / 3, rel=1e-14)
    assert data["optimal_step"] == pytest.approx(2 / 9, rel=1e-14)
    assert data["convergence_factor"] == pytest.approx(1 / 3, rel=1e-14)
    assert data["connected"] is True and data["nodes"] == 6 and data["edges"] == 9


def test_bound_exact_method_and_weights(tmp_path):
    path = tmp_path / "w.edgelist"
    path.write_text("a b 2\nb c 2\n")  # 2 * P3: spectrum 0, 2, 6
    out = run("bound", str(path), "--weight", "weight", "--method", "exact", "--format", "json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert (data["mu_2"], data["mu_max"]) == (2.0, 6.0)
    assert data["exact"]["optimal_step"] == "1/4" and data["exact"]["critical_step"] == "1/3"


def test_bound_text_output_and_disconnected_graph(tmp_path):
    path = tmp_path / "two.edgelist"
    path.write_text("a b\nc d\n")
    out = run("bound", str(path))
    assert out.returncode == 0, out.stderr
    assert "connected           False" in out.stdout and "optimal_step        -" in out.stdout
    js = json.loads(run("bound", str(path), "--format", "json").stdout)
    assert js["optimal_step"] is None and js["convergence_factor"] == 1.0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("bound", "missing.graphml"), "no such file"),
        (("bound", "g.xyz"), "unknown graph file extension"),
        (("bound", "bad.edgelist"), "line 1 has 1 fields"),
        (("bound", "bad.edgelist", "--format", "yaml"), "invalid choice: 'yaml'"),
        (("bound", "loop.edgelist"), "self-loop"),
        (("bound", "neg.edgelist", "--weight", "weight"), "weights must be finite and > 0"),
        (("verify", "--claim", "B99"), "claim id 'B99'"),
        (("derive", "euler-lagrange", "--coordinates", "0"), "coordinates=0 must be >= 1"),
        (("derive", "euler-lagrange", "--coordinates", "two"), "invalid int value: 'two'"),
        (("derive", "euler-lagrange", "--coordinates", "2", "--potential", "q0 + ("), "does not parse"),
        (("derive", "euler-lagrange", "--coordinates", "2", "--potential", "q0*q2"), "uses symbol 'q2'"),
        (("derive", "euler-lagrange", "--coordinates", "2", "--potential", "x + q0"), "uses symbol 'x'"),
        (("derive", "euler-lagrange", "--coordinates", "2", "--format", "yaml"), "invalid choice: 'yaml'"),
        (("derive", "euler-lagrange"), "required: --coordinates"),
        (("derive",), "required: what"),
        (("verify", "--examples", "0"), "--examples=0 must be >= 1"),
        (("frobnicate",), "invalid choice: 'frobnicate'"),
        ((), "required: command"),
    ],
)
def test_errors_are_one_line_without_traceback(tmp_path, args, message):
    (tmp_path / "g.xyz").write_text("a b\n")
    (tmp_path / "bad.edgelist").write_text("lonely\n")
    (tmp_path / "loop.edgelist").write_text("a a\na b\n")
    (tmp_path / "neg.edgelist").write_text("a b -1\n")
    out = run(*args, cwd=tmp_path)
    assert out.returncode != 0
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("iegn: error:"), out.stderr
    assert message in lines[0]
    assert "Traceback" not in out.stderr and "nan" not in (out.stdout + out.stderr).lower().split()


def test_verify_one_claim_json_contract():
    out = run("verify", "--claim", "B13", "--format", "json", "--quiet", "--examples", "5")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    (claim,) = data["claims"]
    assert {"id", "verdict", "statement", "evidence"} <= set(claim)
    assert claim["id"] == "B13" and claim["verdict"] == "refuted"
    assert all({"kind", "passed"} <= set(e) and e["passed"] for e in claim["evidence"])
    assert out.stderr == ""  # --quiet


def test_verify_markdown_and_progress_and_certificates(tmp_path):
    out = run("verify", "--claim", "B14", "--format", "markdown", "--examples", "3",
              "--certificates", str(tmp_path / "certs"))
    assert out.returncode == 0, out.stderr
    assert "| B14 |" in out.stdout.replace("[B14](#claim-b14)", "B14") and "reproduced" in out.stdout
    assert "B14 [1/6] smt-proof" in out.stderr  # progress lines
    cert = json.loads((tmp_path / "certs" / "stability_necessity.json").read_text())
    assert cert["verdict"] == "proved" and cert["seconds"] >= 0 and "(check-sat)" in cert["smtlib"]


def test_verify_writes_the_smt_certificates_of_every_claim(tmp_path):
    """Certificates come from the evidence itself (here B09's z3 proofs), not from a fixed list."""
    out = run("verify", "--claim", "B09", "--examples", "3", "--quiet", "--format", "json",
              "--certificates", str(tmp_path / "certs"))
    assert out.returncode == 0, out.stderr
    written = sorted(p.name for p in (tmp_path / "certs").glob("B09_evidence*.json"))
    assert written, "no certificate written for B09"
    cert = json.loads((tmp_path / "certs" / written[0]).read_text())
    assert cert["claim"] == "B09" and "(check-sat)" in cert["smtlib"]
    assert "_certificate" not in out.stdout  # the JSON ledger leaves the SMT-LIB text out


def test_derive_euler_lagrange_json_contract():
    import sympy

    out = run("derive", "euler-lagrange", "--coordinates", "2", "--potential", "(q1 - q0)**2/2", "--format", "json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["coordinates"] == ["q0", "q1"]
    assert set(data["accelerations"]) == {"q0", "q1"}
    q0, q1, m0, m1, lam, v0, v1 = sympy.symbols("q0 q1 m0 m1 lam v0 v1")
    # by hand: m0 q0'' = (q1 - q0) + lam (log q0 + 1), and symmetrically
    a0 = sympy.sympify(data["accelerations"]["q0"])
    a1 = sympy.sympify(data["accelerations"]["q1"])
    assert sympy.expand(a0 - ((q1 - q0) + lam * (sympy.log(q0) + 1)) / m0) == 0
    assert sympy.expand(a1 - ((q0 - q1) + lam * (sympy.log(q1) + 1)) / m1) == 0
    H = sympy.sympify(data["hamiltonian"])
    expected_H = m0 * v0**2 / 2 + m1 * v1**2 / 2 + (q1 - q0) ** 2 / 2 - lam * (q0 * sympy.log(q0) + q1 * sympy.log(q1))
    assert sympy.expand(H - expected_H) == 0
    assert data["energy_rate"] == "0"


def test_derive_text_latex_and_dissipation():
    text = run("derive", "euler-lagrange", "--coordinates", "1", "--entropy", "none", "--potential", "q0**2/2")
    assert text.returncode == 0, text.stderr
    assert text.stdout.splitlines()[0] == "q0'' = -q0/m0"
    latex = run("derive", "euler-lagrange", "--coordinates", "1", "--format", "latex")
    assert r"\ddot{q}_{0} = " in latex.stdout and r"\lambda" in latex.stdout
    damped = run("derive", "euler-lagrange", "--coordinates", "2", "--dissipation", "--format", "json")
    data = json.loads(damped.stdout)
    assert data["dissipation"] is True
    import sympy

    g0, g1, v0, v1 = sympy.symbols("gamma0 gamma1 v0 v1")
    assert sympy.expand(sympy.sympify(data["energy_rate"]) + g0 * v0**2 + g1 * v1**2) == 0
