"""Composition of the stages, shared by ``posecheck video`` and ``posecheck live``.

* `analyse_photo` — one photo: landmarks (with a second look when they fit poorly) -> assess.
* `FrameAnalyzer` — the per-frame step: estimator -> smoother -> assess -> steady labels,
  verdicts and cue -> hold timer.  It owns all per-session state.
* `Outputs` — what happens to an analysed frame: report record, overlay, MP4.
* `run_video` — every frame, in order, as fast as possible: three stages in threads with
  bounded queues (decode | inference | judge + draw + encode).  OpenCV and MediaPipe
  release the GIL in their native code, so decoding, judging and encoding overlap with
  inference, and the inference thread does nothing but run the model (the judging,
  ~1 ms a frame, would otherwise add to every frame: see ``benchmarks/speed.py``);
  the bounded queues keep memory flat when one stage is slower.
* `run_live` — always the newest frame: a capture thread overwrites a one-slot mailbox
  and the analysis takes whatever is newest, so when the model falls behind, frames are
  dropped rather than queued and latency never grows.
* `stop_on_signals` — SIGINT/SIGTERM set a stop flag instead of killing the process, so
  the loops end at a frame boundary and the caller's ``finally`` releases the MP4 and
  writes the report with ``"complete": false``.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import signal
import statistics
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Protocol, cast

import numpy as np

from posecheck.config import DEFAULT_SETTINGS, Settings
from posecheck.landmarks import Pose, Side
from posecheck.messages import Lang
from posecheck.mismatch import clearly_other, mismatch_note
from posecheck.results import Assessment, View
from posecheck.temporal import (
    BaselineState,
    CueSelector,
    HoldState,
    NeutralBaseline,
    hold_timer,
    pose_smoother,
    stable_label,
    verdict_stabilizer,
)
from posecheck.video import Frame, FrameSource

if TYPE_CHECKING:
    from posecheck.video import VideoSink

log = logging.getLogger(__name__)


class Estimator(Protocol):
    """`posecheck.estimator.PoseEstimator`: `detect` is `to_pose(infer(prepare(image)))`."""

    @property
    def model_name(self) -> str: ...

    def detect(self, image_bgr: np.ndarray, timestamp_s: float = 0.0) -> Pose | None: ...

    def prepare(self, image_bgr: np.ndarray) -> Any: ...

    def infer(self, prepared: Any, timestamp_s: float) -> Any: ...

    def to_pose(self, inference: Any) -> Pose | None: ...


@dataclass(frozen=True, eq=False)
class Analysis:
    """One analysed frame: the smoothed pose, the steady assessment, hold and cue."""

    frame: Frame
    pose: Pose | None
    assessment: Assessment
    hold: HoldState
    cue_key: str | None
    verdict_at: float = field(default_factory=time.monotonic)
    status_line: str | None = None  # a line shown prominently (e.g. the routine's step and countdown)
    baseline: BaselineState = field(default_factory=BaselineState)  # the person's own neutral (live)

    @property
    def latency_s(self) -> float:
        """Capture-to-verdict time of this frame."""
        return self.verdict_at - self.frame.captured_at


def analyse_photo(
    estimator: Estimator, image_bgr: np.ndarray, settings: Settings | None = None, exercise: str | None = None
) -> tuple[Pose | None, Assessment]:
    """The snapshot check of one image, as ``posecheck photo`` runs it: the landmarks (looked
    for again in the mirrored, turned and zoomed-out photo when they fit the person's
    silhouette poorly, `posecheck.turns.detect_best`) and their assessment.

    Args:
        settings: thresholds (`posecheck.config.Settings`); None for the defaults.
        exercise: internal exercise id to judge, or None to recognise it.
    """
    from posecheck.assess import assess
    from posecheck.config import DEFAULT_SETTINGS
    from posecheck.turns import detect_best

    settings = settings or DEFAULT_SETTINGS
    pose = detect_best(estimator.detect, image_bgr, settings.min_photo_silhouette_fit)
    return pose, assess(pose, settings, exercise)


class FrameAnalyzer:
    """The per-frame step; owns the smoothing, debouncing, labels, cue and hold state.

    Args:
        estimator: a `posecheck.estimator.PoseEstimator` (VIDEO mode for streams).
        settings: thresholds (`posecheck.config.Settings`); None for the defaults.
        exercise: internal exercise id to judge, or None to recognise it.
    """

    def __init__(
        self, estimator: Estimator, settings: Settings | None = None, exercise: str | None = None
    ) -> None:
        from posecheck.assess import assess  # the rules; imported here to keep `import` light

        self._assess = assess
        self.estimator = estimator
        self.settings = settings
        self._exercise = exercise
        self.reset()
        s = settings or DEFAULT_SETTINGS
        self.baseline = NeutralBaseline(s.baseline_duration_s, s.min_baseline_valid_fraction)
        """The person's own neutral hollow_back (`start_baseline`); kept for the session."""

    def start_baseline(self) -> None:
        """Record the person standing relaxed (key b, ``--baseline``); from then on hollow_back
        reports the change from that neutral."""
        self.baseline.start()

    def reset(self) -> None:
        """Forget everything seen (new session)."""
        self._reset_labels()
        self.hold_timer = hold_timer(self.settings or DEFAULT_SETTINGS)

    def _reset_labels(self) -> None:
        s = self.settings or DEFAULT_SETTINGS
        self.smoother = pose_smoother(s)
        self.verdicts = verdict_stabilizer(s)
        self.exercise_label, self.side_label, self.view_label = (
            stable_label(s),
            stable_label(s),
            stable_label(s),
        )
        self.recognised_label = stable_label(s)  # what a fixed exercise's pose looks like
        self.cues = CueSelector(s.cue_interval_s)

    @property
    def exercise(self) -> str | None:
        return self._exercise

    @exercise.setter
    def exercise(self, exercise: str | None) -> None:
        """Choose the exercise (None: recognise it); the hold totals so far are kept."""
        self._exercise = exercise
        self._reset_labels()

    def analyse(self, frame: Frame) -> Analysis:
        """`detect` then `judge`: the whole per-frame step."""
        return self.judge(frame, self.detect(frame))

    def detect(self, frame: Frame) -> Pose | None:
        """The model's raw landmarks for ``frame``; touches only the estimator."""
        return self.estimator.detect(frame.image, frame.timestamp_s)

    def prepare(self, frame: Frame) -> Any:
        """`detect` in three steps for three threads: prepare (any), `infer` (one, in frame
        order), then `raw_pose` (any); touch only the estimator."""
        return self.estimator.prepare(frame.image)

    def infer(self, frame: Frame, prepared: Any) -> Any:
        return self.estimator.infer(prepared, frame.timestamp_s)

    def raw_pose(self, inference: Any) -> Pose | None:
        return self.estimator.to_pose(inference)

    def judge(self, frame: Frame, raw: Pose | None) -> Analysis:
        """Everything after the model (smoothing, checks, steady labels, verdicts, cue, hold);
        call in frame order, from one thread at a time."""
        t = frame.timestamp_s
        if raw is None:
            self.smoother.reset()  # a person who re-enters must not be dragged from the old spot
            pose = None
        else:
            pose = self.smoother.update(raw, t)
        assessment = self._steady_labels(self._assess(pose, self.settings, self._exercise), pose, t)
        assessment, baseline = self._own_neutral(assessment, pose, t)
        assessment = self.verdicts.update(assessment, t)
        cue = self.cues.update(assessment.main_cue(), t)
        hold = self.hold_timer.update(assessment.all_pass, assessment.front_side, t)
        return Analysis(frame, pose, assessment, hold, cue, baseline=baseline)

    def _own_neutral(
        self, assessment: Assessment, pose: Pose | None, t: float
    ) -> tuple[Assessment, BaselineState]:
        """Feed the baseline while it records; once set, hollow_back is judged against it."""
        from posecheck.exercises._hollow_back import neutral_sample, relative_to_neutral

        settings = self.settings or DEFAULT_SETTINGS
        if self.baseline.recording:
            self.baseline.update(neutral_sample(pose, settings), t)
        state = self.baseline.state
        if state.is_set:
            checks = tuple(relative_to_neutral(c, state.value, settings) for c in assessment.checks)
            assessment = replace(assessment, checks=checks)
        return assessment, state

    def _steady_labels(self, assessment: Assessment, pose: Pose | None, t: float) -> Assessment:
        """Exercise, front side and view change only on a sustained change (`StableLabel`);
        when the steady exercise or side differs from this frame's, the frame is judged as
        the steady one, so one odd frame neither flips the checks nor the hold's side."""
        exercise = assessment.exercise
        if self._exercise is None:
            exercise = self.exercise_label.update(assessment.exercise, t)
        side = self.side_label.update(assessment.front_side, t)
        view = self.view_label.update(assessment.view, t)
        if pose is None or not assessment.person_found:
            return assessment
        if self._exercise is not None:
            seen = self.recognised_label.update(self._assess(pose, self.settings, None).exercise, t)
            if clearly_other(self._exercise, seen):
                return replace(assessment, front_side=None, checks=(), note=mismatch_note(self._exercise))
        if exercise is None:
            if assessment.exercise is not None:
                assessment = replace(
                    assessment, exercise=None, front_side=None, checks=(), note="no_exercise"
                )
        elif exercise != assessment.exercise or (side is not None and side != assessment.front_side):
            assessment = self._assess(pose, self.settings, exercise, front=cast("Side | None", side))
        return replace(assessment, view=cast("View | None", view) or assessment.view)


