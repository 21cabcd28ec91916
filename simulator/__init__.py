"""The payer simulator's core: payers that adjudicate 837P claims and appeals into 835 answers.

Pure (domain and contracts only, no clock, no files): app/payer_sim.py plugs it into the
clearinghouse folders. `PayerBook` is what the payers know, `adjudicate` answers a claim,
`decide_appeal` an appeal packet, and the `Ledger` remembers what was answered.
"""

from denialdesk.simulator.adjudicator import Adjudication, UnknownPayerError, adjudicate
from denialdesk.simulator.appeals import AppealDecision, AppealPacket, decide_appeal, find_appealed
from denialdesk.simulator.book import (
    AuthorizationOnFile,
    PatientShare,
    PayerBook,
    PayerRecords,
    PayerTerms,
)
from denialdesk.simulator.ledger import AppealRecord, Ledger, LedgerEntry

__all__ = [
    "Adjudication",
    "AppealDecision",
    "AppealPacket",
    "AppealRecord",
    "AuthorizationOnFile",
    "Ledger",
    "LedgerEntry",
    "PatientShare",
    "PayerBook",
    "PayerRecords",
    "PayerTerms",
    "UnknownPayerError",
    "adjudicate",
    "decide_appeal",
    "find_appealed",
]
