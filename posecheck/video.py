"""Frame sources (camera, video file, still images) and the annotated-video sink.

One source type for all inputs, so ``posecheck live`` and ``posecheck video`` share one
loop.  Everything here is an adapter around OpenCV; nothing in the pure core imports it.

Why the care about timestamps: MediaPipe's VIDEO mode and every temporal filter
(smoothing, debounce, hold timer) need strictly increasing times in seconds.  Files give
them through ``CAP_PROP_POS_MSEC``; when the container has no usable frame rate (0 or
missing) we fall back to ``index / fps`` at 30 fps; cameras use the capture clock.

Failure handling follows what a user can act on:

* a camera that cannot be opened, or opens but never delivers a frame -> `InputError`
  naming what to try;
* a camera that stops delivering mid-session -> ``state == "lost"`` while retrying for
  ``retry_s`` seconds (the window can say so), then the iteration ends cleanly;
* a file that breaks mid-way -> the iteration ends with a warning and ``state == "broken"``;
* frames whose size changes mid-stream are resized to the first frame's size.
"""

from __future__ import annotations

import contextlib
import logging
import os
import queue
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any, Literal, Protocol

import cv2
import numpy as np

from posecheck.errors import InputError, OutputError, UsageError
from posecheck.fileio import check_writable, regular_file_kind, write_error

log = logging.getLogger(__name__)

DEFAULT_FPS = 30.0
IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff"})
SourceState = Literal["ok", "lost", "ended", "broken"]


@dataclass(frozen=True, eq=False)
class Frame:
    """One decoded frame.

    Attributes:
        image: (height, width, 3) uint8 BGR image, always of the source's first size.
        timestamp_s: stream time in seconds, strictly increasing within a source.
        index: 0-based number of the frame within the source.
        captured_at: ``time.monotonic()`` when the frame was read, for latency figures.
    """

    image: np.ndarray
    timestamp_s: float
    index: int
    captured_at: float = field(default_factory=time.monotonic)


class Capture(Protocol):
    """The part of ``cv2.VideoCapture`` a source uses (tests pass stand-ins)."""

    def read(self) -> tuple[bool, Any]: ...
    def get(self, prop: int) -> float: ...
    def isOpened(self) -> bool: ...  # noqa: N802 - OpenCV's name
    def release(self) -> None: ...


