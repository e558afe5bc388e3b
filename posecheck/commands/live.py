"""``posecheck live``: feedback while holding a stretch in front of a webcam.

A video file works as the camera (``--camera clip.mp4``): it is played at its own frame
rate, so frames are dropped exactly as with a real camera when the model falls behind.

Window keys: q/Esc quit, space pause, s snapshot (annotated PNG + JSON), m mirror,
e cycle the exercise (auto, then each one; hold totals are kept), l switch the language,
v mute/unmute the voice, b record your own neutral (stand relaxed, sideways, for 3 s; after
that hollow_back reports the change from it; ``--baseline`` does so at the start).

Spoken cues are on where an audio device exists (``--no-voice`` turns them off);
``--audio-out FILE.wav`` writes what was said, aligned with the session's time.  Ctrl-C in
``--no-window`` ends the session normally (exit 0, complete report).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, cast, runtime_checkable

from posecheck.commands.common import (
    add_common_arguments,
    add_voice_arguments,
    check_distinct_paths,
    finish,
    save_history,
)
from posecheck.errors import PosecheckError, UsageError
from posecheck.exercises import exercise_choices
from posecheck.messages import LANGS, Lang, text

if TYPE_CHECKING:
    import threading

    import numpy as np

    from posecheck.audio import Voice
    from posecheck.config import Settings
    from posecheck.pipeline import Analysis, FrameAnalyzer, Outputs

WINDOW_TITLE = "posecheck"


class HighGui(Protocol):
    """The OpenCV highgui calls `Window` makes: the ``cv2`` module, or a stand-in in the tests."""

    WINDOW_NORMAL: int
    WINDOW_KEEPRATIO: int
    WINDOW_GUI_NORMAL: int
    WND_PROP_VISIBLE: int
    error: type[Exception]

    def namedWindow(self, winname: str, flags: int = ...) -> None: ...  # noqa: N802

    def resizeWindow(self, winname: str, width: int, height: int) -> None: ...  # noqa: N802

    def imshow(self, winname: str, mat: np.ndarray) -> None: ...

    def waitKey(self, delay: int = ...) -> int: ...  # noqa: N802

    def getWindowProperty(self, winname: str, prop_id: int) -> float: ...  # noqa: N802

    def destroyWindow(self, winname: str) -> None: ...  # noqa: N802


@runtime_checkable
class Mutable(Protocol):
    """A voice the keys can mute and switch the language of (`posecheck.audio.Voice`)."""

    lang: Lang
    muted: bool

    def toggle_mute(self) -> bool: ...


def _highgui() -> HighGui:
    import cv2

    # cv2's stub declares ``__all__ = []``, so mypy sees no names to match against the protocol;
    # tests/test_live_window.py checks that cv2 has every member.
    return cast("HighGui", cv2)


def add_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "live",
        help="live feedback from a webcam (or a video file as camera)",
        description=(
            "Show the camera with the skeleton, the checks of the exercise, the most important cue and "
            "the hold timer; speak the most important correction. Keys: q/Esc quit, space pause, "
            "s snapshot, m mirror, e next exercise, l language, v voice on/off, b record your own neutral."
        ),
    )
    add_common_arguments(parser)
    add_session_arguments(parser)
    parser.set_defaults(run=run)


def add_session_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of a session in front of a camera (``live`` and ``routine``)."""
    parser.add_argument(
        "--camera", default="0", metavar="0|PATH", help="camera index or a video file (default: 0)"
    )
    parser.add_argument("--record", metavar="OUT.mp4", help="record the annotated stream")
    parser.add_argument(
        "--report", metavar="OUT.json|.csv|.html", help="write a report when the session ends"
    )
    parser.add_argument(
        "--no-window", action="store_true", help="run without a window (end with Ctrl-C: exit 0, full report)"
    )
    parser.add_argument("--mirror", action="store_true", help="show the picture as a mirror")
    parser.add_argument(
        "--baseline",
        action="store_true",
        help="first record your own neutral: stand relaxed, sideways, for 3 s (key b does it later); "
        "hollow_back then reports the change from it",
    )
    parser.add_argument(
        "--snapshot-dir", metavar="DIR", default=".", help="where the s key saves snapshots (default: .)"
    )
    add_voice_arguments(parser, live=True)


def _status(key: str, lang: str) -> str:
    return text(f"window.{key}", lang)  # type: ignore[arg-type]


def next_exercise(current: str | None) -> str | None:
    """The ``e`` key: auto -> each exercise in turn -> auto (internal ids; None is auto)."""
    names = list(exercise_choices())
    name = "auto" if current is None else current.replace("_", "-")
    nxt = names[(names.index(name) + 1) % len(names)] if name in names else "auto"
    return None if nxt == "auto" else nxt.replace("-", "_")


def tags(analyzer: FrameAnalyzer, outputs: Outputs) -> list[str]:
    """The overlay's corner: the chosen exercise (or auto) and whether the voice speaks."""
    lang = outputs.lang
    name = text(analyzer.exercise or "auto", lang)
    words = [text("window.exercise", lang).format(name=name)]
    if isinstance(outputs.voice, Mutable):
        words.append(_status("voice_off" if outputs.voice.muted else "voice_on", lang))
    return words


