"""Fuzz: mutated corpus files either parse (and balance) or raise RemitParseError - nothing else.

Mutations work on characters (delete, duplicate, replace with separators, digits, signs or
non-ASCII) and on whole segments (delete, duplicate, move), plus truncation; several are applied
to one file so that broken envelopes, loops and amounts all get their turn.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from denialdesk.domain.x12.remit import RemitParseError, parse_835

CORPUS = Path(__file__).parents[1] / "data" / "835"
TEXTS = [path.read_bytes().decode("utf-8") for path in sorted(CORPUS.glob("*.835"))]
ALPHABET = "*:~|^>{}\r\n -.0123456789ACDEGIKLNPRSTUXZ\ufeff\u0663é"


@st.composite
def mutated(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(TEXTS))
    terminator = "\n" if text.count("~") < 5 else "~"
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["delete", "duplicate", "replace", "segment", "truncate"]))
        if not text:
            break
        at = draw(st.integers(0, len(text) - 1))
        if kind == "delete":
            text = text[:at] + text[at + 1 :]
        elif kind == "duplicate":
            text = text[: at + 1] + text[at:]
        elif kind == "replace":
            text = text[:at] + draw(st.sampled_from(ALPHABET)) + text[at + 1 :]
        elif kind == "truncate":
            text = text[:at]
        else:
            segments = text.split(terminator)
            i = draw(st.integers(0, len(segments) - 1))
            j = draw(st.integers(0, len(segments) - 1))
            action = draw(st.sampled_from(["drop", "copy", "move"]))
            if action == "drop":
                del segments[i]
            elif action == "copy":
                segments.insert(j, segments[i])
            else:
                segments.insert(j, segments.pop(i))
            text = terminator.join(segments)
    return text


def check(data: str | bytes) -> None:
    try:
        remit = parse_835(data)
    except RemitParseError as error:
        assert error.segment_number >= 1
        # The parser checks every element before use; its last-resort net (which chains the
        # original exception) must never be what caught the problem.
        assert error.__cause__ is None, repr(error.__cause__)
        assert str(error).startswith(f"segment {error.segment_number}: ")
        return
    for tx in remit.transactions:
        for claim in tx.claims:
            adjusted = sum((a.amount for a in claim.all_adjustments()), Decimal(0))
            assert claim.charge - claim.paid == adjusted


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutated_corpus_files_raise_only_the_parser_error(text: str) -> None:
    check(text)
    check(text.encode("utf-8"))


@settings(max_examples=100, deadline=None)
@given(st.one_of(st.binary(max_size=300), st.text(max_size=300)))
def test_arbitrary_input_raises_only_the_parser_error(data: bytes | str) -> None:
    check(data)
    check(b"ISA" + data if isinstance(data, bytes) else "ISA" + data)
