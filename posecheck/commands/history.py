"""``posecheck history [--person NAME] [--csv FILE|-] [--html FILE]``: sessions and trends.

Lists the sessions stored by ``live``, ``routine`` and ``video`` (`posecheck.history`), oldest
first, with the figures whose trend matters for a hip-flexor programme: the longest hold in
good form per front leg, the rear hip's extension, the share of time the pelvis stayed on
the floor and without a hollow back.  ``--html`` adds trend plots (matplotlib, loaded only
then).
"""

from __future__ import annotations

import argparse
import base64
import csv
import html
import io
import math
import sys
from collections.abc import Sequence
from typing import Any

from posecheck.messages import LANGS, Lang, text

# (row key, message key, kind): the columns of the table and the lines of the trend plots.
COLUMNS = (
    ("hold_left_s", "history.hold_left", "hold"),
    ("hold_right_s", "history.hold_right", "hold"),
    ("hip_extension_value", "history.hip_extension", "angle"),
    ("pelvis_on_floor_share", "history.pelvis_on_floor", "share"),
    ("hollow_back_share", "history.hollow_back", "share"),
)


def add_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "history",
        help="sessions stored so far and the trends",
        description=(
            "List the sessions stored by live, routine and video, and the trends: longest hold in good "
            "form per front leg, hip extension, pelvis on the floor, no hollow back."
        ),
    )
    parser.add_argument("--person", metavar="NAME", help="only this person's sessions")
    parser.add_argument(
        "--history", metavar="PATH", help="history database (default: in your data directory)"
    )
    parser.add_argument("--csv", metavar="FILE|-", help="write the table as CSV (- for stdout)")
    parser.add_argument("--html", metavar="FILE", help="write a page with the table and trend plots")
    parser.add_argument("--lang", choices=LANGS, default="en", help="language (default: en)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from posecheck.fileio import atomic_write_text
    from posecheck.history import History, trend_rows

    with History(args.history) as history:
        rows = trend_rows(history.sessions(args.person))
    if args.csv == "-":
        sys.stdout.write(to_csv(rows))
    elif args.csv:
        atomic_write_text(_path(args.csv), to_csv(rows), what="history CSV")
    if args.html:
        atomic_write_text(_path(args.html), to_html(rows, args.lang, args.person), what="history page")
    if args.csv != "-":
        print(to_table(rows, args.lang))
    return 0


def _path(name: str) -> Any:
    from pathlib import Path

    from posecheck.errors import OutputError

    path = Path(name)
    if not path.parent.is_dir():
        raise OutputError(f"cannot write {path}: directory {path.parent} does not exist; create it first")
    return path


def _cell(value: Any, kind: str = "") -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if kind == "share":
        return f"{100 * value:.0f} %"
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


def _headers(lang: Lang) -> list[str]:
    return [text(f"history.{k}", lang) for k in ("date", "person", "command", "exercises")] + [
        text(key, lang) for _, key, _ in COLUMNS
    ]


def _cells(row: dict[str, Any], lang: Lang) -> list[str]:
    exercises = ", ".join(text(e, lang) for e in row["exercises"].split())
    return [row["date"], row["person"] or "-", row["command"], exercises or "-"] + [
        _cell(row[key], kind) for key, _, kind in COLUMNS
    ]


def to_table(rows: Sequence[dict[str, Any]], lang: Lang = "en") -> str:
    """A plain-text table for the terminal, one line per session."""
    if not rows:
        return text("history.none", lang)
    table = [_headers(lang), *(_cells(row, lang) for row in rows)]
    widths = [max(len(line[i]) for line in table) for i in range(len(table[0]))]
    return "\n".join(
        "  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip() for line in table
    )


def to_csv(rows: Sequence[dict[str, Any]]) -> str:
    """Every figure of every session (shares 0-1, seconds, degrees), one row per session."""
    buffer = io.StringIO()
    if rows:
        writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows({k: "" if v is None else v for k, v in row.items()} for row in rows)
    return buffer.getvalue()


def trend_plot(rows: Sequence[dict[str, Any]], lang: Lang = "en") -> str | None:
    """Base64 PNG: holds per side, hip extension and the good-form shares, one point per
    session in order (labelled with its date), each line joining the sessions that have the
    figure (a press-up session has no hip extension); None when there is nothing to plot."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    from matplotlib.figure import Figure

    panels = [
        (
            kind,
            [
                (key, label)
                for key, label, k in COLUMNS
                if k == kind and any(r[key] is not None for r in rows)
            ],
        )
        for kind in ("hold", "angle", "share")
    ]
    panels = [(kind, lines) for kind, lines in panels if lines]
    if not panels:
        return None
    figure = Figure(figsize=(9, 2.4 * len(panels) + 0.6))
    axes = figure.subplots(len(panels), 1, sharex=True, squeeze=False)[:, 0]
    for axis, (kind, lines) in zip(axes, panels, strict=True):
        scale = 100.0 if kind == "share" else 1.0
        for key, label in lines:
            points = [(n, scale * r[key]) for n, r in enumerate(rows, 1) if r[key] is not None]
            axis.plot(*zip(*points, strict=True), marker="o", label=text(label, lang))
        axis.set_ylabel(text(f"history.{kind}_axis", lang))
        axis.grid(alpha=0.3)
        axis.legend(loc="best", fontsize=8)
        if kind == "share":
            axis.set_ylim(-5, 105)
        else:
            axis.set_ylim(bottom=0)
    axes[-1].set_xticks(range(1, len(rows) + 1), [r["date"].replace(" ", "\n") for r in rows], fontsize=8)
    axes[-1].set_xlim(0.5, len(rows) + 0.5)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=90)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def to_html(rows: Sequence[dict[str, Any]], lang: Lang = "en", person: str | None = None) -> str:
    """One self-contained page: the trend plot and the session table."""
    title = text("history.title", lang)
    if person:
        title += f": {person}"
    head = "".join(f"<th>{html.escape(h)}</th>" for h in _headers(lang))
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in _cells(row, lang)) + "</tr>" for row in rows
    )
    png = trend_plot(rows, lang) if rows else None
    plot = (
        f"<h2>{html.escape(text('history.trends', lang))}</h2>"
        f'<img id="trend" alt="{html.escape(text("history.trends", lang))}" src="data:image/png;base64,{png}">'
        if png
        else ""
    )
    none = "" if rows else f"<p>{html.escape(text('history.none', lang))}</p>"
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title><style>{CSS}</style></head><body>"
        f"<h1>{html.escape(title)}</h1>{plot}"
        f"<h2>{html.escape(text('history.sessions', lang))}</h2>{none}"
        f'<div class="scroll"><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'
        "</body></html>"
    )


CSS = (
    "body{font-family:system-ui,sans-serif;margin:1em auto;max-width:1100px;padding:0 1em;color:#222}"
    "img{max-width:100%}.scroll{overflow-x:auto}table{border-collapse:collapse}"
    "td,th{border-bottom:1px solid #ddd;padding:.35em .6em;text-align:left}"
)
