"""``posecheck video IN [-o OUT.mp4] [--report R.json|R.csv|R.html]``: analyse a recorded video.

Every output path is checked before any work starts (a typo in ``-o`` should not cost a
ten-minute analysis).  The annotated MP4 and the report are finalised in ``finally``
blocks, so Ctrl-C, SIGTERM or a video that breaks off leave a playable MP4 and a valid
report that says ``"complete": false``.

Only light modules are imported at module level; OpenCV, MediaPipe and matplotlib load
inside `run` (``posecheck photo`` shares the parser and must start fast).
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from posecheck.commands.common import (
    add_common_arguments,
    add_voice_arguments,
    check_distinct_paths,
    finish,
    save_history,
)
from posecheck.errors import UsageError
from posecheck.messages import Lang

log = logging.getLogger(__name__)


def add_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "video",
        help="analyse recorded videos: annotated copies and reports",
        description=(
            "Analyse every frame of a video: recognise the exercise and front leg, check the form, "
            "write an annotated copy (-o) and a report with per-check pass shares, holds per side and "
            "plots (--report .json, .csv or .html). With several videos or a directory, --out-dir OUT "
            "writes OUT/<name>.mp4, .html and .json for each and OUT/index.html and OUT/index.csv; "
            "inputs finished in an earlier run are skipped."
        ),
    )
    parser.add_argument("input", metavar="IN", nargs="+", help="video files or directories of videos")
    parser.add_argument("-o", "--output", metavar="OUT.mp4", help="write the annotated video here")
    parser.add_argument("--report", metavar="R.json|R.csv|R.html", help="write a report here")
    parser.add_argument("--out-dir", metavar="OUT", help="many videos: write every output into OUT")
    parser.add_argument(
        "--jobs", type=_positive, default=1, metavar="N", help="with --out-dir: N videos at once (default 1)"
    )
    parser.add_argument(
        "--dask",
        metavar="ADDRESS",
        help="with --out-dir: run the videos on this Dask scheduler (pip install 'posecheck[dask]')",
    )
    add_common_arguments(parser)
    add_voice_arguments(parser, live=False)
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.set_defaults(run=run)


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {number}")
    return number


@dataclass
class Outcome:
    """How one video's analysis ended: ``ended`` as in `posecheck.pipeline.RunResult`."""

    report: Any
    ended: str
    complete: bool
    exit_code: int = 0  # 128 + the signal number when a signal stopped it

    @property
    def frames(self) -> int:
        return len(self.report.frames)

    @property
    def summary(self) -> dict[str, Any]:
        return self.report.summary(self.complete, self.ended)  # type: ignore[no-any-return]


