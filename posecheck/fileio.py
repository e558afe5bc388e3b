"""Checked writes: every file posecheck writes fails the same way, in one line a user can act on.

* `atomic_write_bytes` / `atomic_write_text` write to a temporary file in the target's own folder,
  flush it to disk and rename it into place, so a file on disk is always complete: either the
  previous version or the new one, never half of one (a full disk, Ctrl-C, a crash).
* `check_writable` probes a folder by creating (and removing) a file in it before any work
  starts; unlike ``os.access`` that also catches a read-only mount for root and a full disk.
* `write_error` turns an `OSError` (or sqlite3's "database or disk is full") into an `OutputError`
  that says what failed, where, why, and what to do::

      cannot write report out/r.json: no space left on device; free some space or write to another folder

Other modules (the history database, batch outputs) use these so the messages stay alike.

Reading has one check here too: `regular_file_kind` -- a device (``/dev/zero``), a named pipe or a
socket given as an input file would make a read hang or never end, so inputs are checked first.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from posecheck.errors import OutputError

# (what happened, what to do), by errno: the causes a user can fix.
_CAUSES = {
    errno.ENOSPC: ("no space left on device", "free some space or write to another folder"),
    errno.EDQUOT: ("disk quota exceeded", "free some space or write to another folder"),
    errno.EFBIG: ("file too large for this file system", "write to another folder"),
    errno.EROFS: ("read-only file system", "write to another folder"),
    errno.EACCES: ("no permission to write there", "write to another folder or change its permissions"),
    errno.EPERM: ("no permission to write there", "write to another folder or change its permissions"),
    errno.ENOENT: ("the folder does not exist", "create it first"),
    errno.ENOTDIR: ("a part of the path is a file, not a folder", "check the path"),
    errno.EISDIR: ("it is a folder", "give a file name"),
    errno.ENAMETOOLONG: ("the name is too long", "choose a shorter one"),
    errno.EIO: ("input/output error", "check the disk, or write to another folder"),
}
_DEFAULT_ADVICE = "check the path, or write to another folder"


def regular_file_kind(path: str | os.PathLike[str]) -> str | None:
    """None for a regular file (or a missing path); else what it is: "a device", "a named pipe", ...

    Uses ``stat``, which never blocks, unlike opening a named pipe.
    """
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def advice_for(error: BaseException) -> tuple[str, str]:
    """(what happened, what to do) for an error raised while writing."""
    code = getattr(error, "errno", None)
    if isinstance(code, int) and code in _CAUSES:
        return _CAUSES[code]
    text = str(error).strip() or type(error).__name__
    if "disk is full" in text or "No space left" in text:  # sqlite3, or an OSError without errno
        return _CAUSES[errno.ENOSPC]
    if "readonly database" in text:  # sqlite3: "attempt to write a readonly database"
        return _CAUSES[errno.EROFS]
    strerror = getattr(error, "strerror", None)
    return (strerror or text).rstrip("."), _DEFAULT_ADVICE


def write_error(
    what: str, path: str | os.PathLike[str], error: BaseException, *, note: str = ""
) -> OutputError:
    """``cannot write <what> <path>: <reason>[, <note>]; <what to do>`` as an `OutputError`."""
    reason, advice = advice_for(error)
    if note:
        reason = f"{reason} ({note})"
    return OutputError(f"cannot write {what} {os.fspath(path)}: {reason}; {advice}")


def check_writable(path: str | os.PathLike[str], what: str = "file") -> Path:
    """Fail before any work starts when a file cannot be created next to ``path``.

    Creates and removes an empty temporary file in the target's folder: the only check that
    sees what a real write would see (permissions, a read-only mount also for root, a missing
    folder).  The target itself is not touched.

    Raises:
        OutputError: the folder is missing, not writable, or ``path`` is a read-only file.
    """
    out = Path(path)
    folder = out.parent if str(out.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError(f"cannot write {what} {out}: folder {folder} does not exist; create it first")
    try:
        handle, probe = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".probe", dir=folder)
    except OSError as error:
        raise write_error(what, out, error) from None
    os.close(handle)
    os.unlink(probe)
    if out.exists() and not os.access(out, os.W_OK):
        raise OutputError(f"cannot write {what} {out}: the file is read-only; choose another name")
    return out


@contextlib.contextmanager
def atomic_open(
    path: str | os.PathLike[str], mode: str = "w", *, what: str = "file", **kwargs: Any
) -> Iterator[IO[Any]]:
    """Open a temporary file next to ``path``; on a clean exit it is synced and renamed to ``path``.

    On any failure (an `OSError` while writing becomes an `OutputError` from `write_error`, any
    other exception is re-raised) the temporary file is removed and ``path`` keeps its previous
    content.  ``mode`` is ``"w"`` or ``"wb"``; ``kwargs`` go to `open` (encoding, newline).
    """
    target = Path(path)
    try:
        handle, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as error:
        raise write_error(what, target, error) from None
    try:
        with os.fdopen(handle, mode, **kwargs) as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except OSError as error:
        Path(tmp).unlink(missing_ok=True)
        raise write_error(what, target, error) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes, *, what: str = "file") -> None:
    """Write ``data`` to ``path`` atomically (see `atomic_open`)."""
    with atomic_open(path, "wb", what=what) as stream:
        stream.write(data)


def atomic_write_text(path: str | os.PathLike[str], text: str, *, what: str = "file") -> None:
    """Write ``text`` as UTF-8 to ``path`` atomically (see `atomic_open`)."""
    with atomic_open(path, "w", what=what, encoding="utf-8", newline="") as stream:
        stream.write(text)
