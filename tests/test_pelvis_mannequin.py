"""The mannequin poses benchmarks/pelvis_mannequin.py fits ``max_pelvis_gap_ratio`` on: straight
arms with the hands on the floor, the pelvis lifted by the stated amount, and the physical
criterion that labels them."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.pelvis_mannequin import OFF_FLOOR_M, ON_FLOOR_M, Render, scaled_shape, straight_arm_press_up
from posecheck.landmarks import Landmark
from posecheck.synth.body import DEFAULT_SHAPE, skeleton


@pytest.mark.parametrize("scale", [0.9, 1.1])
@pytest.mark.parametrize("lift", [0.0, 0.05, 0.15])
@pytest.mark.parametrize("hands", [0.0, 0.5])
def test_arms_are_straight_and_the_pelvis_is_lifted_as_asked(scale: float, lift: float, hands: float) -> None:
    shape = scaled_shape(scale)
    sk = skeleton(straight_arm_press_up(lift, hands, shape), shape)
    p = sk.points
    upper, fore = (
        p[Landmark.LEFT_SHOULDER] - p[Landmark.LEFT_ELBOW],
        p[Landmark.LEFT_WRIST] - p[Landmark.LEFT_ELBOW],
    )
    elbow = np.degrees(np.arccos(upper @ fore / np.linalg.norm(upper) / np.linalg.norm(fore)))
    assert 172.0 <= elbow <= 179.5
    assert sk.joints["hip_centre"][2] == pytest.approx(shape.hip_clearance + lift, abs=1e-6)
    assert p[Landmark.LEFT_WRIST][2] == pytest.approx(shape.wrist_clearance, abs=0.01)


def test_scaled_shape_scales_lengths_and_radii() -> None:
    shape = scaled_shape(1.1)
    assert shape.thigh == pytest.approx(1.1 * DEFAULT_SHAPE.thigh)
    assert np.allclose(shape.head_radii, 1.1 * np.array(DEFAULT_SHAPE.head_radii))


def test_the_criterion_leaves_the_band_between_on_and_off_the_floor_unlabelled() -> None:
    def label(lift: float) -> str | None:
        return Render(lift, 0.0, 0.0, 0.5, 1.0, "right").label

    assert label(0.0) == label(ON_FLOOR_M) == "pass"
    assert label((ON_FLOOR_M + OFF_FLOOR_M) / 2) is None
    assert label(OFF_FLOOR_M) == label(0.15) == "fail"