def analyse(
    input_path: str,
    *,
    output: str | None = None,
    reports: Sequence[str] = (),
    lang: Lang = "en",
    model: str = "full",
    exercise: str = "auto",
    config: str | None = None,
    extra: dict[str, Any] | None = None,
    on_start: Callable[[int | None], None] | None = None,
    on_frame: Callable[[], None] | None = None,
    audio_out: str | None = None,
    voice_track: bool = False,
) -> Outcome:
    """Analyse one video: the annotated MP4 at ``output`` and every report in ``reports``
    (the first is also rewritten periodically), finalised even when the run is cut short.

    Args:
        extra: entries added to the report summary (the batch's content hashes).
        on_start: called with the frame count (None when unknown) once the input is open.
        on_frame: called after every frame (progress).
        audio_out: write the spoken cues, at video time, as a WAV file here.
        voice_track: put the spoken cues into ``output``'s audio track.
    """
    from posecheck.config import load_settings
    from posecheck.estimator import PoseEstimator
    from posecheck.exercises import exercise_id
    from posecheck.pipeline import assemble, close_stream, open_stream, run_video, stop_on_signals
    from posecheck.report import FrameLog, Report, ReportFile

    settings = load_settings(config)
    check_distinct_paths(input_path, output, *reports, audio_out)
    report_files = [ReportFile(path) for path in reports]
    # A long video's per-frame records go to a spool beside its outputs, not into memory.
    spool = next((Path(path).parent for path in (*reports, output) if path), Path(tempfile.gettempdir()))
    with stop_on_signals() as stop:
        source, sink = open_stream(input_path, record=output, inputs=[input_path])
        try:  # after the outputs are open, so a folder that cannot be written names them
            frames = FrameLog(spool_dir=spool)
        except BaseException:
            close_stream(source, sink)
            raise
        report = Report(
            source=input_path,
            lang=lang,
            extra=dict(extra or {}),
            max_transition_s=settings.max_transition_s,
            min_exercise_s=settings.min_exercise_s,
            frames=frames,
        )
        ended, complete = "error", False
        voice: Any = None
        try:
            if on_start is not None:
                on_start(source.frame_count)
            with PoseEstimator(model=model, mode="video") as estimator:
                report.model = estimator.model_name
                analyzer, outputs = assemble(
                    estimator,
                    settings,
                    exercise_id(exercise),
                    lang=lang,
                    source_name=input_path,
                    sink=sink,
                    report=report,
                    report_file=report_files[0] if report_files else None,
                    draw=sink is not None,
                    on_frame=None if on_frame is None else lambda _analysis: on_frame(),
                )
                if audio_out or (voice_track and output):
                    from posecheck.audio import AudioTrack, Voice

                    voice = Voice(lang, settings, track=AudioTrack(), realtime=False)  # type: ignore[arg-type]
                    outputs.voice = voice
                result = run_video(source, analyzer, outputs, stop)
                ended, complete = result.ended, result.complete
        finally:
            if voice is not None:
                voice.close()
                report.extra["voice"] = voice.log.to_dict()
            close_stream(source, sink)
            if output and any(str(path).lower().endswith(".html") for path in reports):
                _add_media(report, output, complete, ended)
            for report_file in report_files:
                finish(report, report_file, ended, complete)
        if sink is not None:
            sink.raise_error()  # a write that failed only while finishing the file
        if voice is not None:
            _write_voice(voice, audio_out, output if voice_track else None)
    return Outcome(report, ended, complete, stop.exit_code if ended == "interrupted" else 0)


def _add_media(report: Any, video: str, complete: bool, ended: str) -> None:
    """The annotated video and its key frames for the HTML report (best effort: a report
    without pictures is better than none)."""
    from posecheck.keyframes import grab
    from posecheck.report_html import Media, key_moments

    report.media = Media(video=video)
    try:
        moments = key_moments(report, report.summary(complete, ended))
        report.media.frames = grab(video, {m.index for m in moments})
    except Exception:
        log.exception("could not take the key frames from %s", video)


def _write_voice(voice: Any, audio_out: str | None, video: str | None) -> None:
    """The cues as a WAV (``--audio-out``) and/or muxed into the annotated MP4 (``--voice``)."""
    import tempfile

    from posecheck.video import add_audio_track

    if audio_out:
        voice.write_wav(audio_out)
    if video:
        with tempfile.TemporaryDirectory() as folder:
            add_audio_track(video, voice.write_wav(Path(folder) / "cues.wav"))


def run(args: argparse.Namespace) -> int:
    if (args.voice or args.audio_out) and (args.out_dir is not None or len(args.input) > 1):
        raise UsageError("--voice and --audio-out go with one video (not --out-dir)")
    if args.voice and not args.output:
        raise UsageError(
            "--voice puts the cues into the annotated video: give -o OUT.mp4 (or use --audio-out)"
        )
    if args.out_dir is not None:
        return _run_many(args)
    if len(args.input) > 1 or Path(args.input[0]).is_dir():
        raise UsageError("several videos or a directory need --out-dir OUT (one output folder for all)")
    if args.jobs != 1 or args.dask:
        raise UsageError("--jobs and --dask go with --out-dir")
    input_path = args.input[0]
    bar = _FrameBar(args.quiet)
    try:
        outcome = analyse(
            input_path,
            output=args.output,
            reports=[args.report] if args.report else [],
            lang=args.lang,
            model=args.model,
            exercise=args.exercise,
            config=args.config,
            on_start=bar.start,
            on_frame=bar.update,
            audio_out=args.audio_out,
            voice_track=args.voice,
        )
    finally:
        bar.close()
    try:
        return _finish_one(args, input_path, outcome)
    finally:
        outcome.report.close()  # the frames' spool


