"""The ``iegn`` command line: ``iegn verify``, ``iegn bound``, ``iegn curvature`` and ``iegn derive``."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from ._errors import IegnError

__all__ = ["main", "build_parser"]


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr and exit status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"iegn: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``iegn`` command (exposed for the docs and tests)."""
    p = _Parser(prog="iegn", description="A verified reference for the IEGN blueprint.")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    v = sub.add_parser("verify", help="re-run the evidence of the claims ledger and print it")
    v.add_argument("--claim", action="append", metavar="ID", help="run only this claim (repeatable), e.g. B12")
    v.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    v.add_argument("--examples", type=int, default=None,
                   help="Hypothesis examples per property test (default 50; --thorough: 5000)")
    v.add_argument("--thorough", action="store_true", help="100x the property-test examples")
    v.add_argument("--certificates", metavar="DIR", type=Path,
                   help="also write every SMT certificate (verdict, solve time, SMT-LIB query) as JSON into DIR")
    v.add_argument("--quiet", action="store_true", help="no progress lines on stderr")

    b = sub.add_parser("bound", help="stability bound of consensus on a graph file")
    b.add_argument("file", type=Path, help="graph file: .edgelist/.edges/.txt/.csv, .graphml, .gml or .json (node-link)")
    b.add_argument("--weight", metavar="ATTR", default=None, help="edge attribute holding the weight (default: unit weights)")
    b.add_argument("--method", choices=("auto", "exact", "dense", "sparse"), default="auto",
                   help="eigen-solver (exact: SymPy, small graphs)")
    b.add_argument("--format", choices=("text", "json"), default="text")

    c = sub.add_parser("curvature", help="discrete Ricci curvature of every edge of a graph file")
    c.add_argument("file", type=Path, help="graph file: .edgelist/.edges/.txt/.csv, .graphml, .gml or .json (node-link)")
    c.add_argument("--kind", choices=("ollivier", "lin-lu-yau", "forman", "forman-augmented"), default="ollivier")
    c.add_argument("--idleness", type=float, default=0.5, metavar="A", help="Ollivier-Ricci idleness in [0, 1)")
    c.add_argument("--weight", metavar="ATTR", default=None, help="edge attribute holding the edge length")
    c.add_argument("--format", choices=("text", "json", "csv"), default="text")

    f = sub.add_parser("flow", help="discrete Ricci flow of a graph file (and communities)")
    f.add_argument("file", type=Path, help="graph file (as for 'bound')")
    f.add_argument("--iterations", type=int, default=20, metavar="K")
    f.add_argument("--step", type=float, default=1.0, metavar="S")
    f.add_argument("--idleness", type=float, default=0.5, metavar="A")
    f.add_argument("--weight", metavar="ATTR", default=None, help="edge attribute holding the initial lengths")
    f.add_argument("--communities", action="store_true", help="also cut the flowed graph into communities")
    f.add_argument("--format", choices=("text", "json"), default="text")
    f.add_argument("--out", type=Path, default=None, metavar="FILE", help="write the output here instead of stdout")

    d = sub.add_parser("derive", help="derive equations symbolically")
    dsub = d.add_subparsers(dest="what", required=True, parser_class=_Parser)
    el = dsub.add_parser("euler-lagrange", help="Euler-Lagrange equations of L = T - V - lam*S, solved for "
                         "the accelerations, and the Hamiltonian")
    el.add_argument("--coordinates", type=int, required=True, metavar="N",
                    help="number of coordinates; symbols q0..q{N-1}, v0.., m0.., lam")
    el.add_argument("--potential", metavar="EXPR", default=None,
                    help="potential V in the coordinates q0..q{N-1}, e.g. '(q1 - q0)**2/2' (default 0)")
    el.add_argument("--entropy", choices=("blueprint", "free-energy", "none"), default="blueprint",
                    help="sign of the entropy term: blueprint L = T - V - lam*S (default), free-energy "
                    "L = T - V + lam*S, or none")
    el.add_argument("--dissipation", action="store_true",
                    help="add Rayleigh dissipation sum(gamma_i v_i^2)/2 (symbols gamma0..)")
    el.add_argument("--format", choices=("text", "json", "latex"), default="text")
    return p


