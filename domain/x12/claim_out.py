"""837P (005010X222A1) writer: claims → one interchange, as text.

The caller allocates the control numbers (ISA13, GS06, one ST02 per transaction) and passes
the interchange time; claim dates come from the claims. Free text (names, addresses) is
reduced to the X12 basic character set, so a `*`, `~`, `:` or `^` typed into a name becomes
a space and can never split a segment. Session minutes are scrubbing data and never sent.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from denialdesk.domain.claim import (
    Address,
    ClaimInput,
    Person,
    Practice,
    Provider,
    ServiceLine,
)
from denialdesk.domain.codes.diagnoses import x12_form
from denialdesk.domain.codes.modifiers import is_modifier_format, normalize_modifier
from denialdesk.domain.codes.places import is_place_of_service
from denialdesk.domain.codes.procedures import is_procedure_format, normalize_procedure
from denialdesk.domain.npi import is_valid_npi

VERSION = "005010X222A1"
ELEMENT, REPETITION, COMPONENT, TERMINATOR = "*", "^", ":", "~"

_NOT_BASIC = re.compile(r"[^A-Z0-9 &'(),\-./]")  # basic set, less the separators
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 \-./]*$")
_CONTROL = re.compile(r"^[A-Za-z0-9]{4,9}$")
_CLAIM_CONTROL = re.compile(r"^[A-Za-z0-9\-]{1,20}$")
_RESPONSIBILITY = {"primary": "P", "secondary": "S", "tertiary": "T"}
_PATIENT_RELATIONSHIP = {"spouse": "01", "child": "19"}  # anything else: G8, other


class ClaimOutError(ValueError):
    """The claims cannot make a valid 837P; the message names what is wrong, `field` the
    stored value to correct when one is known."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Envelope:
    sender_id: str  # ISA06, GS02 and the submitter's id (1000A)
    receiver_id: str  # ISA08, GS03 and the receiver's id (1000B)
    submitter_name: str
    receiver_name: str
    contact_name: str
    contact_phone: str
    interchange_control: int  # ISA13 / IEA02
    group_control: int  # GS06 / GE02
    production: bool = True  # ISA15: P, else T (test)


@dataclass(frozen=True)
class Transaction:
    control_number: str  # ST02 / SE02: 4–9 letters or digits, unique in the file
    claims: tuple[ClaimInput, ...]


def text(value: str, max_len: int) -> str:
    """Free text in the basic character set: upper case, accents dropped, separators and
    anything else outside the set replaced by a space."""
    plain = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
    return " ".join(_NOT_BASIC.sub(" ", plain.upper()).split())[:max_len].strip()


IDENTIFIER_RULE = "letters, digits, - . / and spaces"


def is_identifier(value: str, max_len: int) -> bool:
    """The rule every identifier we send must meet; the API checks input with it too."""
    value = value.strip()
    return len(value) <= max_len and _ID.match(value) is not None


def ident(value: str, max_len: int, what: str = "identifier") -> str:
    """An identifier goes out exactly as given or not at all: changing a member id or a
    payer claim number would misroute the claim, so anything odd in one is refused. The
    message names the field, never the value (member ids are patient identifiers)."""
    if not is_identifier(value, max_len):
        raise ClaimOutError(f"{what}: {IDENTIFIER_RULE}, {max_len} max", field=what)
    return value.strip()


def write_837p(transactions: Sequence[Transaction], *, envelope: Envelope, now: datetime) -> str:
    _check_envelope(transactions, envelope)
    isa13 = f"{envelope.interchange_control:09d}"
    usage = "P" if envelope.production else "T"
    sender, receiver, day, time = envelope.sender_id, envelope.receiver_id, *_stamp(now)
    segments = [
        # ISA is fixed width: identifiers padded to 15, empty authorization fields to 10.
        f"ISA*00*{'':10}*00*{'':10}*ZZ*{sender:15}*ZZ*{receiver:15}*{day[2:]}*{time}"
        f"*{REPETITION}*00501*{isa13}*0*{usage}*{COMPONENT}",
        _join("GS", "HC", sender, receiver, day, time, str(envelope.group_control), "X", VERSION),
    ]
    for transaction in transactions:
        segments += _transaction(transaction, envelope, now)
    segments.append(_join("GE", str(len(transactions)), str(envelope.group_control)))
    segments.append(_join("IEA", "1", isa13))
    return "".join(segment + TERMINATOR for segment in segments)


def _check_envelope(transactions: Sequence[Transaction], envelope: Envelope) -> None:
    for name, number in (("ISA13", envelope.interchange_control), ("GS06", envelope.group_control)):
        if not 1 <= number <= 999_999_999:
            raise ClaimOutError(f"{name} control number {number} is not 1–999999999")
    for name, value in (("sender", envelope.sender_id), ("receiver", envelope.receiver_id)):
        if ident(value, 15, f"{name} id") != value or " " in value:
            raise ClaimOutError(f"{name} id {value!r} must be 1–15 letters or digits")
    if not transactions:
        raise ClaimOutError("an interchange needs at least one transaction")
    st02s = [t.control_number for t in transactions]
    for st02 in st02s:
        if not _CONTROL.match(st02):
            raise ClaimOutError(f"ST02 {st02!r} must be 4–9 letters or digits")
    if len(set(st02s)) != len(st02s):
        raise ClaimOutError("ST02 control numbers repeat within the interchange")
    clm01s = [ci.claim.control_number for t in transactions for ci in t.claims]
    if len(set(clm01s)) != len(clm01s):
        raise ClaimOutError("a claim control number appears twice in the interchange")


