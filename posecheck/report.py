"""Session reports: per-frame results gathered over a video or live session, a summary,
and writers for JSON, CSV and a self-contained HTML page with plots.

The per-frame records are the photo result format (`Assessment.to_dict` with ``source``,
``model`` and ``time_s``) plus a compact ``hold`` entry, so every consumer reads one format.

Why atomic writes: a report is rewritten periodically during long sessions and once
more at the end (also after Ctrl-C).  Each write goes to a temporary file in the same
directory and is renamed over the target, so a reader or an interrupted run never sees
half a file: there is always either the previous complete report or the new one.

matplotlib is imported only when an HTML report is written.
"""

from __future__ import annotations

import base64
import csv
import html
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
from posecheck.messages import text
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
    lang: str = "en"
    frames: list[dict[str, Any]] = field(default_factory=list)
    hold: HoldState | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    checks: dict[str, CheckResult] = field(default_factory=dict)
    max_transition_s: float = 4.0  # `posecheck.config.Settings.max_transition_s`
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
            self.lang,  # type: ignore[arg-type]
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
        segments = mark_transitions(_segments(self.frames), self.max_transition_s)
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
            payload = self.to_html(summary)
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

    def to_html(self, summary: dict[str, Any]) -> str:
        """One self-contained page: summary tables and PNG plots embedded as base64."""
        return _render_html(self, summary)


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


def mark_transitions(segments: list[Segment], max_transition_s: float) -> list[Segment]:
    """Mark the movement between poses: a standing segment of at most ``max_transition_s``
    next to a stretch (getting into or out of it, walking to the mat) and any segment with
    no known exercise.  Reports show them as transitions and leave them out of the shares."""
    for i, segment in enumerate(segments):
        neighbours = segments[max(0, i - 1) : i] + segments[i + 1 : i + 2]
        short_standing = (
            segment.exercise == "standing_posture"
            and segment.end_s - segment.start_s <= max_transition_s
            and any(n.exercise in STRETCHES for n in neighbours)
        )
        segment.transition = segment.exercise is None or short_standing
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


# ---------------------------------------------------------------------- HTML

_CSS = """
body{font-family:system-ui,sans-serif;margin:2em auto;max-width:1100px;color:#222}
h1{font-size:1.6em}h2{margin-top:1.6em;border-bottom:1px solid #ccc}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:.25em .6em;text-align:left}
th{background:#f2f2f2}td.num{text-align:right}td{white-space:nowrap}.pass{color:#17803d}.fail{color:#c0392b}.unknown{color:#777}
img{max-width:100%;display:block;margin:.5em 0}
"""


def _plot_png(figure: Any) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=90, bbox_inches="tight")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _plots(report: Report) -> list[tuple[str, str]]:
    """(title, base64 PNG) of the measured values per check and the hold timeline."""
    import matplotlib  # heavy: only HTML reports need it

    matplotlib.use("Agg", force=True)
    from matplotlib.figure import Figure

    lang = report.lang
    series: dict[str, list[tuple[Any, float, str]]] = {}
    for frame in report.frames:
        t = frame.get("time_s")
        for check in frame.get("checks", ()):
            value = check.get("value")
            series.setdefault(check["id"], []).append(
                (t, math.nan if value is None else value, check["status"])
            )
    ids = [
        i for i, points in series.items() if i in report.checks and any(math.isfinite(p[1]) for p in points)
    ]
    plots: list[tuple[str, str]] = []
    colours = {"pass": "#17803d", "fail": "#c0392b", "unknown": "#999999"}
    if ids:
        figure = Figure(figsize=(11, 2.2 * len(ids)))
        axes = figure.subplots(len(ids), 1, sharex=True, squeeze=False)[:, 0]
        for axis, check_id in zip(axes, ids, strict=True):
            points, check = series[check_id], report.checks[check_id]
            ts = [p[0] for p in points]
            vs = [p[1] for p in points]
            axis.plot(ts, vs, color="#555", linewidth=1)
            for status, colour in colours.items():
                sel = [(t, v) for t, v, s in points if s == status and math.isfinite(v)]
                if sel:
                    axis.scatter(*zip(*sel, strict=True), s=6, color=colour, label=status, zorder=3)
            for line in check.threshold.lines():
                axis.axhline(line, color="#1f5fbf", linestyle="--", linewidth=1.2)
            axis.set_ylabel("°" if check.unit == "deg" else check.unit)
            axis.set_title(f"{text(check_id, lang)} ({check_id}): pass if {check.limit}", fontsize=10)
            axis.grid(alpha=0.3)
            axis.legend(loc="upper right", fontsize=8)
        axes[-1].set_xlabel("time (s)")
        figure.tight_layout()
        plots.append(("Measured values over time (dashed: pass thresholds)", _plot_png(figure)))

    holds = [(f.get("time_s"), f["hold"]) for f in report.frames if f.get("hold")]
    if holds:
        figure = Figure(figsize=(11, 2.6))
        axis = figure.subplots()
        for side, colour in (("left", "#1f77b4"), ("right", "#ff7f0e"), (None, "#7f7f7f")):
            pts = [(t, h["current_s"] if h["side"] == side else math.nan) for t, h in holds]
            if any(math.isfinite(v) for _, v in pts):
                axis.plot(*zip(*pts, strict=True), color=colour, label=f"hold ({side or 'no side'})")
        top = max([1.0, *(h["current_s"] for _, h in holds)])
        axis.fill_between(
            [t for t, _ in holds],
            0,
            [top if h["in_form"] else 0.0 for _, h in holds],
            step="post",
            color="#17803d",
            alpha=0.12,
            label="all checks pass",
        )
        if report.hold is not None:
            axis.axhline(report.hold.target_s, color="#1f5fbf", linestyle="--", linewidth=1, label="target")
        axis.set_xlabel("time (s)")
        axis.set_ylabel("seconds held")
        axis.set_title("Hold timeline", fontsize=10)
        axis.grid(alpha=0.3)
        axis.legend(loc="upper left", fontsize=8)
        figure.tight_layout()
        plots.append(("Hold timeline", _plot_png(figure)))
    return plots