class Window:
    """The OpenCV window and its keys; implements `posecheck.pipeline.LiveView`."""

    def __init__(
        self,
        analyzer: FrameAnalyzer,
        outputs: Outputs,
        snapshot_dir: Path,
        source_name: str,
        gui: HighGui | None = None,
    ) -> None:
        gui = gui if gui is not None else _highgui()  # tests pass a stand-in
        self.cv2 = gui
        self.analyzer = analyzer
        self.outputs = outputs
        self.snapshot_dir = snapshot_dir
        self.source_name = source_name
        self.paused = False
        self._last: tuple[np.ndarray, Analysis] | None = None  # (image, analysis) shown last
        self._flash: tuple[str, float] | None = None
        self._sized = False
        # GUI_NORMAL: no Qt toolbar; KEEPRATIO: resizing the window never distorts the body.
        gui.namedWindow(WINDOW_TITLE, gui.WINDOW_NORMAL | gui.WINDOW_KEEPRATIO | gui.WINDOW_GUI_NORMAL)

    def show(self, image: np.ndarray, analysis: Analysis | None) -> bool:
        if analysis is not None:
            self._last = (image, analysis)
        if analysis is not None and self._flash is not None and time.monotonic() < self._flash[1]:
            image = self.outputs.draw(analysis, status_line=self._flash[0])
        if not self._sized:
            self.cv2.resizeWindow(WINDOW_TITLE, image.shape[1], image.shape[0])
            self._sized = True
        self.cv2.imshow(WINDOW_TITLE, image)
        return self._keys(1)

    def idle(self, status_line: str | None) -> bool:
        if self.paused:
            status_line = _status("paused", self.outputs.lang)
        if status_line and self._last is not None:
            self.cv2.imshow(WINDOW_TITLE, self.outputs.draw(self._last[1], status_line=status_line))
        return self._keys(30)

    def _keys(self, wait_ms: int) -> bool:
        cv2 = self.cv2
        key = cv2.waitKey(wait_ms) & 0xFF
        if key in (ord("q"), 27):
            return False
        try:
            if cv2.getWindowProperty(WINDOW_TITLE, cv2.WND_PROP_VISIBLE) < 1:
                return False  # closed with the window manager's button
        except cv2.error:
            return False
        renderer, voice = self.outputs.renderer, self.outputs.voice
        if key == ord(" "):
            self.paused = not self.paused
        elif key == ord("s"):
            self.snapshot()
        elif key == ord("m") and renderer is not None:
            renderer.mirror = not renderer.mirror
        elif key == ord("e"):
            self.analyzer.exercise = next_exercise(self.analyzer.exercise)
        elif key == ord("l"):
            lang = LANGS[(LANGS.index(self.outputs.lang) + 1) % len(LANGS)]
            self.outputs.lang = lang
            if renderer is not None:
                renderer.lang = lang
            if isinstance(voice, Mutable):
                voice.lang = lang
        elif key == ord("v") and isinstance(voice, Mutable):
            voice.toggle_mute()
        elif key == ord("b"):
            self.analyzer.start_baseline()
        return True

    def snapshot(self) -> Path | None:
        """Save the annotated frame shown last (PNG) and its result (JSON).

        A failed write (disk full, folder gone) does not end the session: it is said in one
        line on stderr and in the window, and None is returned.
        """
        import json

        from posecheck.fileio import atomic_write_text
        from posecheck.imageio import save_image

        if self._last is None:
            return None
        image, analysis = self._last
        stem = self.snapshot_dir / time.strftime("posecheck-%Y%m%d-%H%M%S")
        result = analysis.assessment.to_dict(
            self.outputs.lang,
            source=self.source_name,
            model=self.outputs.model_name,
            time_s=round(analysis.frame.timestamp_s, 3),
        )
        try:
            save_image(stem.with_suffix(".png"), image)
            atomic_write_text(
                stem.with_suffix(".json"), json.dumps(result, ensure_ascii=False, indent=1), what="snapshot"
            )
        except PosecheckError as error:
            print(f"posecheck: error: {error}", file=sys.stderr)
            self._flash = (_status("snapshot_failed", self.outputs.lang), time.monotonic() + 3.0)
            return None
        self._flash = (f"{_status('snapshot', self.outputs.lang)}: {stem.name}.png", time.monotonic() + 1.5)
        return stem.with_suffix(".png")

    def close(self) -> None:
        try:
            self.cv2.destroyWindow(WINDOW_TITLE)
            self.cv2.waitKey(1)
        except self.cv2.error:
            pass


def _check_display() -> None:
    """Qt aborts the whole process without a display; say what to do instead."""
    if sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    ):
        raise UsageError(
            "no display to open a window on: run with --no-window, or start it from a desktop session"
        )


class SessionHooks(Protocol):
    """What a guided session (``routine``) adds to the live loop."""

    finished: bool

    def on_analysis(self, analysis: Analysis) -> Analysis: ...

    def tags(self) -> list[str]: ...

    def extra(self) -> dict[str, Any]: ...