class FrameSource:
    """Iterate `Frame`s; also a context manager that releases the device or file."""

    name: str = ""
    is_live: bool = False
    state: SourceState = "ok"

    @property
    def fps(self) -> float:
        return DEFAULT_FPS

    @property
    def frame_count(self) -> int | None:
        """Frames in the source when known (files, images), else None (cameras)."""
        return None

    @property
    def size(self) -> tuple[int, int]:
        """(width, height) of every frame this source yields."""
        raise NotImplementedError

    def __iter__(self) -> Iterator[Frame]:
        raise NotImplementedError

    def close(self) -> None:
        """Release the device or file; safe to call twice."""

    def __enter__(self) -> FrameSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class CaptureSource(FrameSource):
    """A camera or a video file read through a `Capture` (normally ``cv2.VideoCapture``).

    The first frame is read when the source is made, so a file without frames or a busy
    camera fails early with an `InputError`, before any output is written.

    Args:
        capture: an opened capture.
        name: what to call the source in messages and reports.
        is_camera: cameras get wall-clock timestamps and retry on read failures.
        realtime: deliver a file's frames no faster than its frame rate, as a camera would
            (``posecheck live --camera CLIP``), so frame dropping behaves as with a camera.
        retry_s: how long a lost camera is retried before the session ends.
        clock, sleep: injectable for tests.
    """

    def __init__(
        self,
        capture: Capture,
        name: str,
        *,
        is_camera: bool = False,
        realtime: bool = False,
        retry_s: float = 3.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._cap = capture
        self.name = name
        self.is_live = is_camera or realtime
        self._is_camera = is_camera
        self._realtime = realtime
        self._retry_s = retry_s
        self._clock = clock
        self._sleep = sleep
        fps = float(capture.get(cv2.CAP_PROP_FPS) or 0.0)
        self._fps_known = np.isfinite(fps) and 1.0 <= fps <= 1000.0
        self._fps = fps if self._fps_known else DEFAULT_FPS
        if not self._fps_known and not is_camera:
            log.warning("%s has no usable frame rate (%s); assuming %.0f fps", name, fps, DEFAULT_FPS)
        count = capture.get(cv2.CAP_PROP_FRAME_COUNT)
        self._count = int(count) if not is_camera and np.isfinite(count) and count > 0 else None
        self._index = 0
        self._last_ts = -1.0
        self._t0 = clock()
        self._resize_warned = False
        first = self._read_first()
        self._size = (first.shape[1], first.shape[0])
        self._first: np.ndarray | None = first

    def _read_first(self) -> np.ndarray:
        deadline = self._clock() + (self._retry_s if self._is_camera else 0.0)
        while True:
            ok, image = self._cap.read()
            if ok and image is not None and image.size:
                return _to_bgr(image)
            if self._clock() >= deadline:
                self.close()
                if self._is_camera:
                    raise InputError(
                        f"camera {self.name} opened but delivers no frames: close other programs "
                        "using it, or try another --camera index"
                    )
                raise InputError(
                    f"{self.name} contains no readable video frames: check that it is a video file"
                )
            self._sleep(0.05)

    @property
    def fps(self) -> float:
        return self._fps

    @property
    def frame_count(self) -> int | None:
        return self._count

    @property
    def size(self) -> tuple[int, int]:
        return self._size

    def _timestamp(self) -> float:
        if self._is_camera:
            ts = self._clock() - self._t0
        else:
            ts = self._index / self._fps
            if self._fps_known:
                pos_ms = self._cap.get(cv2.CAP_PROP_POS_MSEC)
                if np.isfinite(pos_ms) and pos_ms > 0:
                    ts = pos_ms / 1000.0
        # Strictly increasing by at least 1 ms: MediaPipe VIDEO mode rejects repeats.
        ts = max(ts, self._last_ts + 0.001)
        self._last_ts = ts
        return ts

    def _make_frame(self, image: np.ndarray) -> Frame:
        height, width = image.shape[:2]
        if (width, height) != self._size:
            if not self._resize_warned:
                log.warning(
                    "%s changes frame size to %dx%d at frame %d; resizing to %dx%d",
                    self.name, width, height, self._index, *self._size,
                )  # fmt: skip
                self._resize_warned = True
            image = cv2.resize(image, self._size, interpolation=cv2.INTER_AREA)
        timestamp_s = self._timestamp()
        if self._realtime and not self._is_camera:
            delay = self._t0 + timestamp_s - self._clock()
            if delay > 0:
                self._sleep(delay)
        frame = Frame(image, timestamp_s, self._index, captured_at=self._clock())
        self._index += 1
        return frame

    def _read_retrying(self) -> np.ndarray | None:
        """The next image, or None at the end; retries a lost camera for ``retry_s``."""
        ok, image = self._cap.read()
        if ok and image is not None and image.size:
            return _to_bgr(image)
        if not self._is_camera:
            # One more try: some decoders fail on a single damaged packet and then recover.
            ok, image = self._cap.read()
            if ok and image is not None and image.size:
                return _to_bgr(image)
            if self._count is not None and self._index < self._count * 0.98 - 1:
                self.state = "broken"
                log.warning(
                    "%s broke off after %d of %d frames (damaged or truncated file); "
                    "keeping what was read",
                    self.name, self._index, self._count,
                )  # fmt: skip
            else:
                self.state = "ended"
            return None
        self.state = "lost"
        log.warning("camera %s stopped delivering frames; retrying for %.0f s", self.name, self._retry_s)
        deadline = self._clock() + self._retry_s
        while self._clock() < deadline:
            self._sleep(0.1)
            ok, image = self._cap.read()
            if ok and image is not None and image.size:
                self.state = "ok"
                log.warning("camera %s is back", self.name)
                return _to_bgr(image)
        log.warning("camera %s lost; ending the session", self.name)
        return None

    def __iter__(self) -> Iterator[Frame]:
        if self._first is not None:
            # Start the clock when the consumer starts reading, not when the source was
            # opened (model loading in between would otherwise look like a backlog).
            self._t0 = self._clock()
            first, self._first = self._first, None
            yield self._make_frame(first)
        while self.state not in ("ended", "broken"):
            image = self._read_retrying()
            if image is None:
                if self.state in ("ok", "lost"):
                    self.state = "ended" if self.state == "ok" else "lost"
                return
            yield self._make_frame(image)

    def close(self) -> None:
        self._cap.release()


class ImageSource(FrameSource):
    """Still images as frames, one second apart (so temporal filters see distinct times)."""

    def __init__(self, paths: Sequence[Path]) -> None:
        from posecheck.imageio import load_image  # only image inputs need it

        if not paths:
            raise InputError("no images given")
        self.name = str(paths[0]) if len(paths) == 1 else f"{paths[0].parent} ({len(paths)} images)"
        self._images = [load_image(p) for p in paths]
        height, width = self._images[0].shape[:2]
        self._size = (width, height)

    @property
    def fps(self) -> float:
        return 1.0

    @property
    def frame_count(self) -> int | None:
        return len(self._images)

    @property
    def size(self) -> tuple[int, int]:
        return self._size

    def __iter__(self) -> Iterator[Frame]:
        for index, loaded in enumerate(self._images):
            image = _to_bgr(loaded)
            if (image.shape[1], image.shape[0]) != self._size:
                image = cv2.resize(image, self._size, interpolation=cv2.INTER_AREA)
            yield Frame(image, float(index), index)
        self.state = "ended"


def _to_bgr(image: np.ndarray) -> np.ndarray:
    """3-channel uint8 BGR from whatever a capture or loader returned."""
    if image.dtype != np.uint8:
        scale = 255.0 / 65535.0 if image.dtype == np.uint16 else 1.0
        image = np.clip(image.astype(np.float32) * scale, 0, 255).astype(np.uint8)
    if image.ndim == 2:
        return cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    if image.shape[2] == 4:
        return cv2.cvtColor(image, cv2.COLOR_BGRA2BGR)
    return image


def _open_camera(device: int | str, retry_s: float) -> CaptureSource:
    # OpenCV prints several WARN/ERROR lines for a missing camera; our one line says it.
    previous = cv2.utils.logging.getLogLevel()
    cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_SILENT)
    try:
        if isinstance(device, str) and sys.platform.startswith("linux"):
            # A device path is a V4L2 camera; OpenCV's default would first let FFmpeg read it as a file.
            capture = cv2.VideoCapture(device, cv2.CAP_V4L2)
        else:
            capture = cv2.VideoCapture(device)
    finally:
        cv2.utils.logging.setLogLevel(previous)
    if not capture.isOpened():
        capture.release()
        raise InputError(
            f"cannot open camera {device}: check that a camera is connected and not in use, "
            "try another index (--camera 1), or give a video file as --camera"
        )
    return CaptureSource(capture, str(device), is_camera=True, retry_s=retry_s)


