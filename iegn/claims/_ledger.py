"""The claims ledger: one record per blueprint claim, evidence re-run live."""

from __future__ import annotations

import json
import math
import time
import traceback
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from .._errors import InvalidArgumentError
from .._validation import check_int
from ._catalogue import CATALOGUE

__all__ = [
    "VERDICTS",
    "EVIDENCE_KINDS",
    "Verdict",
    "EvidenceKind",
    "Outcome",
    "Evidence",
    "Claim",
    "EvidenceResult",
    "ClaimResult",
    "LedgerResult",
    "VerifyOptions",
    "claims",
    "get_claim",
    "verify",
    "ledger_markdown",
]

Verdict = Literal["holds", "holds-with-conditions", "refuted", "not-mathematical"]
#: The verdicts a claim can carry: the claim holds as stated; holds once the stated hypotheses
#: are added; is false (with a counterexample); or is metaphor with no mathematical content.
VERDICTS: tuple[str, ...] = ("holds", "holds-with-conditions", "refuted", "not-mathematical")
EvidenceKind = Literal[
    "smt-proof", "symbolic-identity", "property-test", "reference", "cross-check", "counterexample",
    "measurement", "literature",
]
#: The kinds of evidence a claim's record can carry (see DESIGN.md, "What verified means here").
EVIDENCE_KINDS: tuple[str, ...] = (
    "smt-proof", "symbolic-identity", "property-test", "reference", "cross-check", "counterexample",
    "measurement", "literature",
)


@dataclass(frozen=True)
class VerifyOptions:
    """Settings shared by all evidence checks of one ``verify`` run.

    Attributes
    ----------
    examples
        Number of Hypothesis examples per property test (``ci``: 50; ``thorough``: 5000).
    """

    examples: int = 50

    def __post_init__(self) -> None:
        check_int("examples", self.examples, minimum=1)


@dataclass(frozen=True)
class Outcome:
    """What an evidence check found: whether it reproduced its verdict, and the numbers."""

    passed: bool
    summary: str
    details: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Evidence:
    """One piece of evidence: its kind, a title, and the callable that re-runs it."""

    kind: EvidenceKind
    title: str
    check: Callable[[VerifyOptions], Outcome]

    def __post_init__(self) -> None:
        if self.kind not in EVIDENCE_KINDS:
            raise InvalidArgumentError(f"evidence kind={self.kind!r} is not one of {', '.join(EVIDENCE_KINDS)}")
        if not callable(self.check):
            raise InvalidArgumentError(f"evidence check={self.check!r} must be callable")


@dataclass(frozen=True)
class Claim:
    """A blueprint claim: id and text from CLAIMS.md, verdict, corrected statement, evidence.

    ``verdict is None`` means the claim is not yet judged.
    """

    id: str
    section: str
    text: str
    verdict: Verdict | None = None
    statement: str | None = None
    evidence: tuple[Evidence, ...] = ()

    def __post_init__(self) -> None:
        if self.verdict is not None and self.verdict not in VERDICTS:
            raise InvalidArgumentError(f"verdict={self.verdict!r} is not one of {', '.join(VERDICTS)}")
        if self.verdict is not None and not (self.statement and self.evidence):
            raise InvalidArgumentError(f"claim {self.id} has a verdict but no statement or evidence")

    @property
    def judged(self) -> bool:
        """Whether the claim carries a verdict."""
        return self.verdict is not None


@dataclass(frozen=True)
class EvidenceResult:
    """The outcome of re-running one :class:`Evidence`, with its wall-clock time."""

    kind: str
    title: str
    passed: bool
    summary: str
    details: Mapping[str, Any]
    seconds: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "title": self.title,
            "passed": self.passed,
            "summary": self.summary,
            "seconds": round(self.seconds, 4),
            "details": _jsonable({k: v for k, v in self.details.items() if not k.startswith("_")}),
        }


