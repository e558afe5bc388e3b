"""Named body landmarks and the `Pose` of one frame, in pixels.

Conventions used everywhere in posecheck:

* Coordinates are **pixels** of the analysed image: x to the right, y **down**.
  MediaPipe's normalised coordinates are converted once, at the boundary
  (`posecheck.estimator`), because normalised x and y have different units on a
  non-square frame and would distort every angle.
* A landmark the model did not see well enough has low ``visibility``; rules treat
  it as missing (``unknown``), they never guess.  Missing coordinates are NaN.
* "left"/"right" are the person's own sides, as MediaPipe labels them.
* `Pose.world` (optional) holds MediaPipe's *world* landmarks: metres, origin midway between
  the hips, axes those of the camera: x to the image's right, y **down** (the camera's
  vertical, not necessarily gravity's when the camera is tilted), z away from the camera.
  They give the body's 3D shape whatever the view, so the sagittal angles can be measured in
  the body's own plane (`posecheck.sagittal`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import IntEnum
from typing import Literal

import numpy as np

Side = Literal["left", "right"]
SIDES: tuple[Side, Side] = ("left", "right")
NUM_LANDMARKS = 33


def other_side(side: Side) -> Side:
    return "right" if side == "left" else "left"


class Landmark(IntEnum):
    """The 33 BlazePose landmarks, in MediaPipe's order."""

    NOSE = 0
    LEFT_EYE_INNER = 1
    LEFT_EYE = 2
    LEFT_EYE_OUTER = 3
    RIGHT_EYE_INNER = 4
    RIGHT_EYE = 5
    RIGHT_EYE_OUTER = 6
    LEFT_EAR = 7
    RIGHT_EAR = 8
    MOUTH_LEFT = 9
    MOUTH_RIGHT = 10
    LEFT_SHOULDER = 11
    RIGHT_SHOULDER = 12
    LEFT_ELBOW = 13
    RIGHT_ELBOW = 14
    LEFT_WRIST = 15
    RIGHT_WRIST = 16
    LEFT_PINKY = 17
    RIGHT_PINKY = 18
    LEFT_INDEX = 19
    RIGHT_INDEX = 20
    LEFT_THUMB = 21
    RIGHT_THUMB = 22
    LEFT_HIP = 23
    RIGHT_HIP = 24
    LEFT_KNEE = 25
    RIGHT_KNEE = 26
    LEFT_ANKLE = 27
    RIGHT_ANKLE = 28
    LEFT_HEEL = 29
    RIGHT_HEEL = 30
    LEFT_FOOT_INDEX = 31
    RIGHT_FOOT_INDEX = 32


# Body parts that exist on both sides; `sided(side, part)` names the landmark.
BodyPart = Literal["eye", "ear", "shoulder", "elbow", "wrist", "hip", "knee", "ankle", "heel", "foot_index"]


def sided(side: Side, part: BodyPart) -> Landmark:
    """`sided("left", "knee")` -> `Landmark.LEFT_KNEE`."""
    return _SIDED[side, part]


# Looked up ~100 times a frame by the checks: a dict, not a string format and an enum lookup.
_SIDED: dict[tuple[str, str], Landmark] = {
    (side, part): Landmark[f"{side}_{part}".upper()]
    for side in SIDES
    for part in BodyPart.__args__  # type: ignore[attr-defined]
}