def _transaction(transaction: Transaction, envelope: Envelope, now: datetime) -> list[str]:
    if not transaction.claims:
        raise ClaimOutError(f"transaction {transaction.control_number} has no claims")
    st02 = transaction.control_number
    submitter = _required(envelope.submitter_name, 60, "submitter name")
    receiver = _required(envelope.receiver_name, 60, "receiver name")
    body = [
        _join("ST", "837", st02, VERSION),
        _join("BHT", "0019", "00", st02, *_stamp(now), "CH"),
        _nm1("41", "2", submitter, "", "46", envelope.sender_id),
        _join("PER", "IC", text(envelope.contact_name, 60), "TE", _digits(envelope.contact_phone)),
        _nm1("40", "2", receiver, "", "46", envelope.receiver_id),
    ]
    hl = 0
    # One billing-provider HL per practice, its claims under it, each with its subscriber.
    practices = list(dict.fromkeys(ci.practice for ci in transaction.claims))
    for practice in practices:
        hl += 1
        billing_hl = hl
        body += _billing_provider(billing_hl, practice)
        for ci in (ci for ci in transaction.claims if ci.practice == practice):
            hl += 1
            patient_loop = not ci.coverage.patient_is_subscriber
            body.append(_join("HL", str(hl), str(billing_hl), "22", "1" if patient_loop else "0"))
            body += _subscriber(ci)
            if patient_loop:
                hl += 1
                body.append(_join("HL", str(hl), str(hl - 1), "23", "0"))
                relationship = _PATIENT_RELATIONSHIP.get(ci.coverage.relationship, "G8")
                body.append(_join("PAT", relationship))
                body += _person("QC", ci.patient)
            body += _claim(ci)
    body.append(_join("SE", str(len(body) + 1), st02))
    return body


def _billing_provider(hl: int, practice: Practice) -> list[str]:
    if not is_valid_npi(practice.npi):
        raise ClaimOutError(
            f"billing provider NPI {practice.npi!r} is not valid", field="practice NPI"
        )
    tax_id = _digits(practice.tax_id)
    if len(tax_id) != 9:
        raise ClaimOutError("billing provider tax id must have nine digits", field="tax id")
    return [
        _join("HL", str(hl), "", "20", "1"),
        _join("PRV", "BI", "PXC", ident(practice.taxonomy, 10, "taxonomy")),
        _nm1("85", "2", _required(practice.name, 60, "billing provider"), "", "XX", practice.npi),
        *_address(practice.address),
        _join("REF", "EI", tax_id),
    ]


def _subscriber(ci: ClaimInput) -> list[str]:
    coverage = ci.coverage
    self_insured = coverage.patient_is_subscriber
    subscriber = ci.patient if self_insured else coverage.subscriber
    if subscriber is None:
        raise ClaimOutError(f"claim {ci.claim.control_number}: the subscriber is missing")
    responsibility = _RESPONSIBILITY.get(coverage.order, "P")
    relationship = "18" if self_insured else ""  # 18: self; otherwise the 2000C loop says
    group = ident(coverage.group_number, 50, "group number") if coverage.group_number else ""
    return [
        _join("SBR", responsibility, relationship, group, *[""] * 5, ci.payer.filing_indicator),
        *_person("IL", subscriber, member_id=ident(coverage.member_id, 80, "member id")),
        _nm1("PR", "2", _required(ci.payer.name, 60, "payer name"), "", "PI", ci.payer.payer_id),
    ]


def _person(role: str, person: Person, member_id: str = "") -> list[str]:
    last = _required(person.last_name, 60, "last name")
    qualifier = "MI" if member_id else ""
    segments = [_nm1(role, "1", last, text(person.first_name, 35), qualifier, member_id)]
    if person.address is not None:
        segments += _address(person.address)
    sex = person.sex if person.sex in ("F", "M") else "U"
    segments.append(_join("DMG", "D8", person.birth_date.strftime("%Y%m%d"), sex))
    return segments


def _address(address: Address) -> list[str]:
    street = [text(address.line1, 55)] + ([text(address.line2, 55)] if address.line2 else [])
    zip_code = _digits(address.zip)
    if len(zip_code) not in (5, 9):
        raise ClaimOutError("ZIP code must have five or nine digits", field="ZIP code")
    return [
        _join("N3", *street),
        _join("N4", text(address.city, 30), text(address.state, 2), zip_code),
    ]