def open_source(
    spec: int | str | Path, *, realtime: bool = False, retry_s: float = 3.0, camera_device: bool = False
) -> FrameSource:
    """A `FrameSource` for a camera index (``0`` or ``"0"``), a video file or an image.

    Only regular files are read as files: a device (``/dev/zero``), a named pipe or a socket
    is refused before it is opened, since reading one can hang or never end.  With
    ``camera_device`` (``live --camera /dev/video0``) a device path is opened as a camera.

    Raises:
        InputError: the camera cannot be opened or the file is missing, not a regular file
            or unreadable; the message says what to try.
    """
    if isinstance(spec, int) or (isinstance(spec, str) and spec.strip().isdigit()):
        return _open_camera(int(spec), retry_s)
    path = Path(spec)
    if not path.exists():
        raise InputError(f"{path}: no such file; check the path")
    if path.is_dir():
        raise InputError(f"{path} is a directory; give a video or image file")
    kind = regular_file_kind(path)
    if kind == "a device" and camera_device:
        return _open_camera(str(path), retry_s)
    if kind is not None:
        camera = "; a camera is given by its number or device with --camera" if kind == "a device" else ""
        raise InputError(f"{path} is {kind}, not a video or image file; give a file{camera}")
    if not os.access(path, os.R_OK):
        raise InputError(f"{path}: no permission to read it; check the file's permissions")
    if path.stat().st_size == 0:
        raise InputError(f"{path} is empty (0 bytes); give a video or image file")
    if path.suffix.lower() in IMAGE_SUFFIXES:
        return ImageSource([path])
    capture = cv2.VideoCapture(str(path))
    if not capture.isOpened():
        capture.release()
        raise InputError(
            f"{path}: OpenCV cannot read this video (no video stream: audio only, unsupported, damaged or "
            "truncated); check that it is a video, or re-encode it to H.264 MP4"
        )
    return CaptureSource(capture, str(path), realtime=realtime, retry_s=retry_s)


