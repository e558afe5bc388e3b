"""The HTML report a physiotherapist hands to a patient (the JSON and CSV keep the data).

One self-contained page in the report's language, readable on a 1280 px screen and a phone:

* title, date, the exercises done (with the movement between them marked as such) and a
  plain-language summary per exercise and front leg ("Left leg in front: held 28 s of 30 in
  good form; the front knee went past the ankle 4 times.");
* the annotated video (`Media.video`, referenced relative to the page), with every plot and
  key frame linked to video time: a click jumps there;
* left against right; the checks by their names, what they measure, the typical value with
  its unit and when they count as good;
* key frames: for every check the best and the worst moment (the middle of the longest run
  of good, resp. failing frames, so one noisy frame is never picked), with the overlay;
* plots of the measured values over time: gaps (no person, no exercise, check not seen) are
  not bridged, the movement between exercises is shaded and left out of every percentage.

Only the standard library and matplotlib (imported when plotting); frames are grabbed from
the video elsewhere (`posecheck.keyframes`) and passed in as JPEG data.
"""

from __future__ import annotations

import base64
import html
import io
import itertools
import math
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from posecheck.exercises import is_stretch
from posecheck.messages import Lang, text
from posecheck.results import Threshold

STATUS_COLOURS = {"pass": "#17803d", "fail": "#c0392b", "unknown": "#999999"}
SIDES = ("left", "right")


@dataclass
class Media:
    """What the page shows beside the numbers.

    Attributes:
        video: the annotated MP4 (any path; the page refers to it relative to itself).
        frames: frame index -> JPEG bytes of that annotated frame (`key_moments` says which).
    """

    video: str | None = None
    frames: dict[int, bytes] = field(default_factory=dict)


@dataclass(frozen=True)
class Moment:
    """The best or worst moment of a check: frame ``index`` at ``time_s``."""

    check_id: str
    kind: str  # best, worst
    index: int
    time_s: float


# ---------------------------------------------------------------------- reading the frames


def segment_of(report: Any, summary: dict[str, Any]) -> list[int | None]:
    """For each frame, the index of its exercise segment in ``summary["segments"]``; None
    for frames of transitions, of no exercise, or of a blip of another exercise folded
    into a segment (one pass over the frames, which are in time order)."""
    segments = summary["segments"]
    out: list[int | None] = []
    k = 0
    for frame in report.frames:
        t = float(frame.get("time_s") or 0.0)
        while k < len(segments) - 1 and t > segments[k]["end_s"] + 1e-6:
            k += 1
        segment = segments[k] if segments else None
        own = (
            segment is not None
            and not segment.get("transition")
            and segment.get("exercise")
            and frame.get("exercise") == segment["exercise"]
        )
        out.append(k if own else None)
    return out


def judged_indices(report: Any, summary: dict[str, Any]) -> set[int]:
    """Frame indices inside exercise segments (transitions and no-exercise left out)."""
    return {i for i, k in enumerate(segment_of(report, summary)) if k is not None}


def _runs(statuses: Sequence[str | None], wanted: str) -> list[tuple[int, int]]:
    """(start, end) index ranges (end exclusive) of consecutive ``wanted`` statuses."""
    runs: list[tuple[int, int]] = []
    start = None
    for i, status in enumerate([*statuses, None]):
        if status == wanted and start is None:
            start = i
        elif status != wanted and start is not None:
            runs.append((start, i))
            start = None
    return runs


def _statuses(report: Any, check_id: str, judged: set[int]) -> list[str | None]:
    out: list[str | None] = []
    for i, frame in enumerate(report.frames):
        check = next((c for c in frame.get("checks", ()) if c["id"] == check_id), None)
        out.append(check["status"] if check is not None and i in judged else None)
    return out


def fail_events(statuses: Sequence[str | None]) -> int:
    """How many times a check went wrong: runs of failing frames, an unknown frame (not
    seen) inside a run does not split it (the verdicts are debounced already)."""
    events, failing = 0, False
    for status in statuses:
        if status == "fail" and not failing:
            events += 1
            failing = True
        elif status == "pass":
            failing = False
    return events


