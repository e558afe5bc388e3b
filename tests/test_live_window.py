"""The live window: keys (with a stand-in GUI), and a real window under Xvfb whose
screenshot must show annotated frames."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import cv2
import numpy as np
import pytest

from posecheck.commands.live import WINDOW_TITLE, HighGui, Mutable, Window, tags
from posecheck.pipeline import FrameAnalyzer, Outputs
from posecheck.render import SIDE_RGB, OverlayRenderer
from posecheck.synth import kneeling_lunge, make_pose

REPO = Path(__file__).resolve().parents[1]
SHARED_CLIP = REPO.parent / "shared" / "data" / "videos" / "C1_video_cobra_v5.mp4"


class FakeGui:
    """The few highgui calls `Window` makes; ``keys`` are returned by waitKey in turn."""

    WINDOW_NORMAL = WINDOW_KEEPRATIO = WINDOW_GUI_NORMAL = WND_PROP_VISIBLE = 0
    error = cv2.error

    def __init__(self, keys: str) -> None:
        self.keys = [ord(k) for k in keys]
        self.shown: list[np.ndarray] = []
        self.visible = 1.0

    def namedWindow(self, name, flags):  # noqa: N802
        assert name == WINDOW_TITLE

    def resizeWindow(self, name, w, h):  # noqa: N802
        pass

    def imshow(self, name, image):
        self.shown.append(image)

    def waitKey(self, ms):  # noqa: N802
        return self.keys.pop(0) if self.keys else 255

    def getWindowProperty(self, name, prop):  # noqa: N802
        return self.visible

    def destroyWindow(self, name):  # noqa: N802
        pass


class FixedEstimator:
    model_name = "scripted"

    def detect(self, image, timestamp_s):
        return make_pose(kneeling_lunge("left"), image_size=(320, 240), timestamp_s=timestamp_s)


def make_window(tmp_path: Path, keys: str) -> tuple[Window, FakeGui, FrameAnalyzer, Outputs]:
    gui = FakeGui(keys)
    analyzer = FrameAnalyzer(FixedEstimator())
    outputs = Outputs(renderer=OverlayRenderer("en"), lang="en", model_name="scripted")
    return Window(analyzer, outputs, tmp_path, "cam", gui=gui), gui, analyzer, outputs


def analysed(analyzer: FrameAnalyzer, outputs: Outputs):
    from posecheck.video import Frame

    analysis = analyzer.analyse(Frame(np.zeros((240, 320, 3), np.uint8), 0.0, 0))
    return outputs.draw(analysis), analysis


def test_keys_pause_mirror_language_exercise(tmp_path: Path) -> None:
    window, gui, analyzer, outputs = make_window(tmp_path, " mle")
    image, analysis = analysed(analyzer, outputs)
    assert window.show(image, analysis)  # space
    assert window.paused
    assert window.idle(None)  # m
    assert outputs.renderer.mirror
    assert window.idle(None)  # l
    assert outputs.lang == "nl" and outputs.renderer.lang == "nl"
    assert window.idle(None)  # e: auto -> the first named exercise
    assert analyzer.exercise == "kneeling_lunge"
    assert len(gui.shown) >= 2  # the paused frame is re-shown with its status line


def test_key_b_records_the_own_neutral(tmp_path: Path) -> None:
    window, _, analyzer, outputs = make_window(tmp_path, "b")
    assert not analyzer.baseline.recording
    assert window.show(*analysed(analyzer, outputs))  # b
    assert analyzer.baseline.recording


@pytest.mark.parametrize("key", ["q", "\x1b"])
def test_quit_keys(tmp_path: Path, key: str) -> None:
    window, _, analyzer, outputs = make_window(tmp_path, key)
    assert not window.show(*analysed(analyzer, outputs))


def test_closing_the_window_quits(tmp_path: Path) -> None:
    window, gui, analyzer, outputs = make_window(tmp_path, "")
    gui.visible = 0.0
    assert not window.show(*analysed(analyzer, outputs))


def test_snapshot_saves_image_and_json(tmp_path: Path) -> None:
    window, _, analyzer, outputs = make_window(tmp_path, "s")
    assert window.show(*analysed(analyzer, outputs))
    pngs = list(tmp_path.glob("posecheck-*.png"))
    assert len(pngs) == 1
    assert cv2.imread(str(pngs[0])).shape == (240, 320, 3)
    result = json.loads(pngs[0].with_suffix(".json").read_text())
    assert result["exercise"] is None or result["exercise"] == "kneeling_lunge"
    assert result["source"] == "cam" and "checks" in result


def test_no_display_is_a_usage_error(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    done = subprocess.run(
        [sys.executable, "-m", "posecheck", "live", "--camera", str(tmp_path / "x.mp4")],
        check=False,
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        timeout=60,
    )
    assert done.returncode == 2 and "--no-window" in done.stderr


def test_camera_that_cannot_be_opened(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "posecheck", "live", "--camera", "9", "--no-window"],
        check=False,
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
    )
    assert done.returncode == 1
    assert "cannot open camera 9" in done.stderr and "Traceback" not in done.stderr


# ---------------------------------------------------------------------- a real window


def skeleton_pixels(image_bgr: np.ndarray) -> int:
    """Pixels in the overlay's limb colours (left orange, right blue)."""
    count = 0
    for side in ("left", "right"):
        r, g, b = SIDE_RGB[side]
        target = np.array([b, g, r], np.int16)
        count += int((np.abs(image_bgr.astype(np.int16) - target).max(axis=2) <= 12).sum())
    return count


