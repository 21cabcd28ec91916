"""Read an 835 remittance (005010X221A1) into RemittanceFile values.

    parse_835(data, today=...) -> RemittanceFile   # data: the file's bytes or text

The envelope is checked here (ISA/IEA, GS/GE, ST/SE control numbers and counts, one
interchange per file, functional group HP, transaction set 835); the inside of each transaction
is read by remit_transaction.py and remit_claims.py, which also check the balancing. Anything
wrong raises RemitParseError naming the segment (1-based, ISA = 1) - and nothing else: a
remittance comes from outside, and a bad one must be refused with a reason, not crash an import.
"""

from __future__ import annotations

from datetime import date

from denialdesk.domain.x12.remit_elements import Elements, element
from denialdesk.domain.x12.remit_model import RemittanceFile, Transaction
from denialdesk.domain.x12.remit_transaction import TransactionBuilder
from denialdesk.domain.x12.tokens import RemitParseError, Separators, tokenize

__all__ = ["RemitParseError", "RemittanceFile", "parse_835"]

VERSION = "00501"
IMPLEMENTATION = "005010X221"  # GS08 005010X221A1 (the A1 errata) and the base guide


def parse_835(data: bytes | str, *, today: date | None = None) -> RemittanceFile:
    """`today` bounds the business dates in the file (to today + 2 years); without it only
    the hard range applies."""
    values = Elements(today)
    try:
        seps, segments = tokenize(data)
        return _Interchange(seps, values).read(segments)
    except (IndexError, ValueError, ArithmeticError) as exc:
        # Every element is checked before use; this is the net under that rule, so that a
        # malformed file can never surface as anything but RemitParseError.
        raise RemitParseError(values.number, "malformed segment") from exc


class _Interchange:
    def __init__(self, seps: Separators, values: Elements) -> None:
        self.seps, self.v = seps, values
        self.group_control: str | None = None  # GS06 of the open group
        self.group_transactions = 0
        self.groups = 0
        self.transactions: list[Transaction] = []

    def read(self, segments: list[str]) -> RemittanceFile:
        """`segments` are the raw segment strings; each is split into elements only when read,
        so the lists die young instead of piling up for the garbage collector to walk."""
        v, element_separator = self.v, self.seps.element
        v.number = 1
        isa = segments[0].split(element_separator)
        if len(isa) != 17:
            raise v.error(f"ISA has {len(isa) - 1} elements instead of 16")
        if isa[12] != VERSION:
            raise v.error(f"ISA12 {isa[12]!r}: only X12 version {VERSION} (5010) is read")
        control = isa[13].strip()
        index, count = 1, len(segments)
        while index < count:
            seg = segments[index].split(element_separator)
            index += 1
            v.number = index
            if seg[0] == "ST":
                index = self._transaction(segments, index, self._st(seg))
            elif seg[0] == "GS":
                self._gs(seg)
            elif seg[0] == "GE":
                self._ge(seg)
            elif seg[0] == "IEA":
                if self.group_control is not None:
                    raise v.error("IEA before GE: the functional group is not closed")
                if v.count(seg, 1) != self.groups:
                    raise v.error(
                        f"IEA01 says {seg[1]} groups but the interchange has {self.groups}"
                    )
                if element(seg, 2).strip() != control:
                    raise v.error(f"IEA02 {element(seg, 2)!r} does not match ISA13 {control!r}")
                if index < count:
                    raise RemitParseError(index + 1, "data after IEA (one interchange per file)")
                return self._result(isa, control, index)
            else:
                raise v.error(f"{seg[0][:3]!r} outside a transaction (no ST before it)")
        end = count + 1
        if self.group_control is not None:
            raise RemitParseError(end, "the file ends without GE and IEA")
        raise RemitParseError(end, "the file ends without IEA")

    def _gs(self, seg: list[str]) -> None:
        v = self.v
        if self.group_control is not None:
            raise v.error("GS inside a functional group (GE missing)")
        if element(seg, 1) != "HP":
            raise v.error(f"GS01 {element(seg, 1)!r}: not an 835 remittance group (HP)")
        if not element(seg, 8).startswith(IMPLEMENTATION):
            raise v.error(f"GS08 {element(seg, 8)!r}: only 005010X221A1 remittances are read")
        self.group_control = v.text(seg, 6)
        self.group_transactions = 0
        self.groups += 1

    def _st(self, seg: list[str]) -> TransactionBuilder:
        v = self.v
        if self.group_control is None:
            raise v.error("ST outside a functional group (no GS before it)")
        if element(seg, 1) != "835":
            raise v.error(f"transaction set {element(seg, 1)!r} is not an 835 remittance")
        self.group_transactions += 1
        return TransactionBuilder(v, self.seps.component, v.text(seg, 2))

    def _transaction(self, segments: list[str], start: int, builder: TransactionBuilder) -> int:
        """Read from the segment after ST through SE; returns the index after SE.

        The hottest loop of the reader: one table look-up and one call per segment."""
        v, st_number = self.v, start  # segments[start] follows ST, whose number is start
        element_separator = self.seps.element
        for index in range(start, len(segments)):
            seg = segments[index].split(element_separator)
            v.number = index + 1
            handler = builder.handlers.get(seg[0])
            if handler is not None:
                handler(seg)
            elif seg[0] == "SE":
                self._se(seg, builder, st_number)
                return index + 1
            else:
                raise builder.unexpected(seg)
        end = len(segments) + 1
        raise RemitParseError(end, "the file ends inside a transaction: SE, GE and IEA missing")

    def _se(self, seg: list[str], builder: TransactionBuilder, st_number: int) -> None:
        v = self.v
        se_number = v.number
        counted = se_number - st_number + 1
        if v.count(seg, 1) != counted:
            raise v.error(f"SE01 says {seg[1]} segments but the transaction has {counted}")
        if element(seg, 2) != builder.control_number:
            raise v.error(
                f"SE02 {element(seg, 2)!r} does not match ST02 {builder.control_number!r}"
            )
        self.transactions.append(builder.finish(se_number))
        v.number = se_number

    def _ge(self, seg: list[str]) -> None:
        v = self.v
        if self.group_control is None:
            raise v.error("GE without GS")
        if v.count(seg, 1) != self.group_transactions:
            raise v.error(
                f"GE01 says {seg[1]} transactions but the group has {self.group_transactions}"
            )
        if element(seg, 2) != self.group_control:
            raise v.error(f"GE02 {element(seg, 2)!r} does not match GS06 {self.group_control!r}")
        self.group_control = None

    def _result(self, isa: list[str], control: str, iea_number: int) -> RemittanceFile:
        if not self.transactions:
            raise RemitParseError(iea_number, "the interchange holds no 835 transaction")
        return RemittanceFile(isa[6].strip(), isa[8].strip(), control, tuple(self.transactions))
