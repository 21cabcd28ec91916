"""835 parser on the corpus in tests/data/835: every file reads, balances and says what it says."""

from __future__ import annotations

import codecs
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from denialdesk.domain.x12.remit import parse_835
from denialdesk.domain.x12.remit_model import Adjustment, RemittanceFile
from denialdesk.domain.x12.tokens import tokenize

CORPUS = Path(__file__).parents[1] / "data" / "835"
FILES = sorted(CORPUS.glob("*.835"))
D = Decimal


def load(name: str) -> RemittanceFile:
    return parse_835((CORPUS / name).read_bytes())


def test_corpus_is_varied() -> None:
    assert len(FILES) >= 10


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_corpus_file_parses_and_balances(path: Path) -> None:
    remit = parse_835(path.read_bytes())
    assert remit.transactions
    for tx in remit.transactions:
        provider = sum((p.amount for p in tx.provider_adjustments), D(0))
        assert tx.amount == sum((c.paid for c in tx.claims), D(0)) - provider
        for claim in tx.claims:
            adjusted = sum((a.amount for a in claim.all_adjustments()), D(0))
            assert claim.charge - claim.paid == adjusted
            for line in claim.lines:
                assert line.charge - line.paid == sum((a.amount for a in line.adjustments), D(0))


def test_single_paid_claim_fields() -> None:
    remit = load("01_paid_single.835")
    assert (remit.sender_id, remit.receiver_id, remit.control_number) == (
        "BHHP835",
        "CALMPSYCH",
        "000000101",
    )
    (tx,) = remit.transactions
    assert (tx.amount, tx.method, tx.handling_code) == (D("140"), "ACH", "I")
    assert tx.payment_date == date(2024, 3, 15)
    assert (tx.trace_number, tx.originator) == ("EFT0000101", "1043210987")
    assert (tx.payer.name, tx.payer.id) == ("BLUE HARBOR HEALTH PLAN", "BHHP1")
    assert (tx.payee.name, tx.payee.npi, tx.payee.tax_id) == (
        "CALM PSYCHIATRY ASSOCIATES",
        "1234567893",
        "043219876",
    )
    assert tx.production_date == date(2024, 3, 14)
    (claim,) = tx.claims
    assert claim.control_number == "DD2403000001"
    assert (claim.status_code, claim.charge, claim.paid) == ("1", D("180"), D("140"))
    assert claim.patient_responsibility is None  # CLP05 sent empty
    assert (claim.filing_indicator, claim.payer_claim_number) == ("12", "BH24075000001")
    assert (claim.frequency, claim.received) == ("1", date(2024, 3, 5))
    (line,) = claim.lines
    assert (line.qualifier, line.code, line.modifiers) == ("HC", "90837", ("95",))
    assert (line.charge, line.paid, line.units) == (D("180"), D("140"), D("1"))
    assert line.service_date == line.service_to == date(2024, 3, 1)
    assert line.adjustments == (Adjustment("CO", "45", D("40")),)
    assert (line.control_number, line.allowed) == ("1", D("140"))


def test_patient_responsibility_and_check_payment() -> None:
    (tx,) = load("02_patient_responsibility.835").transactions
    assert tx.method == "CHK"
    first, deductible = tx.claims
    assert first.patient_responsibility == D("50")
    assert [(a.group, a.carc, a.amount) for a in first.lines[0].adjustments] == [
        ("CO", "45", D("30")),
        ("PR", "1", D("25")),
        ("PR", "2", D("25")),
    ]
    assert (deductible.paid, deductible.patient_responsibility) == (D("0"), D("200"))


def test_several_transactions_keep_their_own_payer_and_trace() -> None:
    remit = load("05_multi_transaction.835")
    assert remit.trace_numbers == ["EFT0000201", "4400981"]
    assert [t.payer.id for t in remit.transactions] == ["BHHP1", "SCC01"]
    assert [t.originator for t in remit.transactions] == ["1043210987", "1050607080"]
    assert remit.amount == D("307.40")
    assert [len(t.claims) for t in remit.transactions] == [1, 2]
    assert remit.transactions[1].claims[0].lines[1].code == "90785"


def test_reversal_has_negative_amounts() -> None:
    reversal, readjudicated, _ = load("08_reversal.835").claims
    assert reversal.is_reversal and not readjudicated.is_reversal
    assert (reversal.charge, reversal.paid) == (D("-180"), D("-140"))
    assert reversal.lines[0].units == D("-1")
    assert reversal.lines[0].adjustments[0].amount == D("-40")
    assert reversal.control_number == readjudicated.control_number


def test_claims_without_service_lines_use_the_statement_dates() -> None:
    paid, denied = load("09_no_service_lines.835").claims
    assert paid.lines == () and denied.lines == ()
    assert (paid.statement_from, paid.statement_to) == (date(2024, 3, 18), date(2024, 3, 18))
    assert [a.carc for a in paid.adjustments] == ["45", "2"]
    assert denied.adjustments == (Adjustment("CO", "27", D("180")),)


def test_per_diem_date_range_units_and_adjustment_quantity() -> None:
    (claim,) = load("10_per_diem_range.835").claims
    first, second = claim.lines
    assert (first.code, first.modifiers, first.units) == ("H0015", ("HF",), D("5"))
    assert (first.service_from, first.service_to) == (date(2024, 3, 11), date(2024, 3, 15))
    assert second.adjustments == (Adjustment("CO", "119", D("1000"), D("5")),)
    assert second.remarks == ("N362",)


