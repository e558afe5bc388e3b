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
import sys
import time
from typing import IO, Any

from posecheck.commands.common import add_common_arguments, check_distinct_paths, finish


def add_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "video",
        help="analyse a recorded video: annotated copy and report",
        description=(
            "Analyse every frame of a video: recognise the exercise and front leg, check the form, "
            "write an annotated copy (-o) and a report with per-check pass shares, holds per side and "
            "plots (--report .json, .csv or .html)."
        ),
    )
    parser.add_argument("input", metavar="IN", help="a video file OpenCV can read")
    parser.add_argument("-o", "--output", metavar="OUT.mp4", help="write the annotated video here")
    parser.add_argument("--report", metavar="R.json|R.csv|R.html", help="write a report here")
    add_common_arguments(parser)
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.set_defaults(run=run)


class Progress:
    """A small progress bar on stderr: frames, fps, time left.  No dependency on tqdm.

    On a terminal it redraws one line (at most ``1 / interval_s`` times a second); when
    stderr is a file or pipe it prints a line every ``log_interval_s`` instead.
    """

    def __init__(
        self,
        total: int | None,
        stream: IO[str] | None = None,
        interval_s: float = 0.25,
        log_interval_s: float = 10.0,
    ) -> None:
        self.total = total
        self.stream = stream if stream is not None else sys.stderr
        self.done = 0
        self._tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self._interval = interval_s if self._tty else log_interval_s
        self._start = time.monotonic()
        self._last = 0.0
        self._drawn = False

    def line(self) -> str:
        elapsed = max(time.monotonic() - self._start, 1e-9)
        fps = self.done / elapsed
        if self.total:
            share = min(1.0, self.done / self.total)
            bar = "#" * int(share * 24)
            left = (self.total - self.done) / fps if fps > 0 else float("nan")
            eta = time.strftime("%M:%S", time.gmtime(left)) if left == left else "--:--"  # noqa: PLR0124 - NaN check
            return f"{bar:<24} {self.done}/{self.total} frames {100 * share:3.0f}% {fps:5.1f} fps {eta} left"
        return f"{self.done} frames {fps:5.1f} fps"

    def update(self, n: int = 1) -> None:
        self.done += n
        now = time.monotonic()
        if now - self._last >= self._interval:
            self._last = now
            self._write()

    def _write(self) -> None:
        if self._tty:
            self.stream.write("\r" + self.line() + "\x1b[K")
        else:
            self.stream.write(self.line() + "\n")
        self.stream.flush()
        self._drawn = True

    def close(self) -> None:
        if self._drawn or self.done:
            self._write()
            if self._tty:
                self.stream.write("\n")
            self.stream.flush()


def run(args: argparse.Namespace) -> int:
    from posecheck.config import load_settings
    from posecheck.estimator import PoseEstimator
    from posecheck.exercises import exercise_id
    from posecheck.pipeline import FrameAnalyzer, Outputs, run_video, stop_on_signals
    from posecheck.render import OverlayRenderer
    from posecheck.report import Report, ReportFile
    from posecheck.video import VideoSink, open_source

    settings = load_settings(args.config)
    exercise = exercise_id(args.exercise)
    check_distinct_paths(args.input, args.output, args.report)
    report_file = ReportFile(args.report) if args.report else None
    with stop_on_signals() as stop:
        source = open_source(args.input)
        sink = VideoSink(args.output, source.fps, inputs=[args.input]) if args.output else None
        report = Report(source=args.input, lang=args.lang)
        progress = None if args.quiet else Progress(source.frame_count)
        ended, complete = "error", False
        try:
            with PoseEstimator(model=args.model, mode="video") as estimator:
                report.model = estimator.model_name
                outputs = Outputs(
                    renderer=OverlayRenderer(args.lang) if sink is not None else None,
                    sink=sink,
                    report=report,
                    report_file=report_file,
                    lang=args.lang,
                    source_name=args.input,
                    model_name=estimator.model_name,
                    on_frame=None if progress is None else lambda _analysis: progress.update(),
                )
                analyzer = FrameAnalyzer(estimator, settings, exercise)
                result = run_video(source, analyzer, outputs, stop)
                ended, complete = result.ended, result.complete
        finally:
            if progress is not None:
                progress.close()
            if sink is not None:
                sink.close()
            source.close()
            finish(report, report_file, ended, complete)
    if ended == "interrupted":
        where = f"; the annotated video so far is in {args.output}" if args.output else ""
        print(f"posecheck: interrupted after {len(report.frames)} frames{where}", file=sys.stderr)
        return stop.exit_code
    if ended == "input_broken":
        print(
            f"posecheck: error: {args.input} broke off after {len(report.frames)} frames (damaged or "
            "truncated file); the results so far were saved",
            file=sys.stderr,
        )
        return 1
    if not args.quiet:
        _print_summary(report)
    return 0


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
