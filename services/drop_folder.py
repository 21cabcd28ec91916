"""The clearinghouse inbox as a folder: files waiting at the top, `processed/` and `rejected/`
beneath it (each rejected file with `NAME.reason.txt` beside it).

Writers upload as `*.tmp` (or a dot file) and rename when complete, so only other plain files
at the top are waiting. Files keep their names when moved; a name already taken in the target
folder gets a numeric suffix (`remit-1.835`) and nothing is ever overwritten: the move is a
hard link that fails on an existing name, then the unlink of the old name. Several workers
may watch one folder: `claim()` holds an exclusive lock on the file while one of them handles
it, and the lock dies with its process, so a crash never strands a file.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

FOLDER_MODE = 0o700
FILE_MODE = 0o600
PROCESSED = "processed"
REJECTED = "rejected"
REASON_SUFFIX = ".reason.txt"
TEMPORARY_SUFFIX = ".tmp"
# File systems without hard links (some network and FUSE mounts) answer these; there the move
# falls back to a checked rename.
_NO_LINKS = {errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK, errno.ENOSYS}


def private_folder(folder: Path) -> None:
    """Create `folder` and its missing parents 0700, whatever the umask. Existing folders are
    left as they are: a configured inbox may be shared with the clearinghouse's upload user."""
    missing = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for each in reversed(missing):
        try:
            each.mkdir(mode=FOLDER_MODE)
        except FileExistsError:
            continue  # made by another worker meanwhile
        each.chmod(FOLDER_MODE)


def shown_name(name: str) -> str:
    """A file name safe to store and show: bytes that are not UTF-8 as \\x escapes."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


class DropFolder:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.processed = self.root / PROCESSED
        self.rejected = self.root / REJECTED

    def prepare(self) -> None:
        """The inbox and its two folders, private to their owner."""
        for folder in (self.root, self.processed, self.rejected):
            private_folder(folder)

    def waiting(self) -> list[Path]:
        """Complete files waiting at the top, by name; uploads, dot files and folders left."""
        try:
            entries = list(os.scandir(self.root))
        except FileNotFoundError:
            return []
        found = []
        for entry in entries:
            if entry.name.startswith(".") or entry.name.endswith(TEMPORARY_SUFFIX):
                continue
            with contextlib.suppress(OSError):  # gone meanwhile: another worker took it
                if entry.is_file(follow_symlinks=False):
                    found.append(Path(entry.path))
        return sorted(found)

    @contextlib.contextmanager
    def claim(self, path: Path) -> Iterator[BinaryIO | None]:
        """The file open for reading and locked for this process, or None when another
        process holds it or has moved it away already (skip it: it is being handled)."""
        try:
            handle = open(path, "rb")
        except FileNotFoundError:
            yield None
            return
        with handle:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                yield None
                return
            # Locked, but the name may already lead elsewhere: the previous holder moved the
            # file before letting go of it.
            try:
                same = os.stat(path).st_ino == os.fstat(handle.fileno()).st_ino
            except FileNotFoundError:
                same = False
            yield handle if same else None

    def to_processed(self, path: Path) -> Path:
        return _move(path, self.processed, path.name)

    def reject(self, path: Path, reason: str) -> Path:
        """Move the file into rejected/ and write `reason` beside it; the new path."""
        target = _move(path, self.rejected, path.name, companion=REASON_SUFFIX)
        reason_path = target.with_name(target.name + REASON_SUFFIX)
        fd = os.open(reason_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(reason.rstrip("\n") + "\n")
        return target

    def retry(self, rejected_as: str, name: str) -> Path:
        """Put rejected/`rejected_as` back into the inbox as `name` (suffixed if taken) and
        remove its reason file; FileNotFoundError when it is no longer there."""
        # Names from the database, never paths.
        if not _plain(rejected_as):
            raise FileNotFoundError(rejected_as)
        back_as = name if _plain(name) else rejected_as
        target = _move(self.rejected / rejected_as, self.root, back_as)
        with contextlib.suppress(FileNotFoundError):
            (self.rejected / (rejected_as + REASON_SUFFIX)).unlink()
        return target


def _plain(name: str) -> bool:
    """A name the inbox would pick up: no folder part, no leading dot."""
    return bool(name) and Path(name).name == name and not name.startswith(".")


def _candidates(name: str) -> Iterator[str]:
    yield name
    stem, dot, suffix = name.rpartition(".")
    if not stem:  # no extension (or a leading dot only): the number goes at the end
        stem, dot, suffix = name, "", ""
    number = 1
    while True:
        yield f"{stem}-{number}{dot}{suffix}"
        number += 1


def _move(source: Path, folder: Path, name: str, *, companion: str = "") -> Path:
    """Move `source` into `folder` under `name` or the first free suffixed form of it (with
    `companion`, the name + companion must be free too); never overwrites."""
    private_folder(folder)
    for candidate in _candidates(name):
        target = folder / candidate
        if companion and os.path.lexists(folder / (candidate + companion)):
            continue
        try:
            os.link(source, target, follow_symlinks=False)
        except FileExistsError:
            continue
        except OSError as exc:
            if exc.errno not in _NO_LINKS:
                raise
            if os.path.lexists(target):
                continue
            os.rename(source, target)
            return target
        os.unlink(source)
        return target
    raise AssertionError("unreachable")
