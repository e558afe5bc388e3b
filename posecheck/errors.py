"""Errors a user can act on.  The CLI prints ``str(error)`` as one line and exits with ``exit_code``.

Exit codes: 0 ok, 1 the input or the job failed, 2 usage error (bad arguments or config).
"""

from __future__ import annotations


class PosecheckError(Exception):
    """Base class: the message says what happened and what to do."""

    exit_code = 1


class InputError(PosecheckError):
    """An image, video or camera could not be read."""


class ModelError(PosecheckError):
    """The pose model is missing, corrupt or could not be loaded or downloaded."""


class OutputError(PosecheckError):
    """An output file could not be written."""


class UsageError(PosecheckError):
    """Bad command-line arguments or configuration."""

    exit_code = 2
