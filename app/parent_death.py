"""Children of `denialdesk dev` that the kernel ends when dev itself dies, even by SIGKILL
(Linux's PR_SET_PDEATHSIG; elsewhere nothing is asked)."""

from __future__ import annotations

import ctypes
import sys

PR_SET_PDEATHSIG = 1
# Loaded here, once: a preexec_fn runs between fork and exec, no place to load a library.
_libc = ctypes.CDLL(None, use_errno=True) if sys.platform == "linux" else None


def die_with_parent(sig: int) -> None:
    """Have the kernel send `sig` to this process when its parent dies."""
    if _libc is not None:
        _libc.prctl(PR_SET_PDEATHSIG, sig)
