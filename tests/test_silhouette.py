"""`posecheck.silhouette.near_body`: whether a point lies within a distance of the person's mask."""

from __future__ import annotations

import numpy as np
import pytest

from posecheck import silhouette


def block() -> np.ndarray:
    """A 100 x 200 picture whose person is the block of pixels x 50-99, y 20-59."""
    mask = np.zeros((100, 200), dtype=np.float32)
    mask[20:60, 50:100] = 1.0
    return mask


@pytest.mark.parametrize(
    ("point", "radius", "near"),
    [
        ((70.0, 40.0), 0.0, True),  # on the body
        ((110.0, 40.0), 11.0, True),  # 11 px right of the block's last column (x 99)
        ((110.0, 40.0), 10.9, False),
        ((110.0, 70.0), 15.6, True),  # off its corner (99, 59): hypot(11, 11) = 15.56 px
        ((110.0, 70.0), 15.5, False),
        ((-5.0, 40.0), 0.0, True),  # outside the picture: the mask cannot tell
        ((float("nan"), 40.0), 0.0, True),
    ],
)
def test_near_body_measures_to_the_nearest_person_pixel(
    point: tuple[float, float], radius: float, near: bool
) -> None:
    assert silhouette.near_body(block(), point, radius) is near
