"""Session reports: per-frame results gathered over a video or live session, a summary,
and writers for JSON, CSV and the self-contained HTML page for a patient (`posecheck.report_html`).

The per-frame records are the photo result format (`Assessment.to_dict` with ``source``,
``model`` and ``time_s``) plus a compact ``hold`` entry, so every consumer reads one format.
They are kept in a `FrameLog`: in memory, or (``posecheck live --report``, which may run for
hours) spooled as JSON lines to a temporary file next to the report, so that only their count
stays in memory.  The summary and the writers read them in passes, one frame at a time, and
write JSON and CSV as they go: the report is the same to the byte either way.

Why atomic writes: a report is rewritten periodically during long sessions and once
more at the end (also after Ctrl-C).  Each write goes to a temporary file in the same
directory and is renamed over the target, so a reader or an interrupted run never sees
half a file: there is always either the previous complete report or the new one.

matplotlib is imported only when an HTML report is written.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import logging
import math
import os
import statistics
import tempfile
import time
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Any

from posecheck.errors import UsageError
from posecheck.exercises import is_standing, is_stretch
from posecheck.fileio import atomic_open, atomic_write_text, check_writable, write_error
from posecheck.messages import Lang
from posecheck.results import Assessment, CheckResult
from posecheck.temporal import HoldState

log = logging.getLogger(__name__)

REPORT_SUFFIXES = (".json", ".csv", ".html")
STATUSES = ("pass", "fail", "unknown")


def check_report_path(path: str | Path) -> Path:
    """Validate a report path before any work starts (suffix, directory, permission).

    Raises:
        UsageError: the suffix is not one of `REPORT_SUFFIXES`.
        OutputError: the directory does not exist or is not writable.
    """
    out = Path(path)
    if out.is_dir():
        raise UsageError(f"report {out} is a directory; give a file name such as report.json")
    if out.suffix.lower() not in REPORT_SUFFIXES:
        raise UsageError(f"report {out}: unknown format {out.suffix or '(none)'!r}; use .json, .csv or .html")
    return check_writable(out, "report")


class FrameLog:
    """A session's per-frame records, in order: a list of dicts that can live on disk.

    In memory by default.  With ``spool_dir``, each record is written as one JSON line to an
    anonymous temporary file in that folder (`tempfile.TemporaryFile`: it has no name, so
    nothing is left behind even when the process is killed) and only the count and the
    file's size stay in memory.  Reading parses the lines again: iterating reads the file
    front to back in blocks; indexing (a few key moments of the HTML report) looks lines up
    by an index of their offsets, built when first needed and dropped on the next append.
    """

    _BLOCK = 1 << 20  # bytes read at a time

    def __init__(self, spool_dir: str | os.PathLike[str] | None = None) -> None:
        self._records: list[dict[str, Any]] = []
        self._file: IO[bytes] | None = None
        self._dir = spool_dir
        if spool_dir is not None:
            try:  # closed by `close` (or when the log is collected): it spans a whole session
                self._file = tempfile.TemporaryFile(  # noqa: SIM115
                    prefix=".posecheck-frames.", suffix=".jsonl", dir=spool_dir
                )
            except OSError as error:
                raise write_error("the report's frames in", spool_dir, error) from None
        self._count = 0
        self._size = 0
        self._offsets: array[int] | None = None

    @property
    def spooled(self) -> bool:
        return self._file is not None

    def append(self, record: dict[str, Any]) -> None:
        if self._file is None:
            self._records.append(record)
            return
        line = json.dumps(record, ensure_ascii=False).encode("utf-8") + b"\n"
        try:
            self._file.write(line)
        except OSError as error:
            raise write_error("the report's frames in", self._dir or "", error) from None
        self._count += 1
        self._size += len(line)
        self._offsets = None

    def __len__(self) -> int:
        return self._count if self._file is not None else len(self._records)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        if self._file is None:
            return iter(self._records)
        return (json.loads(line) for line in self._lines())

    def __getitem__(self, index: int) -> dict[str, Any]:
        if self._file is None:
            return self._records[index]
        n = self._count
        if not -n <= index < n:
            raise IndexError(f"frame {index} of {n}")
        index %= n
        if self._offsets is None:
            self._offsets = array("q", [0])
            for line in self._lines():
                self._offsets.append(self._offsets[-1] + len(line))
        start, end = self._offsets[index], self._offsets[index + 1]
        return dict(json.loads(os.pread(self._file.fileno(), end - start, start)))

    def json_lines(self) -> Iterator[str]:
        """Each record as `json.dumps` (``ensure_ascii=False``) writes it, without reparsing."""
        if self._file is None:
            return (json.dumps(record, ensure_ascii=False) for record in self._records)
        return (line.decode("utf-8").rstrip("\n") for line in self._lines())

    def _lines(self) -> Iterator[bytes]:
        """The spooled lines written so far, newline included, read in blocks."""
        assert self._file is not None
        self._file.flush()
        fd, end, offset, rest = self._file.fileno(), self._size, 0, b""
        while offset < end:
            block = os.pread(fd, min(self._BLOCK, end - offset), offset)
            if not block:
                break
            offset += len(block)
            *lines, rest = (rest + block).split(b"\n")
            yield from (line + b"\n" for line in lines)

    def close(self) -> None:
        """Delete the spool (a log in memory is kept)."""
        if self._file is not None:
            self._file.close()


@dataclass
class Report:
    """Accumulates one session's per-frame results.

    Attributes:
        source: the input (file path or camera index) as the user named it.
        model: name of the pose model.
        lang: language of the messages in the frames.
        frames: per-frame result dicts, in order (`FrameLog`; spooled to disk for live).
        hold: the hold timer's state after the last frame (totals per side).
        extra: more summary entries (e.g. live latency figures).
    """

    source: str
    model: str | None = None
    lang: Lang = "en"
    frames: FrameLog = field(default_factory=FrameLog)
    hold: HoldState | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    checks: dict[str, CheckResult] = field(default_factory=dict)
    max_transition_s: float = 4.0  # `posecheck.config.Settings.max_transition_s`
    min_exercise_s: float = 2.0  # `posecheck.config.Settings.min_exercise_s`
    started_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    media: Any = None  # `posecheck.report_html.Media`: the annotated video and key frames

    def add(self, assessment: Assessment, time_s: float, hold: HoldState | None = None) -> None:
        """Record one frame: its result in the photo result format (`Assessment.to_dict` with
        ``source``, ``model`` and ``time_s``, messages in the report's language) and the hold.

        The typed results stay at hand too (`checks`: the latest per check id), so the plots
        read each check's unit and threshold as numbers."""
        for check in assessment.checks:
            self.checks[check.id] = check
        record = assessment.to_dict(
            self.lang,
            source=self.source,
            model=self.model,
            time_s=round(time_s, 3),
        )
        if hold is not None:
            record["hold"] = {
                "current_s": round(hold.current_s, 2),
                "side": hold.side,
                "in_form": hold.in_form,
            }
            self.hold = hold
        self.frames.append(record)

    # ------------------------------------------------------------------ summary

    def summary(self, complete: bool, ended: str | None = None) -> dict[str, Any]:
        """What the session showed; ``complete`` is False when it was cut short.

        One pass over the frames, one at a time: the times, people, and runs of exercises
        with their checks' counts (`CheckCounts`), which the segments then add up."""
        times: array[float] = array("d")
        with_person = 0
        runs: list[Segment] = []
        for frame in self.frames:
            if isinstance(frame.get("time_s"), (int, float)):
                times.append(frame["time_s"])
            with_person += bool(frame.get("person_found"))
            _extend_runs(runs, frame)
        step = statistics.median(b - a for a, b in itertools.pairwise(times)) if len(times) > 1 else 0.0
        duration = (times[-1] - times[0] + step) if times else 0.0
        segments = mark_transitions(_segments(runs), self.max_transition_s, self.min_exercise_s)
        # Movement between poses is no exercise: left out of the percentages.
        overall = CheckCounts.merged(seg.counts for seg in segments if not seg.transition)
        data: dict[str, Any] = {
            "source": self.source,
            "model": self.model,
            "complete": bool(complete),
            "ended": ended or ("end_of_input" if complete else "interrupted"),
            "frames": len(self.frames),
            "frames_with_person": with_person,
            "start_s": round(times[0], 3) if times else None,
            "end_s": round(times[-1], 3) if times else None,
            "duration_s": round(duration, 3),
            "started_at": self.started_at.isoformat(timespec="seconds"),
            "segments": [seg.to_dict() for seg in segments],
            "checks": overall.shares(),
            "holds": _hold_summary(self.hold),
        }
        data.update(self.extra)
        return data

    # ------------------------------------------------------------------ writers

    def write(self, path: str | Path, *, complete: bool, ended: str | None = None) -> Path:
        """Write the report in the format named by ``path``'s suffix, atomically."""
        out = Path(path)
        suffix = out.suffix.lower()
        if suffix not in REPORT_SUFFIXES:
            raise UsageError(f"report {out}: unknown format {suffix!r}; use .json, .csv or .html")
        if suffix == ".html":
            atomic_write_text(out, self.to_html(self.summary(complete, ended), out), what="report")
        else:  # written as the frames are read, never whole in memory
            with atomic_open(out, "w", what="report", encoding="utf-8", newline="") as stream:
                if suffix == ".json":
                    self._write_json(stream, self.summary(complete, ended))
                else:
                    self._write_csv(stream, complete)
        log.info("report written to %s (%d frames, complete=%s)", out, len(self.frames), complete)
        return out

    def _write_json(self, stream: IO[str], summary: dict[str, Any]) -> None:
        """``{"summary": ..., "frames": [...]}`` exactly as one `json.dumps` of it (no indent:
        json's C encoder only runs without it), one frame at a time."""
        stream.write(json.dumps({"summary": summary}, ensure_ascii=False)[:-1] + ', "frames": [')
        for i, line in enumerate(self.frames.json_lines()):
            stream.write(f", {line}" if i else line)
        stream.write("]}")

    def check_ids(self) -> list[str]:
        """Every check id seen, in order of first appearance."""
        return list(self._check_ids()[0])

    def _check_ids(self) -> tuple[dict[str, None], set[str]]:
        """Every check id seen, in order of first appearance, and those with a level."""
        seen: dict[str, None] = {}
        graded: set[str] = set()
        for frame in self.frames:
            for check in frame.get("checks", ()):
                seen.setdefault(check["id"], None)
                if check.get("level"):
                    graded.add(check["id"])
        return seen, graded

    def to_csv(self, complete: bool = True) -> str:
        """One row per frame: time, labels, hold, and status/value per check.

        ``complete`` repeats on every row (a CSV has no summary): false when the run was
        interrupted or the input broke off, so the rows cover only part of it.
        """
        buffer = io.StringIO()
        self._write_csv(buffer, complete)
        return buffer.getvalue()

    def _write_csv(self, stream: IO[str], complete: bool) -> None:
        seen, graded = self._check_ids()
        ids = list(seen)
        # Informative checks always "pass"; their level (easier/harder) is what they tell.
        header = [
            "time_s",
            "person_found",
            "exercise",
            "front_side",
            "view",
            "hold_s",
            "hold_side",
            "in_form",
        ]
        for check_id in ids:
            header += [f"{check_id}.status", f"{check_id}.value"]
            header += [f"{check_id}.level"] if check_id in graded else []
        header += ["cue", "complete"]
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(header)
        for frame in self.frames:
            hold = frame.get("hold") or {}
            checks = {c["id"]: c for c in frame.get("checks", ())}
            row: list[Any] = [
                frame.get("time_s"),
                frame.get("person_found"),
                frame.get("exercise") or "",
                frame.get("front_side") or "",
                frame.get("view") or "",
                hold.get("current_s", ""),
                hold.get("side") or "",
                hold.get("in_form", ""),
            ]
            for check_id in ids:
                check = checks.get(check_id)
                value = None if check is None else check.get("value")
                row += ["" if check is None else check["status"], "" if value is None else value]
                row += [(check or {}).get("level") or ""] if check_id in graded else []
            row += [frame.get("cue") or "", complete]
            writer.writerow(row)

    def to_html(self, summary: dict[str, Any], page: Path | None = None) -> str:
        """The page for a patient (`posecheck.report_html`); ``page``: where it is written."""
        from posecheck.report_html import render

        return render(self, summary, page)

    def close(self) -> None:
        """Let go of the frames' spool (`FrameLog.close`); write and summarise before."""
        self.frames.close()


class ReportFile:
    """Writes a `Report` to one path, at the end and periodically during a session.

    Args:
        path: target file; its suffix picks the format.
        interval_s: minimum time between periodic writes.  The effective interval also
            grows with the time a write takes (at most ~5 % of the session spent writing),
            so a long session with an HTML report does not slow the pipeline down.
    """

    def __init__(self, path: str | Path, interval_s: float = 30.0) -> None:
        self.path = check_report_path(path)
        self.interval_s = float(interval_s)
        self._last = time.monotonic()
        self._cost = 0.0

    def maybe_flush(self, report: Report) -> bool:
        """Write a provisional (``complete: false``) report if one is due."""
        now = time.monotonic()
        if now - self._last < max(self.interval_s, 20.0 * self._cost):
            return False
        self.write(report, complete=False, ended="running")
        return True

    def write(self, report: Report, *, complete: bool, ended: str | None = None) -> Path:
        start = time.monotonic()
        out = report.write(self.path, complete=complete, ended=ended)
        self._last = time.monotonic()
        self._cost = self._last - start
        return out


# ---------------------------------------------------------------------- summary parts


class CheckCounts:
    """Per check id, fed frame by frame: frames judged, how many passed/failed/were unknown,
    the finite values (for the median; 8 bytes each) and the levels of informative checks."""

    def __init__(self) -> None:
        self.counts: dict[str, dict[str, int]] = {}
        self.values: dict[str, array[float]] = {}
        self.levels: dict[str, Counter[str]] = {}

    def add(self, frame: dict[str, Any]) -> None:
        for check in frame.get("checks", ()):
            entry = self.counts.setdefault(check["id"], dict.fromkeys(STATUSES, 0))
            entry[check["status"]] = entry.get(check["status"], 0) + 1
            value = check.get("value")
            if isinstance(value, (int, float)) and math.isfinite(value):
                self.values.setdefault(check["id"], array("d")).append(float(value))
            if check.get("level"):
                self.levels.setdefault(check["id"], Counter())[check["level"]] += 1

    @classmethod
    def merged(cls, parts: Iterable[CheckCounts]) -> CheckCounts:
        """The counts of ``parts`` together (check ids in order of first appearance)."""
        out = cls()
        for part in parts:
            for check_id, entry in part.counts.items():
                mine = out.counts.setdefault(check_id, dict.fromkeys(STATUSES, 0))
                for status, n in entry.items():
                    mine[status] = mine.get(status, 0) + n
            for check_id, values in part.values.items():
                out.values.setdefault(check_id, array("d")).extend(values)
            for check_id, levels in part.levels.items():
                out.levels.setdefault(check_id, Counter()).update(levels)
        return out

    def shares(self) -> dict[str, dict[str, Any]]:
        """Per check id: frames judged and the share of them that passed/failed/were unknown."""
        shares: dict[str, dict[str, Any]] = {}
        for check_id, entry in self.counts.items():
            total = sum(entry.values())
            shares[check_id] = {"frames": total} | {s: round(entry[s] / total, 4) for s in STATUSES}
            if check_id in self.values:
                shares[check_id]["median_value"] = round(statistics.median(self.values[check_id]), 3)
            if check_id in self.levels:  # an informative check (hand_position): which variant, how often
                graded = self.levels[check_id]
                shares[check_id]["levels"] = {
                    level: round(n / total, 4) for level, n in sorted(graded.items())
                }
        return shares


@dataclass
class Segment:
    """A run of ``count`` frames with the same (steady) exercise and front side; the
    segments of a report follow each other without a gap.

    Its frames include the short blips folded into it (`_segments`; ``parts``: the runs it is
    made of); its check shares (`counts`) count only the frames of its own exercise, so a
    second of a transition pose adds no checks of another exercise to the block.
    """

    exercise: str | None
    front_side: str | None
    start_s: float
    end_s: float
    count: int = 0
    transition: bool = False
    counts: CheckCounts = field(default_factory=CheckCounts, repr=False)
    parts: list[Segment] = field(default_factory=list, repr=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "exercise": self.exercise,
            "front_side": self.front_side,
            "start_s": round(self.start_s, 3),
            "end_s": round(self.end_s, 3),
            "frames": self.count,
            "transition": self.transition,
            "checks": {} if self.transition else self.counts.shares(),
        }


def mark_transitions(
    segments: list[Segment], max_transition_s: float, min_exercise_s: float = 2.0
) -> list[Segment]:
    """Mark the movement between poses: a standing segment (an exercise of the standing kind
    that is no stretch, `exercises.is_standing`) of at most ``max_transition_s``
    next to a stretch (an exercise declared `Exercise.stretch`: getting into or out of it,
    walking to the mat), a stretch shorter than ``min_exercise_s`` between other segments
    (passing through its pose), and any segment with no known exercise.  Reports show them as
    transitions and leave them out of the shares."""
    for i, segment in enumerate(segments):
        neighbours = segments[max(0, i - 1) : i] + segments[i + 1 : i + 2]
        length = segment.end_s - segment.start_s
        short_standing = (
            is_standing(segment.exercise)
            and length <= max_transition_s
            and any(is_stretch(n.exercise) for n in neighbours)
        )
        passing = is_stretch(segment.exercise) and length < min_exercise_s and len(neighbours) == 2
        segment.transition = segment.exercise is None or short_standing or passing
    return segments


MIN_SEGMENT_S = 1.0


def _extend_runs(runs: list[Segment], frame: dict[str, Any]) -> None:
    """Add the next frame to the last run of ``runs`` or start a new one (same exercise and
    front side)."""
    key = (frame.get("exercise"), frame.get("front_side"))
    t = float(frame.get("time_s") or 0.0)
    if not runs or (runs[-1].exercise, runs[-1].front_side) != key:
        runs.append(Segment(key[0], key[1], t, t))
    runs[-1].end_s = t
    runs[-1].count += 1
    runs[-1].counts.add(frame)


def _segments(runs: list[Segment], min_segment_s: float = MIN_SEGMENT_S) -> list[Segment]:
    """Runs of the same exercise and front side (`_extend_runs`); a run shorter than
    ``min_segment_s`` (a frame or two without a person, the labels settling at the start) is
    folded into its neighbour so a physiotherapist sees the exercise blocks, not the blips."""
    merged: list[Segment] = []
    for run in runs:
        short = run.end_s - run.start_s < min_segment_s
        same = bool(merged) and (merged[-1].exercise, merged[-1].front_side) == (run.exercise, run.front_side)
        if merged and (short or same):
            merged[-1].count += run.count
            merged[-1].end_s = run.end_s
            merged[-1].parts.append(run)
        elif len(merged) == 1 and merged[0].end_s - merged[0].start_s < min_segment_s:
            run.count += merged[0].count  # a short first run joins the next one
            run.start_s = merged[0].start_s
            run.parts = [*merged[0].parts, run]
            merged[0] = run
        else:
            run.parts = [run]
            merged.append(run)
    for segment in merged:  # a folded blip of another exercise is not judged
        segment.counts = CheckCounts.merged(p.counts for p in segment.parts if p.exercise == segment.exercise)
    return merged


def _hold_summary(hold: HoldState | None) -> dict[str, Any]:
    if hold is None:
        return {}
    data = hold.to_dict()
    return {"target_s": data["target_s"], **data["sides"]}
