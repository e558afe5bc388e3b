"""MediaPipe pose landmarker adapter: BGR image in, `Pose` in pixels out.  The only mediapipe import.

Why it looks like this:

* mediapipe is imported inside `PoseEstimator.__init__`, so ``import posecheck.estimator`` stays
  cheap and the pure core never pulls it in.
* MediaPipe's normalised output is converted **once**, here, into pixels: ``x * width``,
  ``y * height`` and ``z * width`` (MediaPipe scales z like x).  The world landmarks (metres,
  hip-centred, camera axes) are kept as they are in `Pose.world`.  The segmentation mask is copied
  out of MediaPipe's buffer.
* `PoseEstimator.detect` is three stages (prepare, infer, to_pose) that a video pipeline runs on
  different threads, so the model's thread runs nothing but the model.
* Input goes through `posecheck.imageio.to_bgr8` first: MediaPipe crashes on a grayscale image
  and mis-handles alpha and 16-bit data.
* MediaPipe/LiteRT write dozens of native log lines to stderr when a model loads ("Sparsity tensors
  may not yet be fully supported", glog warnings on the first detection); the environment variables
  meant to quieten them are not honoured by every build, so file descriptor 2 is pointed at
  /dev/null around model creation, the first detections and closing.  Python exceptions are raised
  after stderr is restored, so errors still surface.  Set ``POSECHECK_NATIVE_LOGS=1`` to see the
  native lines when debugging.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Literal

import cv2
import numpy as np

from posecheck import NATIVE_LOGS_ENV
from posecheck.errors import ModelError
from posecheck.imageio import to_bgr8
from posecheck.landmarks import NUM_LANDMARKS, Pose
from posecheck.modelstore import DEFAULT_MODEL, REBUILD_HINT, bundled_model_path, resolve_model

logger = logging.getLogger(__name__)

RunningMode = Literal["image", "video"]
RUNNING_MODES: tuple[RunningMode, ...] = ("image", "video")
# Set once any estimator in this process has found a person (see `PoseEstimator.detect`).
_native_warnings_done = threading.Event()


@dataclass(frozen=True)
class PreparedImage:
    """An image converted for the model (`PoseEstimator.prepare`)."""

    image: Any  # mediapipe.Image
    width: int
    height: int


@dataclass(frozen=True)
class Inference:
    """The model's raw answer for one image (`PoseEstimator.infer`), not yet in pixels."""

    result: Any  # mediapipe PoseLandmarkerResult; its mask buffer is not reused by later runs
    width: int
    height: int
    timestamp_s: float


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


@contextlib.contextmanager
def quiet_native_stderr() -> Iterator[None]:
    """Send file descriptor 2 to /dev/null for the duration, unless ``POSECHECK_NATIVE_LOGS`` is set.

    Native code writes to the descriptor directly, so replacing ``sys.stderr`` would not help.
    Anything Python writes to stderr meanwhile is lost too, so keep the block short.
    """
    if os.environ.get(NATIVE_LOGS_ENV):
        yield
        return
    try:
        sys.stderr.flush()
        saved = os.dup(2)
        devnull = os.open(os.devnull, os.O_WRONLY)
    except (OSError, ValueError):  # no usable fd 2 (e.g. a detached process): nothing to silence
        yield
        return
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        with contextlib.suppress(OSError, ValueError):
            sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def _quiet_native_logs_env() -> None:
    """Ask glog/TensorFlow for warnings-and-up only; honoured by some mediapipe builds, harmless otherwise.

    ``setdefault`` so a user who sets them explicitly keeps control.
    """
    os.environ.setdefault("GLOG_minloglevel", "2")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


