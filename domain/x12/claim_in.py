"""Read an 837P interchange (005010X222A1) back into the values a payer adjudicates.

    read_837p(data) -> ReceivedInterchange

The reader is the payer's side of domain/x12/claim_out.py: it reads everything write_837p
produces (several transactions, billing providers and subscribers, the patient loop, claim and
line rendering providers, replacement and void claims) and skips the segments a payer does not
need (addresses, demographics, contacts). A file it cannot read raises ClaimInError naming the
segment (1-based, ISA = 1) and the element, never a value: member ids and names are PHI.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from denialdesk.domain.x12.tokens import RemitParseError, tokenize

IMPLEMENTATION = "005010X222"
_AMOUNT = re.compile(r"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")


class ClaimInError(ValueError):
    def __init__(self, segment_number: int, reason: str) -> None:
        super().__init__(f"segment {segment_number}: {reason}")
        self.segment_number = segment_number
        self.reason = reason


@dataclass(frozen=True)
class ReceivedLine:
    number: int  # LX01
    code: str
    charge: Decimal
    units: Decimal
    place_of_service: str  # SV105, else the claim's CLM05-1
    service_date: date  # DTP*472 (the first day of a range)
    dx_pointers: tuple[int, ...]
    modifiers: tuple[str, ...] = ()
    rendering_npi: str | None = None  # the line's own (2420A), else the claim's (2310B)
    rendering_taxonomy: str | None = None
    control: str | None = None  # REF*6R, which the 835 returns for this line

    @property
    def answer_control(self) -> str:
        """What the 835 names this line by: its REF*6R, else its LX number."""
        return self.control or str(self.number)


@dataclass(frozen=True)
class ReceivedClaim:
    control_number: str  # CLM01
    charge: Decimal  # CLM02
    place_of_service: str  # CLM05-1
    frequency: str  # CLM05-3: 1 original, 7 replacement, 8 void
    diagnoses: tuple[str, ...]  # HI, principal first, as sent (no dot)
    lines: tuple[ReceivedLine, ...]
    payer_id: str  # 2010BB NM109
    payer_name: str
    member_id: str  # 2010BA NM109
    billing_npi: str  # 2010AA NM109
    billing_name: str
    created_on: date  # BHT04
    relationship: str = "18"  # SBR02 18 (self), else PAT01 (01 spouse, 19 child, G8 other)
    responsibility: str = "P"  # SBR01: P, S, T
    filing_indicator: str = ""  # SBR09
    billing_tax_id: str | None = None  # REF*EI
    rendering_npi: str | None = None  # 2310B NM109, None when the billing provider renders
    rendering_taxonomy: str | None = None
    payer_claim_number: str | None = None  # REF*F8 on replacements and voids
    authorization_number: str | None = None  # REF*G1
    patient_last_name: str = ""  # 2010CA when the patient is not the subscriber, else 2010BA
    patient_first_name: str = ""
    transaction: str = ""  # ST02

    @property
    def first_service_date(self) -> date:
        return min(line.service_date for line in self.lines)

    @property
    def last_service_date(self) -> date:
        return max(line.service_date for line in self.lines)


@dataclass(frozen=True)
class ReceivedInterchange:
    sender_id: str  # ISA06
    receiver_id: str  # ISA08
    control_number: str  # ISA13
    claims: tuple[ReceivedClaim, ...]


def read_837p(data: bytes | str) -> ReceivedInterchange:
    try:
        seps, segments = tokenize(data)
    except RemitParseError as error:
        raise ClaimInError(error.segment_number, error.reason) from None
    reader = _Reader(seps.element, seps.component)
    try:
        return reader.read(segments)
    except (IndexError, ValueError, ArithmeticError) as error:
        if isinstance(error, ClaimInError):
            raise
        raise ClaimInError(reader.number, "malformed segment") from error


@dataclass
class _Subscriber:
    responsibility: str
    relationship: str
    filing_indicator: str
    member_id: str = ""
    last_name: str = ""
    first_name: str = ""
    payer_id: str = ""
    payer_name: str = ""


@dataclass
class _Billing:
    npi: str = ""
    name: str = ""
    tax_id: str | None = None


@dataclass
class _Claim:
    seg: list[str]
    created_on: date
    transaction: str
    billing: _Billing
    subscriber: _Subscriber
    patient: tuple[str, str] | None
    diagnoses: tuple[str, ...] = ()
    rendering: tuple[str, str | None] | None = None
    payer_claim_number: str | None = None
    authorization_number: str | None = None
    lines: list[dict] = field(default_factory=list)


class _Reader:
    def __init__(self, element: str, component: str) -> None:
        self.element, self.component = element, component
        self.number = 0
        self.claims: list[ReceivedClaim] = []
        self.created_on: date | None = None
        self.transaction = ""
        self.billing = _Billing()
        self.subscriber: _Subscriber | None = None
        self.patient: tuple[str, str] | None = None
        self.level = ""  # HL03 of the open loop: 20 billing, 22 subscriber, 23 patient
        self.entity = ""  # NM101 of the last name segment (PRV and REF follow their NM1)
        self.claim: _Claim | None = None
        # The segments a payer needs; everything else in a claim (addresses, demographics,
        # contacts, notes) is skipped.
        self.handlers = {
            "BHT": self._bht, "HL": self._hl, "SBR": self._sbr, "PAT": self._pat,
            "NM1": self._nm1, "PRV": self._prv, "REF": self._ref, "CLM": self._clm,
            "HI": self._hi, "LX": self._lx, "SV1": self._sv1, "DTP": self._dtp,
        }  # fmt: skip

    def error(self, reason: str) -> ClaimInError:
        return ClaimInError(self.number, reason)

    def read(self, segments: list[str]) -> ReceivedInterchange:
        isa = segments[0].split(self.element)
        self.number = 1
        if len(isa) != 17 or isa[12] != "00501":
            raise self.error("ISA: not an X12 5010 interchange header")
        st_number, groups, in_group = 0, 0, False
        for index, raw in enumerate(segments[1:], start=2):
            self.number = index
            seg = raw.split(self.element)
            tag = seg[0]
            if tag == "GS":
                if _get(seg, 1) != "HC" or not _get(seg, 8).startswith(IMPLEMENTATION):
                    raise self.error("GS: not a 005010X222 claim group (GS01 HC)")
                in_group, groups = True, groups + 1
            elif tag == "ST":
                if not in_group or _get(seg, 1) != "837":
                    raise self.error("ST: not an 837 transaction inside a group")
                st_number, self.transaction = index, self._required(seg, 2)
            elif tag == "SE":
                self._close_claim()
                if not st_number or int(self._required(seg, 1)) != index - st_number + 1:
                    raise self.error("SE01 does not count the transaction's segments")
                st_number = 0
            elif tag == "GE":
                in_group = False
            elif tag == "IEA":
                if st_number or in_group:
                    raise self.error("IEA before SE or GE")
                if index != len(segments):
                    raise ClaimInError(index + 1, "data after IEA (one interchange per file)")
                return self._result(isa, groups)
            elif st_number:
                self._body(tag, seg)
            else:
                raise self.error(f"{tag[:3]!r} outside a transaction")
        raise ClaimInError(len(segments) + 1, "the file ends without IEA")

    def _result(self, isa: list[str], groups: int) -> ReceivedInterchange:
        if not groups or not self.claims:
            raise self.error("the interchange holds no claim")
        return ReceivedInterchange(
            isa[6].strip(), isa[8].strip(), isa[13].strip(), tuple(self.claims)
        )

    # --- inside a transaction -------------------------------------------------------------

    def _body(self, tag: str, seg: list[str]) -> None:
        handler = self.handlers.get(tag)
        if handler is not None:
            handler(seg)

    def _bht(self, seg: list[str]) -> None:
        self.created_on = self._date(seg, 4)

    def _hl(self, seg: list[str]) -> None:
        self._close_claim()
        self.level, self.entity = self._required(seg, 3), ""
        if self.level == "20":
            self.billing, self.subscriber = _Billing(), None
        elif self.level == "22":
            self.subscriber, self.patient = None, None
        elif self.level != "23":
            raise self.error(f"HL03 {self.level!r} is not 20, 22 or 23")

    def _sbr(self, seg: list[str]) -> None:
        self.subscriber = _Subscriber(
            responsibility=_get(seg, 1) or "P",
            relationship=_get(seg, 2),
            filing_indicator=_get(seg, 9),
        )

    def _pat(self, seg: list[str]) -> None:
        if self.subscriber is None:
            raise self.error("PAT before the subscriber's SBR")
        self.subscriber.relationship = self._required(seg, 1)

    def _nm1(self, seg: list[str]) -> None:
        entity = self.entity = _get(seg, 1)
        if entity == "85" and self.level == "20":
            self.billing.npi, self.billing.name = self._required(seg, 9), _get(seg, 3)
        elif entity in ("IL", "PR") and self.level == "22" and self.claim is None:
            # (Inside a claim, 2330 names other payers and subscribers: not this claim's.)
            subscriber = self._subscriber()
            if entity == "IL":
                subscriber.member_id = self._required(seg, 9)
                subscriber.last_name, subscriber.first_name = _get(seg, 3), _get(seg, 4)
            else:
                subscriber.payer_id, subscriber.payer_name = self._required(seg, 9), _get(seg, 3)
        elif entity == "QC" and self.level == "23":
            self.patient = (_get(seg, 3), _get(seg, 4))
        elif entity == "82" and self.claim is not None:
            rendering = (self._required(seg, 9), None)
            if self.claim.lines:
                self.claim.lines[-1]["rendering"] = rendering
            else:
                self.claim.rendering = rendering

    def _prv(self, seg: list[str]) -> None:
        if _get(seg, 1) != "PE" or self.entity != "82" or self.claim is None:
            return
        taxonomy = _get(seg, 3) or None
        if self.claim.lines and "rendering" in self.claim.lines[-1]:
            npi, _ = self.claim.lines[-1]["rendering"]
            self.claim.lines[-1]["rendering"] = (npi, taxonomy)
        elif self.claim.rendering is not None:
            self.claim.rendering = (self.claim.rendering[0], taxonomy)

    def _ref(self, seg: list[str]) -> None:
        qualifier = _get(seg, 1)
        if qualifier == "EI" and self.level == "20" and self.entity == "85":
            self.billing.tax_id = self._required(seg, 2)
        elif self.claim is not None and self.claim.lines and self.entity == "":
            if qualifier == "6R":  # 2400: the line's control number
                self.claim.lines[-1]["control"] = self._required(seg, 2)
        elif self.claim is not None and not self.claim.lines:
            if qualifier == "F8":
                self.claim.payer_claim_number = self._required(seg, 2)
            elif qualifier == "G1":
                self.claim.authorization_number = self._required(seg, 2)

    def _clm(self, seg: list[str]) -> None:
        self._close_claim()
        if self.level not in ("22", "23") or self.created_on is None:
            raise self.error("CLM outside a subscriber or patient loop")
        subscriber = self._subscriber()
        patient = self.patient if self.level == "23" else None
        self.claim = _Claim(
            seg, self.created_on, self.transaction, self.billing, subscriber, patient
        )
        self.entity = ""

    def _hi(self, seg: list[str]) -> None:
        claim = self._claim()
        codes = []
        for composite in seg[1:]:
            parts = composite.split(self.component)
            if len(parts) >= 2 and parts[0] in ("ABK", "ABF", "BK", "BF") and parts[1]:
                codes.append(parts[1])
        if codes:
            claim.diagnoses = claim.diagnoses + tuple(codes)

    def _lx(self, seg: list[str]) -> None:
        self._claim().lines.append({"number": int(self._required(seg, 1))})
        self.entity = ""

    def _sv1(self, seg: list[str]) -> None:
        claim = self._claim()
        if not claim.lines or "code" in claim.lines[-1]:
            raise self.error("SV1 without its LX")
        composite = self._required(seg, 1).split(self.component)
        if len(composite) < 2 or composite[0] not in ("HC", "ER", "WK") or not composite[1]:
            raise self.error("SV101 has no procedure code")
        pointers = _get(seg, 7).split(self.component) if _get(seg, 7) else []
        if not all(p.isdigit() for p in pointers):
            raise self.error("SV107 holds a pointer that is not a number")
        claim.lines[-1].update(
            code=composite[1],
            modifiers=tuple(m for m in composite[2:6] if m),
            charge=self._amount(seg, 2),
            units=self._amount(seg, 4) if _get(seg, 4) else Decimal(1),
            place=_get(seg, 5),
            pointers=tuple(int(p) for p in pointers),
        )

    def _dtp(self, seg: list[str]) -> None:
        if _get(seg, 1) != "472" or self.claim is None or not self.claim.lines:
            return
        value = self._required(seg, 3)
        start = value.split("-")[0] if _get(seg, 2) == "RD8" else value
        self.claim.lines[-1]["date"] = self._date_text(start, "DTP03")

    def _close_claim(self) -> None:
        claim, self.claim = self.claim, None
        if claim is None:
            return
        seg = claim.seg
        facility = self._required(seg, 5).split(self.component)
        place = facility[0]
        frequency = facility[2] if len(facility) > 2 and facility[2] else "1"
        lines = tuple(self._line(raw, place, claim.rendering) for raw in claim.lines)
        if not lines:
            raise self.error("a claim without service lines")
        if not claim.diagnoses:
            raise self.error("a claim without diagnoses (HI)")
        subscriber, billing = claim.subscriber, claim.billing
        if not billing.npi:
            raise self.error("a claim without a billing provider NPI (2010AA)")
        if not subscriber.member_id or not subscriber.payer_id:
            raise self.error("a claim without its member id (2010BA) or payer id (2010BB)")
        last, first = claim.patient or (subscriber.last_name, subscriber.first_name)
        self.claims.append(
            ReceivedClaim(
                control_number=self._required(seg, 1),
                charge=self._amount(seg, 2),
                place_of_service=place,
                frequency=frequency,
                diagnoses=claim.diagnoses,
                lines=lines,
                payer_id=subscriber.payer_id,
                payer_name=subscriber.payer_name,
                member_id=subscriber.member_id,
                billing_npi=billing.npi,
                billing_name=billing.name,
                created_on=claim.created_on,
                relationship=subscriber.relationship or "18",
                responsibility=subscriber.responsibility,
                filing_indicator=subscriber.filing_indicator,
                billing_tax_id=billing.tax_id,
                rendering_npi=claim.rendering[0] if claim.rendering else None,
                rendering_taxonomy=claim.rendering[1] if claim.rendering else None,
                payer_claim_number=claim.payer_claim_number,
                authorization_number=claim.authorization_number,
                patient_last_name=last,
                patient_first_name=first,
                transaction=claim.transaction,
            )
        )

    def _line(self, raw: dict, place: str, claim_rendering) -> ReceivedLine:
        if "code" not in raw or "date" not in raw:
            raise self.error(f"service line {raw['number']} lacks its SV1 or DTP*472")
        npi, taxonomy = raw.get("rendering") or claim_rendering or (None, None)
        return ReceivedLine(
            number=raw["number"],
            code=raw["code"],
            charge=raw["charge"],
            units=raw["units"],
            place_of_service=raw["place"] or place,
            service_date=raw["date"],
            dx_pointers=raw["pointers"],
            modifiers=raw["modifiers"],
            rendering_npi=npi,
            rendering_taxonomy=taxonomy,
            control=raw.get("control"),
        )

    # --- typed element reads ----------------------------------------------------------------

    def _subscriber(self) -> _Subscriber:
        if self.subscriber is None:
            raise self.error("a subscriber loop without SBR")
        return self.subscriber

    def _claim(self) -> _Claim:
        if self.claim is None:
            raise self.error("a claim segment outside a claim (no CLM before it)")
        return self.claim

    def _required(self, seg: list[str], index: int) -> str:
        value = _get(seg, index)
        if not value:
            raise self.error(f"{seg[0]}{index:02d} is required")
        return value

    def _amount(self, seg: list[str], index: int) -> Decimal:
        raw = self._required(seg, index)
        if len(raw) > 18 or _AMOUNT.fullmatch(raw) is None:
            raise self.error(f"{seg[0]}{index:02d} is not an amount")
        return Decimal(raw)

    def _date(self, seg: list[str], index: int) -> date:
        return self._date_text(self._required(seg, index), f"{seg[0]}{index:02d}")

    def _date_text(self, raw: str, where: str) -> date:
        if len(raw) != 8 or not (raw.isascii() and raw.isdigit()):
            raise self.error(f"{where} is not a date (CCYYMMDD)")
        try:
            return date(int(raw[:4]), int(raw[4:6]), int(raw[6:]))
        except ValueError:
            raise self.error(f"{where} is not a date") from None


def _get(seg: list[str], index: int) -> str:
    return seg[index] if index < len(seg) else ""
