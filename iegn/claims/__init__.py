"""The claims ledger: a verdict and live evidence for every claim of the blueprint."""

from ._ledger import EVIDENCE_KINDS as EVIDENCE_KINDS
from ._ledger import VERDICTS as VERDICTS
from ._ledger import Claim as Claim
from ._ledger import ClaimResult as ClaimResult
from ._ledger import Evidence as Evidence
from ._ledger import EvidenceResult as EvidenceResult
from ._ledger import LedgerResult as LedgerResult
from ._ledger import Outcome as Outcome
from ._ledger import VerifyOptions as VerifyOptions
from ._ledger import claims as claims
from ._ledger import get_claim as get_claim
from ._ledger import ledger_markdown as ledger_markdown
from ._ledger import verify as verify

__all__ = [
    "EVIDENCE_KINDS",
    "VERDICTS",
    "Claim",
    "ClaimResult",
    "Evidence",
    "EvidenceResult",
    "LedgerResult",
    "Outcome",
    "VerifyOptions",
    "claims",
    "get_claim",
    "ledger_markdown",
    "verify",
]