class Renderer(Protocol):
    """`posecheck.render.OverlayRenderer`: draws an analysed frame."""

    lang: Lang
    mirror: bool

    def draw(
        self,
        image_bgr: np.ndarray,
        pose: Pose | None,
        assessment: Assessment,
        hold: HoldState | None = None,
        *,
        cue_key: str | None = None,
        status_line: str | None = None,
        tags: Sequence[str] = (),
    ) -> np.ndarray: ...


class Sink(Protocol):
    """`posecheck.video.VideoSink`: the annotated MP4."""

    @property
    def fps(self) -> float: ...

    @property
    def frames_written(self) -> int: ...

    def write(self, image: np.ndarray, repeat: int = 1) -> None: ...


class Recorder(Protocol):
    """`posecheck.report.Report` or `posecheck.history.SessionTally`: takes every frame's
    typed results."""

    def add(self, assessment: Assessment, time_s: float, hold: HoldState | None = None) -> None: ...


class PeriodicWriter(Protocol):
    """`posecheck.report.ReportFile`: rewrites the report now and then during a session."""

    def maybe_flush(self, report: Any) -> bool: ...


class Listener(Protocol):
    """`posecheck.voice` / `posecheck.audio`: hears every analysed frame (spoken cues)."""

    def hear(self, analysis: Analysis) -> object: ...