def _cmd_verify(args: argparse.Namespace) -> int:
    import os
    import tempfile

    # Hypothesis keeps a storage folder (even with database=None); keep it out of the user's cwd
    os.environ.setdefault("HYPOTHESIS_STORAGE_DIRECTORY", os.path.join(tempfile.gettempdir(), "iegn-hypothesis"))
    from .claims import verify

    if args.examples is not None and args.examples < 1:
        raise _UsageError(f"--examples={args.examples} must be >= 1")
    examples = args.examples if args.examples is not None else (5000 if args.thorough else 50)
    progress = None if args.quiet else (lambda msg: print(f"  … {msg}", file=sys.stderr, flush=True))
    result = verify(args.claim, examples=examples, progress=progress)
    if args.certificates is not None:
        from .claims._evidence import CERTIFICATE_KEY
        from .symbolic import stability_certificates

        args.certificates.mkdir(parents=True, exist_ok=True)
        for name, cert in stability_certificates().items():
            (args.certificates / f"stability_{name}.json").write_text(json.dumps(cert.as_dict(), indent=2) + "\n")
        for claim in result.claims:  # every SMT certificate that served as evidence
            for j, ev in enumerate(claim.evidence, start=1):
                cert = ev.details.get(CERTIFICATE_KEY)
                if cert is not None:
                    (args.certificates / f"{claim.claim.id}_evidence{j}.json").write_text(
                        json.dumps({"claim": claim.claim.id, "evidence": ev.title, **cert}, indent=2,
                                   default=str) + "\n")
    if args.format == "json":
        print(result.to_json())
    elif args.format == "markdown":
        print(result.to_markdown())
    else:
        print(result.to_text())
    return 0 if result.passed else 1


def _cmd_bound(args: argparse.Namespace) -> int:
    from .graph import read_graph, stability_bound

    G = read_graph(args.file)
    b = stability_bound(G, weight=args.weight, method=args.method)
    out = {
        "file": str(args.file),
        "nodes": G.number_of_nodes(),
        "edges": G.number_of_edges(),
        "weight": args.weight,
        "method": args.method,
        **b.as_dict(),
    }
    if args.method == "exact":
        from .graph import laplacian_matrix
        from .symbolic import exact_stability_constants, laplacian_eigenvalues_exact

        eig = laplacian_eigenvalues_exact(laplacian_matrix(G, weight=args.weight, format="dense").tolist())
        out["exact"] = {k: (None if v is None else str(v)) for k, v in exact_stability_constants(eig).items()}
    if args.format == "json":
        print(json.dumps(out, indent=2, allow_nan=False))
    else:
        width = max(map(len, out))
        for k, val in out.items():
            print(f"{k.ljust(width)}  {val if val is not None else '-'}")
    return 0


def _cmd_curvature(args: argparse.Namespace) -> int:
    from .graph import forman_ricci, lin_lu_yau, ollivier_ricci, read_graph

    G = read_graph(args.file)
    if args.kind == "ollivier":
        res = ollivier_ricci(G, idleness=args.idleness, weight=args.weight)
    elif args.kind == "lin-lu-yau":
        if args.weight is not None:
            raise _UsageError("--kind lin-lu-yau is for unweighted graphs: drop --weight")
        res = lin_lu_yau(G)
    else:
        res = forman_ricci(G, augmented=args.kind == "forman-augmented", weight=args.weight)
    rows = [{"source": u, "target": v, "curvature": float(k)} for (u, v), k in res.items()]
    if args.format == "json":
        out = {"kind": args.kind, "idleness": args.idleness if args.kind == "ollivier" else None,
               "weight": args.weight, "edges": rows}
        print(json.dumps(out, indent=2, allow_nan=False))
    elif args.format == "csv":
        import csv

        w = csv.writer(sys.stdout, lineterminator="\n")
        w.writerow(["source", "target", "curvature"])
        for r in rows:
            w.writerow([r["source"], r["target"], repr(r["curvature"])])
    else:
        width = max((len(f"{r['source']} {r['target']}") for r in rows), default=4)
        for r in rows:
            print(f"{str(r['source']) + ' ' + str(r['target']):<{width}}  {r['curvature']:.12g}")
    return 0


