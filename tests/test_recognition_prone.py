"""Lying face down with the chest still low is a prone press-up only while a hand is planted to
push (below the shoulder, within ``max_planted_hand_reach_ratio`` upper arms ahead of it);
arms stretched forward (child's pose) or raised (superman) make another pose.  A lifted chest
is a press-up wherever the hands are planted, but not with the arms stretched out ahead in the
air (superman).  Sitting upright, cut off above the shins, is not lying.  Lying seen from a raised camera at an angle is not an upside-down picture.
Synthetic poses, a case on each side of the limit."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from test_recognition_standing import cut_at, seated

from posecheck import metrics as m
from posecheck.assess import assess, upright
from posecheck.config import Settings
from posecheck.landmarks import Landmark, Pose
from posecheck.synth.body import ArmAngles, Camera, make_pose, prone_press_up, standing
from posecheck.synth.render import masked_pose

S = Settings()
FACINGS = ("right", "left")
CHEST_DOWN = S.min_chest_lift_deg - 8


@pytest.mark.parametrize("facing", FACINGS)
@pytest.mark.parametrize(("step", "exercise"), [(-0.2, "prone_press_up"), (+0.2, None)])
def test_with_the_chest_down_the_hands_must_be_planted_within_reach(
    facing: str, step: float, exercise: str | None
) -> None:
    angles = prone_press_up(CHEST_DOWN, hands_forward=S.max_planted_hand_reach_ratio + step)
    result = assess(make_pose(angles, facing=facing), S)  # type: ignore[arg-type]
    assert result.exercise == exercise
    if exercise is not None:
        assert result.check("chest_lifted").status == "fail"  # type: ignore[union-attr]


@pytest.mark.parametrize("facing", FACINGS)
def test_lying_with_the_arms_raised_forward_is_no_press_up(facing: str) -> None:
    raised = ArmAngles(shoulder_flex_deg=180.0)  # along the trunk, past the head (superman)
    angles = replace(prone_press_up(CHEST_DOWN), left_arm=raised, right_arm=raised)
    assert assess(make_pose(angles, facing=facing), S).exercise is None  # type: ignore[arg-type]


@pytest.mark.parametrize("facing", FACINGS)
def test_a_lifted_chest_needs_no_planted_hands(facing: str) -> None:
    angles = prone_press_up(S.min_chest_lift_deg + 10, hands_forward=S.max_planted_hand_reach_ratio + 0.2)
    assert assess(make_pose(angles, facing=facing), S).exercise == "prone_press_up"  # type: ignore[arg-type]


@pytest.mark.parametrize("facing", FACINGS)
def test_a_chest_lifted_with_the_arms_out_ahead_in_the_air_is_no_press_up(facing: str) -> None:
    ahead = ArmAngles(shoulder_flex_deg=150.0)  # superman: chest and arms up, no hand on the floor
    angles = replace(prone_press_up(S.min_chest_lift_deg + 20), left_arm=ahead, right_arm=ahead)
    assert assess(make_pose(angles, facing=facing), S).exercise is None  # type: ignore[arg-type]


@pytest.mark.parametrize("facing", FACINGS)
@pytest.mark.parametrize("yaw", [30.0, 45.0])
def test_lying_seen_from_a_raised_camera_at_an_angle_is_not_upside_down(facing: str, yaw: float) -> None:
    """The start of a press-up filmed from above the head at 3/4: the far-off feet come out
    higher in the picture than the head (C1_video_cobra_v5), yet the picture is upright."""
    camera = Camera(yaw_deg=yaw, height_m=1.6, distance_m=2.2)
    pose = make_pose(prone_press_up(CHEST_DOWN, hands_forward=0.3), facing=facing, camera=camera)  # type: ignore[arg-type]
    assert pose.xy[[27, 28], 1].mean() < pose.xy[0, 1]  # feet above the nose in the picture
    result = assess(pose, S)
    assert result.exercise == "prone_press_up"
    assert result.check("chest_lifted").status == "fail"  # type: ignore[union-attr]


def _turned(pose: Pose, deg: float) -> Pose:
    """The pose's picture turned by ``deg`` about the hip centre (positive lifts the feet of a
    person facing image-right)."""
    a = np.radians(deg)
    turn = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
    centre = pose.xy[[23, 24]].mean(axis=0)
    return pose.replace(xy=(pose.xy - centre) @ turn.T + centre)


@pytest.mark.parametrize(("climb", "turned"), [(-5.0, False), (+5.0, True)])
def test_upside_down_when_the_feet_climb_steeply_above_the_head(climb: float, turned: bool) -> None:
    lying = make_pose(prone_press_up(CHEST_DOWN, hands_forward=0.3))
    head, feet = lying.xy[[0, 11, 12]].mean(axis=0), lying.xy[[27, 28, 29, 30]].mean(axis=0)
    level = np.degrees(np.arctan2(head[1] - feet[1], abs(head[0] - feet[0])))  # the feet's climb now
    pose = _turned(lying, S.min_upside_down_axis_deg + climb - level)
    assert (not np.allclose(upright(pose, S).xy, pose.xy)) == turned


def test_an_upside_down_standing_picture_is_turned() -> None:
    standing = make_pose()
    width, height = standing.image_size
    flipped = standing.replace(xy=np.array([width, height]) - standing.xy)
    assert np.allclose(upright(flipped, S).xy, standing.xy)


@pytest.mark.parametrize("facing", FACINGS)
@pytest.mark.parametrize(("yaw", "judged"), [(45.0, True), (S.max_side_view_yaw_deg + 15, False)])
def test_a_cobra_is_judged_up_to_the_side_view_limit_then_asks_to_turn(
    facing: str, yaw: float, judged: bool
) -> None:
    pose = make_pose(prone_press_up(S.min_chest_lift_deg + 10), camera=Camera(yaw_deg=yaw), facing=facing)  # type: ignore[arg-type]
    result = assess(pose, S)
    assert result.exercise == "prone_press_up"
    for check in ("pelvis_on_floor", "chest_lifted"):
        status, cue = result.check(check).status, result.check(check).cue  # type: ignore[union-attr]
        assert (status != "unknown") == judged
        assert (cue == "turn_sideways") == (not judged)


@pytest.mark.parametrize("facing", FACINGS)
@pytest.mark.parametrize("below_hips", [0.65, 0.8])
def test_sitting_cut_off_above_the_shins_is_no_press_up(facing: str, below_hips: float) -> None:
    """At a desk the picture often ends at the thighs: level thighs under an upright trunk are
    not legs flat on the floor when they run forward, the way the face looks."""
    pose = cut_at(masked_pose(seated(), facing=facing), below_hips)  # type: ignore[arg-type]
    assert assess(pose, S).exercise is None


@pytest.mark.parametrize("facing", FACINGS)
def test_a_full_cobra_with_an_upright_trunk_is_still_a_press_up(facing: str) -> None:
    """The same upright trunk with the thighs trailing behind, away from the face."""
    chest = 90 - S.max_standing_trunk_deg + 5  # trunk above the floor: upright enough to sit
    angles = prone_press_up(chest, hands_forward=0.0)
    pose = make_pose(angles, facing=facing)  # type: ignore[arg-type]
    body = m.Body(pose, S)
    assert m.trunk_from_vertical(body, m.orientation(body, S)) <= S.max_standing_trunk_deg
    assert assess(pose, S).exercise == "prone_press_up"


@pytest.mark.parametrize("facing", FACINGS)
@pytest.mark.parametrize(
    "camera", [None, Camera(yaw_deg=0.0, height_m=0.9)], ids=["orthographic", "perspective"]
)
def test_standing_in_a_sway_back_with_the_far_leg_hidden_is_no_press_up(
    facing: str, camera: Camera | None
) -> None:
    """The trunk leans back 15 deg, the hands hang behind the hips and the far leg is marked not
    visible, as the upper body of someone propped on the hands would look; the near leg that
    reaches down to the floor says standing."""
    far = "LEFT" if facing == "right" else "RIGHT"
    hidden = {Landmark[f"{far}_{part}"]: 0.2 for part in ("KNEE", "ANKLE", "HEEL", "FOOT_INDEX")}
    pose = make_pose(standing(sway=0.15), facing=facing, camera=camera, visibility=hidden)  # type: ignore[arg-type]
    assert assess(pose, S).exercise == "standing_posture"