def _finish_one(args: argparse.Namespace, input_path: str, outcome: Outcome) -> int:
    if outcome.ended == "interrupted":
        where = f"; the annotated video so far is in {args.output}" if args.output else ""
        print(f"posecheck: interrupted after {outcome.frames} frames{where}", file=sys.stderr)
        return outcome.exit_code
    stored = save_history(args, outcome.report, "video", outcome.complete)
    if outcome.ended == "input_broken":
        print(
            f"posecheck: error: {input_path} broke off after {outcome.frames} frames (damaged or "
            "truncated file); the results so far were saved",
            file=sys.stderr,
        )
        return 1
    if not args.quiet:
        _print_summary(outcome.report)
    return 0 if stored else 1


class _FrameBar:
    """The one-video progress bar (tqdm on stderr): frames, fps, time left."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.bar: Any = None

    def start(self, total: int | None) -> None:
        if not self.quiet:
            from tqdm import tqdm

            # On a terminal the bar redraws; into a file or pipe, a line every 10 s.
            tty = sys.stderr.isatty()
            self.bar = tqdm(
                total=total or None, unit="frame", dynamic_ncols=True, mininterval=0.1 if tty else 10
            )

    def update(self) -> None:
        if self.bar is not None:
            self.bar.update()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def _run_many(args: argparse.Namespace) -> int:
    """``--out-dir``: every input into OUT, an index, exit 1 if any failed."""
    from posecheck import batch

    if args.output or args.report:
        raise UsageError("with --out-dir the outputs are OUT/<name>.mp4|.html|.json; drop -o and --report")
    if args.dask and args.jobs != 1:
        raise UsageError("--jobs is for this machine; with --dask the cluster's workers decide")
    inputs = batch.expand_inputs(args.input)
    if not inputs:
        raise UsageError("no video files found in " + " ".join(args.input))
    out_dir = Path(args.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    jobs = batch.plan_jobs(
        inputs, out_dir, lang=args.lang, model=args.model, exercise=args.exercise, config=args.config
    )
    board = batch.ProgressBoard(jobs, disable=args.quiet)
    results: list[batch.JobResult] = []
    try:
        if args.dask:
            finished = batch.run_dask(jobs, args.dask, board)
        else:
            finished = batch.run_local(jobs, min(args.jobs, len(jobs)), board)
        for result in finished:
            board.done(result)
            results.append(result)
    except KeyboardInterrupt:
        board.close()
        batch.write_index(out_dir, results, args.lang)
        print(f"posecheck: interrupted after {len(results)} of {len(jobs)} videos", file=sys.stderr)
        return 130
    finally:
        board.close()
    csv_path, html_path = batch.write_index(out_dir, results, args.lang)
    history_ok = all(
        save_history(args, _Summary(r.summary), "video", r.summary.get("complete", False))
        for r in results
        if r.status == "done" and r.summary is not None
    )
    failed = [r for r in results if r.failed]
    for result in failed:
        where = "" if result.error.startswith(result.input) else f"{result.input}: "
        print(f"posecheck: error: {where}{result.error}", file=sys.stderr)
    done = sum(r.status == "done" for r in results)
    skipped = sum(r.status == "skipped" for r in results)
    if not args.quiet:
        print(
            f"{len(jobs)} videos: {done} analysed, {skipped} done earlier, {len(failed)} failed; "
            f"index: {html_path} and {csv_path}"
        )
    return 1 if failed or not history_ok else 0


@dataclass
class _Summary:
    """A finished job's summary, in the shape `save_history` reads."""

    data: dict[str, Any]

    def summary(self, complete: bool = True) -> dict[str, Any]:
        return self.data


def _print_summary(report: Any) -> None:
    """A few lines on stdout: segments and per-check pass shares."""
    from posecheck.messages import text

    summary = report.summary(complete=True)
    print(
        f"{summary['frames']} frames, {summary['duration_s']:.1f} s, person in {summary['frames_with_person']}"
    )
    for segment in summary["segments"]:
        side = f", {segment['front_side']} leg in front" if segment["front_side"] else ""
        name = text(segment["exercise"], report.lang) if segment["exercise"] else "no known exercise"
        print(f"{segment['start_s']:7.1f}-{segment['end_s']:.1f} s  {name}{side}")
        for check_id, shares in segment["checks"].items():
            # An informative check never fails: say which variant was done, how often.
            outcomes = dict(shares.get("levels") or {"pass": shares["pass"], "fail": shares["fail"]})
            outcomes["unknown"] = shares["unknown"]
            words = "  ".join(f"{outcome} {100 * share:5.1f} %" for outcome, share in outcomes.items())
            print(f"      {check_id:<24} {words}")
