"""Segment and joint angles measured on a `Pose`, to compare a detection with the truth.

The same table is applied to the model's landmarks and to the exact side projection of
the synthetic body (`posecheck.synth.body.make_pose` with its default orthographic
camera), whose 2D angles equal the true sagittal angles.  Conventions (degrees, image
coordinates, ``facing`` +1 = the person faces image-right, -1 = image-left):

* ``knee_<side>``: interior angle hip-knee-ankle, 180 = straight.
* ``hip_<side>``: the thigh (hip -> knee) relative to the trunk line continued downward
  (shoulder-mid -> hip-mid); + = thigh forward (flexion), - = behind (extension).
* ``trunk``: hip-mid -> shoulder-mid from vertical, + = leaning forward.
* ``shin_<side>``: ankle -> knee from vertical, + = knee ahead of the ankle.
* ``neck``: shoulder-mid -> ear-mid from vertical, + = head forward.
"""

from __future__ import annotations

import numpy as np

from posecheck.geometry import joint_angle, signed_angle, tilt_from_vertical
from posecheck.landmarks import SIDES, Landmark, Pose, sided

L = Landmark
ANGLE_NAMES: tuple[str, ...] = (
    "knee_left",
    "knee_right",
    "hip_left",
    "hip_right",
    "trunk",
    "shin_left",
    "shin_right",
    "neck",
)


def measure_angles(pose: Pose, facing: int, xy: np.ndarray | None = None) -> dict[str, float]:
    """The angle table above for one pose (NaN where a landmark is missing).

    ``xy`` (33, 2) measures other coordinates of the same landmarks instead of ``pose.xy``,
    e.g. the side view of the world landmarks (`posecheck.sagittal.side_view`).
    """
    points = pose.xy if xy is None else xy
    hip_mid = (points[L.LEFT_HIP] + points[L.RIGHT_HIP]) / 2
    sh_mid = (points[L.LEFT_SHOULDER] + points[L.RIGHT_SHOULDER]) / 2
    ear_mid = (points[L.LEFT_EAR] + points[L.RIGHT_EAR]) / 2
    out: dict[str, float] = {}
    trunk_down = hip_mid - sh_mid
    for side in SIDES:
        hip, knee, ankle = (points[sided(side, part)] for part in ("hip", "knee", "ankle"))
        out[f"knee_{side}"] = joint_angle(hip, knee, ankle)
        # y points down: a forward (flexion) turn of the downward trunk line is
        # counter-clockwise on screen when facing right.
        out[f"hip_{side}"] = -facing * signed_angle(trunk_down, knee - hip)
        out[f"shin_{side}"] = tilt_from_vertical(ankle, knee, facing)
    out["trunk"] = tilt_from_vertical(hip_mid, sh_mid, facing)
    out["neck"] = tilt_from_vertical(sh_mid, ear_mid, facing)
    return {name: out[name] for name in ANGLE_NAMES}


def angle_errors(measured: dict[str, float], truth: dict[str, float]) -> dict[str, float]:
    """Absolute differences per angle (NaN when either is missing)."""
    return {name: float(abs(measured[name] - truth[name])) for name in truth if name in measured}


def facing_sign(facing: str) -> int:
    return 1 if facing == "right" else -1


__all__ = ["ANGLE_NAMES", "angle_errors", "facing_sign", "measure_angles"]