def check_output_path(
    path: str | Path,
    *,
    inputs: Sequence[str | Path] = (),
    suffixes: Sequence[str] = (),
    what: str = "file",
) -> Path:
    """Fail before any work starts when ``path`` cannot be written, naming the cause.

    Args:
        inputs: files the run reads; writing over one of them is refused.
        suffixes: accepted extensions (lower case, with the dot), the one to suggest first;
            empty accepts any.
        what: what the file is, for the message ("video", "image").

    Raises:
        UsageError: ``path`` is one of the inputs (it would be overwritten while read), a
            directory, or has an extension not in ``suffixes``.
        OutputError: its folder does not exist or cannot be written (see `check_writable`).
    """
    out = Path(path)
    for source in inputs:
        src = Path(source)
        same = src.exists() and out.exists() and os.path.samefile(src, out)
        if same or out.resolve() == src.resolve():
            raise UsageError(f"output {out} is the input file; choose another output name")
    if out.is_dir():
        example = out / f"out{suffixes[0] if suffixes else '.mp4'}"
        raise UsageError(f"output {out} is a directory; give a file name, e.g. {example}")
    if suffixes and out.suffix.lower() not in suffixes:
        wanted = (
            " or ".join(suffixes) if len(suffixes) < 3 else f"{', '.join(suffixes[:-1])} or {suffixes[-1]}"
        )
        if not out.suffix:
            raise UsageError(f"output {out} has no file extension; name the {what} {out.name}{suffixes[0]}")
        raise UsageError(f"output {out}: a {what} cannot be written as {out.suffix!r}; use {wanted}")
    return check_writable(out, what)


# libx264 settings for the annotated video.  CRF 23 is x264's default quality (visually clean for an
# overlay on camera footage); "superfast" costs about a third of the CPU of x264's default "medium" at
# a bigger file, which matters on a 2-core machine where the encoder shares the CPU with the pose
# model (benchmarks/speed.py: the annotate/bare ratio).  A keyframe every 2 s bounds what an
# interrupted or failed write can lose (the file is written in fragments that start at keyframes).
H264_CRF = 23
H264_PRESET = "superfast"
KEYFRAME_INTERVAL_S = 2.0
# Frames waiting for the encoder: bounds memory (8 x 1280x720x3 = 22 MB) while absorbing the
# encoder's bursts (x264 takes longer on keyframes).  When it is full, `VideoSink.write` waits.
ENCODER_QUEUE_FRAMES = 8
VIDEO_SUFFIXES = (".mp4", ".m4v", ".mov")
_STOP = object()


def mp4_movflags() -> str:
    """MP4 layout that stays playable when writing stops early (Ctrl-C, kill, power loss, disk full).

    Fragmented MP4 (``frag_keyframe+empty_moov``): the header comes first and every keyframe starts
    a self-contained fragment, so a file cut off at any point plays up to its last whole fragment.
    FFmpeg >= 8 (libavformat 62) adds ``hybrid_fragmented``: written the same way, and turned into a
    regular MP4 (one index at the end) when it is closed normally, which every player handles.
    """
    import av

    if av.library_versions.get("libavformat", (0,))[0] >= 62:
        return "hybrid_fragmented"
    return "frag_keyframe+empty_moov+default_base_moof"


