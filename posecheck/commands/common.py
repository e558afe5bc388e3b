"""Options and helpers shared by the ``photo``, ``video`` and ``live`` commands.

Light imports only: every command module loads this when the parser is built.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from posecheck.errors import UsageError
from posecheck.exercises import EXERCISES, exercise_choices
from posecheck.messages import LANGS


def add_common_arguments(parser: argparse.ArgumentParser, *, exercise: bool = True) -> None:
    """Options shared by ``video``, ``live`` and (without ``--exercise``) ``routine``."""
    if exercise:
        parser.add_argument(
            "--exercise",
            choices=exercise_choices(),
            default="auto",
            help="exercise to judge; auto recognises it (default: auto). "
            + "; ".join(f"{e.cli_name}: {e.description}" for e in EXERCISES.values()),
        )
    parser.add_argument("--lang", choices=LANGS, default="en", help="language of messages (default: en)")
    parser.add_argument(
        "--model", default="full", help="pose model: lite, full (bundled), heavy or a .task file"
    )
    parser.add_argument("--config", metavar="FILE.toml", help="threshold overrides (see docs)")
    add_history_arguments(parser)


def add_history_arguments(parser: argparse.ArgumentParser) -> None:
    """``--person``, ``--history PATH``, ``--no-history``: where the session's summary goes."""
    group = parser.add_argument_group("history (posecheck history shows it)")
    group.add_argument("--person", metavar="NAME", default="", help="whose session this is (default: none)")
    group.add_argument(
        "--history",
        metavar="PATH",
        help="history database (default: $XDG_DATA_HOME/posecheck/history.sqlite)",
    )
    group.add_argument("--no-history", action="store_true", help="do not store this session's summary")


def add_voice_arguments(parser: argparse.ArgumentParser, *, live: bool) -> None:
    """``--no-voice`` (live, routine: spoken cues are on where an audio device exists) or
    ``--voice`` (video: the cues go into the MP4's audio track), and ``--audio-out``."""
    if live:
        parser.add_argument(
            "--no-voice",
            dest="voice",
            action="store_false",
            help="no spoken cues (they are on by default when an audio device exists; key v mutes)",
        )
    else:
        parser.add_argument(
            "--voice", action="store_true", help="put the spoken cues into the MP4's audio track (-o)"
        )
    parser.add_argument(
        "--audio-out",
        metavar="FILE.wav",
        help="write what the voice said (or would have said), aligned with the session's time",
    )


def check_distinct_paths(input_path: str | None, *outputs: str | None) -> None:
    """Two outputs on one path, or an output on the input, is a usage error."""
    seen: dict[Path, str] = {}
    if input_path is not None:
        seen[Path(input_path).resolve()] = "the input"
    for out in outputs:
        if out is None:
            continue
        key = Path(out).resolve()
        if key in seen:
            raise UsageError(f"output {out} is the same file as {seen[key]}; choose another name")
        seen[key] = f"output {out}"


def save_history(args: argparse.Namespace, report: Any, command: str, complete: bool = True) -> bool:
    """Store a finished session's summary in the history (unless ``--no-history``).

    ``report`` is a `posecheck.report.Report` or a `posecheck.history.SessionTally` (anything
    with ``summary(complete)``).  Call it after the session's own report is written: a
    damaged or locked database prints one line on stderr and returns False, it never raises.
    """
    if getattr(args, "no_history", False):
        return True
    from posecheck.history import HistoryError, store_session

    try:
        store_session(
            report.summary(complete=complete),
            command=command,
            person=getattr(args, "person", "") or "",
            path=getattr(args, "history", None),
        )
    except HistoryError as error:
        print(f"posecheck: error: {error}", file=sys.stderr)
        return False
    return True


def finish(report: Any, report_file: Any, ended: str, complete: bool) -> None:
    """Write the final report; say on stderr where partial results went."""
    if report_file is not None:
        path = report_file.write(report, complete=complete, ended=ended)
        if not complete and ended != "error":  # after an error its own line says what happened
            print(
                f"posecheck: partial report ({len(report.frames)} frames) written to {path}", file=sys.stderr
            )