def run(args: argparse.Namespace) -> int:
    return run_session(args, "live")


def run_session(
    args: argparse.Namespace,
    command: str,
    make_hooks: Callable[[FrameAnalyzer, Outputs, Voice | None, threading.Event, Settings], SessionHooks]
    | None = None,
) -> int:
    """A session in front of a camera: ``live``, or with ``make_hooks(analyzer, outputs,
    voice, stop, settings)`` a guided one (``routine``) that owns the voice and the overlay's
    status line and ends the session by setting ``stop`` when it is finished."""
    from posecheck.audio import open_voice
    from posecheck.config import load_settings
    from posecheck.estimator import PoseEstimator
    from posecheck.exercises import exercise_id
    from posecheck.history import SessionTally
    from posecheck.memory import release_big_buffers
    from posecheck.pipeline import assemble, close_stream, open_stream, run_live, stop_on_signals
    from posecheck.report import FrameLog, Report, ReportFile

    release_big_buffers()  # a session may last an hour: keep its memory flat
    settings = load_settings(args.config)
    exercise = exercise_id(getattr(args, "exercise", "auto"))
    is_file = not str(args.camera).strip().isdigit()
    check_distinct_paths(args.camera if is_file else None, args.record, args.report, args.audio_out)
    snapshot_dir = Path(args.snapshot_dir)
    if not args.no_window:
        _check_display()
        if not snapshot_dir.is_dir():
            raise UsageError(f"--snapshot-dir {snapshot_dir} does not exist; create it first")
    report_file = ReportFile(args.report) if args.report else None
    with stop_on_signals() as stop:
        inputs = [args.camera] if is_file else []
        source, sink = open_stream(
            args.camera, realtime=True, record=args.record, inputs=inputs, camera_device=True
        )
        report = Report(
            source=str(args.camera),
            lang=args.lang,
            max_transition_s=settings.max_transition_s,
            min_exercise_s=settings.min_exercise_s,
            # A session may last hours: its frames wait on disk next to the report, not in memory.
            frames=FrameLog(spool_dir=report_file.path.parent) if report_file is not None else FrameLog(),
        )
        tally = SessionTally(source=str(args.camera))
        window = None
        voice = None
        hooks: SessionHooks | None = None
        ended, complete, frames = "error", False, 0
        try:
            with PoseEstimator(model=args.model, mode="video") as estimator:
                report.model = estimator.model_name
                analyzer, outputs = assemble(
                    estimator,
                    settings,
                    exercise,
                    lang=args.lang,
                    source_name=str(args.camera),
                    sink=sink,
                    # Keep per-frame results only when a report was asked for: a live
                    # session may run for hours.  The history's counts need no frames.
                    report=report if report_file is not None else tally,
                    report_file=report_file,
                    mirror=args.mirror,
                )
                if args.baseline:
                    analyzer.start_baseline()
                voice = open_voice(
                    args.lang, settings, speak=args.voice, audio_out=args.audio_out, realtime=True
                )
                if make_hooks is None:
                    outputs.voice = voice
                    outputs.tags = lambda: tags(analyzer, outputs)
                else:
                    hooks = make_hooks(analyzer, outputs, voice, stop, settings)
                    outputs.on_analysis = hooks.on_analysis
                    outputs.tags = hooks.tags
                if not args.no_window:
                    window = Window(analyzer, outputs, snapshot_dir, str(args.camera))
                result = run_live(
                    source,
                    analyzer,
                    outputs,
                    stop,
                    view=window,
                    lost_text=lambda: _status("camera_lost", outputs.lang),
                )
                ended, complete, frames = result.ended, result.complete, result.frames
                if ended == "interrupted" and args.no_window and stop.signum == signal.SIGINT:
                    # Ctrl-C is how a --no-window session is ended: a normal end.
                    ended, complete = "quit", True
                if hooks is not None and hooks.finished and stop.signum is None:
                    ended, complete = "finished", True  # the routine ended the session itself
                report.extra["live"] = result.live_figures()
        finally:
            if window is not None:
                window.close()
            if hooks is not None:
                report.extra[command] = hooks.extra()
            if voice is not None:
                voice.close()
                report.extra["voice"] = voice.log.to_dict()
                if args.audio_out:
                    voice.write_wav(args.audio_out)
            close_stream(source, sink)
            finish(report, report_file, ended, complete)
        if sink is not None:
            sink.raise_error()  # a write that failed only while finishing the file
    stored = save_history(args, report if report_file is not None else tally, command, complete)
    report.close()
    figures = report.extra.get("live", {})
    latency = figures.get("latency_ms", {})
    print(
        f"posecheck: {frames} frames analysed at {figures.get('fps')} fps, "
        f"{figures.get('frames_dropped', 0)} dropped, latency median {latency.get('median')} ms, "
        f"p95 {latency.get('p95')} ms",
        file=sys.stderr,
    )
    if ended == "interrupted":
        return stop.exit_code
    if ended == "camera_lost":
        print(
            f"posecheck: error: camera {args.camera} was lost; the session so far was saved", file=sys.stderr
        )
        return 1
    return 0 if stored else 1
