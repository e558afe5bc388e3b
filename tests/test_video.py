"""Frame sources and the video sink, on small synthetic clips and stand-in captures."""

from __future__ import annotations

import errno
import itertools
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import cv2
import numpy as np
import pytest

from posecheck.errors import InputError, OutputError, UsageError
from posecheck.video import CaptureSource, VideoSink, check_output_path, open_source

SIZE = (64, 48)
REPO = Path(__file__).resolve().parents[1]


def write_clip(path: Path, frames: int = 20, fps: float = 25.0, fourcc: str = "mp4v", size=SIZE) -> Path:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*fourcc), fps, size)
    assert writer.isOpened()
    for i in range(frames):
        writer.write(np.full((size[1], size[0], 3), (i * 10) % 255, np.uint8))
    writer.release()
    return path


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


class StubCapture:
    """A stand-in for cv2.VideoCapture delivering given images (None = a failed read)."""

    def __init__(self, images, fps: float = 25.0, count: float = -1, pos_ms=None) -> None:
        self.images = list(images)
        self.fps = fps
        self.count = count
        self.pos_ms = pos_ms
        self.reads = 0
        self.released = False

    def read(self):
        if not self.images:
            return False, None
        image = self.images.pop(0)
        self.reads += 1
        return (image is not None), image

    def get(self, prop: int) -> float:
        if prop == cv2.CAP_PROP_FPS:
            return self.fps
        if prop == cv2.CAP_PROP_FRAME_COUNT:
            return self.count
        if prop == cv2.CAP_PROP_POS_MSEC:
            return 0.0 if self.pos_ms is None else self.pos_ms(self.reads)
        return 0.0

    def isOpened(self) -> bool:  # noqa: N802
        return True

    def release(self) -> None:
        self.released = True


def img(w: int = 64, h: int = 48) -> np.ndarray:
    return np.zeros((h, w, 3), np.uint8)


def test_video_file_properties_and_timestamps(tmp_path: Path) -> None:
    clip = write_clip(tmp_path / "a.mp4", frames=20, fps=25)
    with open_source(clip) as source:
        assert source.fps == pytest.approx(25.0)
        assert source.frame_count == 20
        assert source.size == SIZE
        frames = list(source)
    assert [f.index for f in frames] == list(range(20))
    assert [f.timestamp_s for f in frames] == pytest.approx([i / 25 for i in range(20)])
    assert frames[0].image.shape == (48, 64, 3)
    assert source.state == "ended"


def test_fps_zero_falls_back_to_30(caplog) -> None:
    source = CaptureSource(StubCapture([img()] * 4, fps=0.0, count=4), "nofps.avi")
    times = [f.timestamp_s for f in source]
    assert source.fps == 30.0
    assert times == pytest.approx([0, 1 / 30, 2 / 30, 3 / 30])
    assert "no usable frame rate" in caplog.text


def test_timestamps_strictly_increase_when_stream_repeats_them() -> None:
    source = CaptureSource(StubCapture([img()] * 4, pos_ms=lambda n: 40.0), "vfr.mp4")
    times = [f.timestamp_s for f in source]
    assert all(b > a for a, b in itertools.pairwise(times))


def test_frame_size_change_mid_stream_is_resized(caplog) -> None:
    images = [img(64, 48), img(64, 48), img(128, 96), img(32, 20)]
    frames = list(CaptureSource(StubCapture(images), "sizes.mp4"))
    assert [f.image.shape for f in frames] == [(48, 64, 3)] * 4
    assert "changes frame size" in caplog.text


def test_grayscale_and_bgra_frames_become_bgr() -> None:
    images = [np.zeros((48, 64), np.uint8), np.zeros((48, 64, 4), np.uint8)]
    frames = list(CaptureSource(StubCapture(images), "odd.avi"))
    assert [f.image.shape for f in frames] == [(48, 64, 3)] * 2


def test_truncated_file_ends_cleanly_with_warning(tmp_path: Path, caplog) -> None:
    clip = write_clip(tmp_path / "full.avi", frames=30, fourcc="MJPG")
    data = clip.read_bytes()
    truncated = tmp_path / "truncated.avi"
    truncated.write_bytes(data[: len(data) // 2])
    with open_source(truncated) as source:
        frames = list(source)
    assert 0 < len(frames) < 30
    assert source.state == "broken"
    assert "broke off" in caplog.text


def test_file_breaking_mid_way_stub(caplog) -> None:
    source = CaptureSource(StubCapture([img(), img(), None, None], count=100), "broken.mp4")
    assert len(list(source)) == 2
    assert source.state == "broken"


def test_zero_frame_file_is_an_input_error(tmp_path: Path) -> None:
    empty = tmp_path / "empty.mp4"
    cv2.VideoWriter(str(empty), cv2.VideoWriter_fourcc(*"mp4v"), 25, SIZE).release()
    with pytest.raises(InputError):
        open_source(empty)
    with pytest.raises(InputError, match="no readable video frames"):
        CaptureSource(StubCapture([]), "zero.mp4")


def _file(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p / "missing.mp4", "no such file"),
        (lambda p: p, "is a directory"),
        (lambda p: _file(p / "e.mp4", b""), "empty"),
        (lambda p: _file(p / "t.mp4", b"not a video"), "cannot read this video"),
    ],
)
def test_bad_files_are_input_errors(tmp_path: Path, make, message: str) -> None:
    with pytest.raises(InputError, match=message):
        open_source(make(tmp_path))