@dataclass
class Outputs:
    """Where analysed frames go.  Any part may be None.

    Attributes:
        renderer: `posecheck.render.OverlayRenderer`; needed for ``sink`` and windows.
        sink: annotated MP4 (`posecheck.video.VideoSink`).
        report: `posecheck.report.Report` collecting per-frame results.
        report_file: `posecheck.report.ReportFile` flushed periodically.
        lang: language of the per-frame messages.
        on_frame: called after each frame (progress bar).
        voice: `posecheck.audio.Voice`, hears every analysed frame (spoken cues).
        on_analysis: may replace an analysis before it is recorded and shown (the routine
            puts its step in the status line).
        tags: small words for the overlay's corner (voice on/off, the chosen exercise).
    """

    renderer: Renderer | None = None
    sink: Sink | None = None
    report: Recorder | None = None
    report_file: PeriodicWriter | None = None
    lang: Lang = "en"
    source_name: str = ""
    model_name: str | None = None
    on_frame: Callable[[Analysis], None] | None = None
    voice: Listener | None = None
    on_analysis: Callable[[Analysis], Analysis] | None = None
    tags: Callable[[], list[str]] | None = None

    def after(self, analysis: Analysis) -> Analysis:
        """Every analysed frame passes here first (routine step, voice)."""
        if self.on_analysis is not None:
            analysis = self.on_analysis(analysis)
        if self.voice is not None:
            self.voice.hear(analysis)
        return analysis

    def record(self, analysis: Analysis) -> None:
        if self.report is None:
            return
        self.report.add(analysis.assessment, analysis.frame.timestamp_s, analysis.hold)
        if self.report_file is not None:
            self.report_file.maybe_flush(self.report)

    def draw(self, analysis: Analysis, status_line: str | None = None) -> np.ndarray:
        if self.renderer is None:
            raise ValueError("Outputs.draw needs a renderer")
        baseline_line, baseline_tags = self._baseline_words(analysis.baseline)
        return self.renderer.draw(
            analysis.frame.image,
            analysis.pose,
            analysis.assessment,
            hold=analysis.hold,
            cue_key=analysis.cue_key,
            status_line=status_line or analysis.status_line or baseline_line,
            tags=[*(self.tags() if self.tags is not None else ()), *baseline_tags],
        )

    def _baseline_words(self, state: BaselineState) -> tuple[str | None, list[str]]:
        """The live baseline on the overlay: a status line while recording, then a tag."""
        from posecheck.messages import text

        lang = cast("Lang", self.lang)
        if state.phase == "recording":
            left = max(state.duration_s - state.recorded_s, 0.0)
            return text("window.baseline_recording", lang).format(seconds=f"{left:.0f}"), []
        if state.phase == "failed":
            return None, [text("window.baseline_failed", lang)]
        if state.is_set:
            return None, [text("window.baseline_set", lang).format(value=f"{state.value:.2f}")]
        return None, []

    def consume(self, analysis: Analysis) -> None:
        """The video mode's last stage: report, overlay, MP4."""
        analysis = self.after(analysis)
        self.record(analysis)
        if self.sink is not None and self.renderer is not None:
            self.sink.write(self.draw(analysis))
        if self.on_frame is not None:
            self.on_frame(analysis)


