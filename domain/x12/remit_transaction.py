"""The inside of one 835 transaction (between ST and SE): header, claims, provider adjustments.

Order inside a transaction: BPR first, then the header (TRN, CUR, REF, DTM, the payer N1*PR and
payee N1*PE loops), then LX/CLP claim loops (remit_claims.py), then PLB. At SE the payment must
balance: BPR02 = sum of CLP04 - sum of PLB amounts (x12-notes.md). Segments the product does not
use (PER, N3, N4, CUR, TS3, ...) are accepted where they belong and otherwise ignored.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from denialdesk.domain.x12.remit_claims import ClaimLoops
from denialdesk.domain.x12.remit_elements import Elements, element
from denialdesk.domain.x12.remit_model import Payee, Payer, ProviderAdjustment, Transaction
from denialdesk.domain.x12.tokens import RemitParseError

HEADER, CLAIMS, SUMMARY = "header", "claims", "summary"
ZERO = Decimal(0)
Handler = Callable[[list[str]], None]
ENVELOPE = frozenset({"ISA", "GS", "ST", "GE", "IEA"})


class TransactionBuilder:
    def __init__(self, values: Elements, component: str, control_number: str) -> None:
        self.v, self.component, self.control_number = values, component, control_number
        self.section = HEADER
        self.bpr: list[str] | None = None
        self.bpr_number = 0
        self.trn: list[str] | None = None
        self.production: date | None = None
        self.party = ""  # the N1 loop open in the header: PR (payer) or PE (payee)
        self.payer_name, self.payer_ref, self.payer_n1_id = "", "", ""
        self.payee: Payee | None = None
        self.loops = ClaimLoops(values, component)
        self.plb: list[ProviderAdjustment] = []
        loops = self.loops
        anywhere: dict[str, Handler] = {
            "BPR": self._bpr, "LX": self._lx, "TS3": self._ts, "TS2": self._ts,
            "CLP": self._clp, "PLB": self._plb,
            "CAS": loops.cas, "NM1": loops.nm1, "MIA": loops.mia, "MOA": loops.moa,
            "AMT": loops.amt, "QTY": loops.qty, "SVC": loops.svc, "LQ": loops.lq,
        }  # fmt: skip
        self.header_handlers: dict[str, Handler] = {
            **anywhere, "TRN": self._trn, "CUR": self._ignore, "N1": self._n1,
            "N3": self._party, "N4": self._party, "RDM": self._party, "PER": self._party,
            "REF": self._ref, "DTM": self._dtm,
        }  # fmt: skip
        header_only = dict.fromkeys(("TRN", "CUR", "N1", "N3", "N4", "RDM"), self._misplaced)
        self.claim_handlers: dict[str, Handler] = {
            **anywhere, **header_only, "PER": loops.per, "REF": loops.ref, "DTM": loops.dtm,
        }  # fmt: skip
        # The table for where the transaction is: only BPR may come first, then the header's
        # segments, then (from the first LX or CLP on) the claims'. One look-up per segment.
        self.handlers: dict[str, Handler] = {"BPR": self._bpr}

    def unexpected(self, seg: list[str]) -> RemitParseError:
        if seg[0] in ENVELOPE:
            return self.v.error(f"{seg[0]} inside transaction {self.control_number}: SE missing")
        if seg[0] in self.header_handlers:
            return self.v.error(f"{seg[0]} before BPR: an 835 transaction starts with BPR")
        return self.v.error(f"{seg[0][:3]!r} is not a segment of an 835 transaction")

    def _ignore(self, seg: list[str]) -> None:
        """CUR: payments in a foreign currency are not something the product handles apart."""

    def _misplaced(self, seg: list[str]) -> None:
        raise self.v.error(f"{seg[0]} belongs in the header, before the first claim")

    def _bpr(self, seg: list[str]) -> None:
        v = self.v
        if self.bpr is not None:
            raise v.error("second BPR in one transaction")
        v.text(seg, 1)
        v.amount(seg, 2)
        if element(seg, 3) not in ("C", "D"):
            raise v.error(f"BPR03 {element(seg, 3)!r} is neither C (credit) nor D (debit)")
        v.text(seg, 4)
        v.date(seg, 16)
        self.bpr, self.bpr_number = seg, v.number
        self.handlers = self.header_handlers

    def _trn(self, seg: list[str]) -> None:
        if self.trn is not None:
            raise self.v.error("second TRN in one transaction")
        self.v.text(seg, 2)
        self.v.text(seg, 3)
        self.trn = seg

    def _n1(self, seg: list[str]) -> None:
        self.party = code = element(seg, 1)
        if code == "PR":
            self.payer_name = self.v.text(seg, 2)
            self.payer_n1_id = element(seg, 4)
        elif code == "PE":
            qualifier, ident = element(seg, 3), self.v.text(seg, 4)
            npi = ident if qualifier == "XX" else None
            tax_id = ident if qualifier == "FI" else None
            self.payee = Payee(self.v.text(seg, 2), npi, tax_id)
        else:
            raise self.v.error(f"N101 {code!r}: an 835 names only the payer (PR) and payee (PE)")

    def _party(self, seg: list[str]) -> None:
        """N3, N4, PER, RDM: details of the payer or payee that the product does not keep."""
        if not self.party:
            raise self.v.error(f"{seg[0]} before N1")

    def _ref(self, seg: list[str]) -> None:
        qualifier, value = element(seg, 1), self.v.text(seg, 2)
        if self.party == "PR" and qualifier == "2U":
            self.payer_ref = value
        elif self.party == "PE" and qualifier == "TJ" and self.payee is not None:
            self.payee = Payee(self.payee.name, self.payee.npi, value)

    def _dtm(self, seg: list[str]) -> None:
        if element(seg, 1) == "405":
            self.production = self.v.date(seg, 2)

    def _claims_begin(self) -> None:
        self.section = CLAIMS
        self.handlers = self.claim_handlers

    def _lx(self, seg: list[str]) -> None:
        self.loops.close()
        if self.section == SUMMARY:
            raise self.v.error("LX after PLB: provider adjustments close the transaction")
        self._claims_begin()

    def _ts(self, seg: list[str]) -> None:
        if self.section != CLAIMS or self.loops.claim is not None:
            raise self.v.error(f"{seg[0]} belongs right after LX")

    def _clp(self, seg: list[str]) -> None:
        if self.section == SUMMARY:
            raise self.v.error("CLP after PLB: provider adjustments close the transaction")
        self._claims_begin()
        self.loops.clp(seg)

    def _plb(self, seg: list[str]) -> None:
        self.loops.close()
        self._claims_begin()  # PLB without claims: no header segment may follow it either
        self.section = SUMMARY
        v = self.v
        provider, period = v.text(seg, 1), v.date(seg, 2)
        v.text(seg, 3)
        for i in range(3, len(seg), 2):
            if seg[i]:
                reason, _, reference = seg[i].partition(self.component)
                amount = v.amount(seg, i + 1)
                self.plb.append(
                    ProviderAdjustment(provider, period, reason, reference or None, amount)
                )
            elif element(seg, i + 1):
                raise v.error(f"PLB{i:02d} is empty but an amount follows it")

    def finish(self, se_number: int) -> Transaction:
        """Close the open loops at SE, check the payment balances and build the transaction."""
        self.loops.close()
        v, bpr, trn, payee = self.v, self.bpr, self.trn, self.payee
        v.number = se_number
        if bpr is None:
            raise v.error("transaction has no BPR payment segment")
        if trn is None:
            raise v.error("transaction has no TRN trace number")
        if not self.payer_name:
            raise v.error("transaction has no payer (N1*PR)")
        if payee is None:
            raise v.error("transaction has no payee (N1*PE)")
        v.number = self.bpr_number
        amount = v.amount(bpr, 2)
        if bpr[3] == "D":  # a debit: the provider owes the payer
            amount = -amount
        claims = tuple(self.loops.claims)
        paid = sum([c.paid for c in claims], ZERO)
        provider = sum([p.amount for p in self.plb], ZERO)
        if amount != paid - provider:
            raise v.error(
                f"payment does not balance: BPR02 {amount} but claims paid {paid}"
                f" - provider adjustments {provider} = {paid - provider}"
            )
        return Transaction(
            self.control_number,
            bpr[1],
            amount,
            bpr[4],
            v.date(bpr, 16),
            trn[2],
            trn[3],
            Payer(self.payer_name, self.payer_ref or self.payer_n1_id or None),
            payee,
            claims,
            tuple(self.plb),
            self.production,
            self.bpr_number,
        )