def test_image_file_is_one_frame(tmp_path: Path) -> None:
    path = tmp_path / "p.png"
    cv2.imwrite(str(path), np.full((30, 40, 3), 7, np.uint8))
    with open_source(path) as source:
        frames = list(source)
    assert len(frames) == 1 and source.size == (40, 30) and source.frame_count == 1


def test_camera_that_does_not_exist() -> None:
    with pytest.raises(InputError, match=r"cannot open camera 97.*--camera"):
        open_source("97")


def test_camera_that_opens_but_delivers_nothing() -> None:
    clock = FakeClock()
    with pytest.raises(InputError, match="delivers no frames"):
        CaptureSource(StubCapture([None] * 1000), "0", is_camera=True, clock=clock, sleep=clock.sleep)


def test_camera_lost_mid_session_retries_then_ends() -> None:
    clock = FakeClock()
    capture = StubCapture([img()] * 3 + [None] * 1000)
    source = CaptureSource(capture, "0", is_camera=True, retry_s=2.0, clock=clock, sleep=clock.sleep)
    frames = list(source)
    assert len(frames) == 3
    assert source.state == "lost"
    assert 20 <= capture.reads - 3 <= 25  # retried for ~2 s at 10 Hz, then gave up


def test_camera_recovers_after_short_loss() -> None:
    clock = FakeClock()
    capture = StubCapture([img(), None, None, img(), img()])
    source = CaptureSource(capture, "0", is_camera=True, retry_s=2.0, clock=clock, sleep=clock.sleep)
    states = [source.state for _ in source]
    assert states == ["ok", "ok", "ok"]  # the loss in between was bridged
    assert source.state == "lost"  # the stub delivers nothing after its last image


def test_realtime_file_is_paced_like_a_camera() -> None:
    clock = FakeClock()
    source = CaptureSource(
        StubCapture([img()] * 5, fps=10.0), "clip.mp4", realtime=True, clock=clock, sleep=clock.sleep
    )
    start = clock.now
    frames = list(source)
    assert source.is_live
    assert clock.now - start == pytest.approx(0.4)
    assert [f.captured_at - start for f in frames] == pytest.approx([0, 0.1, 0.2, 0.3, 0.4])


def test_sink_keeps_fps_and_size_and_is_readable(tmp_path: Path) -> None:
    out = tmp_path / "out.mp4"
    with VideoSink(out, fps=12.5) as sink:
        assert not out.exists()  # opened lazily
        for i in range(10):
            sink.write(np.full((48, 64, 3), i * 20, np.uint8))
        sink.write(np.zeros((100, 100, 3), np.uint8))  # resized to the first size
    capture = cv2.VideoCapture(str(out))
    assert capture.get(cv2.CAP_PROP_FPS) == pytest.approx(12.5)
    count = 0
    while True:
        ok, frame = capture.read()
        if not ok:
            break
        assert frame.shape == (48, 64, 3)
        count += 1
    assert count == 11


