"""The corpus is real 005010X221A1: pyx12 (an independent validator) accepts every good file.

pyx12 reads ASCII only, so the byte-order-mark file is given to it without the mark; everything
else is validated byte for byte as the parser reads it.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
import pyx12.params
import pyx12.x12n_document

CORPUS = Path(__file__).parents[1] / "data" / "835"
FILES = sorted(CORPUS.glob("*.835"))


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@pytest.fixture
def pyx12_errors() -> Iterator[_Collect]:
    logger = logging.getLogger("pyx12")
    handler = _Collect()
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)


def validate(text: str) -> bool:
    return pyx12.x12n_document.x12n_document(
        param=pyx12.params.params(), src_file=io.StringIO(text), fd_997=None, fd_html=None
    )


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_corpus_file_is_valid_5010(path: Path, pyx12_errors: _Collect) -> None:
    text = path.read_text(encoding="utf-8-sig")
    assert validate(text), pyx12_errors.messages
    assert pyx12_errors.messages == []


def test_pyx12_does_reject_a_broken_file(pyx12_errors: _Collect) -> None:
    """Guards the test above: the validator really checks structure and counts."""
    text = (CORPUS / "01_paid_single.835").read_text()
    broken = text.replace("N3*100 HARBOR WAY~\n", "")
    assert not validate(broken)
    assert any("N3" in message for message in pyx12_errors.messages)
