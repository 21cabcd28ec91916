"""Storing a parsed 835, the one way every door does it (API, `import-835`, the inbox).

One database transaction per file (store/remittances.py), committed here. Two imports of one
file at once: the loser hits the unique (payer, trace, practice) index and, run again, sees the
winner's rows as duplicates, so a second IntegrityError is a real error and goes out.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from denialdesk.contracts.claim import claim_workflow_id
from denialdesk.domain.x12.remit_model import RemittanceFile
from denialdesk.store.remittances import ImportResult, import_remittance

# The largest 835 taken in (a large payer's weekly 835 is a few MB); the API's body limit and
# the inbox's file limit.
MAX_835_BYTES = 50 * 1024 * 1024


def store_remittance(
    session: Session,
    remit: RemittanceFile,
    *,
    practice_ids: Collection[int] | None,
    user_id: int | None,
) -> ImportResult:
    """Store and commit the file's new transactions as seen from `practice_ids` (None: the
    billing company, every practice); on any error nothing of the file is kept."""
    for attempt in (1, 2):
        try:
            result = import_remittance(
                session,
                remit=remit,
                practice_ids=practice_ids,
                user_id=user_id,
                workflow_id=claim_workflow_id,
            )
            session.commit()
            return result
        except IntegrityError:
            session.rollback()
            if attempt == 2:
                raise
        except BaseException:
            session.rollback()
            raise
    raise AssertionError("unreachable")
