"""`denialdesk import-835 --dry-run [--json] FILE...`: the CLI contract in README.md."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from denialdesk.app.cli import main
from denialdesk.app.remit_report import money

CORPUS = Path(__file__).parents[1] / "data" / "835"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["import-835", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_json_contract_for_one_file(capsys: pytest.CaptureFixture[str]) -> None:
    path = str(CORPUS / "01_paid_single.835")
    code, out, err = run(capsys, "--dry-run", "--json", path)
    assert (code, err) == (0, "")
    payer = {"name": "BLUE HARBOR HEALTH PLAN", "id": "BHHP1"}
    assert json.loads(out) == {
        "files": [
            {
                "file": path,
                "trace_numbers": ["EFT0000101"],
                "payer": payer,
                "payment": {"amount": "140.00", "date": "2024-03-15"},
                "transactions": [
                    {
                        "trace_number": "EFT0000101",
                        "payer": payer,
                        "amount": "140.00",
                        "date": "2024-03-15",
                    }
                ],
                "claims": [
                    {
                        "control_number": "DD2403000001",
                        "status_code": "1",
                        "charge": "180.00",
                        "paid": "140.00",
                        "patient_responsibility": None,
                        "payer_claim_number": "BH24075000001",
                        "result": "paid",
                        "denial_category": None,
                        "adjustments": [],
                        "remarks": [],
                        "lines": [
                            {
                                "code": "90837",
                                "modifiers": ["95"],
                                "service_date": "2024-03-01",
                                "charge": "180.00",
                                "paid": "140.00",
                                "units": "1",
                                "adjustments": [{"group": "CO", "carc": "45", "amount": "40.00"}],
                                "remarks": [],
                            }
                        ],
                        "findings": [],
                    }
                ],
            }
        ]
    }


def test_several_files_transactions_and_denials(capsys: pytest.CaptureFixture[str]) -> None:
    names = ["05_multi_transaction.835", "04_co16_remarks.835", "09_no_service_lines.835"]
    code, out, _ = run(capsys, "--json", "--dry-run", *[str(CORPUS / n) for n in names])
    assert code == 0
    multi, co16, no_lines = json.loads(out)["files"]
    assert multi["trace_numbers"] == ["EFT0000201", "4400981"]
    assert multi["payment"] == {"amount": "307.40", "date": "2024-03-25"}
    assert [t["payer"]["id"] for t in multi["transactions"]] == ["BHHP1", "SCC01"]
    assert [(c["result"], c["denial_category"]) for c in co16["claims"]] == [
        ("denied", "authorization"),
        ("denied", "missing_info"),
        ("partially_paid", "coding"),
    ]
    assert co16["claims"][1]["remarks"] == ["MA130", "M76"]
    assert co16["claims"][0]["lines"][0]["remarks"] == ["M62"]
    assert no_lines["claims"][1]["lines"] == []
    assert no_lines["claims"][1]["adjustments"] == [
        {"group": "CO", "carc": "27", "amount": "180.00"}
    ]


def test_bad_and_missing_files_are_reported_and_the_others_still_read(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    good = str(CORPUS / "03_denied_authorization.835")
    bad = tmp_path / "bad.835"
    text = (CORPUS / "03_denied_authorization.835").read_text()
    bad.write_text(text.replace("CAS*CO*197*180", "CAS*CO*197*18O"))
    segments = [s.strip() for s in text.split("~") if s.strip()]
    cas_number = segments.index("CAS*CO*197*180") + 1
    missing = str(tmp_path / "missing.835")
    code, out, err = run(capsys, "--dry-run", "--json", str(bad), good, missing, str(tmp_path))
    assert code == 1
    assert [f["file"] for f in json.loads(out)["files"]] == [good]
    assert err.splitlines() == [
        f"{bad}: segment {cas_number}: CAS03 '18O' is not an amount",
        f"{missing}: No such file or directory",
        f"{tmp_path}: Is a directory",
    ]


def test_human_summary(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--dry-run", str(CORPUS / "13_pipe_caret.835"))
    assert code == 0
    lines = out.splitlines()
    assert "BLUE HARBOR HEALTH PLAN" in lines[0] and "NP20240405" in lines[0]
    assert lines[1].strip() == "1 claim: 1 denied"
    assert "DD2403000021 denied 150.00 eligibility -> bill_patient: PR-96" in lines[2]


@pytest.mark.parametrize(
    ("amount", "text"),
    [("140", "140.00"), ("-140", "-140.00"), ("1.6", "1.60"), ("0", "0.00"), ("1.605", "1.605")],
)
def test_money_is_a_decimal_string_with_cents(amount: str, text: str) -> None:
    assert money(Decimal(amount)) == text


def test_console_script_needs_no_configuration(tmp_path: Path) -> None:
    """Production mode without secrets or a database: a dry run still works, without traceback."""
    bad = tmp_path / "837.txt"
    bad.write_text("ISA*00*")
    env = {k: v for k, v in os.environ.items() if not k.startswith("DENIALDESK_")}
    env["DENIALDESK_MODE"] = "production"
    script = Path(sys.executable).parent / "denialdesk"
    done = subprocess.run(
        [str(script), "import-835", "--dry-run", str(CORPUS / "08_reversal.835"), str(bad)],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 1
    assert done.stdout.splitlines()[1] == "  3 claims: 2 paid, 1 reversal"
    assert done.stderr == f"{bad}: segment 1: the ISA segment is cut short\n"


def test_a_payment_dated_9999_is_refused_naming_the_segment(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    text = (CORPUS / "03_denied_authorization.835").read_text()
    segments = [s.strip() for s in text.split("~") if s.strip()]
    (bpr_number, bpr), *_ = [(n, s) for n, s in enumerate(segments, 1) if s.startswith("BPR")]
    late = tmp_path / "late.835"
    late.write_text(text.replace(bpr, bpr[: -len("20260101")] + "99991231"))
    code, out, err = run(capsys, "--dry-run", "--json", str(late))
    assert code == 1
    assert err.startswith(f"{late}: segment {bpr_number}: BPR16 must be between 1900-01-01 and ")


def test_payer_id_falls_back_to_trn03_without_ref_2u(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    text = (CORPUS / "03_denied_authorization.835").read_text()
    segments = [s.strip() for s in text.split("~") if s.strip()]
    trn03 = next(s for s in segments if s.startswith("TRN*")).split("*")[3]
    ref = next(s for s in segments if s.startswith("REF*2U*"))
    bare = tmp_path / "no_ref.835"
    kept = [s for s in segments if s != ref]
    kept = [f"SE*{int(s.split('*')[1]) - 1}*{s.split('*')[2]}" if s.startswith("SE*") else s
            for s in kept]  # fmt: skip
    bare.write_text("~".join(kept) + "~")
    code, out, err = run(capsys, "--dry-run", "--json", str(bare))
    assert code == 0, err
    payer = json.loads(out)["files"][0]["payer"]
    assert payer == {"name": "BLUE HARBOR HEALTH PLAN", "id": trn03}


def test_clp05_that_is_not_the_pr_adjustments_is_a_finding(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    text = (CORPUS / "01_paid_single.835").read_text()
    clp = next(s for s in text.split("~") if s.strip().startswith("CLP*")).strip()
    parts = clp.split("*")
    parts[5] = "25"  # the payer says the patient owes 25, but no PR adjustment says so
    odd = tmp_path / "odd_clp05.835"
    odd.write_text(text.replace(clp, "*".join(parts)))
    code, out, err = run(capsys, "--dry-run", "--json", str(odd))
    assert code == 0, err
    [claim] = json.loads(out)["files"][0]["claims"]
    assert claim["findings"] == [
        "CLP05 patient responsibility 25.00 is not the PR adjustments 0.00"
    ]