@dataclass
class RunResult:
    """How a run ended.  ``ended``: end_of_input, interrupted, input_broken, camera_lost, quit."""

    frames: int
    ended: str
    latencies_s: list[float] = field(default_factory=list)
    dropped: int = 0
    elapsed_s: float = 0.0

    @property
    def complete(self) -> bool:
        return self.ended in ("end_of_input", "quit")

    def live_figures(self) -> dict[str, Any]:
        """Throughput and capture-to-verdict latency, for the live report."""
        lat = sorted(self.latencies_s)
        figures: dict[str, Any] = {
            "frames_dropped": self.dropped,
            "fps": round(self.frames / self.elapsed_s, 2) if self.elapsed_s > 0 else None,
        }
        if lat:
            figures["latency_ms"] = {
                "median": round(1000 * statistics.median(lat), 1),
                "p95": round(1000 * lat[min(len(lat) - 1, int(0.95 * len(lat)))], 1),
            }
        return figures


def _ended(source: FrameSource, stop: threading.Event) -> str:
    if stop.is_set():
        return "interrupted"
    return {"broken": "input_broken", "lost": "camera_lost"}.get(source.state, "end_of_input")


# ---------------------------------------------------------------------- assembly (video and live)


def open_stream(
    name: str | int,
    *,
    realtime: bool = False,
    record: str | None = None,
    inputs: Sequence[str] = (),
    camera_device: bool = False,
) -> tuple[FrameSource, VideoSink | None]:
    """The input (video file or camera; ``camera_device``: a device path is a camera) and,
    with ``record``, the annotated MP4 written beside it (checked against ``inputs`` so it
    never overwrites one).  Close both with `close_stream` in a ``finally``: releasing the
    MP4 is what makes it playable."""
    from posecheck.video import VideoSink, open_source

    source = open_source(name, realtime=realtime, camera_device=camera_device)
    try:
        sink = VideoSink(record, source.fps, inputs=inputs) if record else None
    except BaseException:
        source.close()
        raise
    return source, sink


def close_stream(source: FrameSource, sink: VideoSink | None) -> None:
    """Finalise the MP4 (if any), then release the input."""
    try:
        if sink is not None:
            sink.close()
    finally:
        source.close()


