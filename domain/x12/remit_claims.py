"""The claim (2100, CLP) and service line (2110, SVC) loops of one 835 transaction.

A loop is kept as a small draft while its segments arrive and becomes a frozen ClaimPayment or
ServiceLine when it closes, after its balancing check (x12-notes.md):
line  SVC02 - SVC03 = sum of the line's CAS
claim CLP03 - CLP04 = sum of claim CAS + sum of line CAS
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from denialdesk.domain.x12.remit_elements import Elements, element, optional
from denialdesk.domain.x12.remit_model import Adjustment, ClaimPayment, ServiceLine
from denialdesk.domain.x12.tokens import RemitParseError

GROUPS = frozenset({"CO", "PR", "OA", "PI"})  # CR is not valid in 5010
CLAIM_STATUSES = frozenset({"1", "2", "3", "4", "19", "20", "21", "22", "23", "25"})
MAX_CAS_ELEMENTS = 19  # the group, then six reason/amount/quantity triplets
MOA_REMARKS = (3, 4, 5, 6, 7)
MIA_REMARKS = (5, 20, 21, 22, 23)
ZERO, ONE = Decimal(0), Decimal(1)


class _Line:
    __slots__ = (
        "seg", "number", "composite", "charge", "paid", "units",
        "start", "end", "adjustments", "adjusted", "remarks", "control", "allowed",
    )  # fmt: skip

    def __init__(
        self, seg: list[str], number: int, composite: list[str], charge: Decimal, paid: Decimal
    ) -> None:
        self.seg, self.number, self.composite = seg, number, composite
        self.charge, self.paid = charge, paid
        self.units: Decimal | None = None
        self.start: date | None = None
        self.end: date | None = None
        self.adjustments: list[Adjustment] = []
        self.adjusted = ZERO  # running sum of the CAS amounts, for the balancing check
        self.remarks: list[str] = []
        self.control: str | None = None
        self.allowed: Decimal | None = None


class _Claim:
    __slots__ = (
        "seg", "number", "charge", "paid", "responsibility",
        "dates", "npi", "adjustments", "adjusted", "remarks", "lines",
    )  # fmt: skip

    def __init__(self, seg: list[str], number: int, charge: Decimal, paid: Decimal) -> None:
        self.seg, self.number, self.charge, self.paid = seg, number, charge, paid
        self.responsibility: Decimal | None = None
        self.dates: dict[str, date] = {}
        self.npi: str | None = None
        self.adjustments: list[Adjustment] = []
        self.adjusted = ZERO  # claim and line CAS amounts so far
        self.remarks: list[str] = []
        self.lines: list[ServiceLine] = []


class ClaimLoops:
    """Reads CLP, SVC and the segments inside them; `claims` holds the closed, balanced ones."""

    def __init__(self, values: Elements, component: str) -> None:
        self.v, self.component = values, component
        self.claim: _Claim | None = None
        self.line: _Line | None = None
        self.claims: list[ClaimPayment] = []

    def _open_claim(self, seg: list[str]) -> _Claim:
        if self.claim is None:
            raise self.v.error(f"{seg[0]} outside a claim (no CLP before it)")
        return self.claim

    def clp(self, seg: list[str]) -> None:
        self.close()
        v = self.v
        v.text(seg, 1)
        if element(seg, 2) not in CLAIM_STATUSES:
            raise v.error(f"CLP02 {element(seg, 2)!r} is not a claim status code")
        claim = self.claim = _Claim(seg, v.number, v.amount(seg, 3), v.amount(seg, 4))
        claim.responsibility = v.optional_amount(seg, 5)

    def svc(self, seg: list[str]) -> None:
        self._open_claim(seg)
        self._close_line()
        v = self.v
        composite = v.text(seg, 1).split(self.component)
        if len(composite) < 2 or not composite[1]:
            raise v.error("SVC01 has no procedure code")
        line = self.line = _Line(seg, v.number, composite, v.amount(seg, 2), v.amount(seg, 3))
        line.units = v.optional_amount(seg, 5)

    def cas(self, seg: list[str]) -> None:
        line = self.line
        target = line if line is not None else self._open_claim(seg)
        v, size = self.v, len(seg)
        group = seg[1] if size > 1 else ""
        if group not in GROUPS:
            raise v.error(f"CAS01 {group!r} is not an adjustment group (CO, PR, OA, PI)")
        if size > MAX_CAS_ELEMENTS + 1:
            raise v.error("CAS carries more than six adjustment reasons")
        if size < 3 or not seg[2]:
            v.text(seg, 2)  # raises: the first reason is required
        adjustments, amount_of, total = target.adjustments, v.amount, ZERO
        for i in range(2, size, 3):
            code = seg[i]
            if code:
                amount = amount_of(seg, i + 1)
                quantity = amount_of(seg, i + 2) if i + 2 < size and seg[i + 2] else None
                adjustments.append(Adjustment(group, code, amount, quantity))
                total += amount
            elif element(seg, i + 1) or element(seg, i + 2):
                raise v.error(f"CAS{i:02d} is empty but an amount follows it")
        target.adjusted += total

    def dtm(self, seg: list[str]) -> None:
        claim, line = self._open_claim(seg), self.line
        qualifier = seg[1] if len(seg) > 1 else ""
        if line is not None:
            if qualifier == "472":
                line.start = line.end = self.v.date(seg, 2)
            elif qualifier == "150":
                line.start = self.v.date(seg, 2)
            elif qualifier == "151":
                line.end = self.v.date(seg, 2)
        elif qualifier in ("232", "233", "050"):  # statement period, received
            claim.dates[qualifier] = self.v.date(seg, 2)

    def ref(self, seg: list[str]) -> None:
        self._open_claim(seg)
        value = self.v.text(seg, 2)
        if self.line is not None and element(seg, 1) == "6R":
            self.line.control = value

    def per(self, seg: list[str]) -> None:
        self._open_claim(seg)  # a claim contact: nothing to keep

    def nm1(self, seg: list[str]) -> None:
        claim = self._open_claim(seg)
        if element(seg, 1) == "82" and element(seg, 8) == "XX":
            claim.npi = optional(seg, 9)

    def moa(self, seg: list[str]) -> None:
        claim = self._open_claim(seg)
        claim.remarks.extend(code for i in MOA_REMARKS if (code := element(seg, i)))

    def mia(self, seg: list[str]) -> None:
        claim = self._open_claim(seg)
        claim.remarks.extend(code for i in MIA_REMARKS if (code := element(seg, i)))

    def amt(self, seg: list[str]) -> None:
        self._open_claim(seg)
        if self.line is not None and element(seg, 1) == "B6":
            self.line.allowed = self.v.amount(seg, 2)

    def qty(self, seg: list[str]) -> None:
        self._open_claim(seg)

    def lq(self, seg: list[str]) -> None:
        if self.line is None:
            raise self.v.error("LQ outside a service line (no SVC before it)")
        if element(seg, 1) == "HE":  # RX would be NCPDP reject codes, not remarks
            self.line.remarks.append(self.v.text(seg, 2))

    def _close_line(self) -> None:
        line, claim = self.line, self.claim
        if line is None or claim is None:
            return
        self.line = None
        seg, composite, charge, paid = line.seg, line.composite, line.charge, line.paid
        adjusted = line.adjusted
        if charge - paid != adjusted:
            raise RemitParseError(
                line.number,
                f"service line {composite[1]} does not balance: charge {charge} - paid {paid}"
                f" = {charge - paid} but its adjustments total {adjusted}",
            )
        claim.adjusted += adjusted
        units = line.units
        billed = seg[6].split(self.component) if len(seg) > 6 else ()
        claim.lines.append(
            ServiceLine(
                composite[0],
                composite[1],
                tuple(filter(None, composite[2:6])),
                charge,
                paid,
                ONE if units is None else units,
                line.start,
                line.start if line.end is None else line.end,
                tuple(line.adjustments),
                tuple(line.remarks),
                optional(seg, 4),
                billed[1] if len(billed) > 1 and billed[1] else None,
                line.control,
                line.allowed,
                line.number,
            )
        )

    def close(self) -> None:
        """Close the open line and claim (at the next CLP, LX, PLB or SE)."""
        self._close_line()
        claim = self.claim
        if claim is None:
            return
        self.claim = None
        seg, charge, paid, adjusted = claim.seg, claim.charge, claim.paid, claim.adjusted
        if charge - paid != adjusted:
            raise RemitParseError(
                claim.number,
                f"claim {seg[1]} does not balance: charge {charge} - paid {paid}"
                f" = {charge - paid} but claim and line adjustments total {adjusted}",
            )
        dates = claim.dates
        self.claims.append(
            ClaimPayment(
                seg[1],
                seg[2],
                charge,
                paid,
                claim.responsibility,
                element(seg, 6),
                optional(seg, 7),
                optional(seg, 9),
                dates.get("232"),
                dates.get("233"),
                dates.get("050"),
                claim.npi,
                tuple(claim.adjustments),
                tuple(claim.remarks),
                tuple(claim.lines),
                claim.number,
            )
        )