def key_moments(report: Any, summary: dict[str, Any]) -> list[Moment]:
    """For each check, the middle of its longest run of passing frames (best) and of
    failing frames (worst), inside exercise segments; informative checks (levels) and
    checks never judged are left out."""
    judged = judged_indices(report, summary)
    moments: list[Moment] = []
    for check_id in _check_ids(report, judged):
        statuses = _statuses(report, check_id, judged)
        for kind, wanted in (("best", "pass"), ("worst", "fail")):
            runs = _runs(statuses, wanted)
            if runs:
                start, end = max(runs, key=lambda r: r[1] - r[0])
                index = (start + end - 1) // 2
                moments.append(
                    Moment(check_id, kind, index, float(report.frames[index].get("time_s") or 0.0))
                )
    return moments


def _check_ids(report: Any, judged: Iterable[int]) -> list[str]:
    seen: dict[str, None] = {}
    for frame in frames_at(report, sorted(judged)):
        for check in frame.get("checks", ()):
            if not check.get("level"):
                seen.setdefault(check["id"], None)
    return list(seen)


def frames_at(report: Any, indices: Sequence[int]) -> Iterator[dict[str, Any]]:
    """The frames at ``indices`` (ascending), in one pass over the report's frames: they may
    be spooled to disk (`posecheck.report.FrameLog`), where a pass is cheap and looking up
    each index is not, and only one frame is held at a time."""
    wanted = iter(indices)
    next_index = next(wanted, None)
    for i, frame in enumerate(report.frames):
        if next_index is None:
            return
        if i == next_index:
            yield frame
            next_index = next(wanted, None)


# ---------------------------------------------------------------------- words


def _t(key: str, lang: Lang, **values: Any) -> str:
    words = text(key, lang)
    return words.format(**values) if values else words


def _cap(words: str) -> str:
    return words[:1].upper() + words[1:]


def _clock(seconds: float) -> str:
    seconds = max(0.0, seconds)
    return f"{int(seconds // 60)}:{int(seconds % 60):02d}"


def _times(n: int, lang: Lang) -> str:
    return _t("report.once", lang) if n == 1 else _t("report.times", lang, n=n)


def _number(value: float) -> str:
    return f"{value:.0f}" if abs(value) >= 10 else f"{value:.2g}" if abs(value) < 1 else f"{value:.1f}"


def unit_text(unit: str | None, lang: Lang) -> str:
    if unit == "deg":
        return "°"
    if unit == "ratio":
        return " " + _t("report.unit.ratio", lang)
    return f" {unit}" if unit else ""


def limit_text(threshold: Threshold | None, unit: str | None, lang: Lang) -> str:
    """When a check counts as good, in words: "within ±12°", "at least 10°"."""
    if threshold is None or threshold.prefix:  # an informative check tells a variant, no limit
        return ""
    value = _number(threshold.value) + ("°" if unit == "deg" else "")
    key = {"max_abs": "report.within", "max": "report.at_most", "min": "report.at_least"}[threshold.kind]
    return _t(key, lang, v=value)


def _segment_label(segment: dict[str, Any], lang: Lang) -> str:
    if segment.get("transition"):
        return _t("report.transition", lang) if segment.get("exercise") else _t("report.nothing", lang)
    name = _cap(text(segment["exercise"], lang))
    side = segment.get("front_side")
    return f"{name}, {_t(f'report.{side}_front', lang)}" if side in SIDES else name


@dataclass
class Block:
    """The frames of one exercise with one front leg, over all its segments."""

    exercise: str
    side: str | None
    indices: list[int] = field(default_factory=list)
    spans: list[tuple[float, float]] = field(default_factory=list)


def blocks(report: Any, summary: dict[str, Any]) -> list[Block]:
    """Exercise segments grouped by (exercise, front leg), in order of first appearance."""
    found: dict[tuple[str, str | None], Block] = {}
    segments = summary["segments"]
    for segment in segments:
        if not segment.get("transition") and segment.get("exercise"):
            key = (segment["exercise"], segment.get("front_side"))
            found.setdefault(key, Block(*key)).spans.append((segment["start_s"], segment["end_s"]))
    for i, k in enumerate(segment_of(report, summary)):
        if k is not None:
            found[(segments[k]["exercise"], segments[k].get("front_side"))].indices.append(i)
    return list(found.values())