L = Landmark
# Edges drawn as the skeleton (face mesh points left out: they clutter a side view).
SKELETON_EDGES: tuple[tuple[Landmark, Landmark], ...] = (
    (L.LEFT_SHOULDER, L.RIGHT_SHOULDER),
    (L.LEFT_HIP, L.RIGHT_HIP),
    (L.LEFT_SHOULDER, L.LEFT_HIP),
    (L.RIGHT_SHOULDER, L.RIGHT_HIP),
    (L.LEFT_SHOULDER, L.LEFT_ELBOW),
    (L.LEFT_ELBOW, L.LEFT_WRIST),
    (L.RIGHT_SHOULDER, L.RIGHT_ELBOW),
    (L.RIGHT_ELBOW, L.RIGHT_WRIST),
    (L.LEFT_HIP, L.LEFT_KNEE),
    (L.LEFT_KNEE, L.LEFT_ANKLE),
    (L.LEFT_ANKLE, L.LEFT_HEEL),
    (L.LEFT_HEEL, L.LEFT_FOOT_INDEX),
    (L.LEFT_ANKLE, L.LEFT_FOOT_INDEX),
    (L.RIGHT_HIP, L.RIGHT_KNEE),
    (L.RIGHT_KNEE, L.RIGHT_ANKLE),
    (L.RIGHT_ANKLE, L.RIGHT_HEEL),
    (L.RIGHT_HEEL, L.RIGHT_FOOT_INDEX),
    (L.RIGHT_ANKLE, L.RIGHT_FOOT_INDEX),
    (L.LEFT_EAR, L.LEFT_SHOULDER),
    (L.RIGHT_EAR, L.RIGHT_SHOULDER),
)


@dataclass(frozen=True, eq=False)
class Pose:
    """One person's landmarks in one image.

    Attributes:
        xy: (33, 2) float64, pixel coordinates (x right, y down); NaN where unknown.
        visibility: (33,) float64 in [0, 1]; MediaPipe's visibility score.
        image_size: (width, height) of the analysed image in pixels.
        timestamp_s: time of the frame in seconds (0 for a photo).
        mask: optional (height, width) float32 person-segmentation mask in [0, 1].
        world: optional (33, 3) float64, MediaPipe's world landmarks in metres (hip-centred;
            x right, y down, z away from the camera); NaN where unknown.
    """

    xy: np.ndarray
    visibility: np.ndarray
    image_size: tuple[int, int]
    timestamp_s: float = 0.0
    mask: np.ndarray | None = field(default=None, repr=False)
    world: np.ndarray | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        xy = np.asarray(self.xy, dtype=np.float64)
        vis = np.asarray(self.visibility, dtype=np.float64)
        if xy.shape != (NUM_LANDMARKS, 2):
            raise ValueError(f"Pose.xy must have shape ({NUM_LANDMARKS}, 2), got {xy.shape}")
        if vis.shape != (NUM_LANDMARKS,):
            raise ValueError(f"Pose.visibility must have shape ({NUM_LANDMARKS},), got {vis.shape}")
        width, height = self.image_size
        if width <= 0 or height <= 0:
            raise ValueError(f"Pose.image_size must be positive (width, height), got {self.image_size}")
        if self.mask is not None and self.mask.shape[:2] != (height, width):
            raise ValueError(f"Pose.mask must have shape ({height}, {width}), got {self.mask.shape}")
        # Non-finite coordinates are unusable: make them NaN with zero visibility.
        bad = ~np.isfinite(xy).all(axis=1)
        vis = np.where(bad | ~np.isfinite(vis), 0.0, np.clip(vis, 0.0, 1.0))
        xy = xy.copy()
        xy[bad] = np.nan
        object.__setattr__(self, "xy", xy)
        object.__setattr__(self, "visibility", vis)
        if self.world is not None:
            world = np.array(self.world, dtype=np.float64)  # a copy: the caller's array stays as it is
            if world.shape != (NUM_LANDMARKS, 3):
                raise ValueError(f"Pose.world must have shape ({NUM_LANDMARKS}, 3), got {world.shape}")
            world[~np.isfinite(world).all(axis=1)] = np.nan
            object.__setattr__(self, "world", world)

    def __getitem__(self, landmark: Landmark) -> np.ndarray:
        """Pixel position (x, y) of one landmark."""
        return self.xy[landmark]

    def is_visible(self, landmark: Landmark, min_visibility: float) -> bool:
        return bool(self.visibility[landmark] >= min_visibility and np.isfinite(self.xy[landmark]).all())

    def midpoint(self, a: Landmark, b: Landmark) -> np.ndarray:
        return (self.xy[a] + self.xy[b]) / 2.0

    def replace(self, **changes: object) -> Pose:
        return replace(self, **changes)  # type: ignore[arg-type]