def assemble(
    estimator: Estimator,
    settings: Settings,
    exercise: str | None,
    *,
    lang: Lang,
    source_name: str,
    sink: Sink | None = None,
    report: Recorder | None = None,
    report_file: PeriodicWriter | None = None,
    draw: bool = True,
    mirror: bool = False,
    on_frame: Callable[[Analysis], None] | None = None,
) -> tuple[FrameAnalyzer, Outputs]:
    """The per-frame step and where its frames go, as ``video`` and ``live`` both run them:
    the overlay (``draw``; mirrored for a live window) with the settings' visibility
    threshold, the MP4, the report and its periodic rewrite."""
    from posecheck.render import OverlayRenderer

    renderer = OverlayRenderer(lang, mirror=mirror, min_visibility=settings.min_visibility) if draw else None
    outputs = Outputs(
        renderer=renderer,
        sink=sink,
        report=report,
        report_file=report_file,
        lang=lang,
        source_name=source_name,
        model_name=estimator.model_name,
        on_frame=on_frame,
    )
    return FrameAnalyzer(estimator, settings, exercise), outputs


# ---------------------------------------------------------------------- video mode

_END = object()


def _put(q: queue.Queue[Any], item: Any, halt: threading.Event) -> bool:
    """Put unless halted; returns False when halted (the consumer is gone)."""
    while not halt.is_set():
        try:
            q.put(item, timeout=0.1)
            return True
        except queue.Full:
            continue
    return False


def _get(q: queue.Queue[Any], halt: threading.Event) -> Any:
    while True:
        try:
            return q.get(timeout=0.1)
        except queue.Empty:
            if halt.is_set():
                return _END


def run_video(
    source: FrameSource, analyzer: FrameAnalyzer, outputs: Outputs, stop: threading.Event, *, depth: int = 4
) -> RunResult:
    """Analyse every frame of ``source`` in order; returns when it ends or ``stop`` is set.

    The caller closes the sink and writes the final report (in a ``finally``).
    """
    decoded: queue.Queue[Any] = queue.Queue(maxsize=depth)
    analysed: queue.Queue[Any] = queue.Queue(maxsize=depth)  # (frame, inference), judged by `draw`
    halt = threading.Event()  # any stage failed or stop: everyone winds down
    errors: list[BaseException] = []

    # Three threads, so that the model's thread runs nothing but the model: decode and
    # prepare | infer | convert, judge, draw and encode.
    def decode() -> None:
        try:
            for frame in source:
                if stop.is_set() or not _put(decoded, (frame, analyzer.prepare(frame)), halt):
                    break
        except BaseException as error:
            errors.append(error)
        finally:
            _put(decoded, _END, halt)

    def draw() -> None:
        try:
            while (item := _get(analysed, halt)) is not _END:
                frame, inference = item
                outputs.consume(analyzer.judge(frame, analyzer.raw_pose(inference)))
        except BaseException as error:
            errors.append(error)
            halt.set()

    threads = [threading.Thread(target=decode, name="decode"), threading.Thread(target=draw, name="draw")]
    for thread in threads:
        thread.start()
    frames = 0
    start = time.monotonic()
    try:
        while not stop.is_set() and (item := _get(decoded, halt)) is not _END:
            frame, prepared = item
            if not _put(analysed, (frame, analyzer.infer(frame, prepared)), halt):
                break
            frames += 1
    except BaseException as error:
        errors.append(error)
    finally:
        if stop.is_set() or errors:
            halt.set()  # the decoder stops; the draw stage still finishes what is queued
        while threads[1].is_alive() and not _put(analysed, _END, halt):
            halt.set()
        threads[1].join()
        halt.set()
        threads[0].join()
    if errors:
        raise errors[0]
    return RunResult(frames, _ended(source, stop), elapsed_s=time.monotonic() - start)


# ---------------------------------------------------------------------- live mode