def summary_sentence(report: Any, block: Block, lang: Lang) -> str:
    """ "Left leg in front: held 28 s of 30 in good form; the front knee went past the ankle 4 times." """
    name = _cap(text(block.exercise, lang))
    head = f"{name}, {_t(f'report.{block.side}_front', lang)}" if block.side in SIDES else name
    target = report.hold.target_s if report.hold is not None else None
    check_ids = _check_ids(report, block.indices)
    statuses: dict[str, list[str | None]] = {check_id: [] for check_id in check_ids}
    good = 0
    for f in frames_at(report, block.indices):
        good += bool(f.get("checks") and all(c["status"] == "pass" for c in f["checks"]))
        found: dict[str, str] = {}
        for c in f.get("checks", ()):
            found.setdefault(c["id"], c["status"])
        for check_id in check_ids:
            statuses[check_id].append(found.get(check_id))
    if is_stretch(block.exercise) and target:
        held = _longest_hold(report, block)
        first = _t("report.held", lang, held=f"{held:.0f}", target=f"{target:.0f}")
    else:
        first = _t("report.good_share", lang, share=f"{100 * good / max(1, len(block.indices)):.0f} %")
    events = []
    for check_id in check_ids:
        n = fail_events(statuses[check_id])
        if n:
            events.append(_t(f"event.{check_id}", lang, times=_times(n, lang)))
    rest = "; ".join(events) if events else _t("report.no_mistakes", lang)
    spans = ", ".join(f"{_clock(a)}–{_clock(b)}" for a, b in block.spans)
    return f"<strong>{html.escape(head)}</strong> ({spans}): {html.escape(first)}; {html.escape(rest)}."


def _block_checks(report: Any, block: Block) -> dict[str, dict[str, Any]]:
    """Per check of the block: share good of the judged frames, median value, unit, a sample result."""
    out: dict[str, dict[str, Any]] = {}
    for frame in frames_at(report, block.indices):
        for check in frame.get("checks", ()):
            entry = out.setdefault(
                check["id"], {"pass": 0, "fail": 0, "values": [], "levels": {}, "check": check}
            )
            if check.get("level"):
                entry["levels"][check["level"]] = entry["levels"].get(check["level"], 0) + 1
            if check["status"] in ("pass", "fail"):
                entry[check["status"]] += 1
                if isinstance(check.get("value"), (int, float)) and math.isfinite(check["value"]):
                    entry["values"].append(float(check["value"]))
    return out


def _good(entry: dict[str, Any]) -> str:
    judged = entry["pass"] + entry["fail"]
    return f"{100 * entry['pass'] / judged:.0f} %" if judged else "–"