def test_sink_output_checks(tmp_path: Path) -> None:
    clip = write_clip(tmp_path / "in.mp4")
    with pytest.raises(UsageError, match="is the input file"):
        VideoSink(clip, 25, inputs=[clip])
    with pytest.raises(UsageError, match="is the input file"):
        check_output_path(tmp_path / "." / "in.mp4", inputs=[str(clip)])
    with pytest.raises(OutputError, match="does not exist"):
        VideoSink(tmp_path / "nope" / "out.mp4", 25)
    with pytest.raises(UsageError, match="directory"):
        VideoSink(tmp_path, 25)


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_sink_unwritable_directory(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        with pytest.raises(OutputError, match="no permission"):
            VideoSink(locked / "out.mp4", 25)
    finally:
        locked.chmod(0o700)


# ---------------------------------------------------------------------- the H.264 sink (issue 15)


def noisy_frames(count: int, size=(320, 240), seed: int = 0) -> list[np.ndarray]:
    """Frames that do not compress well (a noise band), so a few of them fill a small disk."""
    rng = np.random.default_rng(seed)
    width, height = size
    frames = []
    for i in range(count):
        image = np.full((height, width, 3), (i * 7) % 255, np.uint8)
        image[height // 3 : height // 2] = rng.integers(
            0, 255, (height // 2 - height // 3, width, 3), np.uint8
        )
        cv2.putText(image, str(i), (10, height - 20), cv2.FONT_HERSHEY_SIMPLEX, 1.5, (255, 255, 255), 3)
        frames.append(image)
    return frames


def probe(path: Path) -> dict:
    """Codec, pixel format, size, rate and the frames a decoder gets out of ``path`` (PyAV,
    the same libavformat as ffprobe)."""
    import av

    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        decoded = 0
        try:
            for _frame in container.decode(stream):
                decoded += 1
        except av.error.InvalidDataError:  # a file cut off mid-packet: count what decodes
            pass
        return {
            "codec": stream.codec_context.name,
            "pix_fmt": stream.codec_context.pix_fmt,
            "size": (stream.codec_context.width, stream.codec_context.height),
            "rate": float(stream.average_rate or 0),
            "frames": decoded,
        }


def test_sink_writes_h264_yuv420p_with_even_size(tmp_path: Path) -> None:
    """Browsers and phones play H.264 in yuv420p, which needs even sizes; mp4v (the old sink) and
    odd sizes do not play in Chromium."""
    out = tmp_path / "odd.mp4"
    with VideoSink(out, fps=12.5) as sink:
        for image in noisy_frames(9, size=(65, 49)):
            sink.write(image)
    info = probe(out)
    assert info == {"codec": "h264", "pix_fmt": "yuv420p", "size": (66, 50), "rate": 12.5, "frames": 9}
    if shutil.which("ffprobe"):
        shown = subprocess.run(
            ["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "stream=codec_name,pix_fmt",
             "-of", "csv=p=0", str(out)],
            capture_output=True, text=True, check=True,
        ).stdout.strip()  # fmt: skip
        assert shown == "h264,yuv420p"


def test_sink_repeated_frame_is_encoded_once_and_lasts(tmp_path: Path) -> None:
    """``repeat`` (the live recording filling dropped frames) stretches one encoded frame over
    several frame periods: the file plays at real speed with exact durations."""
    import av

    out = tmp_path / "vfr.mp4"
    with VideoSink(out, fps=10.0) as sink:
        for image, repeat in zip(noisy_frames(4, size=(64, 48)), (1, 1, 4, 3), strict=True):
            sink.write(image, repeat=repeat)
    assert sink.frames_written == 9 and sink.frames_encoded == 4
    with av.open(str(out)) as container:
        stream = container.streams.video[0]
        times = [float(frame.pts * frame.time_base) for frame in container.decode(stream)]
        assert float(stream.duration * stream.time_base) == pytest.approx(0.9)
    assert times == pytest.approx([0.0, 0.1, 0.2, 0.6])


def test_sink_queue_is_bounded_while_the_encoder_is_behind(tmp_path: Path, monkeypatch) -> None:
    """Encoding runs in its own thread behind a bounded queue: a stalled encoder makes `write`
    wait instead of piling frames up in memory."""
    release = threading.Event()
    sink = VideoSink(tmp_path / "slow.mp4", 25.0, queue_frames=3)
    real_frame = sink._frame

    def slow_frame(image: np.ndarray, pts: int):
        release.wait()
        return real_frame(image, pts)

    monkeypatch.setattr(sink, "_frame", slow_frame)
    writer = threading.Thread(target=lambda: [sink.write(f) for f in noisy_frames(20, size=(64, 48))])
    writer.start()
    deadline = time.monotonic() + 20.0
    while sink.frames_written < 4 and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)  # time for more writes, were the queue not bounded
    # one frame taken by the encoder thread (stuck in slow_frame) + 3 queued
    assert sink.frames_written == 4
    assert writer.is_alive()
    release.set()
    writer.join(timeout=30)
    sink.close()
    assert probe(tmp_path / "slow.mp4")["frames"] == 20


_KILLED_WRITER = """
import sys, cv2, numpy as np
from posecheck.video import VideoSink
sink = VideoSink(sys.argv[1], 25.0)
rng = np.random.default_rng(0)
said = False
for i in range(100000):
    image = rng.integers(0, 255, (120, 160, 3), np.uint8)
    sink.write(image)
    if sink.frames_encoded >= 300 and not said:  # the encoder thread may pass 300 between checks
        print("300 frames encoded", flush=True)
        said = True
"""


def test_sink_killed_mid_write_leaves_a_playable_file(tmp_path: Path) -> None:
    """SIGKILL (or a power cut) gives no chance to finalise the file: the fragmented MP4 still
    plays up to its last whole fragment.  (The old mp4v sink left a file without its index.)"""
    out = tmp_path / "killed.mp4"
    child = subprocess.Popen(
        [sys.executable, "-c", _KILLED_WRITER, str(out)], stdout=subprocess.PIPE, text=True, cwd=REPO
    )
    assert child.stdout is not None
    assert child.stdout.readline().startswith("300 frames")
    child.kill()
    child.wait(timeout=30)
    info = probe(out)
    assert info["codec"] == "h264"
    # a keyframe (a new fragment) every 2 s = 50 frames; x264 also holds some frames back
    assert info["frames"] >= 150


def test_sink_write_failure_is_one_line_and_keeps_what_was_written(tmp_path: Path, monkeypatch) -> None:
    """An injected ENOSPC from the muxer (what a full disk gives; the tmpfs version is in
    tests/test_writes.py): the next `write` raises one `OutputError` naming the cause and
    what to do, `close` does not hang, and the frames written before still play."""
    import av

    out = tmp_path / "full.mp4"
    real_open = av.open

    class FillsUp:
        """The real output container, whose disk is full after 120 packets."""

        def __init__(self, *args, **kwargs) -> None:
            self._real = real_open(*args, **kwargs)
            self._packets = 0

        def mux(self, packet) -> None:
            self._packets += 1
            if self._packets > 120:
                raise av.error.OSError(errno.ENOSPC, "No space left on device")
            self._real.mux(packet)

        def __getattr__(self, name: str):
            return getattr(self._real, name)

    monkeypatch.setattr(av, "open", FillsUp)
    sink = VideoSink(out, 25.0)
    frames = noisy_frames(200, size=(160, 120))
    with pytest.raises(OutputError) as raised:
        for image in frames:
            sink.write(image)
    message = str(raised.value)
    assert message.startswith(f"cannot write video {out}: no space left on device (after ")
    assert message.endswith("; free some space or write to another folder")
    assert "\n" not in message
    sink.close()
    with pytest.raises(OutputError):
        sink.raise_error()
    monkeypatch.undo()
    assert probe(out)["frames"] >= 50


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (Debian package: chromium)")
def test_sink_output_plays_in_headless_chromium(tmp_path: Path) -> None:
    """The issue's test of "plays in any browser": Chromium loads the file, knows its duration and
    plays it.  The old mp4v file fails here with a media error (DEMUXER_ERROR_NO_SUPPORTED_STREAMS)."""
    from chromium_probe import video_state

    out = tmp_path / "play.mp4"
    with VideoSink(out, fps=25.0) as sink:
        for image in noisy_frames(50, size=(321, 241)):
            sink.write(image)
    state = video_state(out, tmp_path)
    assert state["error"] is None, state
    assert state["readyState"] == 4, state
    assert state["duration"] == pytest.approx(2.0, abs=0.05), state
    assert (state["width"], state["height"]) == (322, 242)


def test_add_audio_track_muxes_aac_and_keeps_the_video(tmp_path: Path) -> None:
    """The sound track API for ``video --voice``: AAC next to the copied H.264 stream, the tone's
    energy survives, and the video frames are the same."""
    import wave

    import av

    from posecheck.video import add_audio_track

    out = tmp_path / "talk.mp4"
    with VideoSink(out, fps=25.0) as sink:
        for image in noisy_frames(50, size=(160, 120)):
            sink.write(image)
    rate = 16000
    tone = (0.3 * 32767 * np.sin(2 * np.pi * 440 * np.arange(2 * rate) / rate)).astype(np.int16)
    wav = tmp_path / "cues.wav"
    with wave.open(str(wav), "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(rate)
        handle.writeframes(tone.tobytes())
    add_audio_track(out, wav)
    assert probe(out)["frames"] == 50
    with av.open(str(out)) as container:
        assert container.streams.audio[0].codec_context.name == "aac"
        samples = np.concatenate([f.to_ndarray().ravel() for f in container.decode(audio=0)])
    assert len(samples) / rate == pytest.approx(2.0, abs=0.15)  # + AAC priming and padding
    assert float(np.sqrt(np.mean(samples**2))) == pytest.approx(0.3 / np.sqrt(2), rel=0.1)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cues.wav", "talk.mp4"]  # no temp file left
    silent = tmp_path / "silent.mp4"
    with VideoSink(silent, fps=25.0) as sink:
        sink.write(np.zeros((48, 64, 3), np.uint8))
    with pytest.raises(InputError, match="no audio stream"):
        add_audio_track(out, silent)