def _table(headers: list[str], rows: list[list[Any]]) -> str:
    def cell(value: Any) -> str:
        if isinstance(value, float):
            return f'<td class="num">{value:.3g}</td>'
        if value in STATUSES:
            return f'<td class="{value}">{html.escape(str(value))}</td>'
        return f"<td>{html.escape('' if value is None else str(value))}</td>"

    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(cell(v) for v in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _pct(share: float) -> str:
    return f"{100 * share:.1f} %"


def _render_html(report: Report, summary: dict[str, Any]) -> str:
    lang = report.lang
    overview = [
        ["source", summary["source"]],
        ["model", summary["model"]],
        ["complete", "yes" if summary["complete"] else f"no ({summary['ended']})"],
        ["frames", summary["frames"]],
        ["frames with a person", summary["frames_with_person"]],
        ["duration", f"{summary['duration_s']:.1f} s"],
    ]
    overview += [[key, json.dumps(value)] for key, value in report.extra.items()]
    segments = [
        [
            text(s["exercise"], lang) if s["exercise"] else "-",
            text(s["front_side"], lang) if s["front_side"] else "-",
            f"{s['start_s']:.1f}",
            f"{s['end_s']:.1f}",
            s["frames"],
        ]
        for s in summary["segments"]
    ]
    checks = [
        [
            ", ".join(part for part in (row[0], row[1], f"{row[2]}-{row[3]} s") if part != "-"),
            text(check_id, lang),
            check_id,
            c["frames"],
            _pct(c["pass"]),
            _pct(c["fail"]),
            _pct(c["unknown"]),
            c.get("median_value"),
            ", ".join(f"{text(level, lang)} {_pct(share)}" for level, share in c.get("levels", {}).items()),
        ]
        for row, segment in zip(segments, summary["segments"], strict=True)
        for check_id, c in segment["checks"].items()
    ]
    holds = summary["holds"]
    hold_rows = [
        [text(side, lang) if side in ("left", "right") else side, v["longest_s"], v["total_s"], v["holds"]]
        for side, v in holds.items()
        if isinstance(v, dict)
    ]
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{html.escape(lang)}"><head><meta charset="utf-8">',
        f"<title>posecheck report: {html.escape(str(summary['source']))}</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>posecheck report: {html.escape(str(summary['source']))}</h1>",
        '<h2>Overview</h2><div id="overview">',
        _table(["item", "value"], overview),
        '</div><h2>Segments</h2><div id="segments">',
        _table(["exercise", "front leg", "from (s)", "to (s)", "frames"], segments),
        '</div><h2>Checks</h2><div id="checks">',
        _table(
            ["segment", "check", "id", "frames", "pass", "fail", "unknown", "median value", "variant"], checks
        ),
        '</div><h2>Holds in correct form</h2><div id="holds">',
        f"<p>target: {holds.get('target_s', '-')} s</p>" if holds else "<p>no hold data</p>",
        _table(["side", "longest (s)", "total (s)", "holds"], hold_rows) if hold_rows else "",
        '</div><h2>Plots</h2><div id="plots">',
    ]
    for title, png in _plots(report):
        parts.append(f"<h3>{html.escape(title)}</h3>")
        parts.append(f'<img class="plot" alt="{html.escape(title)}" src="data:image/png;base64,{png}">')
    parts.append("</div></body></html>")
    return "\n".join(parts)
