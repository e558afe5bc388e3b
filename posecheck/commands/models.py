"""``posecheck models``: list the known pose models, verify them by sha256, download one on request."""

from __future__ import annotations

import argparse
import sys

from posecheck import modelstore


def add_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "models",
        help="list, verify and download pose models",
        description=(
            "List the pose models posecheck knows (lite, full, heavy), whether each is present and "
            "whether its sha256 checks out. The full model is bundled and works offline; lite and "
            "heavy are downloaded only when you ask with --download."
        ),
    )
    parser.add_argument(
        "--download",
        metavar="NAME",
        choices=list(modelstore.MODELS),
        help=f"download an official model into {modelstore.cache_dir()} ({', '.join(modelstore.MODELS)})",
    )
    parser.set_defaults(run=run)


def _size(num_bytes: int | None) -> str:
    return "-" if num_bytes is None else f"{num_bytes / 1e6:.1f} MB"


def _note(status: modelstore.ModelStatus) -> str:
    if status.info.bundled:
        return "bundled, default"
    if not status.present:
        name = status.info.name
        return f"get it with: posecheck models --download {name} (offline: python models/build_model.py --variant {name})"
    return "in the user cache"


def format_table(statuses: list[modelstore.ModelStatus]) -> str:
    """One row per model: name, present, sha256 verdict, size, path and a note."""
    rows = [("model", "present", "sha256", "size", "path")]
    notes = [""]
    for status in statuses:
        rows.append(
            (
                status.info.name,
                "yes" if status.present else "no",
                status.state if status.present else "-",
                _size(status.size_bytes),
                str(status.path),
            )
        )
        notes.append(f"  ({_note(status)})")
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row[:4], widths, strict=True))
        + "  "
        + row[4]
        + note
        for row, note in zip(rows, notes, strict=True)
    ]
    return "\n".join(line.rstrip() for line in lines)


def run(args: argparse.Namespace) -> int:
    """Download when asked, then list; exit 1 when a present model fails its sha256 check."""
    if args.download:
        path = modelstore.download(args.download)
        print(f"{args.download}: {path} (sha256 {modelstore.sha256_of(path)})")
    statuses = [modelstore.model_status(name) for name in modelstore.MODELS]
    print(format_table(statuses))
    for status in statuses:
        if status.state == "mismatch":
            hint = (
                modelstore.REBUILD_HINT
                if status.info.bundled
                else (f"run `posecheck models --download {status.info.name}` again")
            )
            print(f"posecheck: error: {status.path} fails its sha256 check; {hint}", file=sys.stderr)
    return 1 if any(status.state == "mismatch" for status in statuses) else 0