def _cmd_flow(args: argparse.Namespace) -> int:
    from .graph import read_graph, ricci_communities, ricci_flow

    G = read_graph(args.file)
    kw = dict(iterations=args.iterations, step=args.step, idleness=args.idleness, weight=args.weight)
    comm = ricci_communities(G, **kw) if args.communities else None  # type: ignore[arg-type]
    flow = comm.flow if comm is not None else ricci_flow(G, **kw)  # type: ignore[arg-type]
    out: dict[str, object] = {
        "iterations": flow.n_iter, "converged": flow.converged, "curvature_spread": float(flow.spread[-1]),
        "edges": [{"source": u, "target": v, "weight": w, "curvature": float(flow.curvature[u, v])}
                  for (u, v), w in flow.weights.items()],
    }
    if comm is not None:
        out["communities"] = {"modularity": comm.modularity, "cutoff": comm.cutoff, "count": comm.n_communities,
                              "membership": [{"node": n, "community": c} for n, c in comm.communities.items()]}
    if args.format == "json":
        text = json.dumps(out, indent=2, allow_nan=False)
    else:
        lines = [f"iterations {flow.n_iter}  converged {flow.converged}  curvature spread {flow.spread[-1]:.6g}"]
        lines += [f"{u} {v}  weight {w:.12g}  curvature {flow.curvature[u, v]:.12g}" for (u, v), w in flow.weights.items()]
        if comm is not None:
            lines.append(f"communities {comm.n_communities}  modularity {comm.modularity:.6g}  cutoff {comm.cutoff:.6g}")
            lines += [f"{n} {c}" for n, c in comm.communities.items()]
        text = "\n".join(lines)
    if args.out is not None:
        args.out.write_text(text + "\n")
    else:
        print(text)
    return 0


def _cmd_derive(args: argparse.Namespace) -> int:
    import sympy

    from .symbolic import derive_euler_lagrange

    d = derive_euler_lagrange(args.coordinates, args.potential, entropy=args.entropy, dissipation=args.dissipation)
    acc = d.accelerations()
    H = d.hamiltonian
    if args.format == "json":
        out = {
            "coordinates": list(acc),
            "accelerations": {k: str(v) for k, v in acc.items()},
            "hamiltonian": str(H),
            "energy_rate": str(d.energy_rate),
            "lagrangian": str(d.lagrangian),
            "entropy": d.entropy,
            "dissipation": d.dissipation,
        }
        print(json.dumps(out, indent=2))
    elif args.format == "latex":
        names = {d.temperature: r"\lambda"}
        for k, v in acc.items():
            print(rf"\ddot{{q}}_{{{k[1:]}}} = {sympy.latex(v, symbol_names=names)}")
        print(rf"H = {sympy.latex(H, symbol_names=names)}")
        print(rf"\frac{{dH}}{{dt}} = {sympy.latex(d.energy_rate, symbol_names=names)}")
    else:
        for k, v in acc.items():
            print(f"{k}'' = {v}")
        print(f"H = {H}")
        print(f"dH/dt = {d.energy_rate}")
    return 0


class _UsageError(IegnError):
    pass


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``iegn`` console script; returns the exit status."""
    args = build_parser().parse_args(argv)
    try:
        return {"verify": _cmd_verify, "bound": _cmd_bound, "curvature": _cmd_curvature,
                "flow": _cmd_flow, "derive": _cmd_derive}[args.command](args)
    except IegnError as exc:
        print(f"iegn: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"iegn: error: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("iegn: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