def test_six_reasons_in_one_cas_segment() -> None:
    (claim,) = load("11_six_cas_triplets.835").claims
    adjustments = claim.lines[0].adjustments
    assert [a.carc for a in adjustments] == ["45", "253", "50", "97", "4", "18"]
    assert {a.group for a in adjustments} == {"CO"}
    assert sum(a.amount for a in adjustments) == D("66.60")


def test_provider_level_adjustments() -> None:
    (tx,) = load("12_provider_adjustments.835").transactions
    recoupment, interest = tx.provider_adjustments
    assert (recoupment.reason, recoupment.reference, recoupment.amount) == (
        "WO",
        "BH24020000099",
        D("50"),
    )
    assert (interest.reason, interest.reference, interest.amount) == ("L6", None, D("-2.15"))
    assert recoupment.provider_id == "1234567893"
    assert recoupment.fiscal_period_end == date(2024, 12, 31)
    assert tx.amount == D("132.15")


def test_remarks_at_claim_and_line_level() -> None:
    auth, no_appeal, coding = load("04_co16_remarks.835").claims
    assert auth.lines[0].remarks == ("M62",)
    assert no_appeal.remarks == ("MA130", "M76")
    assert (coding.remarks, coding.lines[1].remarks) == (("M51",), ("N130",))


def test_rendering_provider_npi() -> None:
    claims = load("14_repetition_caret.835").claims
    assert claims[0].rendering_npi == "1987654328"
    assert claims[1].rendering_npi is None


@pytest.mark.parametrize(
    ("name", "element", "component", "repetition", "terminator"),
    [
        ("13_pipe_caret.835", "|", "^", "}", "~"),
        ("14_repetition_caret.835", "*", ":", "^", "~"),
        ("15_newline_terminator.835", "*", "^", "{", "\n"),
        ("01_paid_single.835", "*", ">", "^", "~"),
    ],
)
def test_separators_come_from_the_isa(
    name: str, element: str, component: str, repetition: str, terminator: str
) -> None:
    seps, _ = tokenize((CORPUS / name).read_bytes())
    assert (seps.element, seps.component, seps.repetition, seps.segment) == (
        element,
        component,
        repetition,
        terminator,
    )


def test_composites_split_on_the_declared_component_separator() -> None:
    (claim,) = load("13_pipe_caret.835").claims
    assert (claim.lines[0].code, claim.lines[0].modifiers) == ("90834", ("GT",))
    (claim,) = load("15_newline_terminator.835").claims
    assert (claim.lines[0].code, claim.lines[0].modifiers) == ("90832", ("95",))


def _layouts(text: str) -> dict[str, bytes]:
    one_line = text.replace("\n", "")
    return {
        "lines": text.encode(),
        "one line": one_line.encode(),
        "crlf": text.replace("\n", "\r\n").encode(),
        "bom": codecs.BOM_UTF8 + text.encode(),
        "utf-16 with bom": one_line.encode("utf-16"),
        "leading blank lines": ("\n\n" + text).encode(),
        "str": text,  # type: ignore[dict-item]
    }


def test_layout_does_not_change_the_result() -> None:
    text = (CORPUS / "04_co16_remarks.835").read_text()
    expected = parse_835(text)
    for layout, data in _layouts(text).items():
        assert parse_835(data) == expected, layout


def test_crlf_bom_file_reads_like_the_plain_one() -> None:
    remit = load("07_crlf_bom.835")
    assert [c.control_number for c in remit.claims] == ["DD2401000012", "DD2403000013"]
    assert remit.claims[0].lines[0].service_date == date(2023, 11, 2)


def test_non_utf8_bytes_still_read() -> None:
    text = (CORPUS / "01_paid_single.835").read_text()
    latin = text.replace("CALM PSYCHIATRY", "CALM PSYCHIATRIE É").encode("latin-1")
    assert parse_835(latin).transactions[0].payee.name == "CALM PSYCHIATRIE É ASSOCIATES"


def test_optional_header_and_claim_segments_are_accepted() -> None:
    text = (CORPUS / "01_paid_single.835").read_text()
    extra = {
        "TRN*1*EFT0000101*1043210987~\n": "CUR*PR*USD~\nREF*EV*CALMPSYCH~\n",
        "LX*1~\n": "TS3*1234567893*11*20241231*1*180~\n",
        "DTM*050*20240305~\n": "PER*CX*CLAIMS*TE*8005550100~\nAMT*AU*140~\nQTY*CA*1~\n",
    }
    for anchor, added in extra.items():
        assert anchor in text
        text = text.replace(anchor, anchor + added)
    count = len([s for s in text.split("~") if s.strip()]) - 4  # ISA, GS, GE, IEA
    se = next(s.strip() for s in text.split("~") if s.strip().startswith("SE*"))
    remit = parse_835(text.replace(se, f"SE*{count}*0001"))
    assert remit.claims[0].paid == D("140")


@pytest.mark.parametrize("line_break", ["\r\n", "\r"])
def test_line_break_terminator_in_any_convention(line_break: str) -> None:
    text = (CORPUS / "15_newline_terminator.835").read_text()
    expected = parse_835(text)
    assert parse_835(text.replace("\n", line_break)) == expected


def test_blanks_and_line_breaks_after_the_terminator_are_padding() -> None:
    text = (CORPUS / "03_denied_authorization.835").read_text()
    padded = "~ \r\n  ".join(s.strip() for s in text.split("~") if s.strip()) + "~ \n"
    assert parse_835(padded) == parse_835(text)