@dataclass(frozen=True)
class ClaimResult:
    """A claim with the results of its evidence; ``passed`` when every piece reproduced."""

    claim: Claim
    evidence: tuple[EvidenceResult, ...]

    @property
    def passed(self) -> bool:
        return all(e.passed for e in self.evidence)

    def as_dict(self) -> dict[str, Any]:
        c = self.claim
        return {
            "id": c.id,
            "section": c.section,
            "claim": c.text,
            "verdict": c.verdict,
            "judged": c.judged,
            "statement": c.statement,
            "passed": self.passed,
            "evidence": [e.as_dict() for e in self.evidence],
        }


@dataclass(frozen=True)
class LedgerResult:
    """The ledger after a ``verify`` run; renders as text, JSON or Markdown."""

    claims: tuple[ClaimResult, ...]
    seconds: float
    options: VerifyOptions

    @property
    def passed(self) -> bool:
        """True when every piece of evidence of every claim reproduced its verdict."""
        return all(c.passed for c in self.claims)

    def as_dict(self) -> dict[str, Any]:
        return {
            "passed": self.passed,
            "seconds": round(self.seconds, 3),
            "examples": self.options.examples,
            "claims": [c.as_dict() for c in self.claims],
        }

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), indent=2, ensure_ascii=False, allow_nan=False)

    def to_text(self) -> str:
        rows = [("id", "§", "verdict", "evidence", "claim")]
        for c in self.claims:
            ev = f"{sum(e.passed for e in c.evidence)}/{len(c.evidence)} ok" if c.evidence else "-"
            rows.append((c.claim.id, c.claim.section, c.claim.verdict or "not yet judged", ev, _shorten(c.claim.text, 70)))
        widths = [max(len(r[i]) for r in rows) for i in range(4)]
        lines = ["  ".join(r[i].ljust(widths[i]) for i in range(4)) + "  " + r[4] for r in rows]
        lines.insert(1, "  ".join("-" * w for w in widths) + "  " + "-" * 5)
        failed = [(c.claim.id, e) for c in self.claims for e in c.evidence if not e.passed]
        for cid, e in failed:
            lines.append(f"FAILED {cid} [{e.kind}] {e.title}: {e.summary}")
        judged = sum(c.claim.judged for c in self.claims)
        n_ev = sum(len(c.evidence) for c in self.claims)
        ok = sum(e.passed for c in self.claims for e in c.evidence)
        lines.append(
            f"{judged}/{len(self.claims)} claims judged; {ok}/{n_ev} evidence items reproduced; "
            f"{self.seconds:.1f} s; {'OK' if self.passed else 'FAILED'}"
        )
        return "\n".join(lines)

    def to_markdown(self) -> str:
        return _markdown([c.claim for c in self.claims], {c.claim.id: c for c in self.claims})


