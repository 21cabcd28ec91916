"""pyx12's 005010X222A1 validation as a list of errors (empty: the interchange is valid)."""

from __future__ import annotations

import io
import json

import pyx12.params
import pyx12.x12n_document


def pyx12_errors(interchange: str) -> list[str]:
    """Every error pyx12 reports for the interchange (its JSON error report, walked)."""
    report = io.StringIO()
    ok = pyx12.x12n_document.x12n_document(
        param=pyx12.params.params(),
        src_file=io.StringIO(interchange),
        fd_997=None,
        fd_html=None,
        fd_json=report,
    )
    errors: list[str] = []

    def walk(node):
        if isinstance(node, dict):
            errors.extend(str(e.get("err_str", e)) for e in node.get("errors", ()))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(json.loads(report.getvalue() or "{}"))
    if not ok and not errors:
        errors.append("pyx12 rejected the interchange without details")
    return errors
