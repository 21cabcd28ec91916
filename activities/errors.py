"""How an activity fails: retried when the world may heal, a DataError when it cannot.

Temporal retries a failed activity (forever, backing off to a minute: workflows/claim_store.py).
That is right for a database that is restarting or a full disk, and wrong for the claim's own
data: a date that overflows, an identifier the 837P cannot carry, a row that is gone. Retrying
those would strand the claim in an endless loop nobody sees. So every activity is wrapped in
`data_errors`: infrastructure errors propagate and are retried; everything else becomes a
non-retryable DataError whose message says what is wrong and whose `details[0]` names the
field to correct when known. The workflow turns it into a task (fix_data, review_payment).

DataErrors are BENIGN: the SDK logs them at debug level, because their messages describe
claim data (the message and details still travel only encrypted, app/codec.py).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import DataError as DatabaseDataError
from sqlalchemy.exc import SQLAlchemyError
from temporalio.exceptions import ApplicationError, ApplicationErrorCategory

from denialdesk.contracts.claim import DATA_ERROR
from denialdesk.domain.x12.claim_out import ClaimOutError
from denialdesk.store.errors import InputError

MAX_MESSAGE = 300
F = TypeVar("F", bound=Callable)


def data_error(message: str, field: str | None = None) -> ApplicationError:
    return ApplicationError(
        message[:MAX_MESSAGE],
        field or "",
        type=DATA_ERROR,
        non_retryable=True,
        category=ApplicationErrorCategory.BENIGN,
    )


def data_errors(fn: F) -> F:
    """Wrap a synchronous activity (below @activity.defn) so no domain error is retried."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except ApplicationError:
            raise  # already says whether it may be retried
        except DatabaseDataError:
            # The driver's message quotes the value; the type of refusal is enough here.
            raise data_error(
                "the database refused a stored value (out of range or too long)"
            ) from None
        except (SQLAlchemyError, OSError, TimeoutError):
            raise  # the database or the disk: retried until it heals
        except ClaimOutError as error:
            raise data_error(str(error), error.field) from None
        except InputError as error:
            raise data_error(str(error), error.field) from None
        except Exception as error:  # noqa: BLE001 (a value no retry can fix: see above)
            raise data_error(f"{type(error).__name__}: {error}") from None

    return wrapper  # type: ignore[return-value]
