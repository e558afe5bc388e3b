"""The lumbar hollow measure (`posecheck.lumbar`) on synthetic silhouettes with a known back."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from posecheck.lumbar import lumbar_hollow, sample_mask

TRUNK_PX = 200.0
HIP = np.array([300.0, 330.0])


def _hump(t: np.ndarray, centre: float = 0.35, half_width: float = 0.25) -> np.ndarray:
    """A smooth bump of height 1 at ``centre``, zero outside ``centre +- half_width``."""
    x = np.clip((t - centre) / half_width, -1.0, 1.0)
    return np.cos(np.pi * x / 2) ** 2


def trunk_mask(
    back: Callable[[np.ndarray], np.ndarray],
    *,
    lean_deg: float = 0.0,
    facing: int = 1,
    size: tuple[int, int] = (600, 480),
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A side-view trunk silhouette whose back lies ``back(t)`` trunk lengths behind the axis.

    ``t`` runs along the trunk from the hip midpoint (0) to the shoulder midpoint (1); the
    front is 0.25 trunk lengths ahead of the axis.  ``lean_deg`` > 0 leans the trunk back.
    Returns (mask, hip, shoulder).
    """
    width, height = size
    lean = np.radians(lean_deg)
    up = np.array([-facing * np.sin(lean), -np.cos(lean)])
    backward = np.array([up[1], -up[0]])
    if backward[0] * facing > 0:
        backward = -backward
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float64)
    rel = np.stack([xx - HIP[0], yy - HIP[1]], axis=-1)
    t = rel @ up / TRUNK_PX
    b = rel @ backward / TRUNK_PX
    inside = (t >= -0.45) & (t <= 1.1) & (b >= -0.25) & (b <= back(t))
    shoulder = HIP + TRUNK_PX * up
    return inside.astype(np.float32), HIP.copy(), shoulder


def flat_back_with_hollow(depth: float) -> Callable[[np.ndarray], np.ndarray]:
    return lambda t: 0.25 - depth * _hump(t)


def curved_back(hollow: float) -> Callable[[np.ndarray], np.ndarray]:
    """Thoracic and buttock curves, and a lumbar hollow of ``hollow`` between them."""
    return lambda t: (
        0.22 + 0.05 * np.exp(-(((t - 0.65) / 0.18) ** 2)) + 0.07 * np.exp(-((t / 0.12) ** 2)) - hollow * _hump(t)
    )


@pytest.mark.parametrize("depth", [0.0, 0.02, 0.05, 0.09, 0.12])
def test_depth_behind_a_straight_back_line_is_the_hollow(depth: float) -> None:
    mask, hip, shoulder = trunk_mask(flat_back_with_hollow(depth))
    curve = lumbar_hollow(mask, hip, shoulder, facing=1)
    assert curve.known
    assert curve.depth_ratio == pytest.approx(depth, abs=0.006)


def test_the_line_touches_above_and_below_the_hollow_and_the_depth_is_drawn_where_measured() -> None:
    mask, hip, shoulder = trunk_mask(flat_back_with_hollow(0.08))
    curve = lumbar_hollow(mask, hip, shoulder, facing=1)
    # facing right: the back is to the left of the axis (x < 300)
    assert curve.deepest[0] < hip[0] and curve.foot[0] < curve.deepest[0]
    assert curve.lower[1] > curve.deepest[1] > curve.upper[1]  # image y grows downward
    assert np.hypot(*(curve.foot - curve.deepest)) / TRUNK_PX == pytest.approx(curve.depth_ratio)
    # the deepest point lies at the hump's centre, 0.35 trunk lengths above the hips
    assert (hip[1] - curve.deepest[1]) / TRUNK_PX == pytest.approx(0.35, abs=0.03)


def test_depth_rises_with_the_hollow_on_a_curved_back() -> None:
    depths = []
    for hollow in (0.0, 0.02, 0.04, 0.06, 0.08):
        mask, hip, shoulder = trunk_mask(curved_back(hollow))
        depths.append(lumbar_hollow(mask, hip, shoulder, facing=1).depth_ratio)
    assert all(b > a for a, b in zip(depths, depths[1:], strict=False))
    # the buttock and thoracic curves alone make a shallow hollow; each 0.02 adds about 0.02
    assert np.diff(depths) == pytest.approx(np.full(4, 0.02), abs=0.006)


@pytest.mark.parametrize("facing", [1, -1])
@pytest.mark.parametrize("lean_deg", [0.0, 15.0, -10.0])
def test_the_measure_follows_the_trunk_and_the_facing_direction(facing: int, lean_deg: float) -> None:
    mask, hip, shoulder = trunk_mask(curved_back(0.05), lean_deg=lean_deg, facing=facing)
    reference, r_hip, r_shoulder = trunk_mask(curved_back(0.05))
    expected = lumbar_hollow(reference, r_hip, r_shoulder, facing=1).depth_ratio
    curve = lumbar_hollow(mask, hip, shoulder, facing=facing)
    assert curve.depth_ratio == pytest.approx(expected, abs=0.006)
    assert facing * (curve.deepest[0] - hip[0]) < 0  # on the back side


def test_the_wrong_facing_measures_the_belly_not_the_back() -> None:
    """A sanity check of the side: the belly of this trunk is straight, so no hollow there."""
    mask, hip, shoulder = trunk_mask(flat_back_with_hollow(0.08))
    assert lumbar_hollow(mask, hip, shoulder, facing=-1).depth_ratio < 0.01


def test_no_mask_or_no_facing_is_unknown() -> None:
    mask, hip, shoulder = trunk_mask(flat_back_with_hollow(0.05))
    assert lumbar_hollow(None, hip, shoulder, facing=1).problem == "no_mask"
    assert lumbar_hollow(mask, hip, shoulder, facing=0).problem == "no_outline"
    assert lumbar_hollow(mask, hip, np.array([np.nan, np.nan]), facing=1).problem == "no_outline"


def test_a_trunk_axis_outside_the_silhouette_is_unknown() -> None:
    mask, hip, shoulder = trunk_mask(flat_back_with_hollow(0.05))
    shifted = np.array([150.0, 0.0])  # landmarks beside the person
    curve = lumbar_hollow(mask, hip + shifted, shoulder + shifted, facing=1)
    assert curve.problem == "no_outline" and not curve.known


def test_something_sticking_out_behind_the_back_does_not_look_like_a_back() -> None:
    """An arm, a bag or a loose jacket flap behind the lower back makes the outline jump."""

    def with_flap(t: np.ndarray) -> np.ndarray:
        return np.where((t > 0.3) & (t < 0.45), 0.45, flat_back_with_hollow(0.05)(t))

    mask, hip, shoulder = trunk_mask(with_flap)
    assert lumbar_hollow(mask, hip, shoulder, facing=1).problem == "irregular"


def test_mask_sampling_is_bilinear_and_zero_outside() -> None:
    mask = np.array([[0.0, 1.0], [0.0, 1.0]], dtype=np.float32)
    points = np.array([[0.25, 0.0], [0.5, 1.0], [-1.0, 0.0], [0.0, 5.0], [np.nan, 0.0]])
    assert sample_mask(mask, points) == pytest.approx([0.25, 0.5, 0.0, 0.0, 0.0])