def _typical(entry: dict[str, Any], lang: Lang) -> str:
    values = sorted(entry["values"])
    if not values:
        return "–"
    median = values[len(values) // 2]
    return _number(median) + unit_text(entry["check"].get("unit"), lang)


# ---------------------------------------------------------------------- plots


@dataclass(frozen=True)
class Plot:
    """A PNG with the horizontal mapping from image fraction to video time."""

    title: str
    png: str
    x0: float  # image fraction where the time axis starts
    x1: float
    t0: float
    t1: float


def _series(
    report: Any, check_id: str, judged: set[int]
) -> tuple[list[float], list[float], list[str | None]]:
    """Times, values (NaN where the check was not judged or the value is missing, so lines
    break there) and statuses of one check over every frame."""
    ts, vs, ss = [], [], []
    for i, frame in enumerate(report.frames):
        check = next((c for c in frame.get("checks", ()) if c["id"] == check_id), None)
        value = check.get("value") if check is not None and i in judged else None
        ts.append(float(frame.get("time_s") or 0.0))
        vs.append(float(value) if isinstance(value, (int, float)) and math.isfinite(value) else math.nan)
        ss.append(check["status"] if check is not None and i in judged else None)
    return ts, _break_gaps(ts, vs), ss


def _break_gaps(ts: list[float], vs: list[float]) -> list[float]:
    """NaN after a jump in time longer than 3 frame steps (dropped frames), so no line bridges it."""
    if len(ts) < 3:
        return vs
    steps = sorted(b - a for a, b in itertools.pairwise(ts))
    step = steps[len(steps) // 2] or 1.0
    out = list(vs)
    for i in range(1, len(ts)):
        if ts[i] - ts[i - 1] > 3 * step:
            out[i - 1] = math.nan
    return out


def _png(figure: Any) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=80)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def plots(report: Any, summary: dict[str, Any], lang: Lang) -> list[Plot]:
    """The measured value of each check over time, and the hold in good form."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    from matplotlib.figure import Figure

    judged = judged_indices(report, summary)
    if not report.frames:
        return []
    t_first = float(report.frames[0].get("time_s") or 0.0)
    t_last = float(report.frames[-1].get("time_s") or 0.0)
    transitions = [(s["start_s"], s["end_s"]) for s in summary["segments"] if s.get("transition")]
    ids = [
        i for i in _check_ids(report, judged) if any(math.isfinite(v) for v in _series(report, i, judged)[1])
    ]
    out: list[Plot] = []

    def frame_axes(axis: Any) -> None:
        for a, b in transitions:
            axis.axvspan(a, b, color="#bbbbbb", alpha=0.35, linewidth=0)
        axis.set_xlim(t_first, max(t_last, t_first + 1e-3))
        axis.grid(alpha=0.3)

    if ids:
        figure = Figure(figsize=(10, 1.9 * len(ids) + 0.6))
        axes = figure.subplots(len(ids), 1, sharex=True, squeeze=False)[:, 0]
        for axis, check_id in zip(axes, ids, strict=True):
            ts, vs, ss = _series(report, check_id, judged)
            frame_axes(axis)
            axis.plot(ts, vs, color="#555555", linewidth=1)
            for status in ("pass", "fail"):
                points = [
                    (t, v) for t, v, s in zip(ts, vs, ss, strict=True) if s == status and math.isfinite(v)
                ]
                if points:
                    axis.scatter(
                        *zip(*points, strict=True),
                        s=7,
                        color=STATUS_COLOURS[status],
                        zorder=3,
                        label=_t(f"report.{status}", lang),
                    )
            sample = next(c for f in report.frames for c in f.get("checks", ()) if c["id"] == check_id)
            typed = report.checks.get(check_id)
            for line in typed.threshold.lines() if typed is not None else ():
                axis.axhline(line, color="#1f5fbf", linestyle="--", linewidth=1.2)
            unit = unit_text(sample.get("unit"), lang)
            title = text(check_id, lang) + (f" ({unit.strip()})" if unit == "°" else unit)
            axis.set_title(title, fontsize=10, loc="left")
            axis.legend(loc="upper right", fontsize=8)
        axes[-1].set_xlabel(_t("report.time_axis", lang))
        figure.tight_layout()
        box = axes[-1].get_position()
        out.append(Plot(_t("report.plots", lang), _png(figure), box.x0, box.x1, t_first, t_last))

    holds = [
        (i, (float(f.get("time_s") or 0.0), f["hold"])) for i, f in enumerate(report.frames) if f.get("hold")
    ]
    if holds:
        figure = Figure(figsize=(10, 2.6))
        axis = figure.subplots()
        frame_axes(axis)
        for side, colour in (("left", "#1f77b4"), ("right", "#ff7f0e"), (None, "#7f7f7f")):
            values = [
                h["current_s"] if h["side"] == side and h["current_s"] > 0 and i in judged else math.nan
                for i, (_, h) in holds
            ]
            if any(math.isfinite(v) for v in values):
                label = _t(f"report.{side}_front", lang) if side else _t("report.hold_plot", lang)
                axis.plot(
                    [t for _, (t, _) in holds],
                    _break_gaps([t for _, (t, _) in holds], values),
                    color=colour,
                    linewidth=2,
                    label=label,
                )
        if report.hold is not None:
            axis.axhline(
                report.hold.target_s,
                color="#1f5fbf",
                linestyle="--",
                linewidth=1,
                label=_t("report.target", lang),
            )
        axis.set_xlabel(_t("report.time_axis", lang))
        axis.set_ylabel(_t("report.hold_axis", lang))
        axis.set_title(_t("report.hold_plot", lang), fontsize=10, loc="left")
        axis.legend(loc="upper left", fontsize=8)
        figure.tight_layout()
        box = axis.get_position()
        out.append(Plot(_t("report.hold_plot", lang), _png(figure), box.x0, box.x1, t_first, t_last))
    return out


# ---------------------------------------------------------------------- the page

CSS = """
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;max-width:1100px;
 padding:1em 1.2em 3em;color:#222;line-height:1.45;font-size:17px}
h1{font-size:1.7em;margin:.2em 0}h2{font-size:1.25em;margin-top:1.8em;border-bottom:1px solid #ddd;padding-bottom:.2em}
.meta{color:#555;margin:0 0 1em}
ul.exercises{padding-left:1.2em}ul.exercises li.transition{color:#777}
.summary p{background:#f4f8f4;border-left:4px solid #17803d;padding:.6em .8em;margin:.5em 0}
video{width:100%;max-height:70vh;background:#000;border-radius:6px}
.scroll{overflow-x:auto}
table{border-collapse:collapse;width:100%;margin:.5em 0}
td,th{border-bottom:1px solid #e2e2e2;padding:.4em .5em;text-align:left;vertical-align:top}
th{background:#f5f5f5;font-weight:600}td.num{text-align:right;white-space:nowrap}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(300px,1fr));gap:.8em}
.card{border:1px solid #e2e2e2;border-radius:6px;padding:.6em .8em}.card h4{margin:0 0 .3em;font-size:1.05em}
.card dl{display:grid;grid-template-columns:auto 1fr;gap:.1em .8em;margin:0}.card dt{color:#555}.card dd{margin:0}
.card .measured{margin:.4em 0 0;color:#555;font-size:.92em}
.frames{display:grid;grid-template-columns:repeat(auto-fill,minmax(240px,1fr));gap:.8em}
figure{margin:0;cursor:pointer}figure img{width:100%;border-radius:4px;display:block}
figcaption{font-size:.9em;color:#444}figcaption .best{color:#17803d}figcaption .worst{color:#c0392b}
.plot{position:relative;cursor:crosshair}.plot img{width:100%;display:block}
.cursor{position:absolute;top:0;bottom:0;width:2px;background:#1f5fbf;opacity:.6;pointer-events:none;display:none}
.hint{color:#555;font-size:.92em}details{margin-top:2em;color:#555;font-size:.9em}
@media (max-width:600px){body{font-size:16px;padding:.6em}h1{font-size:1.4em}td,th{padding:.3em}}
"""

SCRIPT = """
(() => {
  const video = document.getElementById('video');
  const jump = (t) => {
    if (!video) return;
    video.currentTime = t;
    video.scrollIntoView({behavior: 'smooth', block: 'center'});
  };
  document.querySelectorAll('.plot').forEach((box) => {
    const img = box.querySelector('img');
    const d = box.dataset;
    const cursor = box.querySelector('.cursor');
    img.addEventListener('click', (e) => {
      const r = img.getBoundingClientRect();
      const f = (e.clientX - r.left) / r.width;
      if (f < +d.x0 || f > +d.x1) return;
      jump(+d.t0 + (f - +d.x0) / (+d.x1 - +d.x0) * (+d.t1 - +d.t0));
    });
    if (video) video.addEventListener('timeupdate', () => {
      const span = +d.t1 - +d.t0;
      if (span <= 0) return;
      const f = +d.x0 + (video.currentTime - +d.t0) / span * (+d.x1 - +d.x0);
      cursor.style.left = (100 * Math.min(Math.max(f, 0), 1)) + '%';
      cursor.style.display = 'block';
    });
  });
  document.querySelectorAll('[data-t]').forEach((el) => el.addEventListener('click', () => jump(+el.dataset.t)));
})();
"""


def _table(headers: Iterable[str], rows: Iterable[Iterable[str]], numeric: Sequence[int] = ()) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="num">{html.escape(c)}</td>' if i in numeric else f"<td>{html.escape(c)}</td>"
            for i, c in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    return f'<div class="scroll"><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'


def render(report: Any, summary: dict[str, Any], page: Path | None = None) -> str:
    """The page for ``report`` (its `summary`); ``page`` is where it will be written (the
    video is referred to relative to it)."""
    lang: Lang = report.lang
    media: Media = report.media or Media()
    t0 = float(report.frames[0].get("time_s") or 0.0) if report.frames else 0.0
    found = blocks(report, summary)
    source = Path(str(summary["source"])).name
    date = summary.get("started_at", "")[:10]
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{lang}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html.escape(_t('report.title', lang))} {html.escape(date)}</title>",
        f"<style>{CSS}</style></head><body>",
        f"<h1>{html.escape(_t('report.title', lang))}</h1>",
        f'<p class="meta">{html.escape(date)} · {html.escape(source)} · {_clock(summary["duration_s"])}</p>',
    ]
    if not summary["complete"]:
        parts.append(
            f"<p><em>{html.escape(_t('report.incomplete', lang, duration=_clock(summary['duration_s'])))}</em></p>"
        )
    # exercises done
    parts.append(f'<h2>{html.escape(_t("report.exercises", lang))}</h2><ul class="exercises" id="exercises">')
    for segment in summary["segments"]:
        cls = ' class="transition"' if segment.get("transition") else ""
        parts.append(
            f'<li{cls} data-t="{segment["start_s"] - t0:.2f}">{_clock(segment["start_s"] - t0)}–'
            f"{_clock(segment['end_s'] - t0)}: {html.escape(_segment_label(segment, lang))}</li>"
        )
    parts.append("</ul>")
    # summary
    parts.append(f'<h2>{html.escape(_t("report.summary", lang))}</h2><div class="summary" id="summary">')
    parts += [f"<p>{summary_sentence(report, block, lang)}</p>" for block in found]
    if not found:
        parts.append(f"<p>{html.escape(_t('report.nothing_judged', lang))}</p>")
    parts.append("</div>")
    # video
    parts.append(f"<h2>{html.escape(_t('report.video', lang))}</h2>")
    if media.video:
        where = Path(media.video)
        if page is not None:
            where = Path(os.path.relpath(Path(media.video).resolve(), page.resolve().parent))
        parts.append(
            f'<video id="video" controls playsinline preload="metadata"{_poster(media)} '
            f'src="{html.escape(where.as_posix())}"></video>'
            f'<p class="hint">{html.escape(_t("report.video_hint", lang))}</p>'
        )
    else:
        parts.append(f'<p class="hint">{html.escape(_t("report.no_video", lang))}</p>')
    parts.append(_sides_section(report, found, lang))
    parts.append(_checks_section(report, found, lang))
    parts.append(_frames_section(report, summary, media, t0, lang))
    # plots
    found_plots = plots(report, summary, lang)
    if found_plots:
        parts.append(
            f'<h2>{html.escape(_t("report.plots", lang))}</h2><p class="hint">{html.escape(_t("report.plots_hint", lang))}</p><div id="plots">'
        )
        for plot in found_plots:
            parts.append(
                f'<div class="plot" data-x0="{plot.x0:.4f}" data-x1="{plot.x1:.4f}" data-t0="0" data-t1="{plot.t1 - plot.t0:.3f}">'
                f'<img alt="{html.escape(plot.title)}" src="data:image/png;base64,{plot.png}"><div class="cursor"></div></div>'
            )
        parts.append("</div>")
    # technical details
    details = [
        (_t("report.source", lang), str(summary["source"])),
        (_t("report.model", lang), str(summary.get("model") or "–")),
        (_t("report.frames", lang), str(summary["frames"])),
        (_t("report.person_seen", lang), f"{summary['frames_with_person']}"),
    ]
    parts.append(f"<details><summary>{html.escape(_t('report.details', lang))}</summary>")
    parts.append(_table(["", ""], [list(d) for d in details]))
    parts.append("</details>")
    parts.append(f"<script>{SCRIPT}</script></body></html>")
    return "\n".join(parts)


def _longest_hold(report: Any, block: Block) -> float:
    holds = (
        f["hold"]["current_s"]
        for f in frames_at(report, block.indices)
        if f.get("hold") and f["hold"].get("side") == block.side
    )
    return max(holds, default=0.0)


def _sides_section(report: Any, found: list[Block], lang: Lang) -> str:
    """Per exercise done with a front leg: a row per check, a column per front leg."""
    lunges = [b for b in found if b.side in SIDES]
    if not lunges:
        return ""
    parts = [f'<h2>{html.escape(_t("report.sides", lang))}</h2><div id="sides">']
    by_side = {(b.exercise, b.side): b for b in lunges}
    for exercise in dict.fromkeys(b.exercise for b in lunges):
        per_side = {side: by_side.get((exercise, side)) for side in SIDES}
        checks = {side: _block_checks(report, b) if b else {} for side, b in per_side.items()}
        ids = dict.fromkeys(
            i for side in SIDES for i, e in checks[side].items() if not e["check"].get("level")
        )
        holds = [f"{_longest_hold(report, b):.0f} s" if b else "–" for b in per_side.values()]
        rows = [[_t("report.hold_row", lang), *holds]]
        rows += [
            [text(i, lang)] + [_good(checks[s][i]) if i in checks[s] else "–" for s in SIDES] for i in ids
        ]
        headers = [_cap(text(exercise, lang))] + [_cap(_t(f"report.{side}_front", lang)) for side in SIDES]
        parts.append(_table(headers, rows, numeric=(1, 2)))
    parts.append("</div>")
    return "".join(parts)


def _checks_section(report: Any, found: list[Block], lang: Lang) -> str:
    """A card per check of every exercise and leg: its name, share good, typical value with
    unit, when it counts as good and what is measured."""
    parts = [f'<h2>{html.escape(_t("report.checks", lang))}</h2><div id="checks">']
    for block in found:
        name = _cap(text(block.exercise, lang))
        if block.side in SIDES:
            name += f", {_t(f'report.{block.side}_front', lang)}"
        parts.append(f'<h3>{html.escape(name)}</h3><div class="cards">')
        for check_id, entry in _block_checks(report, block).items():
            if entry["levels"]:  # an informative check: which variant was done, how often
                total = sum(entry["levels"].values())
                variants = ", ".join(
                    f"{text(level, lang)} {100 * n / total:.0f} %"
                    for level, n in sorted(entry["levels"].items())
                )
                parts.append(
                    f'<div class="card"><h4>{html.escape(text(check_id, lang))}</h4><p>{html.escape(variants)}</p>'
                    f'<p class="measured">{html.escape(text(f"measure.{check_id}", lang))}</p></div>'
                )
                continue
            facts = [
                (_t("report.col_good", lang), _good(entry)),
                (_t("report.col_typical", lang), _typical(entry, lang)),
                (_t("report.col_limit", lang), _limit_of(report, check_id, lang) or "–"),
            ]
            rows = "".join(f"<dt>{html.escape(k)}</dt><dd>{html.escape(v)}</dd>" for k, v in facts)
            parts.append(
                f'<div class="card"><h4>{html.escape(text(check_id, lang))}</h4><dl>{rows}</dl>'
                f'<p class="measured">{html.escape(text(f"measure.{check_id}", lang))}</p></div>'
            )
        parts.append("</div>")
    parts.append("</div>")
    return "".join(parts)


def _frames_section(report: Any, summary: dict[str, Any], media: Media, t0: float, lang: Lang) -> str:
    """The best and worst moment of each check; checks sharing a frame share one picture."""
    shared: dict[tuple[int, str], list[Moment]] = {}
    for m in key_moments(report, summary):
        if m.index in media.frames:
            shared.setdefault((m.index, m.kind), []).append(m)
    if not shared:
        return ""
    parts = [f'<h2>{html.escape(_t("report.key_frames", lang))}</h2><div class="frames" id="keyframes">']
    for (index, kind), moments in sorted(
        shared.items(), key=lambda item: (item[0][1] != "worst", item[0][0])
    ):
        names = ", ".join(text(m.check_id, lang) for m in moments)
        jpeg = base64.b64encode(media.frames[index]).decode("ascii")
        t = moments[0].time_s - t0
        caption = (
            f'<span class="{kind}">{html.escape(_cap(_t(f"report.{kind}", lang)))}</span> ({_clock(t)}): '
            f"{html.escape(names)}"
        )
        parts.append(
            f'<figure data-t="{t:.2f}"><img alt="{html.escape(names)}" src="data:image/jpeg;base64,{jpeg}">'
            f"<figcaption>{caption}</figcaption></figure>"
        )
    parts.append("</div>")
    return "".join(parts)


def _limit_of(report: Any, check_id: str, lang: Lang) -> str:
    typed = report.checks.get(check_id)
    return "" if typed is None else limit_text(typed.threshold, typed.unit, lang)


def _poster(media: Media) -> str:
    """The first key frame as the video's still before it plays (a black box says nothing)."""
    if not media.frames:
        return ""
    jpeg = base64.b64encode(media.frames[min(media.frames)]).decode("ascii")
    return f' poster="data:image/jpeg;base64,{jpeg}"'