class VideoSink:
    """Writes annotated frames to an H.264 MP4 (yuv420p) through PyAV, in its own thread.

    Opened on the first frame, whose size (rounded up to even numbers, as yuv420p needs) and
    the given frame rate the file keeps; later frames of another size are resized.  `write`
    hands the frame to a bounded queue (`ENCODER_QUEUE_FRAMES`) and returns; the encoder thread
    converts, encodes and writes it.  Use the sink as a context manager or call `close` in a
    ``finally``: closing drains the queue and finalises the file.  The file is fragmented MP4
    while it is written (`mp4_movflags`), so a run that is killed, or a disk that fills up,
    still leaves a file that plays up to its last whole fragment.

    A failed write (disk full, the folder vanished) is kept in `error`: the next `write`
    raises it as an `OutputError`, and `close` leaves it there for the caller to raise after
    the other outputs are saved (`raise_error`).

    Attributes:
        frames_written: frames accepted by `write` (`posecheck.pipeline.RecordClock` paces by it).
        frames_encoded: images handed to the encoder (a repeated image counts once).
    """

    def __init__(
        self,
        path: str | Path,
        fps: float,
        *,
        inputs: Sequence[str | Path] = (),
        queue_frames: int = ENCODER_QUEUE_FRAMES,
    ) -> None:
        self.path = check_output_path(path, inputs=inputs, suffixes=VIDEO_SUFFIXES, what="video")
        self.fps = fps if np.isfinite(fps) and fps >= 1.0 else DEFAULT_FPS
        self.frames_written = 0
        self.frames_encoded = 0
        self.error: OutputError | None = None
        self._queue: queue.Queue[Any] = queue.Queue(maxsize=max(1, queue_frames))
        self._thread: threading.Thread | None = None
        self._container: Any = None
        self._stream: Any = None
        self._size: tuple[int, int] | None = None  # the first frame's (width, height)
        self._closed = False

    def write(self, image: np.ndarray, repeat: int = 1) -> None:
        """Queue one BGR frame for encoding (waits while the queue is full).

        ``repeat`` > 1 shows the image for that many frame periods (the live recording fills the
        time of dropped frames so it plays at real speed): it is encoded once and the next frame
        starts that much later, so a slow moment costs no extra encoding.

        Raises:
            OutputError: an earlier frame could not be written (the message says why).
        """
        if self.error is not None:
            raise self.error
        if self._closed:
            raise ValueError(f"video {self.path} is closed")
        if self._thread is None:
            self._open(image.shape[1], image.shape[0])
        while True:
            try:
                self._queue.put((image, repeat), timeout=0.1)
                break
            except queue.Full:
                if self.error is not None:  # the encoder stopped: do not wait for it
                    raise self.error from None
        self.frames_written += repeat

    def _open(self, width: int, height: int) -> None:
        import av

        self._size = (width, height)
        rate = Fraction(self.fps).limit_denominator(1001)
        try:
            container = av.open(str(self.path), "w", format="mp4", options={"movflags": mp4_movflags()})
            stream = container.add_stream(
                "libx264",
                rate=rate,
                options={
                    "crf": str(H264_CRF),
                    "preset": H264_PRESET,
                    "g": str(max(1, round(KEYFRAME_INTERVAL_S * self.fps))),
                    # No B-frames: frames of uneven length (``repeat``) keep exact durations in the
                    # MP4 index (with B-frames FFmpeg writes a wrong track duration), and the
                    # encoder holds fewer frames back.
                    "bf": "0",
                },
            )
            stream.width, stream.height = width + width % 2, height + height % 2
            stream.pix_fmt = "yuv420p"
        except OSError as error:
            raise write_error("video", self.path, error) from None
        except (av.error.FFmpegError, ValueError) as error:  # a PyAV build without libx264
            raise OutputError(
                f"cannot write video {self.path}: no H.264 encoder in this PyAV ({error}); "
                "run `pip install --upgrade av` (its wheels include libx264)"
            ) from None
        self._container, self._stream = container, stream
        log.info("writing %s (H.264) at %.2f fps, %dx%d", self.path, self.fps, stream.width, stream.height)
        self._thread = threading.Thread(target=self._encode_all, name="encode", daemon=True)
        self._thread.start()

    def _frame(self, image: np.ndarray, pts: int) -> Any:
        """BGR image -> yuv420p `av.VideoFrame` of the stream's (even) size, at ``pts`` frame periods."""
        import av

        assert self._size is not None
        width, height = self._size
        if (image.shape[1], image.shape[0]) != self._size:
            image = cv2.resize(image, self._size, interpolation=cv2.INTER_AREA)
        if width % 2 or height % 2:
            image = cv2.copyMakeBorder(image, 0, height % 2, 0, width % 2, cv2.BORDER_REPLICATE)
        yuv = cv2.cvtColor(image, cv2.COLOR_BGR2YUV_I420)  # OpenCV's conversion is the cheapest here
        frame = av.VideoFrame.from_ndarray(yuv, format="yuv420p")  # type: ignore[arg-type]  # cv2 stubs: uint8
        frame.pts = pts
        return frame

    def _encode_all(self) -> None:
        container, stream = self._container, self._stream
        durations: dict[int, int] = {}  # pts -> frame periods, for the packets x264 returns

        def mux(packets: list[Any]) -> None:
            for packet in packets:
                packet.duration = durations.pop(packet.pts, packet.duration)
                container.mux(packet)

        pts = 0
        try:
            while (item := self._queue.get()) is not _STOP:
                image, repeat = item
                durations[pts] = repeat
                mux(stream.encode(self._frame(image, pts)))
                pts += repeat
                self.frames_encoded += 1
            mux(stream.encode(None))  # flush the frames x264 still holds
            container.close()
        except Exception as error:  # disk full, I/O error, ...: keep it for write/close
            self._fail(error)
            with contextlib.suppress(Exception):
                container.close()
            while self._queue.get() is not _STOP:  # discard, so `write` never blocks
                pass

    def _fail(self, error: Exception) -> None:
        note = f"after {self.frames_encoded} frames"
        if self.frames_encoded > KEYFRAME_INTERVAL_S * self.fps:  # at least one whole fragment
            note += "; the part written before plays"
        self.error = write_error("video", self.path, error, note=note)
        log.debug("video write failed", exc_info=error)

    def close(self) -> None:
        """Encode what is queued and finalise the file; safe to call twice.  Never raises a
        write failure: that stays in `error` (see `raise_error`)."""
        if self._closed:
            return
        self._closed = True
        if self._thread is None:
            return
        while self._thread.is_alive():
            try:
                self._queue.put(_STOP, timeout=0.1)
                break
            except queue.Full:
                continue
        self._thread.join()

    def raise_error(self) -> None:
        """Raise the write failure, if there was one (call after `close`)."""
        if self.error is not None:
            raise self.error

    def __enter__(self) -> VideoSink:
        return self

    def __exit__(self, exc_type: object, *exc: object) -> None:
        self.close()
        if exc_type is None:
            self.raise_error()