def _shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _jsonable(value: Any) -> Any:
    """Make evidence details JSON-safe: no NaN/inf (they become strings), tuples become lists."""
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, bool) or value is None or isinstance(value, (int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    try:
        f = float(value)
    except (TypeError, ValueError):
        return str(value)
    return f if math.isfinite(f) else str(f)


def _records() -> dict[str, Claim]:
    from ._blueprint import BLUEPRINT_CLAIMS
    from ._curvature import CURVATURE_CLAIMS
    from ._lagrangian import LAGRANGIAN_CLAIMS
    from ._stability import STABILITY_CLAIMS
    from ._systems import SYSTEMS_CLAIMS
    from ._thermo import THERMO_CLAIMS

    judged = {c.id: c for c in (*LAGRANGIAN_CLAIMS, *STABILITY_CLAIMS, *THERMO_CLAIMS, *CURVATURE_CLAIMS,
                                *SYSTEMS_CLAIMS, *BLUEPRINT_CLAIMS)}
    out: dict[str, Claim] = {}
    for cid, section, text in CATALOGUE:
        if cid in judged:
            c = judged[cid]
            if (c.section, c.text) != (section, text):  # pragma: no cover - consistency guard
                raise RuntimeError(f"claim {cid}: record text differs from the catalogue")
            out[cid] = c
        else:
            out[cid] = Claim(cid, section, text)
    return out


def claims() -> tuple[Claim, ...]:
    """Every blueprint claim, B01–B22, in id order (judged or not).

    Examples
    --------
    >>> cs = claims()
    >>> len(cs), cs[11].id, cs[11].verdict
    (22, 'B12', 'holds-with-conditions')
    """
    return tuple(_records().values())


def get_claim(claim_id: str) -> Claim:
    """The claim with id ``claim_id`` (e.g. ``"B12"``; case-insensitive)."""
    records = _records()
    key = claim_id.upper() if isinstance(claim_id, str) else claim_id
    if key not in records:
        raise InvalidArgumentError(f"claim id {claim_id!r} is not one of B01..B22")
    return records[key]


def _run(evidence: Evidence, options: VerifyOptions) -> EvidenceResult:
    start = time.perf_counter()
    try:
        out = evidence.check(options)
    except Exception as exc:  # evidence that crashes did not reproduce: report, don't hide
        tb = traceback.format_exception_only(type(exc), exc)[-1].strip()
        out = Outcome(False, f"evidence raised {tb}", {})
    return EvidenceResult(evidence.kind, evidence.title, bool(out.passed), out.summary, dict(out.details),
                          time.perf_counter() - start)


def verify(
    claim_ids: Sequence[str] | None = None,
    *,
    examples: int = 50,
    progress: Callable[[str], None] | None = None,
) -> LedgerResult:
    """Re-run the evidence of the given claims (all by default) and return the ledger.

    Parameters
    ----------
    claim_ids
        Claim ids to run (``None``: all 22; unjudged claims have no evidence).
    examples
        Hypothesis examples per property test (>= 1).
    progress
        Called with a one-line message before each piece of evidence.

    Returns
    -------
    LedgerResult
        ``passed`` is True when every piece of evidence reproduced its verdict.
    """
    examples = check_int("examples", examples, minimum=1)
    options = VerifyOptions(examples=examples)
    if isinstance(claim_ids, str) or not (claim_ids is None or isinstance(claim_ids, Iterable)):
        raise InvalidArgumentError(f"claim_ids={claim_ids!r} must be a sequence of claim ids, e.g. ['B12'], or None")
    if not (progress is None or callable(progress)):
        raise InvalidArgumentError(f"progress={progress!r} must be callable or None")
    selected = claims() if claim_ids is None else tuple(get_claim(i) for i in claim_ids)
    start = time.perf_counter()
    results = []
    for claim in selected:
        ev = []
        for i, e in enumerate(claim.evidence, 1):
            if progress is not None:
                progress(f"{claim.id} [{i}/{len(claim.evidence)}] {e.kind}: {e.title}")
            ev.append(_run(e, options))
        results.append(ClaimResult(claim, tuple(ev)))
    return LedgerResult(tuple(results), time.perf_counter() - start, options)


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _markdown(records: Sequence[Claim], results: Mapping[str, ClaimResult] | None = None) -> str:
    lines = [
        "| id | § | claim | verdict |",
        "| --- | --- | --- | --- |",
    ]
    for c in records:
        lines.append(f"| [{c.id}](#claim-{c.id.lower()}) | {c.section} | {_md_escape(c.text)} | "
                     f"{c.verdict or '*not yet judged*'} |")
    for c in records:
        lines += ["", f"({'claim-' + c.id.lower()})=", f"### {c.id} (§{c.section}): {c.verdict or 'not yet judged'}", ""]
        lines += [f"> {c.text}", ""]
        if not c.judged:
            lines.append("No evidence yet: this claim is judged by a later part of the library.")
            continue
        lines += [f"**Corrected statement.** {c.statement}", "", "Evidence:", ""]
        res = results.get(c.id) if results else None
        for i, e in enumerate(c.evidence):
            mark = ""
            if res is not None:
                r = res.evidence[i]
                mark = f" — {'reproduced' if r.passed else '**FAILED**'}: {_md_escape(r.summary)}"
            lines.append(f"- *{e.kind}*: {_md_escape(e.title)}{mark}")
    return "\n".join(lines) + "\n"


def ledger_markdown() -> str:
    """The ledger as Markdown from the claim records alone (no evidence is run).

    Used by the documentation; ``iegn verify --format markdown`` renders the same table
    with the live outcome of every piece of evidence.
    """
    return _markdown(claims())