class PoseEstimator:
    """Finds one person's 33 pose landmarks in BGR images with a MediaPipe pose landmarker.

    Use as a context manager (or call `close`); create one per session, loading costs ~0.2-0.5 s.

    Args:
        model: ``lite``, ``full`` (bundled, default), ``heavy`` or a path to a ``.task`` file;
            resolved and sha256-verified by `posecheck.modelstore.resolve_model`.
        mode: ``image`` treats every call independently (photos); ``video`` tracks the person
            from frame to frame (faster and steadier) and needs increasing timestamps.
        segmentation: also return the person-segmentation mask (`Pose.mask`), used for the
            body silhouette; costs a little time.
        min_detection_confidence: minimum score of the person detector to accept a person.
        min_presence_confidence: minimum score that the landmark model still sees a person.
        min_tracking_confidence: in video mode, below this the detector runs again instead of
            tracking from the previous frame.

    Raises:
        ModelError: the model is missing, corrupt or cannot be loaded by MediaPipe.
    """

    def __init__(
        self,
        model: str = DEFAULT_MODEL,
        mode: RunningMode = "image",
        *,
        segmentation: bool = True,
        min_detection_confidence: float = 0.5,
        min_presence_confidence: float = 0.5,
        min_tracking_confidence: float = 0.5,
    ) -> None:
        if mode not in RUNNING_MODES:
            raise ValueError(f"mode must be one of {', '.join(RUNNING_MODES)}, got {mode!r}")
        self._mode: RunningMode = mode
        self._segmentation = segmentation
        self._landmarker: Any = None
        self._model_path = resolve_model(model)
        self._last_timestamp_ms = -1
        self.first_detection_s: float | None = None
        """Seconds the first `detect` call took (graph warm-up included); None before it."""

        started = time.perf_counter()
        _quiet_native_logs_env()
        with quiet_native_stderr():
            self._mp, self._landmarker = self._create(
                min_detection_confidence, min_presence_confidence, min_tracking_confidence
            )
        self.load_time_s = time.perf_counter() - started
        """Seconds spent importing mediapipe and loading the model."""
        logger.info("loaded %s in %.2f s", self._model_path, self.load_time_s)

    def _create(self, detection: float, presence: float, tracking: float) -> tuple[Any, Any]:
        """Import mediapipe and build the landmarker; stderr is silenced by the caller."""
        import mediapipe as mp  # lazy: the only mediapipe import in posecheck
        from mediapipe.tasks.python import BaseOptions, vision

        options = vision.PoseLandmarkerOptions(
            base_options=BaseOptions(model_asset_path=str(self._model_path)),
            running_mode=vision.RunningMode.VIDEO if self._mode == "video" else vision.RunningMode.IMAGE,
            num_poses=1,
            min_pose_detection_confidence=detection,
            min_pose_presence_confidence=presence,
            min_tracking_confidence=tracking,
            output_segmentation_masks=self._segmentation,
        )
        try:
            landmarker = vision.PoseLandmarker.create_from_options(options)
        except (RuntimeError, ValueError, OSError) as error:
            hint = (
                REBUILD_HINT
                if self._model_path == bundled_model_path()
                else ("give a MediaPipe pose_landmarker .task file, or use the bundled model (--model full)")
            )
            raise ModelError(
                f"cannot load pose model {self._model_path}: {_first_line(error)}; {hint}"
            ) from None
        return mp, landmarker

    # --- public API -----------------------------------------------------------------------

    @property
    def model_name(self) -> str:
        """Name of the loaded model for results, e.g. ``pose_landmarker_full``."""
        return self._model_path.name.removesuffix(".task")

    @property
    def model_path(self) -> Path:
        return self._model_path

    @property
    def mode(self) -> RunningMode:
        return self._mode

    def detect(self, image_bgr: np.ndarray, timestamp_s: float = 0.0) -> Pose | None:
        """Landmarks of the most prominent person in pixels of ``image_bgr``, or None when there is none.

        The three stages `prepare`, `infer` and `to_pose` in a row.

        Args:
            image_bgr: (H, W, 3) BGR uint8; gray, BGRA, 16-bit and float images are converted.
            timestamp_s: frame time.  In video mode MediaPipe needs strictly increasing
                millisecond timestamps; an equal or earlier one is bumped by 1 ms (the returned
                `Pose` keeps the time given).
        """
        return self.to_pose(self.infer(self.prepare(image_bgr), timestamp_s))

    # A video pipeline runs the stages on different threads, so the thread running the model
    # does nothing else: preparing and converting cost ~0.5 ms a frame, and every bit of Python
    # on that thread also waits for the GIL held by the judging and drawing thread.

    def prepare(self, image_bgr: np.ndarray) -> PreparedImage:
        """Stage 1 (any thread): the image converted into MediaPipe's input."""
        image = to_bgr8(image_bgr)
        height, width = image.shape[:2]
        rgb = cv2.cvtColor(image, cv2.COLOR_BGR2RGB)  # a new, contiguous array MediaPipe may keep
        return PreparedImage(self._mp.Image(image_format=self._mp.ImageFormat.SRGB, data=rgb), width, height)

    def infer(self, prepared: PreparedImage, timestamp_s: float = 0.0) -> Inference:
        """Stage 2 (one thread, frames in order in video mode): run the model."""
        if self._landmarker is None:
            raise RuntimeError("PoseEstimator is closed")
        started = time.perf_counter()
        quiet = contextlib.nullcontext() if _native_warnings_done.is_set() else quiet_native_stderr()
        try:
            with quiet:
                if self._mode == "video":
                    result = self._landmarker.detect_for_video(
                        prepared.image, self._next_timestamp_ms(timestamp_s)
                    )
                else:
                    result = self._landmarker.detect(prepared.image)
        except (RuntimeError, ValueError) as error:
            raise ModelError(
                f"the pose model failed on a {prepared.width}x{prepared.height} image: {_first_line(error)}"
            ) from None
        if self.first_detection_s is None:
            self.first_detection_s = time.perf_counter() - started
            logger.info("first detection took %.3f s", self.first_detection_s)
        return Inference(result, prepared.width, prepared.height, float(timestamp_s))

    def to_pose(self, inference: Inference) -> Pose | None:
        """Stage 3 (any thread): MediaPipe's answer as a `Pose` in pixels, or None."""
        pose = self._to_pose(inference.result, inference.width, inference.height, inference.timestamp_s)
        if pose is not None:
            # MediaPipe logs its detection-time warnings once per process, on the first run that
            # reaches the landmark model (a person was found); after that stderr stays untouched,
            # so a progress bar written meanwhile by another thread is not swallowed.
            _native_warnings_done.set()
        return pose

    def close(self) -> None:
        """Release the MediaPipe graph; safe to call twice."""
        landmarker, self._landmarker = self._landmarker, None
        if landmarker is None:
            return
        with quiet_native_stderr():
            try:
                landmarker.close()
            except RuntimeError as error:  # after a failed graph run MediaPipe re-raises on close
                failure = _first_line(error)
            else:
                failure = ""
        if failure:
            logger.debug("closing the pose landmarker: %s", failure)

    def __enter__(self) -> PoseEstimator:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    # --- helpers --------------------------------------------------------------------------

    def _next_timestamp_ms(self, timestamp_s: float) -> int:
        timestamp_ms = round(timestamp_s * 1000.0)
        if timestamp_ms <= self._last_timestamp_ms:
            timestamp_ms = self._last_timestamp_ms + 1
        self._last_timestamp_ms = timestamp_ms
        return timestamp_ms

    def _to_pose(self, result: Any, width: int, height: int, timestamp_s: float) -> Pose | None:
        """MediaPipe's normalised landmarks -> `Pose` in pixels (the only place this happens)."""
        if not result.pose_landmarks:
            return None
        landmarks = result.pose_landmarks[0]
        if len(landmarks) != NUM_LANDMARKS:
            raise ModelError(
                f"pose model {self._model_path} returned {len(landmarks)} landmarks, expected {NUM_LANDMARKS}; "
                "use a pose_landmarker .task model"
            )
        values = np.array(
            [
                (point.x, point.y, point.visibility if point.visibility is not None else 0.0)
                for point in landmarks
            ],
            dtype=np.float64,
        )
        xy = values[:, :2] * np.array([width, height], dtype=np.float64)
        mask = self._mask(result, width, height)
        world = None
        if result.pose_world_landmarks and len(result.pose_world_landmarks[0]) == NUM_LANDMARKS:
            world = np.array([(p.x, p.y, p.z) for p in result.pose_world_landmarks[0]], dtype=np.float64)
        return Pose(
            xy=xy,
            visibility=values[:, 2],
            image_size=(width, height),
            timestamp_s=float(timestamp_s),
            mask=mask,
            world=world,
        )

    def _mask(self, result: Any, width: int, height: int) -> np.ndarray | None:
        if not self._segmentation or not result.segmentation_masks:
            return None
        view = np.asarray(result.segmentation_masks[0].numpy_view())
        if view.ndim == 3:
            view = view[:, :, 0]
        mask: np.ndarray = np.array(view, dtype=np.float32, copy=True)  # MediaPipe may reuse its buffer
        if mask.shape != (height, width):
            mask = cv2.resize(mask, (width, height), interpolation=cv2.INTER_LINEAR)
        return mask
