"""The rendered poses benchmarks/verdict_mannequin.py judges: each moves the one factor it names
by the stated amount (measured on the exact pose, side-on), leaves the rest of the pose as it
was, and carries the truth of ../shared/data's by-eye labels."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.verdict_mannequin import FACTORS, Render, angles, body_shape, renders
from posecheck import metrics as m
from posecheck.config import Settings
from posecheck.exercises._lunge import front_shin_tilt, hip_extension, rear_knee_angle, trunk_tilt
from posecheck.exercises.standing_posture import knee_hyperextension, neck_tilt, plumb_offset
from posecheck.landmarks import Landmark
from posecheck.synth.body import make_pose, skeleton

S = Settings()
MEASURES = {
    "trunk_upright": trunk_tilt,
    "front_knee_over_ankle": front_shin_tilt,
    "forward_head": neck_tilt,
    "plumb_line": plumb_offset,
    "hip_extension": hip_extension,
    "knee_hyperextension": knee_hyperextension,
}


def _measured(item: Render) -> float:
    pose = make_pose(angles(item), facing=item.facing, shape=body_shape(item.body_scale))  # type: ignore[arg-type]
    body = m.Body(pose, S)
    o = m.orientation(body, S)
    if item.check == "rear_leg_straight":
        return 180.0 - rear_knee_angle(body, o).value
    return MEASURES[item.check](body, o).value


@pytest.mark.parametrize("item", [r for r in renders() if r.yaw_deg == 0.0 and r.camera_height_m == 0.5])
def test_each_render_moves_its_factor_by_the_stated_amount(item: Render) -> None:
    tolerance = 0.01 if item.check == "plumb_line" else 0.5  # leg lengths, else degrees
    assert _measured(item) == pytest.approx(item.value, abs=tolerance)


@pytest.mark.parametrize("exercise", ["kneeling_lunge", "standing_lunge"])
def test_a_leaning_trunk_leaves_the_legs_where_they_were(exercise: str) -> None:
    upright = Render(exercise, "trunk_upright", 0.0, "left", 0.0, 0.5, 1.0, "right")
    leaning = replace(upright, value=30.0)
    shape = body_shape(1.0)
    legs = [Landmark.LEFT_KNEE, Landmark.RIGHT_KNEE, Landmark.LEFT_ANKLE, Landmark.RIGHT_ANKLE]
    a, b = (skeleton(angles(r), shape).points[legs] for r in (upright, leaning))
    assert b == pytest.approx(a, abs=1e-6)


def test_the_truth_leaves_the_margin_around_each_limit_unlabelled() -> None:
    def truth(check: str, exercise: str = "standing_lunge") -> Callable[[float], str | None]:
        return FACTORS[(exercise, check)][2]

    trunk, shin, rear = (truth(c) for c in ("trunk_upright", "front_knee_over_ankle", "rear_leg_straight"))
    head, plumb = (truth(c, "standing_posture") for c in ("forward_head", "plumb_line"))
    assert (trunk(-5.0), trunk(15.0), trunk(-25.0)) == ("pass", None, "fail")
    assert (shin(5.0), shin(12.0), shin(20.0)) == ("pass", None, "fail")
    assert (rear(10.0), rear(30.0), rear(45.0)) == ("pass", None, "fail")
    assert (head(10.0), head(20.0), head(30.0)) == ("pass", None, "fail")
    assert (plumb(0.02), plumb(0.06), plumb(0.1)) == ("pass", None, "fail")
    hip = truth("hip_extension", "kneeling_lunge")
    assert (hip(2.0), hip(10.0), hip(18.0)) == ("fail", None, "pass")
    knee = truth("knee_hyperextension", "standing_posture")
    assert (knee(2.0), knee(5.0), knee(10.0)) == ("pass", None, "fail")


def test_the_grid_has_both_sides_of_every_check_on_every_setup() -> None:
    items = renders()
    for key in FACTORS:
        for setup in {r.setup for r in items}:
            truths = {r.truth for r in items if (r.exercise, r.check) == key and r.setup == setup}
            assert truths == {"pass", "fail"}, (key, setup)
