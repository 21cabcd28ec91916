"""X12 text → segments (lists of elements), with the separators the ISA declares.

The ISA is the only fixed-width segment: its 4th character is the element separator, ISA11 the
repetition separator (5010), ISA16 the component separator and the character right after ISA16
the segment terminator. Files arrive with or without line breaks after each terminator, with CRLF,
with a byte-order mark, or with a line break as the terminator itself; all of these tokenize the
same way.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

ISA_ELEMENTS = 16
_LINE_BREAKS = "\r\n"


class RemitParseError(Exception):
    """The one error the 835 reader raises: where (1-based segment number in the file, ISA = 1)
    and why. str() is "segment N: reason", the form the CLI and API show."""

    def __init__(self, segment_number: int, reason: str) -> None:
        super().__init__(segment_number, reason)
        self.segment_number = segment_number
        self.reason = reason

    def __str__(self) -> str:
        return f"segment {self.segment_number}: {self.reason}"


@dataclass(frozen=True, slots=True)
class Separators:
    element: str
    component: str
    repetition: str | None
    segment: str


def decode(data: bytes | str) -> str:
    """Bytes → text. X12 is ASCII in practice; UTF-8 is tried first for names with accents and
    Latin-1 last because it never fails (a wrong guess only garbles free text, never structure)."""
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass  # not really UTF-16: fall through to the byte-wise decodings
    data = data.removeprefix(codecs.BOM_UTF8)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def separators(text: str) -> Separators:
    """Read the separators from the ISA at the start of `text` (leading whitespace removed)."""
    if not text.startswith("ISA"):
        raise RemitParseError(1, "not an X12 interchange: the file does not start with ISA")
    if len(text) < 4:
        raise RemitParseError(1, "the ISA segment is cut short")
    element = text[3]
    if element.isalnum() or element.isspace():
        raise RemitParseError(1, f"ISA element separator {element!r} is a letter, digit or space")
    # Find ISA16 by counting separators rather than trusting column 104: a sender that pads one
    # field wrongly still declares its separators unambiguously.
    position = 3
    for _ in range(ISA_ELEMENTS - 1):
        position = text.find(element, position + 1)
        if position < 0 or position > 200:
            raise RemitParseError(1, "the ISA segment is cut short")
    if len(text) < position + 3:
        raise RemitParseError(1, "the ISA segment is cut short")
    component, segment = text[position + 1], text[position + 2]
    if segment in _LINE_BREAKS:
        segment = "\n"  # a line break (LF, CRLF or a lone CR) is the terminator itself
    repetition: str | None = text[: position + 1].split(element)[11]
    chosen = [element, component, segment]
    if len(repetition) != 1 or repetition.isalnum() or repetition.isspace():
        repetition = None  # 4010 style ("U"): no repetition separator
    else:
        chosen.append(repetition)
    if len(set(chosen)) != len(chosen):
        raise RemitParseError(1, f"ISA declares the same character twice among {chosen!r}")
    if component.isalnum() or component.isspace() or segment.isalnum() or segment == " ":
        raise RemitParseError(1, "ISA16 or the segment terminator is a letter, digit or space")
    return Separators(element, component, repetition, segment)


def tokenize(data: bytes | str) -> tuple[Separators, list[str]]:
    """Split a whole interchange into its segments (raw text; split each on
    `Separators.element` to get its elements, [0] being the segment id).

    Line breaks and blanks after terminators are dropped and empty segments skipped, so
    segment numbers count only real segments (ISA is 1).
    """
    text = decode(data).lstrip()
    seps = separators(text)
    if seps.segment == "\n":
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    elif "\n" in text or "\r" in text:
        # Line breaks are never data in X12 (not in the basic or extended character set).
        text = text.replace("\r", "").replace("\n", "")
    # Blanks after a terminator (`~ ` then a line break) pad the file, not the next segment:
    # a segment id never starts with one. Trailing blanks stay: they are element data.
    return seps, [piece.lstrip() for piece in text.split(seps.segment) if piece.strip()]
