"""The ``posecheck`` command.  Each subcommand lives in ``posecheck.commands.<name>`` and provides
``add_parser(subparsers)`` and ``run(args) -> int``; this module only wires them and turns
`PosecheckError` into one line on stderr with its exit code (no traceback)."""

from __future__ import annotations

import argparse
import contextlib
import importlib
import logging
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

from posecheck import NATIVE_LOGS_ENV, __version__
from posecheck.errors import PosecheckError

COMMANDS = ("photo", "video", "live", "routine", "models", "history")


class OneLineErrorParser(argparse.ArgumentParser):
    """argparse prints the whole usage block before a bad-argument error; posecheck prints one
    line that names the problem (argparse lists the valid choices) and where help is, exit 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message}; see `{self.prog} --help`\n")


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineErrorParser(
        prog="posecheck",
        description="Check hip-flexor stretches and standing posture with MediaPipe pose landmarks.",
    )
    parser.add_argument("--version", action="version", version=f"posecheck {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log details to stderr")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"posecheck.commands.{name}").add_parser(subparsers)
    return parser


def quiet_ffmpeg_logs() -> None:
    """Keep FFmpeg's own log lines (e.g. "moov atom not found" for a truncated MP4) off stderr,
    where posecheck already says in one line what went wrong.  OpenCV reads this variable when
    it opens its first video, so it is set before any work; ``POSECHECK_NATIVE_LOGS=1`` (as for
    MediaPipe's lines) or an explicit ``OPENCV_FFMPEG_LOGLEVEL`` keeps them."""
    if not os.environ.get(NATIVE_LOGS_ENV):
        os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")  # AV_LOG_QUIET


def main(argv: Sequence[str] | None = None) -> int:
    quiet_ffmpeg_logs()
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING, format="posecheck: %(message)s"
    )
    try:
        return int(args.run(args))
    except PosecheckError as error:
        print(f"posecheck: error: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("posecheck: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return _stdout_closed()


def _stdout_closed() -> int:
    """The reader of stdout went away (``posecheck photo *.jpg --json | head -3``): stop quietly
    with exit 0, as ``head`` asked for no more.  stdout is pointed at /dev/null so Python's own
    flush at exit does not raise (and print "Exception ignored ... BrokenPipeError") again."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    return 0


if __name__ == "__main__":
    sys.exit(main())
