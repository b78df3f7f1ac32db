"""The claims ledger: catalogue, records, live evidence of the judged claims."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from iegn import InvalidArgumentError
from iegn.claims import EVIDENCE_KINDS, VERDICTS, Claim, Evidence, Outcome, claims, get_claim, ledger_markdown, verify

CLAIMS_MD = Path(__file__).resolve().parents[2] / "shared" / "blueprint" / "CLAIMS.md"
JUDGED_HERE = {"B01": "refuted", "B02": "refuted", "B03": "refuted", "B04": "holds-with-conditions",
               "B05": "holds-with-conditions", "B10": "refuted", "B11": "holds-with-conditions", "B21": "refuted",
               "B17": "refuted", "B18": "refuted",
               "B12": "holds-with-conditions", "B13": "refuted", "B14": "holds-with-conditions", "B15": "refuted"}


def test_the_ledger_lists_all_22_claims_in_order():
    ids = [c.id for c in claims()]
    assert ids == [f"B{i:02d}" for i in range(1, 23)]


@pytest.mark.skipif(not CLAIMS_MD.exists(), reason="shared/blueprint/CLAIMS.md is not beside this checkout")
def test_catalogue_matches_claims_md():
    rows = re.findall(r"^\| (B\d\d) \| ([^|]+) \| (.+) \|$", CLAIMS_MD.read_text(), flags=re.M)
    assert len(rows) == 22
    for (cid, section, text), claim in zip(rows, claims()):
        assert (claim.id, claim.section, claim.text) == (cid, section.strip(), text.strip())


def test_verdicts_of_this_layer():
    for cid, verdict in JUDGED_HERE.items():
        c = get_claim(cid)
        assert c.verdict == verdict and c.statement and c.evidence
        assert all(e.kind in EVIDENCE_KINDS for e in c.evidence)
    # a refuted claim carries a counterexample; a conditional one carries a proof or property
    for cid in ("B01", "B02", "B03", "B10", "B13", "B15", "B17", "B18", "B21"):
        assert any(e.kind == "counterexample" for e in get_claim(cid).evidence)
    for cid in ("B04", "B05", "B11", "B12", "B14"):
        assert any(e.kind in {"smt-proof", "property-test"} for e in get_claim(cid).evidence)


@pytest.mark.parametrize("cid", sorted(JUDGED_HERE))
def test_evidence_reproduces_live(cid):
    result = verify([cid], examples=10)
    (claim,) = result.claims
    failed = [f"{e.title}: {e.summary}" for e in claim.evidence if not e.passed]
    assert not failed and result.passed
    props = [e for e in claim.evidence if e.kind == "property-test"]
    assert all(e.details["examples"] >= 1 for e in props)


def test_a_failing_or_crashing_evidence_fails_the_ledger():
    bad = Claim("B12", "3.3", "x", "holds", "s", (Evidence("counterexample", "no", lambda o: Outcome(False, "nope")),))
    boom = Evidence("measurement", "boom", lambda o: 1 / 0)
    from iegn.claims._ledger import _run, VerifyOptions

    assert not _run(bad.evidence[0], VerifyOptions()).passed
    r = _run(boom, VerifyOptions())
    assert not r.passed and "ZeroDivisionError" in r.summary


def test_records_are_validated():
    with pytest.raises(InvalidArgumentError, match="verdict='true'"):
        Claim("B01", "1", "t", "true", "s", ())
    with pytest.raises(InvalidArgumentError, match="no statement or evidence"):
        Claim("B01", "1", "t", "holds")
    with pytest.raises(InvalidArgumentError, match="kind='vibes'"):
        Evidence("vibes", "t", lambda o: Outcome(True, ""))
    with pytest.raises(InvalidArgumentError, match="claim id 'B23'"):
        get_claim("B23")
    assert get_claim("b12").id == "B12"
    assert set(VERDICTS) == {"holds", "holds-with-conditions", "refuted", "not-mathematical"}


def test_json_is_strict_and_markdown_links_every_claim():
    result = verify(["B15"], examples=1)
    data = json.loads(result.to_json())  # allow_nan=False: NaN would have raised
    assert data["passed"] is True and data["claims"][0]["id"] == "B15"
    md = ledger_markdown()
    for c in claims():
        assert f"(claim-{c.id.lower()})=" in md
    for c in claims():  # each heading shows the record's own verdict, whoever judged it
        assert f"### {c.id} (§{c.section}): {c.verdict or 'not yet judged'}" in md