class Mailbox:
    """A one-slot queue: `put` replaces an unread frame (counted as dropped)."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._item: Frame | None = None
        self.closed = False
        self.dropped = 0

    def put(self, frame: Frame) -> None:
        with self._cond:
            if self._item is not None:
                self.dropped += 1
            self._item = frame
            self._cond.notify()

    def close(self) -> None:
        with self._cond:
            self.closed = True
            self._cond.notify()

    def take(self, timeout_s: float) -> Frame | None:
        """The newest frame, waiting up to ``timeout_s``; None if none arrived."""
        with self._cond:
            self._cond.wait_for(lambda: self._item is not None or self.closed, timeout=timeout_s)
            item, self._item = self._item, None
            return item


class LiveView(Protocol):
    """A window (or anything) showing the live overlay; returns False to quit."""

    paused: bool

    def show(self, image: np.ndarray, analysis: Analysis | None) -> bool: ...

    def idle(self, status_line: str | None) -> bool: ...


class RecordClock:
    """Writes live frames to the MP4 at their capture times: a frame is repeated to fill
    the time of dropped frames, so the recording plays at real speed."""

    def __init__(self, sink: Sink) -> None:
        self.sink = sink
        self._t0: float | None = None

    def write(self, image: np.ndarray, timestamp_s: float) -> None:
        if self._t0 is None:
            self._t0 = timestamp_s
        due = round((timestamp_s - self._t0) * self.sink.fps) + 1
        repeats = min(max(1, due - self.sink.frames_written), int(2 * self.sink.fps))
        self.sink.write(image, repeat=repeats)


def run_live(
    source: FrameSource,
    analyzer: FrameAnalyzer,
    outputs: Outputs,
    stop: threading.Event,
    *,
    view: LiveView | None = None,
    lost_text: Callable[[], str] = lambda: "Camera lost - retrying...",
) -> RunResult:
    """Analyse the newest frame, again and again, until the source ends, ``stop`` is set
    or the view asks to quit."""
    mailbox = Mailbox()
    halt = threading.Event()

    def capture() -> None:
        try:
            for frame in source:
                mailbox.put(frame)
                if halt.is_set() or stop.is_set():
                    break
        except Exception:
            log.exception("camera %s failed", source.name)
            source.state = "lost"
        finally:
            mailbox.close()

    reader = threading.Thread(target=capture, name="capture", daemon=True)
    reader.start()
    recorder = RecordClock(outputs.sink) if outputs.sink is not None else None
    result = RunResult(0, "end_of_input")
    start = time.monotonic()
    try:
        while not stop.is_set():
            frame = mailbox.take(0.05)
            if frame is None:
                if mailbox.closed:
                    break
                lost = lost_text() if source.state == "lost" else None
                if view is not None and not view.idle(lost):
                    result.ended = "quit"
                    break
                continue
            if view is not None and view.paused:
                if not view.idle(None):
                    result.ended = "quit"
                    break
                continue
            analysis = outputs.after(analyzer.analyse(frame))
            result.latencies_s.append(analysis.latency_s)
            result.frames += 1
            outputs.record(analysis)
            if outputs.renderer is None or (view is None and recorder is None):
                continue
            image = outputs.draw(analysis)
            if recorder is not None:
                recorder.write(image, frame.timestamp_s)
            if view is not None and not view.show(image, analysis):
                result.ended = "quit"
                break
    finally:
        halt.set()
        result.elapsed_s = time.monotonic() - start
        result.dropped = mailbox.dropped
        # The reader stops after its current read (one frame period); the caller closes
        # the source afterwards.  It is a daemon in case a driver never returns.
        reader.join(timeout=5.0)
    if result.ended != "quit":
        result.ended = _ended(source, stop)
    return result


# ---------------------------------------------------------------------- signals


class StopFlag(threading.Event):
    """A stop event that remembers the signal that set it (None: set by code)."""

    signum: int | None = None
    set_at: float = 0.0

    @property
    def exit_code(self) -> int:
        """Shell convention for a job ended by a signal: 128 + signal number."""
        return 128 + (self.signum or signal.SIGINT)


@contextlib.contextmanager
def stop_on_signals() -> Iterator[StopFlag]:
    """SIGINT/SIGTERM set the yielded flag (the loops stop at the next frame); a second
    SIGINT raises KeyboardInterrupt as usual.  Handlers are restored on exit."""
    stop = StopFlag()
    if threading.current_thread() is not threading.main_thread():
        yield stop
        return

    def handler(signum: int, _frame: object) -> None:
        if stop.is_set():
            # A second Ctrl-C aborts as usual, but not a duplicate delivered at once (a
            # signal sent to the process group as well as to the process, e.g. by timeout).
            if signum == signal.SIGINT and time.monotonic() - stop.set_at > 1.0:
                raise KeyboardInterrupt
            return
        stop.set_at = time.monotonic()
        log.warning("%s received: finishing the current frame and saving", signal.Signals(signum).name)
        stop.signum = signum
        stop.set()

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield stop
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)
