"""`denialdesk import-835 --dry-run`: parse 835 files and report what they say, storing nothing.

The JSON shape is the CLI contract (money as decimal strings, dates ISO); the human form is a
few lines per file. A bad file is reported as `FILE: segment N: reason` on stderr and the others
are still read; the exit code is 1 when any file was bad. On a terminal a progress bar shows
how far the reading is (app/progress.py).
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

from denialdesk.app.progress import FileProgress
from denialdesk.domain.denials import DenialAnalysis, analyse_claim, payment_findings
from denialdesk.domain.x12.remit import RemitParseError, parse_835
from denialdesk.domain.x12.remit_model import (
    Adjustment,
    ClaimPayment,
    RemittanceFile,
    ServiceLine,
    Transaction,
)

CENT = Decimal("0.01")


def money(amount: Decimal | None) -> str | None:
    """Decimal string with at least two decimals ("180.00"); never rounds away a sent digit."""
    if amount is None:
        return None
    exponent = amount.as_tuple().exponent
    if isinstance(exponent, int) and exponent >= -2:
        amount = amount.quantize(CENT)
    return str(amount)


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _payer(tx: Transaction) -> dict[str, Any]:
    # How the payer names itself: REF*2U (or the N1*PR id), else the TRN03 originator.
    return {"name": tx.payer.name, "id": tx.payer.id or tx.originator or None}


def _adjustments(adjustments: Sequence[Adjustment]) -> list[dict[str, Any]]:
    return [{"group": a.group, "carc": a.carc, "amount": money(a.amount)} for a in adjustments]


def _line(line: ServiceLine, claim: ClaimPayment) -> dict[str, Any]:
    # A line without its own DTM takes the claim's statement date (the guide's rule).
    return {
        "code": line.code,
        "modifiers": list(line.modifiers),
        "service_date": _iso(line.service_date or claim.statement_from),
        "charge": money(line.charge),
        "paid": money(line.paid),
        "units": str(line.units),
        "adjustments": _adjustments(line.adjustments),
        "remarks": list(line.remarks),
    }


def _claim(claim: ClaimPayment, analysis: DenialAnalysis) -> dict[str, Any]:
    return {
        "control_number": claim.control_number,
        "status_code": claim.status_code,
        "charge": money(claim.charge),
        "paid": money(claim.paid),
        "patient_responsibility": money(claim.patient_responsibility),
        "payer_claim_number": claim.payer_claim_number,
        "result": str(analysis.result),
        "denial_category": analysis.category,
        "adjustments": _adjustments(claim.adjustments),
        "remarks": list(claim.remarks),
        "lines": [_line(line, claim) for line in claim.lines],
        "findings": payment_findings(claim),
    }


def file_report(name: str, remit: RemittanceFile) -> dict[str, Any]:
    first = remit.transactions[0]
    return {
        "file": name,
        "trace_numbers": remit.trace_numbers,
        "payer": _payer(first),
        "payment": {"amount": money(remit.amount), "date": _iso(first.payment_date)},
        "transactions": [
            {
                "trace_number": tx.trace_number,
                "payer": _payer(tx),
                "amount": money(tx.amount),
                "date": _iso(tx.payment_date),
            }
            for tx in remit.transactions
        ],
        "claims": [_claim(claim, analyse_claim(claim)) for claim in remit.claims],
    }


def summary(name: str, remit: RemittanceFile) -> list[str]:
    """A few lines for a person: the payment, the claim results, one line per denied claim."""
    first = remit.transactions[0]
    count = len(remit.transactions)
    lines = [
        f"{name}: {first.payer.name}, {count} payment{'s' if count > 1 else ''}"
        f" totalling {money(remit.amount)} (trace {', '.join(remit.trace_numbers)}),"
        f" paid {_iso(first.payment_date)}"
    ]
    analyses = [(claim, analyse_claim(claim)) for claim in remit.claims]
    results = Counter(str(a.result).replace("_", " ") for _, a in analyses)
    lines.append(
        f"  {len(analyses)} claim{'s' if len(analyses) != 1 else ''}: "
        + ", ".join(f"{n} {result}" for result, n in sorted(results.items()))
    )
    for claim, analysis in analyses:
        if analysis.category is None:
            continue
        reason = max(
            (d for d in analysis.denials if d.category == analysis.category),
            key=lambda d: d.amount,
        )
        lines.append(
            f"  {claim.control_number} {analysis.result} {money(analysis.denied_amount)}"
            f" {analysis.category} -> {analysis.action}:"
            f" {reason.group}-{reason.carc} {reason.description}"
            + (f" [{' '.join(reason.remarks)}]" if reason.remarks else "")
        )
    return lines


def read_835_file(path: str) -> RemittanceFile | str:
    """The file parsed, or the line that says why not (`FILE: reason`)."""
    try:
        return parse_835(Path(path).read_bytes(), today=datetime.now(UTC).date())
    except OSError as exc:
        return f"{path}: {exc.strerror or exc}"
    except RemitParseError as exc:
        return f"{path}: {exc}"


def import_835_dry_run(
    paths: Sequence[str], *, as_json: bool, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    reports: list[dict[str, Any]] = []
    failed = False
    with FileProgress(paths, err, enabled=not as_json) as progress:
        for path in paths:
            progress.step(path, "reading")
            remit = read_835_file(path)
            if isinstance(remit, str):
                progress.say(remit, err)
                failed = True
            elif as_json:
                reports.append(file_report(path, remit))
            else:
                progress.say("\n".join(summary(path, remit)), out)
            progress.done(path)
    if as_json:
        print(json.dumps({"files": reports}, indent=2), file=out)
    return 1 if failed else 0
