"""The per-frame step, the threaded video mode, the newest-frame live mode, interrupts,
and ``posecheck video`` end to end (synthetic clips; one real clip when ../shared exists)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import cv2
import numpy as np
import pytest

from posecheck.errors import OutputError
from posecheck.landmarks import Pose
from posecheck.pipeline import FrameAnalyzer, Mailbox, Outputs, RecordClock, run_live, run_video
from posecheck.render import OverlayRenderer
from posecheck.report import Report
from posecheck.synth import kneeling_lunge, make_pose
from posecheck.video import CaptureSource, Frame, VideoSink, open_source

REPO = Path(__file__).resolve().parents[1]
SIZE = (320, 240)


class ScriptedEstimator:
    """Stands in for `PoseEstimator`: returns ``script(call_index)`` after ``delay_s``."""

    model_name = "scripted"

    def __init__(self, script, delay_s: float = 0.0) -> None:
        self.script = script
        self.delay_s = delay_s
        self.calls = 0
        self.timestamps: list[float] = []

        self.threads: dict[str, set[str]] = {"prepare": set(), "infer": set(), "to_pose": set()}

    def detect(self, image_bgr: np.ndarray, timestamp_s: float) -> Pose | None:
        return self.to_pose(self.infer(self.prepare(image_bgr), timestamp_s))

    def prepare(self, image_bgr: np.ndarray) -> np.ndarray:
        self.threads["prepare"].add(threading.current_thread().name)
        return image_bgr

    def infer(self, prepared: np.ndarray, timestamp_s: float) -> Pose | None:
        self.threads["infer"].add(threading.current_thread().name)
        if self.delay_s:
            time.sleep(self.delay_s)
        self.timestamps.append(timestamp_s)
        pose = self.script(self.calls)
        self.calls += 1
        return None if pose is None else pose.replace(timestamp_s=timestamp_s)

    def to_pose(self, inference: Pose | None) -> Pose | None:
        self.threads["to_pose"].add(threading.current_thread().name)
        return inference


LEFT = make_pose(kneeling_lunge("left"), image_size=SIZE)
RIGHT = make_pose(kneeling_lunge("right"), image_size=SIZE)


def write_clip(path: Path, frames: int, fps: float = 30.0, size=SIZE, fourcc: str = "mp4v") -> Path:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*fourcc), fps, size)
    for i in range(frames):
        image = np.full((size[1], size[0], 3), 40, np.uint8)
        cv2.putText(image, str(i), (10, 60), cv2.FONT_HERSHEY_SIMPLEX, 1.5, (255, 255, 255), 3)
        writer.write(image)
    writer.release()
    return path


def frames(n: int, fps: float = 30.0) -> list[Frame]:
    return [Frame(np.zeros((SIZE[1], SIZE[0], 3), np.uint8), i / fps, i) for i in range(n)]


class ListSource:
    """A `FrameSource` over prepared frames."""

    name = "list"
    is_live = False
    state = "ok"
    fps = 30.0
    size = SIZE

    def __init__(self, items: list[Frame]) -> None:
        self.items = items
        self.frame_count = len(items)

    def __iter__(self):
        yield from self.items
        self.state = "ended"

    def close(self) -> None:
        pass


# ---------------------------------------------------------------------- the per-frame step


def test_analyzer_labels_are_steady_against_single_odd_frames() -> None:
    # Left lunge throughout, but every 10th frame the model sees the legs swapped.
    analyzer = FrameAnalyzer(ScriptedEstimator(lambda i: RIGHT if i % 10 == 5 else LEFT))
    results = [analyzer.analyse(f) for f in frames(90)]
    sides = [r.assessment.front_side for r in results[30:]]
    assert set(sides) == {"left"}
    assert {r.assessment.exercise for r in results[30:]} == {"kneeling_lunge"}
    assert results[-1].hold.current_s > 1.5  # the odd frames did not reset the hold


def test_analyzer_side_switch_starts_a_new_hold() -> None:
    analyzer = FrameAnalyzer(ScriptedEstimator(lambda i: LEFT if i < 90 else RIGHT))
    results = [analyzer.analyse(f) for f in frames(180)]
    assert results[85].assessment.front_side == "left"
    assert results[-1].assessment.front_side == "right"
    assert results[-1].hold.side == "right"
    assert results[-1].hold.longest_s["left"] > 2.0
    assert 1.0 < results[-1].hold.current_s < 3.0


def test_analyzer_no_person_and_forced_exercise() -> None:
    analyzer = FrameAnalyzer(ScriptedEstimator(lambda i: None))
    result = analyzer.analyse(frames(1)[0])
    assert not result.assessment.person_found
    assert result.cue_key == "no_person"
    forced = FrameAnalyzer(ScriptedEstimator(lambda i: LEFT), exercise="standing_lunge")
    assert forced.analyse(frames(1)[0]).assessment.exercise == "standing_lunge"
    forced.exercise = None  # the live window's "e" key
    assert forced.exercise is None


# ---------------------------------------------------------------------- video mode


def test_run_video_keeps_order_and_writes_every_frame(tmp_path: Path) -> None:
    estimator = ScriptedEstimator(lambda i: LEFT)
    report = Report(source="list")
    seen: list[int] = []
    with VideoSink(tmp_path / "out.mp4", 30.0) as sink:
        outputs = Outputs(
            OverlayRenderer(), sink, report, source_name="list", on_frame=lambda a: seen.append(a.frame.index)
        )
        result = run_video(ListSource(frames(40)), FrameAnalyzer(estimator), outputs, threading.Event())
    assert result.ended == "end_of_input" and result.complete and result.frames == 40
    assert seen == list(range(40))
    assert [f["time_s"] for f in report.frames] == pytest.approx([i / 30 for i in range(40)], abs=1e-3)
    assert estimator.timestamps == sorted(estimator.timestamps)
    assert sink.frames_written == 40
    # the model's thread runs only the model: preparing and converting happen elsewhere
    assert len(estimator.threads["infer"]) == 1
    assert estimator.threads["infer"].isdisjoint(estimator.threads["prepare"] | estimator.threads["to_pose"])


def test_run_video_stop_ends_at_a_frame_boundary(tmp_path: Path) -> None:
    stop = threading.Event()
    report = Report(source="list")

    def script(i: int) -> Pose:
        if i == 20:
            stop.set()
        return LEFT

    out = tmp_path / "out.mp4"
    with VideoSink(out, 30.0) as sink:
        result = run_video(
            ListSource(frames(300)),
            FrameAnalyzer(ScriptedEstimator(script)),
            Outputs(OverlayRenderer(), sink, report),
            stop,
        )
    assert result.ended == "interrupted" and not result.complete
    assert 20 <= len(report.frames) <= 25
    capture = cv2.VideoCapture(str(out))
    assert int(capture.get(cv2.CAP_PROP_FRAME_COUNT)) == len(report.frames)


def test_run_video_output_error_propagates_without_deadlock() -> None:
    class FullDisk:
        fps = 30.0

        def write(self, image) -> None:
            raise OutputError("cannot write out.mp4: disk full")

    outputs = Outputs(OverlayRenderer(), FullDisk(), Report(source="x"))
    start = time.monotonic()
    with pytest.raises(OutputError, match="disk full"):
        run_video(
            ListSource(frames(500)),
            FrameAnalyzer(ScriptedEstimator(lambda i: LEFT)),
            outputs,
            threading.Event(),
        )
    assert time.monotonic() - start < 10


def test_run_video_source_failure_propagates() -> None:
    class Exploding(ListSource):
        def __iter__(self):
            yield from self.items[:3]
            raise RuntimeError("decoder crashed")

    with pytest.raises(RuntimeError, match="decoder crashed"):
        run_video(
            Exploding(frames(10)),
            FrameAnalyzer(ScriptedEstimator(lambda i: LEFT)),
            Outputs(),
            threading.Event(),
        )


# ---------------------------------------------------------------------- live mode


def test_mailbox_keeps_only_the_newest() -> None:
    box = Mailbox()
    for frame in frames(5):
        box.put(frame)
    assert box.take(0.01).index == 4
    assert box.dropped == 4
    assert box.take(0.01) is None
    box.close()
    assert box.take(1.0) is None and box.closed


def test_live_drops_frames_and_latency_does_not_grow(tmp_path: Path) -> None:
    """A 30 fps 'camera' and a model needing 50 ms: about every other frame is dropped,
    and the capture-to-verdict latency stays near one inference time throughout."""
    clip = write_clip(tmp_path / "cam.mp4", 90)
    source = open_source(clip, realtime=True)
    report = Report(source="cam")
    result = run_live(
        source,
        FrameAnalyzer(ScriptedEstimator(lambda i: LEFT, delay_s=0.05)),
        Outputs(report=report),
        threading.Event(),
    )
    source.close()
    assert result.ended == "end_of_input"
    assert result.dropped > 20
    assert result.frames + result.dropped == 90
    lat = result.latencies_s
    first, last = np.median(lat[:10]), np.median(lat[-10:])
    assert last < 0.15 and last < first + 0.05
    figures = result.live_figures()
    assert figures["latency_ms"]["median"] < 150


def test_live_camera_lost_keeps_what_was_seen() -> None:
    class Capture:
        def __init__(self) -> None:
            self.n = 0

        def read(self):
            self.n += 1
            ok = self.n <= 10
            return ok, (np.zeros((SIZE[1], SIZE[0], 3), np.uint8) if ok else None)

        def get(self, prop):
            return 30.0 if prop == cv2.CAP_PROP_FPS else 0.0

        def isOpened(self):  # noqa: N802
            return True

        def release(self):
            pass

    source = CaptureSource(Capture(), "0", is_camera=True, retry_s=0.3)
    report = Report(source="0")
    result = run_live(
        source, FrameAnalyzer(ScriptedEstimator(lambda i: LEFT)), Outputs(report=report), threading.Event()
    )
    assert result.ended == "camera_lost"
    assert 1 <= len(report.frames) <= 10
    assert report.summary(complete=result.complete, ended=result.ended)["ended"] == "camera_lost"


def test_record_clock_fills_dropped_frames(tmp_path: Path) -> None:
    with VideoSink(tmp_path / "rec.mp4", 10.0) as sink:
        clock = RecordClock(sink)
        for t in (0.0, 0.1, 0.5, 0.6):  # 0.2-0.4 dropped
            clock.write(np.zeros((48, 64, 3), np.uint8), t)
    assert sink.frames_written == 7


# ---------------------------------------------------------------------- the command


def posecheck(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "posecheck", *args],
        check=False,
        capture_output=True,
        text=True,
        cwd=kwargs.pop("cwd", REPO),
        timeout=kwargs.pop("timeout", 180),
        **kwargs,
    )


@pytest.mark.model
def test_video_command_on_a_synthetic_clip(tmp_path: Path) -> None:
    clip = write_clip(tmp_path / "in clip é.mp4", 20, fps=24)
    out, report = tmp_path / "out.mp4", tmp_path / "r.csv"
    done = posecheck("video", str(clip), "-o", str(out), "--report", str(report))
    assert done.returncode == 0, done.stderr
    capture = cv2.VideoCapture(str(out))
    assert capture.get(cv2.CAP_PROP_FPS) == pytest.approx(24.0)
    assert int(capture.get(cv2.CAP_PROP_FRAME_COUNT)) == 20
    assert (int(capture.get(cv2.CAP_PROP_FRAME_WIDTH)), int(capture.get(cv2.CAP_PROP_FRAME_HEIGHT))) == SIZE
    assert len(report.read_text().splitlines()) == 21
    assert "20/20" in done.stderr.splitlines()[-1]  # the progress bar's last line


def test_video_command_bad_outputs_fail_before_work(tmp_path: Path) -> None:
    clip = write_clip(tmp_path / "in.mp4", 5)
    done = posecheck("video", str(clip), "-o", str(tmp_path / "missing" / "o.mp4"))
    assert done.returncode == 1 and "does not exist" in done.stderr and "Traceback" not in done.stderr
    done = posecheck("video", str(clip), "-o", str(clip))
    assert done.returncode == 2 and "input" in done.stderr
    done = posecheck("video", str(clip), "--report", str(tmp_path / "r.txt"))
    assert done.returncode == 2 and ".json, .csv or .html" in done.stderr
    done = posecheck("video", str(tmp_path / "nope.mp4"))
    assert done.returncode == 1 and "no such file" in done.stderr


@pytest.mark.model
def test_video_command_truncated_file(tmp_path: Path) -> None:
    full = write_clip(tmp_path / "full.avi", 30, fourcc="MJPG")
    broken = tmp_path / "broken.avi"
    broken.write_bytes(full.read_bytes()[: full.stat().st_size // 2])
    report = tmp_path / "r.json"
    done = posecheck("video", str(broken), "--report", str(report), "--quiet")
    assert done.returncode == 1 and "broke off" in done.stderr and "Traceback" not in done.stderr
    summary = json.loads(report.read_text())["summary"]
    assert summary["complete"] is False and summary["ended"] == "input_broken"
    assert summary["frames"] > 0


@pytest.mark.model
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_interrupt_leaves_playable_video_and_valid_report(tmp_path: Path, signum: int) -> None:
    clip = write_clip(tmp_path / "long.mp4", 900)
    out, report = tmp_path / "out.mp4", tmp_path / "r.json"
    process = subprocess.Popen(
        [sys.executable, "-m", "posecheck", "video", str(clip), "-o", str(out), "--report", str(report)],
        cwd=REPO,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not out.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(1.0)
    process.send_signal(signum)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 128 + signum, stderr
    assert "Traceback" not in stderr
    data = json.loads(report.read_text())
    assert data["summary"]["complete"] is False
    assert data["summary"]["ended"] == "interrupted"
    assert 0 < data["summary"]["frames"] < 900
    capture = cv2.VideoCapture(str(out))
    decoded = 0
    while capture.read()[0]:
        decoded += 1
    assert decoded == data["summary"]["frames"]  # every analysed frame is in the video


@pytest.mark.model
@pytest.mark.data
def test_real_cobra_clip(shared_data: Path, tmp_path: Path) -> None:
    """A real cobra: prone press-up recognised, pelvis on the floor in most of its frames."""
    clip = shared_data / "videos" / "C1_trace_bhujangasana.mp4"
    report = tmp_path / "r.json"
    done = posecheck("video", str(clip), "--report", str(report), "--quiet", timeout=600)
    assert done.returncode == 0, done.stderr
    data = json.loads(report.read_text())
    summary, frames = data["summary"], data["frames"]
    assert summary["complete"] is True and summary["frames"] == 605
    prone = [f for f in frames if f["exercise"] == "prone_press_up"]
    assert len(prone) > 0.6 * len(frames)
    pelvis = [c["status"] for f in prone for c in f["checks"] if c["id"] == "pelvis_on_floor"]
    assert pelvis.count("pass") > 0.8 * len(pelvis)
    assert summary["checks"]["pelvis_on_floor"]["pass"] > 0.8
    assert any(s["exercise"] == "prone_press_up" for s in summary["segments"])
    print(json.dumps(summary["checks"], indent=1))


def test_command_modules_import_light() -> None:
    code = (
        "import sys, posecheck.commands.video, posecheck.commands.live, posecheck.pipeline, posecheck.report;"
        "bad = {'mediapipe', 'matplotlib'} & set(sys.modules); assert not bad, bad;"
        "import posecheck.cli; posecheck.cli.build_parser();"
        "bad = {'cv2', 'mediapipe', 'matplotlib'} & set(sys.modules); print(sorted(bad))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], check=False, capture_output=True, text=True, cwd=REPO, env=os.environ
    )
    assert done.returncode == 0, done.stderr
    assert "mediapipe" not in done.stdout and "matplotlib" not in done.stdout


@pytest.mark.model
def test_live_record_interrupted_leaves_playable_video(tmp_path: Path) -> None:
    clip = write_clip(tmp_path / "cam.mp4", 600)
    record, report = tmp_path / "rec.mp4", tmp_path / "r.csv"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "posecheck",
            "live",
            "--camera",
            str(clip),
            "--no-window",
            "--record",
            str(record),
            "--report",
            str(report),
        ],
        cwd=REPO,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not record.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(1.5)
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 128 + signal.SIGTERM, stderr
    rows = report.read_text().splitlines()
    assert len(rows) > 10  # header + frames
    capture = cv2.VideoCapture(str(record))
    decoded = 0
    while capture.read()[0]:
        decoded += 1
    assert decoded >= len(rows) - 1  # dropped frames are filled, never missing


@pytest.mark.parametrize("command", ["live", "video"])
def test_a_report_keeps_its_frames_on_disk_not_in_memory(command: str, tmp_path: Path, monkeypatch) -> None:
    """`live --report` may run for hours and `video` may read an hour-long file: each frame's
    record goes to a spool on disk (`FrameLog`), and the report written at the end still holds
    every frame."""
    from posecheck import estimator
    from posecheck import report as report_module
    from posecheck.cli import main

    class Scripted(ScriptedEstimator):
        def __init__(self, model: str = "full", mode: str = "video", **_: object) -> None:
            super().__init__(lambda i: LEFT)

        def __enter__(self) -> Scripted:
            return self

        def __exit__(self, *exc: object) -> None:
            return None

    spooled: list[bool] = []
    add = report_module.Report.add

    def spy(self: Report, *args, **kwargs) -> None:
        spooled.append(self.frames.spooled)
        add(self, *args, **kwargs)

    monkeypatch.setattr(estimator, "PoseEstimator", Scripted)
    monkeypatch.setattr(report_module.Report, "add", spy)
    clip = write_clip(tmp_path / "cam.mp4", 20)
    out = tmp_path / "r.json"
    source = ["--camera", str(clip), "--no-window"] if command == "live" else [str(clip), "--quiet"]
    assert main([command, *source, "--report", str(out), "--no-history"]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["summary"]["complete"] is True
    assert spooled and all(spooled) and data["summary"]["frames"] == len(data["frames"]) == len(spooled)
    assert data["frames"][-1]["exercise"] == "kneeling_lunge"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cam.mp4", "r.json"]  # the spool leaves nothing
