"""How far the camera stands from side-on, from the model's 3D world landmarks (`Pose.world`),
and the image undone of that turn.

A camera a little off side-on foreshortens every sagittal angle measured in the image: the
forward parts of a movement shrink by the cosine of the yaw.  MediaPipe's world landmarks keep
the body's 3D shape, which tells the yaw.  Two ways to use it:

* `side_view`: turn the world landmarks about the vertical until the body stands exactly
  side-on and measure there.  Exact on exact landmarks, but the model's world landmarks are
  coarse (on the rendered mannequins of ``benchmarks/angle_error.py`` about 10 cm per joint
  after the best rotation and scale), so knee and hip angles come out worse than in the image
  at every yaw: posecheck uses it only for the yaw.
* `unforeshortened`: the image's pixels stretched across by 1 / cos(yaw).  A leg moves in a
  plane parallel to the sagittal one, so its hip, knee and ankle share one sideways offset that
  cancels in every vector within the leg; what remains of the turn is the forward component
  shrunk by cos(yaw), which the stretch restores.  The same holds for the trunk line between
  the hip and shoulder midpoints.  Pixels keep their precision.

Conventions (world landmarks: metres, hip-centred, camera axes x right, y down, z away from
the camera):

* **Up** is the camera's vertical, ``(0, -1, 0)``; gravity is not known.
* The **lateral axis** (left-right) is the horizontal part of left hip - right hip plus left
  shoulder - right shoulder, each as a unit vector.  Its sign does not matter, so a model that
  swaps the left and right labels gives the same answer.
* **Yaw** is the angle between the lateral axis and the camera's viewing axis, degrees in
  [0, 90]: 0 = exactly side-on, 90 = seen from the front or the back.
* The **side view** is the world landmarks turned about the vertical by the smallest rotation
  (|yaw| <= 90) that points the lateral axis along the viewing axis, then seen along it: a
  (33, 2) array in metres, x along the body's forward-backward line with the same image sign
  as before the turn (a person facing image-right still faces +x), y down.  Because it is a
  2D view with the image's orientation, `posecheck.geometry`'s angles (`tilt_from_vertical`,
  `joint_angle`, `signed_angle`) apply to it unchanged and mean the same as in a true side view.

* `unforeshortened` keeps the image's axes and units (pixels, y down); only x is scaled.

NaN in gives NaN out.  Pure NumPy.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from posecheck.landmarks import Landmark

L = Landmark
_LATERAL_PAIRS = ((L.LEFT_HIP, L.RIGHT_HIP), (L.LEFT_SHOULDER, L.RIGHT_SHOULDER))


@dataclass(frozen=True, eq=False)
class SideView:
    """The world landmarks turned side-on.

    Attributes:
        yaw_deg: how far the camera stands from side-on, [0, 90] (NaN when unknown).
        xy: (33, 2) metres, x forward-backward (image sign kept), y down; NaN when unknown.
    """

    yaw_deg: float
    xy: np.ndarray


def lateral_axis(world: np.ndarray) -> np.ndarray:
    """Unit horizontal (x, z) direction of the body's left-right axis; NaN when unknown."""
    total = np.zeros(2)
    for left, right in _LATERAL_PAIRS:
        v = world[left, [0, 2]] - world[right, [0, 2]]
        length = float(np.hypot(v[0], v[1]))
        if np.isfinite(length) and length > 1e-6:
            # The pairs may come out with opposite signs (a label swap in one of them): align.
            total += v / length if float(v @ total) >= 0 else -v / length
    length = float(np.hypot(total[0], total[1]))
    return total / length if length > 1e-6 else np.array([np.nan, np.nan])


def side_view(world: np.ndarray) -> SideView:
    """The body of ``world`` (33, 3) turned side-on; see the module docstring."""
    hx, hz = lateral_axis(np.asarray(world, dtype=np.float64))
    if not (np.isfinite(hx) and np.isfinite(hz)):
        return SideView(float("nan"), np.full((world.shape[0], 2), np.nan))
    if hz < 0:  # the axis's sign is free: point it away from the camera
        hx, hz = -hx, -hz
    yaw = float(np.degrees(np.arctan2(abs(hx), hz)))
    # The forward-backward axis (hz, -hx) is perpendicular to the lateral one and keeps the
    # image's left-right sign (its x component hz >= 0).
    x = world[:, 0] * hz - world[:, 2] * hx
    return SideView(yaw, np.stack([x, world[:, 1]], axis=1))


def unforeshortened(xy: np.ndarray, yaw_deg: float) -> np.ndarray:
    """Image points (N, 2) with x stretched by 1 / cos(``yaw_deg``): the sagittal angles of a
    body seen ``yaw_deg`` off side-on as a side view would show them (see the module docstring).
    A yaw that is NaN or not below 90 gives the points unchanged.
    """
    if not 0.0 <= yaw_deg < 90.0:
        return xy
    out = np.array(xy, dtype=np.float64)
    out[:, 0] /= np.cos(np.radians(yaw_deg))
    return out
