"""The var folder (DENIALDESK_VAR_DIR) of `denialdesk dev`: dev secrets, the SQLite database and
Temporal's, all of them patient data. Only its owner may enter it, and one dev stack at a time
may use it.

The folder is 0700 and the database files 0600: `private()` tightens a folder an older version
left open, and `dev` runs with umask 077 so whatever it (or the Temporal child) creates there
starts private. `DevLock` holds an flock on var/dev.lock with the holder's pid in it: a second
`denialdesk dev` on the same folder stops at once naming the first, and since the kernel drops
the lock with the process, a run killed outright never blocks the next one.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

from denialdesk.app.cli import CLIError

FOLDER_MODE = 0o700
FILE_MODE = 0o600
UMASK = 0o077
LOCK_NAME = "dev.lock"
# SQLite keeps a database in up to four files; Temporal's dev server uses SQLite too.
DATABASES = ("denialdesk.sqlite", "temporal.sqlite")
SQLITE_SUFFIXES = ("", "-wal", "-shm", "-journal")
SECRETS = ("secret_key", "payload_keys")


def make_private_folder(folder: Path) -> None:
    """Create `folder` (and missing parents) 0700, whatever the umask; tighten it if it exists."""
    folder.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
    folder.chmod(FOLDER_MODE)


def private(var_dir: Path) -> None:
    """The folder 0700, its databases and secrets 0600 (existing ones from older runs too)."""
    make_private_folder(var_dir)
    names = [db + suffix for db in DATABASES for suffix in SQLITE_SUFFIXES] + list(SECRETS)
    for name in names:
        with contextlib.suppress(FileNotFoundError):
            (var_dir / name).chmod(FILE_MODE)


@contextlib.contextmanager
def dev_folder(var_dir: Path) -> Iterator[None]:
    """For as long as a dev stack runs: the folder private, umask 077, and its lock held."""
    private(var_dir)
    umask = os.umask(UMASK)  # what we and the Temporal child create there starts 0600
    try:
        with DevLock(var_dir):
            yield
    finally:
        os.umask(umask)


class DevLock:
    """An exclusive flock on var/dev.lock for as long as the dev stack runs."""

    def __init__(self, var_dir: Path) -> None:
        self.path = var_dir / LOCK_NAME
        self.fd: int | None = None

    def acquire(self) -> None:
        # os.open makes the descriptor non-inheritable: the Temporal child never holds the lock.
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, FILE_MODE)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "unknown"
            os.close(fd)
            raise CLIError(
                f"denialdesk dev is already running on {self.path.parent}/ (pid {holder}); "
                "stop it first, or set DENIALDESK_VAR_DIR for a second stack"
            ) from None
        # Overwrite in place, then cut: the file never reads empty while a pid is due in it.
        pid = f"{os.getpid()}\n".encode()
        os.pwrite(fd, pid, 0)
        os.ftruncate(fd, len(pid))
        self.fd = fd

    def release(self) -> None:
        if self.fd is not None:
            os.close(self.fd)  # closing the last descriptor drops the flock
            self.fd = None

    def __enter__(self) -> DevLock:
        self.acquire()
        return self

    def __exit__(self, *exc_info) -> None:
        self.release()
