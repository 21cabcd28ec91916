"""Bad 835 input: one error class, "segment N: reason", N pointing at the faulty segment.

Expected segment numbers are found by looking the segment up in the test input itself (ISA = 1),
so each case says which segment is at fault rather than a number copied from a run.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from denialdesk.domain.x12.remit import RemitParseError, parse_835

CORPUS = Path(__file__).parents[1] / "data" / "835"


def text_of(name: str) -> str:
    return (CORPUS / name).read_text()


def number_of(text: str, prefix: str, occurrence: int = 1) -> int:
    """1-based number of the occurrence-th segment starting with prefix (files use `~`)."""
    segments = [s.strip() for s in text.split("~") if s.strip()]
    hits = [i + 1 for i, s in enumerate(segments) if s.startswith(prefix)]
    return hits[occurrence - 1]


def at(text: str, prefix: str) -> int:
    """Where the segment starting with prefix begins (segments start at line starts)."""
    return text.index("\n" + prefix) + 1


def count_of(text: str) -> int:
    return len([s for s in text.split("~") if s.strip()])


def fails(data: str | bytes, segment: int, reason_part: str) -> RemitParseError:
    with pytest.raises(RemitParseError) as caught:
        parse_835(data)
    error = caught.value
    assert error.segment_number == segment, str(error)
    assert reason_part in error.reason
    assert str(error) == f"segment {segment}: {error.reason}"
    return error


PAID = text_of("01_paid_single.835")
NO_LINES = text_of("09_no_service_lines.835")


@pytest.mark.parametrize("data", ["", "   \n", b"", b"\xef\xbb\xbf", "hello world", "IS", "<xml/>"])
def test_not_an_interchange(data: str | bytes) -> None:
    fails(data, 1, "ISA")


def test_isa_cut_short() -> None:
    fails(PAID[:60], 1, "cut short")


def test_isa_with_a_letter_as_separator() -> None:
    fails("ISAX00X" + PAID[7:], 1, "letter")


def test_isa_declaring_one_character_twice() -> None:
    isa_end = PAID.index("~")
    same = PAID[: isa_end - 1] + "*" + PAID[isa_end:]  # component separator = element one
    fails(same, 1, "twice")


def test_truncated_inside_a_claim() -> None:
    cut = PAID[: at(PAID, "SVC*")]
    fails(cut, count_of(cut) + 1, "ends inside a transaction")


def test_truncated_mid_segment_reports_the_broken_segment() -> None:
    cut = PAID[: at(PAID, "CLP*") + 20]  # "CLP*DD2403000001*1*1": CLP04 is gone
    fails(cut, number_of(cut, "CLP*"), "CLP04")


def test_missing_iea() -> None:
    cut = PAID[: at(PAID, "IEA*")]
    fails(cut, count_of(cut) + 1, "without IEA")


def test_missing_ge_and_iea() -> None:
    cut = PAID[: at(PAID, "GE*")]
    fails(cut, count_of(cut) + 1, "without GE and IEA")


def test_an_837_is_refused_at_its_functional_group() -> None:
    isa = PAID[: PAID.index("~") + 1]
    claim = isa + (
        "GS*HC*CALMPSYCH*BHHP835*20240315*1200*7*X*005010X222A1~"
        "ST*837*0001*005010X222A1~BHT*0019*00*1*20240315*1200*CH~"
    )
    fails(claim, 2, "GS01 'HC'")


def test_an_837_transaction_inside_an_hp_group() -> None:
    wrong = PAID.replace("ST*835*0001", "ST*837*0001")
    fails(wrong, number_of(wrong, "ST*"), "transaction set '837'")


def test_4010_remittance_is_refused() -> None:
    old = PAID.replace("005010X221A1", "004010X091A1")
    fails(old, number_of(old, "GS*"), "GS08")


def test_non_numeric_amount() -> None:
    bad = PAID.replace("CLP*DD2403000001*1*180*140", "CLP*DD2403000001*1*180*14O")
    fails(bad, number_of(bad, "CLP*"), "CLP04 '14O' is not an amount")


@pytest.mark.parametrize("amount", ["NaN", "1e3", "1_40", "+140", "١٤٠", "--1", "."])
def test_amounts_decimal_would_accept_are_still_refused(amount: str) -> None:
    bad = PAID.replace("CAS*CO*45*40", f"CAS*CO*45*{amount}")
    fails(bad, number_of(bad, "CAS*"), "CAS03")


def test_unbalanced_service_line() -> None:
    bad = PAID.replace("CAS*CO*45*40", "CAS*CO*45*39.99")
    fails(bad, number_of(bad, "SVC*"), "service line 90837 does not balance")


def test_unbalanced_claim_without_lines() -> None:
    bad = NO_LINES.replace("CAS*CO*27*180", "CAS*CO*27*170")
    fails(bad, number_of(bad, "CLP*", 2), "claim DD2403000017 does not balance")


def test_unbalanced_payment() -> None:
    bad = PAID.replace("BPR*I*140*", "BPR*I*150*")
    fails(bad, number_of(bad, "BPR*"), "payment does not balance")


def test_se_count_wrong() -> None:
    se = next(s for s in PAID.split("~") if s.strip().startswith("SE*"))
    bad = PAID.replace(se.strip(), "SE*99*0001")
    fails(bad, number_of(bad, "SE*"), "SE01 says 99")


def test_se_control_number_mismatch() -> None:
    se = next(s for s in PAID.split("~") if s.strip().startswith("SE*")).strip()
    bad = PAID.replace(se, se[:-4] + "0002")
    fails(bad, number_of(bad, "SE*"), "does not match ST02")


def test_iea_control_number_mismatch() -> None:
    bad = PAID.replace("IEA*1*000000101", "IEA*1*000000999")
    fails(bad, number_of(bad, "IEA*"), "ISA13")


def test_ge_count_wrong() -> None:
    bad = PAID.replace("GE*1*101", "GE*2*101")
    fails(bad, number_of(bad, "GE*"), "GE01")


def test_data_after_iea() -> None:
    bad = PAID + "ST*835*0002~"
    fails(bad, count_of(PAID) + 1, "after IEA")


def test_invalid_date() -> None:
    bad = PAID.replace("DTM*472*20240301", "DTM*472*20240231")
    fails(bad, number_of(bad, "DTM*472"), "not a date")


def test_cr_group_is_not_5010() -> None:
    bad = PAID.replace("CAS*CO*45", "CAS*CR*45")
    fails(bad, number_of(bad, "CAS*"), "CAS01 'CR'")


def test_more_than_six_reasons() -> None:
    seven = "CAS*CO*45*10**45*10**45*5**45*5**45*5**45*3**45*2"
    bad = PAID.replace("CAS*CO*45*40", seven)
    fails(bad, number_of(bad, "CAS*"), "more than six")


def test_unknown_claim_status() -> None:
    bad = PAID.replace("CLP*DD2403000001*1*", "CLP*DD2403000001*9*")
    fails(bad, number_of(bad, "CLP*"), "CLP02 '9'")


def test_segment_that_is_not_in_an_835() -> None:
    bad = PAID.replace("LX*1~", "LX*1~HL*1**20*1~")
    fails(bad, number_of(bad, "HL*"), "'HL' is not a segment")


def test_service_line_outside_a_claim() -> None:
    bad = PAID.replace("LX*1~", "LX*1~SVC*HC>90837*10*10~")
    fails(bad, number_of(bad, "SVC*"), "outside a claim")


def test_transaction_without_payee() -> None:
    start = at(PAID, "N1*PE")
    bad = PAID[:start] + PAID[at(PAID, "LX*1") :]
    bad = bad.replace("SE*23*0001", "SE*19*0001")
    fails(bad, number_of(bad, "SE*"), "no payee")


def test_transaction_must_start_with_bpr() -> None:
    bad = PAID.replace("ST*835*0001~\n", "ST*835*0001~\nTRN*1*X*1043210987~\n")
    fails(bad, number_of(bad, "TRN*"), "before BPR")


def test_claim_after_provider_adjustments() -> None:
    text = text_of("12_provider_adjustments.835")
    plb = next(s.strip() for s in text.split("~") if s.strip().startswith("PLB"))
    clp = next(s.strip() for s in text.split("~") if s.strip().startswith("CLP"))
    bad = text.replace(plb, f"{plb}~\n{clp}")
    fails(bad, number_of(bad, "CLP*", 2), "after PLB")


def test_file_without_transactions() -> None:
    start, end = at(PAID, "ST*835"), at(PAID, "GE*")
    bad = PAID[:start] + PAID[end:].replace("GE*1*101", "GE*0*101")
    fails(bad, number_of(bad, "IEA*"), "no 835 transaction")


def test_missing_se_is_named_at_the_next_envelope_segment() -> None:
    se = next(s.strip() for s in PAID.split("~") if s.strip().startswith("SE*"))
    bad = PAID.replace(se + "~\n", "")
    fails(bad, number_of(bad, "GE*"), "GE inside transaction 0001: SE missing")
