"""Plane geometry on pixel coordinates (x right, y down): conventions, NaN handling, properties."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from posecheck import geometry as geo

NAN = float("nan")
P = np.array


def on_screen(deg_from_up: float, length: float = 100.0, origin: tuple[float, float] = (0.0, 0.0)):
    """Point ``length`` px from ``origin``, ``deg_from_up`` clockwise on screen from straight up."""
    a = math.radians(deg_from_up)
    return P([origin[0] + length * math.sin(a), origin[1] - length * math.cos(a)])


# --- signed_angle ---------------------------------------------------------------------------


def test_signed_angle_clockwise_on_screen_is_positive() -> None:
    right, down = P([1.0, 0.0]), P([0.0, 1.0])
    assert geo.signed_angle(right, down) == pytest.approx(90.0)  # right -> down is clockwise on screen
    assert geo.signed_angle(down, right) == pytest.approx(-90.0)
    assert geo.signed_angle(right, right) == pytest.approx(0.0)
    assert geo.signed_angle(right, -right) == pytest.approx(180.0)  # (-180, 180]


# --- tilt_from_vertical --------------------------------------------------------------------


@pytest.mark.parametrize("lean", [-60.0, -15.0, -1.0, 0.0, 1.0, 15.0, 60.0])
def test_tilt_forward_lean_positive_facing_right(lean: float) -> None:
    bottom = P([200.0, 300.0])
    top = on_screen(lean, origin=(200.0, 300.0))  # top to the right (= ahead) for lean > 0
    assert geo.tilt_from_vertical(bottom, top, facing=+1) == pytest.approx(lean, abs=1e-9)


@pytest.mark.parametrize("lean", [-60.0, -15.0, -1.0, 0.0, 1.0, 15.0, 60.0])
def test_tilt_forward_lean_positive_facing_left(lean: float) -> None:
    bottom = P([200.0, 300.0])
    top = on_screen(-lean, origin=(200.0, 300.0))  # top to the left (= ahead) for lean > 0
    assert geo.tilt_from_vertical(bottom, top, facing=-1) == pytest.approx(lean, abs=1e-9)


def test_tilt_concrete_values() -> None:
    assert geo.tilt_from_vertical(P([0, 0]), P([0, -10]), 1) == pytest.approx(0.0)
    assert geo.tilt_from_vertical(P([0, 0]), P([10, -10]), 1) == pytest.approx(45.0)
    assert geo.tilt_from_vertical(P([0, 0]), P([10, -10]), -1) == pytest.approx(-45.0)
    assert geo.tilt_from_vertical(P([0, 0]), P([10, 0]), 1) == pytest.approx(90.0)
    # upside down: the "top" hangs below the bottom
    assert abs(geo.tilt_from_vertical(P([0, 0]), P([0, 10]), 1)) == pytest.approx(180.0)


def test_tilt_without_a_facing_is_unknown_not_upright() -> None:
    # A lean's sign needs the facing; facing 0 (unknown) must not read as 0 deg (upright).
    assert math.isnan(geo.tilt_from_vertical(P([0, 0]), P([10, -10]), 0))
    assert math.isnan(geo.tilt_from_vertical(P([0, 0]), P([0, -10]), 0))


# --- joint_angle ---------------------------------------------------------------------------


def test_joint_angle_straight_square_and_folded() -> None:
    b = P([0.0, 0.0])
    assert geo.joint_angle(P([-5.0, 0.0]), b, P([7.0, 0.0])) == pytest.approx(180.0)
    assert geo.joint_angle(P([0.0, -5.0]), b, P([7.0, 0.0])) == pytest.approx(90.0)
    assert geo.joint_angle(P([0.0, -5.0]), b, P([-7.0, 0.0])) == pytest.approx(90.0)
    assert geo.joint_angle(P([3.0, 0.0]), b, P([7.0, 0.0])) == pytest.approx(0.0)
    assert geo.joint_angle(P([1.0, 0.0]), b, P([1.0, math.sqrt(3)])) == pytest.approx(60.0)


def test_joint_angle_is_symmetric_in_its_ends() -> None:
    a, b, c = P([3.0, 1.0]), P([0.0, 0.0]), P([-2.0, 5.0])
    assert geo.joint_angle(a, b, c) == pytest.approx(geo.joint_angle(c, b, a))


# --- tilt_from_horizontal, distance, ratio ---------------------------------------------------


def test_tilt_from_horizontal() -> None:
    assert geo.tilt_from_horizontal(P([0, 0]), P([10, 0])) == pytest.approx(0.0)
    assert geo.tilt_from_horizontal(P([0, 0]), P([10, 10])) == pytest.approx(45.0)
    assert geo.tilt_from_horizontal(P([0, 0]), P([10, -10])) == pytest.approx(45.0)
    assert geo.tilt_from_horizontal(P([10, 10]), P([0, 0])) == pytest.approx(45.0)
    assert geo.tilt_from_horizontal(P([0, 0]), P([0, 10])) == pytest.approx(90.0)


def test_distance_and_ratio() -> None:
    assert geo.distance(P([0, 0]), P([3, 4])) == pytest.approx(5.0)
    assert math.isnan(geo.distance(P([0, 0]), P([NAN, 4])))
    assert geo.ratio(3.0, 4.0) == pytest.approx(0.75)
    assert math.isnan(geo.ratio(1.0, 0.0))
    assert math.isnan(geo.ratio(1.0, NAN))
    assert math.isnan(geo.ratio(1.0, math.inf))
    assert math.isnan(geo.ratio(NAN, 2.0))


# --- signed_distance_to_line -----------------------------------------------------------------


def test_signed_distance_clockwise_side_positive() -> None:
    a, b = P([0.0, 0.0]), P([10.0, 0.0])  # pointing right: clockwise side is below on screen
    assert geo.signed_distance_to_line(P([5.0, 3.0]), a, b) == pytest.approx(3.0)
    assert geo.signed_distance_to_line(P([5.0, -3.0]), a, b) == pytest.approx(-3.0)
    assert geo.signed_distance_to_line(P([5.0, -3.0]), b, a) == pytest.approx(3.0)
    assert geo.signed_distance_to_line(P([50.0, 0.0]), a, b) == pytest.approx(0.0)
    # a line pointing down: its clockwise side is image-left
    down_a, down_b = P([0.0, 0.0]), P([0.0, 10.0])
    assert geo.signed_distance_to_line(P([-2.0, 5.0]), down_a, down_b) == pytest.approx(2.0)
    assert geo.signed_distance_to_line(P([2.0, 5.0]), down_a, down_b) == pytest.approx(-2.0)


def test_signed_distance_is_a_distance_not_a_cross_product() -> None:
    a, b = P([0.0, 0.0]), P([1000.0, 1000.0])
    assert geo.signed_distance_to_line(P([0.0, 10.0]), a, b) == pytest.approx(10 / math.sqrt(2))


# --- NaN in, NaN out; degenerate -> NaN ------------------------------------------------------

GOOD = P([1.0, 2.0])
BAD_POINTS = [P([NAN, 2.0]), P([1.0, NAN]), P([math.inf, 0.0]), P([0.0, -math.inf])]


@pytest.mark.parametrize("bad", BAD_POINTS, ids=["nan-x", "nan-y", "inf-x", "-inf-y"])
def test_non_finite_in_gives_nan_out(bad: np.ndarray) -> None:
    other, third = P([10.0, -3.0]), P([-4.0, 8.0])
    results = [
        geo.signed_angle(bad, other),
        geo.signed_angle(other, bad),
        geo.joint_angle(bad, GOOD, other),
        geo.joint_angle(GOOD, bad, other),
        geo.joint_angle(GOOD, other, bad),
        geo.tilt_from_vertical(bad, other, 1),
        geo.tilt_from_vertical(other, bad, -1),
        geo.tilt_from_horizontal(bad, other),
        geo.distance(bad, other),
        geo.signed_distance_to_line(bad, other, third),
        geo.signed_distance_to_line(other, bad, third),
        geo.signed_distance_to_line(other, third, bad),
    ]
    assert all(math.isnan(r) for r in results), results


def test_zero_length_gives_nan() -> None:
    p, q = P([5.0, 5.0]), P([9.0, 1.0])
    assert math.isnan(geo.signed_angle(P([0.0, 0.0]), q))
    assert math.isnan(geo.joint_angle(p, p, q))
    assert math.isnan(geo.joint_angle(q, p, p))
    assert math.isnan(geo.tilt_from_vertical(p, p, 1))
    assert math.isnan(geo.tilt_from_horizontal(p, p))
    assert math.isnan(geo.signed_distance_to_line(q, p, p))
    assert geo.distance(p, p) == 0.0


def test_accepts_lists_and_ints() -> None:
    assert geo.joint_angle([0, -5], [0, 0], [7, 0]) == pytest.approx(90.0)
    assert geo.tilt_from_vertical([0, 0], [10, -10], 1) == pytest.approx(45.0)


# --- properties ------------------------------------------------------------------------------

coord = st.floats(min_value=-1e4, max_value=1e4, allow_nan=False, allow_infinity=False)
point = st.tuples(coord, coord).map(np.array)
any_float = st.floats(allow_nan=True, allow_infinity=True)
any_point = st.tuples(any_float, any_float).map(np.array)


def far_apart(*points: np.ndarray, min_px: float = 1e-3) -> bool:
    return all(float(np.hypot(*(p - q))) > min_px for i, p in enumerate(points) for q in points[i + 1 :])


@given(point, point, point)
def test_joint_angle_finite_in_range(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> None:
    assume(far_apart(a, b) and far_apart(b, c))
    angle = geo.joint_angle(a, b, c)
    assert math.isfinite(angle) and 0.0 <= angle <= 180.0


@given(point, point, st.sampled_from([-1, 1]))
def test_tilt_finite_in_range(bottom: np.ndarray, top: np.ndarray, facing: int) -> None:
    assume(far_apart(bottom, top))
    tilt = geo.tilt_from_vertical(bottom, top, facing)
    assert math.isfinite(tilt) and -180.0 <= tilt <= 180.0
    horizontal = geo.tilt_from_horizontal(bottom, top)
    assert math.isfinite(horizontal) and 0.0 <= horizontal <= 90.0


@given(any_point, any_point, any_point, st.sampled_from([-1, 0, 1]))
def test_never_raises_on_any_floats(a: np.ndarray, b: np.ndarray, c: np.ndarray, facing: int) -> None:
    with np.errstate(all="ignore"):
        values = [
            geo.signed_angle(a, b),
            geo.joint_angle(a, b, c),
            geo.tilt_from_vertical(a, b, facing),
            geo.tilt_from_horizontal(a, b),
            geo.distance(a, b),
            geo.signed_distance_to_line(a, b, c),
        ]
    for v in values:
        assert isinstance(v, float)
    if not (np.isfinite(a).all() and np.isfinite(b).all() and np.isfinite(c).all()):
        assert math.isnan(values[1])


def rotate(p: np.ndarray, deg: float) -> np.ndarray:
    r = math.radians(deg)
    return P([p[0] * math.cos(r) - p[1] * math.sin(r), p[0] * math.sin(r) + p[1] * math.cos(r)])


segment_point = st.tuples(
    st.floats(min_value=-500, max_value=500), st.floats(min_value=-500, max_value=500)
).map(np.array)


triangle = st.tuples(segment_point, segment_point, segment_point)
similarity = st.tuples(
    st.floats(min_value=-180, max_value=180), segment_point, st.floats(min_value=0.01, max_value=100)
)


@given(triangle, similarity)
def test_joint_angle_invariant_under_rotation_translation_scale(
    points: tuple[np.ndarray, np.ndarray, np.ndarray], transform: tuple[float, np.ndarray, float]
) -> None:
    a, b, c = points
    deg, shift, scale = transform
    assume(far_apart(a, b, min_px=1.0) and far_apart(b, c, min_px=1.0))
    moved = [rotate(p, deg) * scale + shift for p in (a, b, c)]
    assert geo.joint_angle(*moved) == pytest.approx(geo.joint_angle(a, b, c), abs=1e-6)


@given(segment_point, segment_point, st.sampled_from([-1, 1]), st.floats(min_value=-1e3, max_value=1e3))
def test_mirror_flips_tilt_unless_facing_flips_too(
    bottom: np.ndarray, top: np.ndarray, facing: int, axis_x: float
) -> None:
    assume(far_apart(bottom, top, min_px=1.0))

    def mirror(p: np.ndarray) -> np.ndarray:
        return P([2 * axis_x - p[0], p[1]])

    tilt = geo.tilt_from_vertical(bottom, top, facing)
    mirrored_same_facing = geo.tilt_from_vertical(mirror(bottom), mirror(top), facing)
    mirrored_flipped_facing = geo.tilt_from_vertical(mirror(bottom), mirror(top), -facing)
    assume(abs(abs(tilt) - 180.0) > 1e-6)  # straight down is its own mirror image: +-180
    assert mirrored_same_facing == pytest.approx(-tilt, abs=1e-6)
    assert mirrored_flipped_facing == pytest.approx(tilt, abs=1e-6)


@given(segment_point, segment_point, segment_point)
def test_signed_distance_flips_with_line_direction(p: np.ndarray, a: np.ndarray, b: np.ndarray) -> None:
    assume(far_apart(a, b, min_px=1.0))
    forward = geo.signed_distance_to_line(p, a, b)
    backward = geo.signed_distance_to_line(p, b, a)
    assert forward == pytest.approx(-backward, abs=1e-6)
    assert abs(forward) <= min(geo.distance(p, a), geo.distance(p, b)) + 1e-6


@given(segment_point, segment_point)
def test_signed_angle_antisymmetric(u: np.ndarray, v: np.ndarray) -> None:
    assume(far_apart(u, P([0.0, 0.0]), min_px=1.0) and far_apart(v, P([0.0, 0.0]), min_px=1.0))
    forward, backward = geo.signed_angle(u, v), geo.signed_angle(v, u)
    assume(abs(abs(forward) - 180.0) > 1e-6)
    assert forward == pytest.approx(-backward, abs=1e-9)