def _claim(ci: ClaimInput) -> list[str]:
    claim = ci.claim
    if not _CLAIM_CONTROL.match(claim.control_number):
        raise ClaimOutError(f"claim control number {claim.control_number!r} is not valid")
    if claim.frequency not in ("1", "7", "8"):
        raise ClaimOutError(f"claim frequency {claim.frequency!r} is not 1, 7 or 8")
    if not 1 <= len(claim.lines) <= 50 or not 1 <= len(claim.diagnoses) <= 12:
        raise ClaimOutError(f"claim {claim.control_number}: 1–50 lines and 1–12 diagnoses")
    place = claim.lines[0].place_of_service
    # CLM06–09: provider signed, assignment accepted, benefits assigned, release on file.
    facility = _composite(place, "B", claim.frequency)
    total = _amount(claim.total_charge)
    segments = [_join("CLM", claim.control_number, total, "", "", facility, "Y", "A", "Y", "Y")]
    if ci.authorization is not None:
        number = ident(ci.authorization.number, 50, "authorization number")
        segments.append(_join("REF", "G1", number))
    if claim.frequency in ("7", "8"):
        original = ident(claim.payer_claim_number or "", 50, "payer claim number (REF*F8)")
        segments.append(_join("REF", "F8", original))
    qualifiers = ["ABK"] + ["ABF"] * (len(claim.diagnoses) - 1)
    codes = [_composite(q, x12_form(dx)) for q, dx in zip(qualifiers, claim.diagnoses, strict=True)]
    segments.append(_join("HI", *codes))
    if ci.provider.npi != ci.practice.npi:
        segments += _rendering(ci.provider)
    for number, line in enumerate(claim.lines, start=1):
        segments += _line(number, line, place, ci, len(claim.diagnoses))
    return segments


def _rendering(provider: Provider) -> list[str]:
    if not is_valid_npi(provider.npi):
        raise ClaimOutError(f"rendering provider NPI {provider.npi!r} is not valid")
    last = _required(provider.last_name, 60, "provider last name")
    return [
        _nm1("82", "1", last, text(provider.first_name, 35), "XX", provider.npi),
        _join("PRV", "PE", "PXC", ident(provider.taxonomy, 10, "taxonomy")),
    ]


def line_control(number: int) -> str:
    """REF*6R of a claim's line: its line number, which the claim's lines keep (unique in it)."""
    return str(number)


def _line(number: int, line: ServiceLine, place: str, ci: ClaimInput, dx_count: int) -> list[str]:
    pointers = line.dx_pointers
    if not 1 <= len(pointers) <= 4 or not all(1 <= p <= dx_count for p in pointers):
        raise ClaimOutError(f"line {number}: diagnosis pointers {pointers} out of range")
    # Refused rather than trimmed: the file must say exactly what the claim says.
    code = normalize_procedure(line.code)
    modifiers = [normalize_modifier(m) for m in line.modifiers]
    if not is_procedure_format(code) or len(modifiers) > 4:
        raise ClaimOutError(f"line {number}: {line.code!r} with {len(modifiers)} modifiers")
    valid_place = is_place_of_service(line.place_of_service)
    if not all(map(is_modifier_format, modifiers)) or not valid_place:
        raise ClaimOutError(f"line {number}: a modifier or the place of service is not valid")
    segments = [
        _join("LX", str(number)),
        _join(
            "SV1",
            _composite("HC", code, *modifiers),
            _amount(line.charge),
            "UN",
            _number(line.units),
            "" if line.place_of_service == place else line.place_of_service,
            "",
            _composite(*(str(p) for p in pointers)),
        ),
        _join("DTP", "472", "D8", line.service_date.strftime("%Y%m%d")),
        # The line's own control number, which the payer returns in the 835 (REF*6R of the
        # SVC loop): a payment then posts to this line even when its code and date repeat.
        _join("REF", "6R", line_control(number)),
    ]
    if line.rendering is not None and line.rendering.npi != ci.provider.npi:
        segments += _rendering(line.rendering)  # 2420A: this line's own rendering provider
    return segments


def _nm1(entity: str, kind: str, last: str, first: str, qualifier: str, number: str) -> str:
    number = ident(number, 80) if number else ""
    return _join("NM1", entity, kind, last, first, "", "", "", qualifier, number)


def _stamp(now: datetime) -> tuple[str, str]:
    return now.strftime("%Y%m%d"), now.strftime("%H%M")


def _required(value: str, max_len: int, what: str) -> str:
    cleaned = text(value, max_len)
    if not cleaned:
        raise ClaimOutError(f"{what} has no letters or digits", field=what)
    return cleaned


def _join(*elements: str, separator: str = ELEMENT) -> str:
    values = list(elements)
    while values and values[-1] == "":  # X12 drops trailing empty elements and components
        values.pop()
    return separator.join(values)


def _composite(*components: str) -> str:
    return _join(*components, separator=COMPONENT)


def _digits(value: str) -> str:
    return "".join(char for char in value if char.isdigit())


def _number(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _amount(value: Decimal) -> str:
    return _number(value.quantize(Decimal("0.01")))