def add_audio_track(video: str | Path, audio: str | Path) -> None:
    """Give an MP4 written by `VideoSink` a sound track: ``audio`` (a WAV, or any file FFmpeg
    reads) encoded as AAC, starting at the video's time 0.

    The video is copied, not re-encoded; the result replaces ``video`` atomically (a temporary
    file in the same folder, renamed into place), so on any failure the silent video is left
    as it was.  The file is written as a regular MP4 with its index first (``faststart``), for
    browsers that start playing before the download ends.

    Raises:
        InputError: ``audio`` cannot be read or has no audio stream.
        OutputError: the new file cannot be written (the message says why and what to do).
    """
    import av

    target = Path(video)
    try:
        handle, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".mp4", dir=target.parent)
    except OSError as error:
        raise write_error("video", target, error) from None
    os.close(handle)
    tmp = Path(tmp_name)
    try:
        try:
            audio_in = av.open(str(audio))
        except (OSError, av.error.FFmpegError) as error:
            raise InputError(f"cannot read audio {audio}: {error}; give a WAV file") from None
        with audio_in, av.open(str(target)) as video_in:
            if not audio_in.streams.audio:
                raise InputError(f"{audio} has no audio stream; give a WAV file")
            _mux_with_audio(video_in, audio_in, tmp)
        os.replace(tmp, target)
    except OSError as error:
        raise write_error("video", target, error, note="adding the sound track") from None
    finally:
        tmp.unlink(missing_ok=True)


def _mux_with_audio(video_in: Any, audio_in: Any, out_path: Path) -> None:
    """Copy ``video_in``'s video packets and AAC-encode ``audio_in``'s first audio stream into
    ``out_path``, interleaved by time."""
    import av

    source_video = video_in.streams.video[0]
    source_audio = audio_in.streams.audio[0]
    with av.open(str(out_path), "w", format="mp4", options={"movflags": "+faststart"}) as out:
        video_out = out.add_stream_from_template(source_video)
        audio_out = out.add_stream("aac", rate=source_audio.rate or 48000)
        audio_out.layout = "mono" if source_audio.channels == 1 else "stereo"

        def video_packets() -> Iterator[Any]:
            for packet in video_in.demux(source_video):
                if packet.dts is not None:
                    packet.stream = video_out
                    yield packet

        def audio_packets() -> Iterator[Any]:
            for frame in audio_in.decode(source_audio):
                frame.pts = None  # the encoder numbers the samples from 0
                yield from audio_out.encode(frame)
            yield from audio_out.encode(None)

        def seconds(packet: Any) -> float:
            return float((packet.dts or 0) * packet.time_base)

        # Interleave by time, so a player streaming the file has both tracks at hand.
        videos, audios = video_packets(), audio_packets()
        next_video, next_audio = next(videos, None), next(audios, None)
        while next_video is not None or next_audio is not None:
            if next_audio is None or (next_video is not None and seconds(next_video) <= seconds(next_audio)):
                out.mux(next_video)  # type: ignore[arg-type]  # not None: the loop's condition
                next_video = next(videos, None)
            else:
                out.mux(next_audio)
                next_audio = next(audios, None)
