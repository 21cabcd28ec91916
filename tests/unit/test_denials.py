"""Denial analysis: result, category precedence, remark codes, MA130 and patient-responsibility
denials (the rules in domain/denials.py)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from denialdesk.domain.carc import CATEGORY_PRECEDENCE
from denialdesk.domain.denials import Result, analyse_claim
from denialdesk.domain.x12.remit import parse_835
from denialdesk.domain.x12.remit_model import Adjustment, ClaimPayment, ServiceLine

CORPUS = Path(__file__).parents[1] / "data" / "835"
D = Decimal
# One code per category, used to build claims of any category.
CODE_OF = {
    "authorization": "197",
    "eligibility": "27",
    "timely_filing": "29",
    "credentialing": "185",
    "coding": "11",
    "medical_necessity": "50",
    "benefit_limit": "119",
    "missing_info": "252",
    "duplicate": "18",
    "other": "999",
}


def adj(code: str, amount: str, group: str = "CO") -> Adjustment:
    return Adjustment(group, code, D(amount))


def line(*adjustments: Adjustment, paid: str = "0", remarks: tuple[str, ...] = ()) -> ServiceLine:
    charge = D(paid) + sum((a.amount for a in adjustments), D(0))
    return ServiceLine("HC", "90837", (), charge, D(paid), D(1), None, None, adjustments, remarks)


def claim(
    *lines: ServiceLine,
    adjustments: tuple[Adjustment, ...] = (),
    remarks: tuple[str, ...] = (),
    status: str = "1",
) -> ClaimPayment:
    paid = sum((ln.paid for ln in lines), D(0))
    charge = sum((ln.charge for ln in lines), D(0)) + sum((a.amount for a in adjustments), D(0))
    return ClaimPayment(
        "DD1", status, charge, paid, None, "12", "PCN1",
        adjustments=adjustments, remarks=remarks, lines=lines,
    )  # fmt: skip


# Result ---------------------------------------------------------------------------------------
def test_contractual_adjustment_only_is_paid() -> None:
    analysis = analyse_claim(claim(line(adj("45", "40"), paid="140")))
    assert (analysis.result, analysis.category, analysis.action) == (Result.PAID, None, "none")
    assert analysis.denied_amount == 0 and not analysis.denials


@pytest.mark.parametrize(
    "adjustments",
    [
        [adj("1", "25", "PR"), adj("2", "25", "PR"), adj("45", "30")],
        [adj("3", "20", "PR"), adj("23", "15", "OA"), adj("253", "1.60")],
        [adj("24", "80")],
    ],
)
def test_patient_share_and_contractual_codes_are_not_denials(adjustments: list) -> None:
    assert analyse_claim(claim(line(*adjustments, paid="70"))).result == Result.PAID


def test_nothing_paid_because_of_the_deductible_is_paid_not_denied() -> None:
    analysis = analyse_claim(claim(line(adj("45", "50"), adj("1", "200", "PR"))))
    assert analysis.result == Result.PAID
    assert analysis.category is None


def test_denied_status_code_alone_decides_nothing() -> None:
    deductible = claim(line(adj("1", "150", "PR")), status="4")
    assert analyse_claim(deductible).result == Result.PAID
    denied_as_processed = claim(line(adj("50", "150")), status="1")
    assert analyse_claim(denied_as_processed).result == Result.DENIED


def test_denied_and_partially_paid() -> None:
    denied = analyse_claim(claim(line(adj("197", "180"))))
    assert (denied.result, denied.category) == (Result.DENIED, "authorization")
    assert (denied.action, denied.appealable) == ("obtain_retro_authorization", True)
    assert denied.denied_amount == D("180")
    partial = analyse_claim(claim(line(adj("45", "45"), paid="135"), line(adj("97", "40"))))
    assert (partial.result, partial.category) == (Result.PARTIALLY_PAID, "coding")
    assert partial.denied_amount == D("40")


def test_reversal_comes_from_status_22_whatever_the_adjustments() -> None:
    reversal = claim(line(adj("45", "-40"), paid="-140"), status="22")
    assert analyse_claim(reversal).result == Result.REVERSAL
    odd = claim(line(adj("50", "100")), status="22")
    analysis = analyse_claim(odd)
    assert (analysis.result, analysis.category, analysis.action) == (Result.REVERSAL, None, "none")


def test_zero_and_negative_denial_amounts_deny_nothing() -> None:
    assert analyse_claim(claim(line(adj("97", "0"), paid="100"))).result == Result.PAID
    assert analyse_claim(claim(line(adj("50", "-20"), paid="120"))).result == Result.PAID


def test_take_back_with_a_denial_is_denied() -> None:
    take_back = ClaimPayment(
        "DD1", "1", D("0"), D("-50"), None, "12", None, adjustments=(adj("50", "50"),)
    )
    assert analyse_claim(take_back).result == Result.DENIED


# Category -------------------------------------------------------------------------------------
@pytest.mark.parametrize(("category", "code"), CODE_OF.items())
def test_every_category(category: str, code: str) -> None:
    analysis = analyse_claim(claim(line(adj(code, "100"))))
    assert (analysis.result, analysis.category) == (Result.DENIED, category)


def test_unknown_code_is_other_and_explained() -> None:
    analysis = analyse_claim(claim(line(adj("999", "100"))))
    (denial,) = analysis.denials
    assert (analysis.category, analysis.action) == ("other", "review_remittance")
    assert denial.description == "Unknown adjustment reason code 999"


def test_largest_adjustment_decides_across_claim_and_line_level() -> None:
    analysis = analyse_claim(
        claim(line(adj("11", "50"), adj("50", "120")), adjustments=(adj("29", "100"),))
    )
    assert analysis.category == "medical_necessity"
    assert analysis.denied_amount == D("270")
    claim_level_wins = claim(line(adj("11", "50")), adjustments=(adj("29", "200"),))
    assert analyse_claim(claim_level_wins).category == "timely_filing"


PAIRS = list(zip(CATEGORY_PRECEDENCE, CATEGORY_PRECEDENCE[1:], strict=False))


@pytest.mark.parametrize(("first", "second"), PAIRS)
def test_ties_break_in_precedence_order(first: str, second: str) -> None:
    for order in ((first, second), (second, first)):
        adjustments = [adj(CODE_OF[c], "75") for c in order]
        assert analyse_claim(claim(line(*adjustments))).category == first


def test_tie_between_far_apart_categories_on_different_lines() -> None:
    tied = claim(line(adj("18", "60")), line(adj("27", "60")), line(adj("50", "59.99")))
    assert analyse_claim(tied).category == "eligibility"


# Remark codes --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("line_remarks", "claim_remarks", "category"),
    [
        (("M62",), (), "authorization"),
        (("N290",), ("M51",), "credentialing"),  # the line's LQ before the claim's MOA
        (("N130",), ("M51",), "coding"),  # first remark whose hint is a category
        ((), ("N362",), "benefit_limit"),
        (("N130",), ("M76",), "missing_info"),  # no category among the remarks
        ((), (), "missing_info"),
    ],
)
def test_co16_takes_its_category_from_remarks(
    line_remarks: tuple[str, ...], claim_remarks: tuple[str, ...], category: str
) -> None:
    payment = claim(line(adj("16", "180"), remarks=line_remarks), remarks=claim_remarks)
    assert analyse_claim(payment).category == category


def test_other_missing_information_codes_use_remarks_too() -> None:
    payment = claim(line(adj("252", "150"), remarks=("N54",)))
    analysis = analyse_claim(payment)
    assert (analysis.category, analysis.action) == ("authorization", "send_records")


def test_remarks_do_not_change_a_code_with_its_own_category() -> None:
    payment = claim(line(adj("50", "150"), remarks=("M62",)))
    assert analyse_claim(payment).category == "medical_necessity"


def test_claim_level_co16_reads_line_remarks_first() -> None:
    payment = claim(
        line(adj("45", "20"), paid="100", remarks=("M77",)),
        adjustments=(adj("16", "80"),),
        remarks=("M62",),
    )
    assert analyse_claim(payment).category == "coding"


def test_ma130_means_new_claim_and_no_appeal_but_not_a_category() -> None:
    analysis = analyse_claim(claim(line(adj("16", "150")), remarks=("MA130",), status="4"))
    assert (analysis.result, analysis.category) == (Result.DENIED, "missing_info")
    assert (analysis.action, analysis.appealable) == ("new_claim", False)
    assert all(not d.appealable for d in analysis.denials)


def test_ma130_on_a_line_applies_to_the_claim_and_keeps_the_category() -> None:
    analysis = analyse_claim(claim(line(adj("50", "150"), remarks=("MA130", "M62"))))
    assert (analysis.category, analysis.action, analysis.appealable) == (
        "medical_necessity",
        "new_claim",
        False,
    )


# Patient responsibility denials --------------------------------------------------------------
@pytest.mark.parametrize("code", ["96", "204"])
def test_patient_responsibility_denial_bills_the_patient(code: str) -> None:
    analysis = analyse_claim(claim(line(adj(code, "150", "PR"))))
    assert (analysis.result, analysis.category) == (Result.DENIED, "eligibility")
    assert (analysis.action, analysis.appealable) == ("bill_patient", False)


def test_same_code_in_group_co_is_appealable() -> None:
    analysis = analyse_claim(claim(line(adj("96", "150", "CO"))))
    assert (analysis.action, analysis.appealable) == ("review_coverage", True)


def test_adjustment_details_for_people() -> None:
    analysis = analyse_claim(
        claim(line(adj("45", "10"), adj("16", "90"), paid="50", remarks=("M62",)))
    )
    contractual, missing = analysis.adjustments
    assert (contractual.denial, contractual.category, contractual.line) == (False, None, 0)
    assert contractual.description.startswith("Charge exceeds fee schedule")
    assert (missing.denial, missing.category, missing.remarks) == (True, "authorization", ("M62",))
    assert analysis.denials == (missing,)


# The corpus, end to end -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("01_paid_single.835", [("paid", None, "none")]),
        ("02_patient_responsibility.835", [("paid", None, "none")] * 2),
        (
            "03_denied_authorization.835",
            [("denied", "authorization", "obtain_retro_authorization")],
        ),
        (
            "04_co16_remarks.835",
            [
                ("denied", "authorization", "correct_resubmit"),
                ("denied", "missing_info", "new_claim"),
                ("partially_paid", "coding", "correct_resubmit"),
            ],
        ),
        (
            "08_reversal.835",
            [("reversal", None, "none"), ("paid", None, "none"), ("paid", None, "none")],
        ),
        (
            "10_per_diem_range.835",
            [("partially_paid", "benefit_limit", "appeal_medical_necessity")],
        ),
        ("11_six_cas_triplets.835", [("partially_paid", "coding", "correct_resubmit")]),
        ("13_pipe_caret.835", [("denied", "eligibility", "bill_patient")]),
        (
            "14_repetition_caret.835",
            [
                ("denied", "credentialing", "fix_credentialing"),
                ("denied", "duplicate", "verify_then_close"),
                ("partially_paid", "medical_necessity", "appeal_medical_necessity"),
            ],
        ),
    ],
)
def test_corpus_claims(name: str, expected: list[tuple[str, str | None, str]]) -> None:
    remit = parse_835((CORPUS / name).read_bytes())
    got = [(str(a.result), a.category, a.action) for a in map(analyse_claim, remit.claims)]
    assert got == expected


@pytest.mark.parametrize("code", ["237", "59", "94", "131", "144"])
def test_payment_reductions_and_incentives_are_not_denials(code: str) -> None:
    # A penalty, a multiple-procedure reduction, an excess, a discount or an incentive moves
    # the amount paid; nothing was denied, so no task is opened for it.
    analysis = analyse_claim(claim(line(adj(code, "30"), paid="120")))
    assert (analysis.result, analysis.category, analysis.action) == (Result.PAID, None, "none")
    assert analysis.denied_amount == 0


def test_a_larger_patient_denial_does_not_hide_a_provider_liability_denial() -> None:
    # PR-96 $200 on one line, CO-197 $150 on another: the practice must fix the authorization;
    # the patient's $200 is theirs to bill and is not money at stake for the practice.
    analysis = analyse_claim(
        claim(line(adj("96", "200", "PR"), paid="0"), line(adj("197", "150"), paid="0"))
    )
    assert (analysis.category, analysis.action) == ("authorization", "obtain_retro_authorization")
    assert (analysis.denied_amount, analysis.amount_at_stake) == (D("350"), D("150"))
    only_patient = analyse_claim(claim(line(adj("96", "200", "PR"), paid="0")))
    assert only_patient.action == "bill_patient" and only_patient.amount_at_stake == 0


def test_predetermination_and_pending_review_are_not_results() -> None:
    predetermined = analyse_claim(claim(line(adj("45", "180"), paid="0"), status="25"))
    assert (predetermined.result, predetermined.action) == (Result.PENDING, "none")
    pending = analyse_claim(claim(line(adj("133", "180", "OA"), paid="0")))
    assert (pending.result, pending.category, pending.amount_at_stake) == (
        Result.PENDING, None, D(0),
    )  # fmt: skip


def test_medicare_untimely_filing_has_no_redetermination_right() -> None:
    # A claim Medicare denies as filed late was never an initial determination: there is
    # nothing to appeal. Proof of timely filing (a reopening) or an exception request is the way.
    late = claim(line(adj("29", "150")))
    medicare = analyse_claim(late, plan_type="medicare_b")
    assert (medicare.result, medicare.category) == (Result.DENIED, "timely_filing")
    assert (medicare.action, medicare.appealable) == ("timely_proof_or_exception", False)
    (denial,) = medicare.denials
    assert (denial.action, denial.appealable) == ("timely_proof_or_exception", False)
    # Other plans take an appeal with the proof.
    for plan_type in ("commercial", "medicare_advantage", "medicaid_mco", None):
        other = analyse_claim(late, plan_type=plan_type)
        assert (other.action, other.appealable) == ("appeal_with_proof", True)
