"""Standing posture in a photo cut off at the thighs (a webcam snapshot, a cropped photo): the
thighs hang straight down out of the bottom of the picture, so the head, shoulders and trunk
are judged; a seated body cut off just as low, or too little thigh in the picture, is not
taken for standing."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from posecheck import geometry as geo
from posecheck import metrics as m
from posecheck.assess import assess
from posecheck.config import DEFAULT_SETTINGS as S
from posecheck.exercises import Match, standing_posture
from posecheck.landmarks import Landmark, Pose, sided
from posecheck.synth.body import (
    BodyAngles,
    Camera,
    LegAngles,
    make_pose,
    prone_press_up,
    standing,
    standing_lunge,
)
from posecheck.synth.render import masked_pose

L = Landmark

FACINGS = ("left", "right")


def cut_at(pose: Pose, trunks_below_hips: float) -> Pose:
    """The picture cut off this many trunk lengths below the hip joints: rows below go, and
    every landmark below the edge is out of the picture (visibility 0)."""
    hip = (pose.xy[L.LEFT_HIP] + pose.xy[L.RIGHT_HIP]) / 2
    shoulder = (pose.xy[L.LEFT_SHOULDER] + pose.xy[L.RIGHT_SHOULDER]) / 2
    rows = int(hip[1] + trunks_below_hips * geo.distance(hip, shoulder))
    assert pose.mask is not None
    visibility = np.where(pose.xy[:, 1] < rows, pose.visibility, 0.0)
    return pose.replace(mask=pose.mask[:rows], image_size=(pose.image_size[0], rows), visibility=visibility)


def seated() -> BodyAngles:
    """Sitting upright: thighs forward (hip flexed 90 deg), shins down."""
    leg = LegAngles(hip_flex_deg=90.0, knee_flex_deg=90.0)
    return replace(standing(), left_leg=leg, right_leg=leg)


@pytest.mark.parametrize("facing", FACINGS)
@pytest.mark.parametrize(("delta", "exercise"), [(+0.15, "standing_posture"), (-0.15, None)])
def test_standing_cut_off_at_the_thighs(facing: str, delta: float, exercise: str | None) -> None:
    pose = cut_at(
        masked_pose(standing(neck_deg=10.0), facing=facing), S.min_cut_off_thigh_trunk_ratio + delta
    )  # type: ignore[arg-type]
    assert not any(pose.visibility[lm] for lm in (L.LEFT_KNEE, L.RIGHT_KNEE, L.LEFT_ANKLE, L.RIGHT_ANKLE))
    result = assess(pose, S)
    assert result.exercise == exercise
    if exercise:
        forward_head = result.check("forward_head")
        assert forward_head is not None and forward_head.status == "pass"
        plumb = result.check("plumb_line")
        assert plumb is not None and plumb.status == "unknown"  # the ankles are out of the picture


@pytest.mark.parametrize("facing", FACINGS)
def test_seated_cut_off_below_the_hips_is_not_standing(facing: str) -> None:
    """The seat shows under the buttocks, and the thighs run forward, not down."""
    pose = cut_at(masked_pose(seated(), facing=facing), S.min_cut_off_thigh_trunk_ratio + 0.15)  # type: ignore[arg-type]
    assert not any(pose.visibility[lm] for lm in (L.LEFT_ANKLE, L.RIGHT_ANKLE))
    body = m.Body(pose, S)
    orientation = m.orientation(body, S)
    assert m.trunk_from_vertical(body, orientation) <= S.max_standing_trunk_deg
    assert not standing_posture.legs_leave_the_picture(body, orientation)
    assert standing_posture.recognize(body, orientation) is Match.NO


def test_without_a_mask_a_cut_off_photo_is_not_recognised() -> None:
    pose = cut_at(masked_pose(standing()), S.min_cut_off_thigh_trunk_ratio + 0.3)
    assert assess(pose.replace(mask=None), S).exercise is None


@pytest.mark.parametrize("facing", FACINGS)
def test_lying_with_a_steep_trunk_is_no_standing_posture(facing: str) -> None:
    """A cobra with the chest 55 deg up, filmed by a camera turned 15 deg about its axis so that
    the trunk stands 20 deg from vertical in the picture: upright trunk, straight knees, feet
    together, as a standing person has, but the feet lie about half a thigh below the hips.
    (A real deep cobra photographed 5 deg off level was taken for a standing posture and told
    it had a hollow back and a sway back.)"""
    roll = 15.0 if facing == "right" else -15.0  # turns the trunk towards vertical
    pose = make_pose(prone_press_up(chest_deg=55.0), camera=Camera(roll_deg=roll), facing=facing)  # type: ignore[arg-type]
    body = m.Body(pose, S)
    o = m.orientation(body, S)
    assert m.trunk_from_vertical(body, o) <= S.max_standing_trunk_deg
    assert 0.3 < m.leg_drop(body, o) < S.max_lying_hip_drop_ratio
    assert standing_posture.recognize(body, o) is Match.NO
    assert assess(pose, S).exercise != "standing_posture"


@pytest.mark.parametrize("facing", FACINGS)
def test_standing_filmed_off_level_is_still_standing(facing: str) -> None:
    """The other side: a standing person filmed by the same tilted camera (trunk 15 deg off
    vertical in the picture) keeps the feet far below the hips and stays a standing posture."""
    pose = make_pose(standing(), camera=Camera(roll_deg=15.0), facing=facing)  # type: ignore[arg-type]
    body = m.Body(pose, S)
    o = m.orientation(body, S)
    assert m.leg_drop(body, o) > 1.5
    assert standing_posture.recognize(body, o) is Match.YES


@pytest.mark.parametrize("facing", FACINGS)
def test_a_lunge_whose_front_leg_is_drawn_between_the_legs_is_no_standing_posture(facing: str) -> None:
    """Side-on, the model may draw a lunge's far leg in the empty space between the legs: the one
    leg left then stands straight under an upright trunk, as in a standing posture.  The
    silhouette shows the drawn leg off the body (`metrics.off_body_legs`), so the stance is
    unknown and nothing is recognised, with the note that a body part is not visible; without a
    silhouette it could not be told."""
    pose = masked_pose(standing_lunge("left"), facing=facing)  # type: ignore[arg-type]
    assert assess(pose, S).exercise == "standing_lunge"
    xy = pose.xy.copy()
    for part in m.LOWER_LEG_PARTS:  # the front leg drawn midway to the rear one
        xy[sided("left", part)] = (pose.xy[sided("left", part)] + pose.xy[sided("right", part)]) / 2
    drawn_between = pose.replace(xy=xy)
    assert m.off_body_legs(drawn_between, S) == ("left",)
    result = assess(drawn_between, S)
    assert result.exercise is None
    assert result.note == "not_visible"  # not "no known exercise": the leg is lost, not the lunge
    assert assess(drawn_between.replace(mask=None), S).exercise == "standing_posture"
    assert assess(masked_pose(standing(), facing=facing), S).exercise == "standing_posture"  # type: ignore[arg-type]


@pytest.mark.parametrize("facing", FACINGS)
def test_with_both_legs_drawn_off_the_body_nothing_is_recognised(facing: str) -> None:
    """A standing lunge leaning back 25 deg whose legs the model drew below the floor: with no
    leg left to go by, its trunk and hands read as a chest propped on the hands (a press-up).
    Nothing is recognised, and the note asks for the whole body in the picture."""
    pose = masked_pose(standing_lunge("left", trunk_deg=-25.0, hip_extension_deg=60.0), facing=facing)  # type: ignore[arg-type]
    assert assess(pose, S).exercise == "standing_lunge"
    trunk = geo.distance(
        pose.midpoint(L.LEFT_SHOULDER, L.RIGHT_SHOULDER), pose.midpoint(L.LEFT_HIP, L.RIGHT_HIP)
    )
    xy = pose.xy.copy()
    for side in ("left", "right"):
        for part in m.LOWER_LEG_PARTS:
            xy[sided(side, part), 1] += 0.6 * trunk  # below the floor, off the silhouette
    lost = pose.replace(xy=xy)
    assert m.Body(lost, S).misplaced_legs == ("left", "right")
    result = assess(lost, S)
    assert result.exercise is None
    assert result.note == "not_visible"
