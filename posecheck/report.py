"""Session reports: per-frame results gathered over a video or live session, a summary,
and writers for JSON, CSV and the self-contained HTML page for a patient (`posecheck.report_html`).

The per-frame records are the photo result format (`Assessment.to_dict` with ``source``,
``model`` and ``time_s``) plus a compact ``hold`` entry, so every consumer reads one format.

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
import statistics
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from posecheck.errors import UsageError
from posecheck.fileio import atomic_write_text, check_writable
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


@dataclass
class Report:
    """Accumulates one session's per-frame results.

    Attributes:
        source: the input (file path or camera index) as the user named it.
        model: name of the pose model.
        lang: language of the messages in the frames.
        frames: per-frame result dicts, in order.
        hold: the hold timer's state after the last frame (totals per side).
        extra: more summary entries (e.g. live latency figures).
    """

    source: str
    model: str | None = None
    lang: Lang = "en"
    frames: list[dict[str, Any]] = field(default_factory=list)
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
        """What the session showed; ``complete`` is False when it was cut short."""
        times = [f["time_s"] for f in self.frames if isinstance(f.get("time_s"), (int, float))]
        step = statistics.median(b - a for a, b in itertools.pairwise(times)) if len(times) > 1 else 0.0
        duration = (times[-1] - times[0] + step) if times else 0.0
        segments = mark_transitions(_segments(self.frames), self.max_transition_s, self.min_exercise_s)
        data: dict[str, Any] = {
            "source": self.source,
            "model": self.model,
            "complete": bool(complete),
            "ended": ended or ("end_of_input" if complete else "interrupted"),
            "frames": len(self.frames),
            "frames_with_person": sum(1 for f in self.frames if f.get("person_found")),
            "start_s": round(times[0], 3) if times else None,
            "end_s": round(times[-1], 3) if times else None,
            "duration_s": round(duration, 3),
            "started_at": self.started_at.isoformat(timespec="seconds"),
            "segments": [seg.to_dict() for seg in segments],
            # Movement between poses is no exercise: left out of the percentages.
            "checks": _check_shares(f for seg in segments if not seg.transition for f in seg.judged()),
            "holds": _hold_summary(self.hold),
        }
        data.update(self.extra)
        return data

    # ------------------------------------------------------------------ writers

    def write(self, path: str | Path, *, complete: bool, ended: str | None = None) -> Path:
        """Write the report in the format named by ``path``'s suffix, atomically."""
        out = Path(path)
        suffix = out.suffix.lower()
        summary = self.summary(complete, ended)
        if suffix == ".json":
            # No indent: json's C encoder only runs without it, and long live sessions flush
            # this file every 30 s (36,000 frames: ~1.4 s indented, a fraction compact).
            payload = json.dumps({"summary": summary, "frames": self.frames}, ensure_ascii=False)
        elif suffix == ".csv":
            payload = self.to_csv(complete)
        elif suffix == ".html":
            payload = self.to_html(summary, out)
        else:
            raise UsageError(f"report {out}: unknown format {suffix!r}; use .json, .csv or .html")
        atomic_write_text(out, payload, what="report")
        log.info("report written to %s (%d frames, complete=%s)", out, len(self.frames), complete)
        return out

    def check_ids(self) -> list[str]:
        """Every check id seen, in order of first appearance."""
        seen: dict[str, None] = {}
        for frame in self.frames:
            for check in frame.get("checks", ()):
                seen.setdefault(check["id"], None)
        return list(seen)

    def to_csv(self, complete: bool = True) -> str:
        """One row per frame: time, labels, hold, and status/value per check.

        ``complete`` repeats on every row (a CSV has no summary): false when the run was
        interrupted or the input broke off, so the rows cover only part of it.
        """
        ids = self.check_ids()
        # Informative checks always "pass"; their level (easier/harder) is what they tell.
        graded = {c["id"] for frame in self.frames for c in frame.get("checks", ()) if c.get("level")}
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
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
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
        return buffer.getvalue()

    def to_html(self, summary: dict[str, Any], page: Path | None = None) -> str:
        """The page for a patient (`posecheck.report_html`); ``page``: where it is written."""
        from posecheck.report_html import render

        return render(self, summary, page)


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


