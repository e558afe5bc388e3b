"""``posecheck photo IMG [IMG ...]``: the snapshot check on photos (or one webcam snapshot).

Per image: the recognised exercise, front leg, camera view and every check with status,
value and cue, as text or as one JSON object per line (``--json``).  An image without a
person is a normal result (exit 0); an unreadable image is reported on stderr in one line,
the other images are still processed, and the exit code is 1.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import sys
import time
from pathlib import Path
from typing import Any

from posecheck.commands.common import add_common_arguments
from posecheck.errors import InputError, PosecheckError, UsageError
from posecheck.exercises import EXERCISES
from posecheck.messages import Lang, text
from posecheck.results import Assessment

logger = logging.getLogger(__name__)
STATUS_MARK = {"pass": "ok  ", "fail": "FAIL", "unknown": "?   "}
MIN_OVERLAY_SHORT_SIDE_PX = 480  # -o: smaller photos are enlarged to this before drawing


def add_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "photo",
        help="check the pose in photos (or a webcam snapshot)",
        description=(
            f"Recognise the exercise ({', '.join(text(e.id) for e in EXERCISES.values())}), the front leg "
            "and the camera view in each photo and check the form."
        ),
    )
    parser.add_argument("images", metavar="IMG", nargs="*", help="image files (JPEG, PNG, ...)")
    parser.add_argument("--camera", metavar="N", type=int, help="take one snapshot from camera N instead")
    parser.add_argument(
        "--countdown",
        metavar="S",
        type=float,
        default=3.0,
        help="seconds before the camera snapshot, counted down aloud (default 3)",
    )
    parser.add_argument(
        "--no-voice",
        dest="voice",
        action="store_false",
        help="do not count the snapshot down aloud (it is, where an audio device exists)",
    )
    parser.add_argument(
        "-o", "--output", metavar="OUT.jpg", help="write the annotated image (with several images: a folder)"
    )
    parser.add_argument("--json", action="store_true", help="one JSON object per image per line")
    add_common_arguments(parser)
    parser.set_defaults(run=run)


def format_text(assessment: Assessment, source: str, lang: Lang) -> str:
    """A short human-readable report of one image."""
    lines = [source]
    if not assessment.person_found:
        lines.append(f"  {text('no_person', lang)}")
        return "\n".join(lines)
    # "No known exercise recognised" is a sentence; here it heads a list.
    exercise = (
        text(assessment.exercise, lang) if assessment.exercise else text("no_exercise", lang).rstrip(".")
    )
    details = [exercise]
    if assessment.front_side:
        details.append(f"{text('front_leg', lang)}: {text(assessment.front_side, lang)}")
    if assessment.view:
        details.append(text(f"{assessment.view}_view", lang))
    lines.append("  " + ", ".join(details))
    for check in assessment.checks:
        data = check.to_dict(lang)
        value = "" if data["value"] is None else f"{data['value']:.2f} {check.unit}"
        level = f" [{check.level}]" if check.level else ""
        lines.append(
            f"  {STATUS_MARK[check.status]} {text(check.id, lang):<28} {value:>12}{level}  {data['message']}"
        )
    cue = assessment.main_cue()
    if cue and (assessment.checks or cue != "no_exercise"):
        lines.append(f"  -> {text(cue, lang)}")
    return "\n".join(lines)


def _output_path(output: str | None, source: Path, count: int) -> Path | None:
    if output is None:
        return None
    out = Path(output)
    if count > 1 or out.is_dir():
        return out / f"{source.stem}_posecheck.jpg"
    return out


def _check_output(output: str | None, sources: list[str], images: list[str]) -> None:
    """Fail before any work when an output cannot be written, has an unknown image type, or
    would overwrite one of the input photos."""
    from posecheck.video import IMAGE_SUFFIXES, check_output_path

    if output is None:
        return
    for source in sources:
        out = _output_path(output, Path(source), len(sources)) or Path(output)
        if out.suffix.lower() not in IMAGE_SUFFIXES:
            raise UsageError(
                f"output {out}: unsupported image type {out.suffix or '(none)'!r}; use .jpg or .png"
            )
        check_output_path(out, inputs=images, what="image")


def _snapshot(camera: int | str, countdown_s: float, voice: Any = None) -> Any:
    """The last frame after ``countdown_s`` seconds (the camera's exposure settles meanwhile);
    ``voice`` (`posecheck.audio.Voice`) counts the seconds down aloud."""
    from posecheck.video import open_source
    from posecheck.voice import Utterance

    deadline = time.monotonic() + max(countdown_s, 0.0)
    last = None
    said = 0
    try:
        with open_source(camera, realtime=True) as source:  # InputError when it cannot be opened
            for frame in source:
                last = frame
                remaining = deadline - time.monotonic()
                t = frame.timestamp_s
                if remaining <= 0:
                    if voice is not None:
                        voice.say([Utterance("voice.snapshot", t, "countdown")], t)
                    break
                if voice is not None and (said == 0 or math.ceil(remaining) < said):
                    said = math.ceil(remaining)
                    voice.say([Utterance("voice.count", t, "countdown", (("n", said),))], t)
                print(f"\rsnapshot in {remaining:4.1f} s ", end="", file=sys.stderr)
    finally:
        print(file=sys.stderr)
        if voice is not None:
            voice.close()  # the last word is heard before the analysis starts
    if last is None:
        raise InputError(f"camera {camera} gave no picture: check it is connected and not used elsewhere")
    return last.image


def _countdown_voice(args: argparse.Namespace, settings: Any) -> Any:
    from posecheck.audio import open_voice

    return open_voice(args.lang, settings, speak=args.voice, audio_out=None, realtime=True)


def run(args: argparse.Namespace) -> int:
    from posecheck.config import load_settings
    from posecheck.estimator import PoseEstimator
    from posecheck.exercises import exercise_id
    from posecheck.imageio import enlarge_to, load_image, save_image
    from posecheck.pipeline import analyse_photo

    if not args.images and args.camera is None:
        raise UsageError("give one or more images, or --camera N for a webcam snapshot")
    settings = load_settings(args.config)
    exercise = exercise_id(args.exercise)
    sources: list[str] = list(args.images) if args.images else [f"camera:{args.camera}"]
    _check_output(args.output, sources, list(args.images))
    failed = 0
    renderer = None
    with PoseEstimator(args.model, mode="image") as estimator:
        for source in sources:
            try:
                image = (
                    _snapshot(args.camera, args.countdown, _countdown_voice(args, settings))
                    if args.camera is not None
                    else load_image(source)
                )
            except InputError as error:
                print(f"posecheck: error: {error}", file=sys.stderr)
                failed += 1
                continue
            pose, assessment = analyse_photo(estimator, image, settings, exercise)
            if args.json:
                result = assessment.to_dict(args.lang, source=source, model=estimator.model_name)
                print(json.dumps(result, ensure_ascii=False), flush=True)
            else:
                print(format_text(assessment, source, args.lang), flush=True)
            out = _output_path(args.output, Path(source), len(sources))
            if out is not None:
                if renderer is None:
                    from posecheck.render import OverlayRenderer

                    renderer = OverlayRenderer(lang=args.lang, min_visibility=settings.min_visibility)
                try:
                    # A small photo is drawn on enlarged, so the panel and cue stay legible
                    # and leave the person visible (the overlay is laid out for ~640x480).
                    canvas = enlarge_to(image, MIN_OVERLAY_SHORT_SIDE_PX)
                    save_image(out, renderer.draw(canvas, pose, assessment))
                except PosecheckError as error:
                    print(f"posecheck: error: {error}", file=sys.stderr)
                    failed += 1
    return 1 if failed else 0
