"""Plane geometry on pixel coordinates (x right, y down).

Angle conventions (degrees):

* `signed_angle(u, v)` is the rotation from ``u`` to ``v`` computed as
  ``atan2(cross, dot)``, in (-180, 180].  Because y points down, a positive value is a
  *clockwise* turn as seen on screen.
* `tilt_from_vertical(bottom, top, facing)` is the lean of the segment bottom->top
  away from straight up: 0 = vertical, positive = the top is ahead of the bottom in the
  ``facing`` direction (+1 = the person faces image-right, -1 = image-left).
* `joint_angle(a, b, c)` is the interior angle at ``b`` in [0, 180]: 180 = straight.

NaN in gives NaN out; degenerate input (zero-length segments) gives NaN, never an exception.
"""

from __future__ import annotations

import numpy as np

UP = np.array([0.0, -1.0])


def _vector(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.asarray(b, dtype=np.float64) - np.asarray(a, dtype=np.float64)


def _degenerate(*vectors: np.ndarray) -> bool:
    return any(not np.isfinite(v).all() or float(np.hypot(v[0], v[1])) < 1e-9 for v in vectors)


def signed_angle(u: np.ndarray, v: np.ndarray) -> float:
    """Rotation from vector ``u`` to vector ``v`` in degrees, (-180, 180]."""
    if _degenerate(u, v):
        return float("nan")
    cross = u[0] * v[1] - u[1] * v[0]
    dot = u[0] * v[0] + u[1] * v[1]
    return float(np.degrees(np.arctan2(cross, dot)))


def joint_angle(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> float:
    """Interior angle a-b-c at ``b`` in degrees: 180 when the three points are in line."""
    return abs(signed_angle(_vector(b, a), _vector(b, c)))


def tilt_from_vertical(bottom: np.ndarray, top: np.ndarray, facing: int) -> float:
    """Lean of bottom->top from vertical; positive when the top is ahead (in ``facing``).

    ``facing`` 0 (unknown) gives NaN: without it a lean has no sign, and 0 would read upright.
    """
    if facing == 0:
        return float("nan")
    # Rotation from up to the segment is clockwise-positive on screen; facing right that
    # is a forward lean, facing left a backward one.
    return facing * signed_angle(UP, _vector(bottom, top))


def tilt_from_horizontal(a: np.ndarray, b: np.ndarray) -> float:
    """Absolute angle of the line a-b from the image horizontal, in [0, 90]."""
    v = _vector(a, b)
    if _degenerate(v):
        return float("nan")
    return float(np.degrees(np.arctan2(abs(v[1]), abs(v[0]))))


def distance(a: np.ndarray, b: np.ndarray) -> float:
    v = _vector(a, b)
    return float(np.hypot(v[0], v[1])) if np.isfinite(v).all() else float("nan")


def signed_distance_to_line(point: np.ndarray, a: np.ndarray, b: np.ndarray) -> float:
    """Distance of ``point`` from the line a->b; positive on the clockwise (screen) side."""
    direction = _vector(a, b)
    if _degenerate(direction):
        return float("nan")
    offset = _vector(a, point)
    if not np.isfinite(offset).all():
        return float("nan")
    cross = direction[0] * offset[1] - direction[1] * offset[0]
    return float(cross / np.hypot(direction[0], direction[1]))


def ratio(numerator: float, denominator: float) -> float:
    """numerator / denominator, NaN when the denominator is zero or not finite."""
    if not np.isfinite(denominator) or abs(denominator) < 1e-9:
        return float("nan")
    return float(numerator / denominator)