@dataclass
class Segment:
    """A run of frames with the same (steady) exercise and front side.

    Its frames include the short blips folded into it (`_segments`); its check shares count
    only the frames of its own exercise, so a second of a transition pose adds no checks of
    another exercise to the block.
    """

    exercise: str | None
    front_side: str | None
    start_s: float
    end_s: float
    frames: list[dict[str, Any]] = field(default_factory=list, repr=False)
    transition: bool = False

    def judged(self) -> list[dict[str, Any]]:
        """The frames of the segment's own exercise (a folded blip of another is not judged)."""
        return [f for f in self.frames if f.get("exercise") == self.exercise]

    def to_dict(self) -> dict[str, Any]:
        return {
            "exercise": self.exercise,
            "front_side": self.front_side,
            "start_s": round(self.start_s, 3),
            "end_s": round(self.end_s, 3),
            "frames": len(self.frames),
            "transition": self.transition,
            "checks": {} if self.transition else _check_shares(self.judged()),
        }


STRETCHES = frozenset({"kneeling_lunge", "standing_lunge", "prone_press_up"})


def mark_transitions(
    segments: list[Segment], max_transition_s: float, min_exercise_s: float = 2.0
) -> list[Segment]:
    """Mark the movement between poses: a standing segment of at most ``max_transition_s``
    next to a stretch (getting into or out of it, walking to the mat), a stretch shorter than
    ``min_exercise_s`` between other segments (passing through its pose), and any segment
    with no known exercise.  Reports show them as transitions and leave them out of the shares."""
    for i, segment in enumerate(segments):
        neighbours = segments[max(0, i - 1) : i] + segments[i + 1 : i + 2]
        length = segment.end_s - segment.start_s
        short_standing = (
            segment.exercise == "standing_posture"
            and length <= max_transition_s
            and any(n.exercise in STRETCHES for n in neighbours)
        )
        passing = segment.exercise in STRETCHES and length < min_exercise_s and len(neighbours) == 2
        segment.transition = segment.exercise is None or short_standing or passing
    return segments


MIN_SEGMENT_S = 1.0


def _runs(frames: Iterable[dict[str, Any]]) -> list[Segment]:
    runs: list[Segment] = []
    for frame in frames:
        key = (frame.get("exercise"), frame.get("front_side"))
        t = float(frame.get("time_s") or 0.0)
        if not runs or (runs[-1].exercise, runs[-1].front_side) != key:
            runs.append(Segment(key[0], key[1], t, t))
        runs[-1].end_s = t
        runs[-1].frames.append(frame)
    return runs


def _segments(frames: Iterable[dict[str, Any]], min_segment_s: float = MIN_SEGMENT_S) -> list[Segment]:
    """Runs of the same exercise and front side; a run shorter than ``min_segment_s``
    (a frame or two without a person, the labels settling at the start) is folded into
    its neighbour so a physiotherapist sees the exercise blocks, not the blips."""
    runs = _runs(frames)
    merged: list[Segment] = []
    for run in runs:
        short = run.end_s - run.start_s < min_segment_s
        same = bool(merged) and (merged[-1].exercise, merged[-1].front_side) == (run.exercise, run.front_side)
        if merged and (short or same):
            merged[-1].frames.extend(run.frames)
            merged[-1].end_s = run.end_s
        elif len(merged) == 1 and merged[0].end_s - merged[0].start_s < min_segment_s:
            run.frames[:0] = merged[0].frames  # a short first run joins the next one
            run.start_s = merged[0].start_s
            merged[0] = run
        else:
            merged.append(run)
    return merged


def _check_shares(frames: Iterable[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Per check id: frames judged and the share of them that passed/failed/were unknown."""
    counts: dict[str, dict[str, int]] = {}
    values: dict[str, list[float]] = {}
    levels: dict[str, Counter[str]] = {}
    for frame in frames:
        for check in frame.get("checks", ()):
            entry = counts.setdefault(check["id"], dict.fromkeys(STATUSES, 0))
            entry[check["status"]] = entry.get(check["status"], 0) + 1
            value = check.get("value")
            if isinstance(value, (int, float)) and math.isfinite(value):
                values.setdefault(check["id"], []).append(float(value))
            if check.get("level"):
                levels.setdefault(check["id"], Counter())[check["level"]] += 1
    shares: dict[str, dict[str, Any]] = {}
    for check_id, entry in counts.items():
        total = sum(entry.values())
        shares[check_id] = {"frames": total} | {s: round(entry[s] / total, 4) for s in STATUSES}
        if check_id in values:
            shares[check_id]["median_value"] = round(statistics.median(values[check_id]), 3)
        if check_id in levels:  # an informative check (hand_position): which variant, how often
            graded = levels[check_id]
            shares[check_id]["levels"] = {level: round(n / total, 4) for level, n in sorted(graded.items())}
    return shares


def _hold_summary(hold: HoldState | None) -> dict[str, Any]:
    if hold is None:
        return {}
    data = hold.to_dict()
    return {"target_s": data["target_s"], **data["sides"]}