def synthetic_clip(path: Path) -> Path:
    """A rendered mannequin in a kneeling lunge, 10 s at 30 fps (the model finds it)."""
    from posecheck.synth.body import Camera
    from posecheck.synth.render import render

    rgb = render(kneeling_lunge("left"), Camera(image_size=(640, 480)))
    bgr = cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR)
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), 30.0, (640, 480))
    for _ in range(300):
        writer.write(bgr)
    writer.release()
    return path


@pytest.fixture
def xvfb_display():
    xvfb, grab = shutil.which("Xvfb"), shutil.which("import")
    if xvfb is None or grab is None:
        pytest.skip("needs Xvfb and ImageMagick's import (Debian: xvfb, imagemagick)")
    read_fd, write_fd = os.pipe()
    server = subprocess.Popen(
        [xvfb, "-displayfd", str(write_fd), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        pass_fds=(write_fd,),
        stderr=subprocess.DEVNULL,
    )
    os.close(write_fd)
    with os.fdopen(read_fd) as pipe:
        display = f":{pipe.readline().strip()}"
    try:
        yield display
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.mark.model
def test_live_window_shows_annotated_frames(tmp_path: Path, xvfb_display: str) -> None:
    clip = SHARED_CLIP if SHARED_CLIP.exists() else synthetic_clip(tmp_path / "mannequin.mp4")
    capture = cv2.VideoCapture(str(clip))
    raw = capture.read()[1]
    capture.release()
    env = dict(os.environ, DISPLAY=xvfb_display, QT_QPA_PLATFORM="xcb")
    report = tmp_path / "r.json"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "posecheck",
            "live",
            "--camera",
            str(clip),
            "--report",
            str(report),
            "--snapshot-dir",
            str(tmp_path),
        ],
        cwd=REPO,
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    shot = tmp_path / "screen.png"
    best = 0
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and process.poll() is None:
            time.sleep(1.0)
            subprocess.run(
                ["import", "-display", xvfb_display, "-window", "root", str(shot)], check=True, timeout=30
            )
            screen = cv2.imread(str(shot))
            best = max(best, skeleton_pixels(screen))
            if best > 300:
                break
        quit_by_key = False
        xdotool = shutil.which("xdotool")
        if xdotool is not None and process.poll() is None:
            # Real key presses: s saves a snapshot, q quits (a complete session).
            for key in ("s", "q"):
                subprocess.run(
                    [
                        xdotool,
                        "search",
                        "--sync",
                        "--name",
                        WINDOW_TITLE,
                        "windowfocus",
                        "--sync",
                        "key",
                        key,
                    ],
                    env=env,
                    check=False,
                    timeout=30,
                )
                time.sleep(0.5)
            try:
                process.wait(timeout=10)
                quit_by_key = True
            except subprocess.TimeoutExpired:
                pass
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=60)
    assert screen.std() > 10, "the screen is blank"
    assert best > 300, f"no skeleton overlay on the screen ({best} pixels); stderr: {stderr[-500:]}"
    assert skeleton_pixels(raw) < best / 4  # the colours come from the overlay, not the clip
    data = json.loads(report.read_text())
    assert data["summary"]["frames"] > 0
    assert data["summary"]["live"]["fps"] > 0
    print(f"overlay pixels {best}, quit by key: {quit_by_key}, {stderr.strip().splitlines()[-1]}")
    if quit_by_key:
        assert process.returncode == 0, stderr
        assert data["summary"]["complete"] is True and data["summary"]["ended"] == "quit"
        assert len(list(tmp_path.glob("posecheck-*.png"))) == 1
        assert len(list(tmp_path.glob("posecheck-*.json"))) == 1
    else:
        assert process.returncode in (0, 130), stderr


def test_keys_mute_the_voice_and_switch_its_language(tmp_path: Path) -> None:
    from posecheck.audio import Voice

    window, _, analyzer, outputs = make_window(tmp_path, "vl")
    voice = Voice("en", realtime=False)
    try:
        assert isinstance(voice, Mutable)  # what the keys need of a voice
        outputs.voice = voice
        image, analysis = analysed(analyzer, outputs)
        assert tags(analyzer, outputs) == ["exercise: auto (e)", "voice on (v)"]
        assert window.show(image, analysis)  # v
        assert voice.muted and tags(analyzer, outputs)[-1] == "voice off (v)"
        assert window.show(image, analysis)  # l
        assert voice.lang == "nl" and outputs.lang == "nl"
    finally:
        voice.close()


def test_cv2_has_every_call_the_window_makes() -> None:
    """`HighGui` is matched against the real cv2 here: its stub hides its names from mypy."""
    methods = [
        name for name, member in vars(HighGui).items() if callable(member) and not name.startswith("_")
    ]
    members = [*HighGui.__annotations__, *methods]
    assert len(members) == 11
    assert [name for name in members if not hasattr(cv2, name)] == []
    assert issubclass(cv2.error, Exception)
