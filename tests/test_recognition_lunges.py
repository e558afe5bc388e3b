"""Recognition of lunges from the legs and the floor, not from an upright trunk (issue 11):
a folded trunk or hands on the front knee leave the lunge a lunge (trunk_upright then fails);
a bent rear knee hanging above the floor makes a standing lunge, not a kneeling one; poses of
category N stay out.  Synthetic poses (forward kinematics), a case on each side of each limit."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np
import pytest

from posecheck import metrics as m
from posecheck import silhouette
from posecheck.assess import assess
from posecheck.config import Settings
from posecheck.exercises._lunge import KNEE_COLUMNS_SHINS, rear_knee_gap, rear_knee_height
from posecheck.landmarks import SIDES, Landmark, Pose, Side, other_side, sided
from posecheck.synth.body import (
    ArmAngles,
    BodyAngles,
    BodyShape,
    Camera,
    forward_kinematics,
    kneeling_lunge,
    make_pose,
    standing_lunge,
)
from posecheck.synth.render import masked_pose

S = Settings()
SHAPE = BodyShape()
FACINGS = ("right", "left")


@pytest.mark.parametrize("facing", FACINGS)
@pytest.mark.parametrize("front", SIDES)
@pytest.mark.parametrize("arms", ["knee", "hanging"])
@pytest.mark.parametrize(
    ("trunk_deg", "upright"), [(S.max_trunk_tilt_deg - 4, True), (50.0, False), (70.0, False)]
)
def test_a_kneeling_lunge_with_the_trunk_folded_is_still_one(
    facing: str, front: Side, arms: str, trunk_deg: float, upright: bool
) -> None:
    pose = make_pose(kneeling_lunge(front, trunk_deg=trunk_deg, arms=arms), facing=facing)  # type: ignore[arg-type]
    result = assess(pose, S)
    assert result.exercise == "kneeling_lunge"
    trunk = result.check("trunk_upright")
    assert trunk is not None and trunk.value == pytest.approx(trunk_deg, abs=1.0)
    assert trunk.status == ("pass" if upright else "fail")
    if not upright:
        assert trunk.cue == "trunk_upright.leaning_forward"


@pytest.mark.parametrize("facing", FACINGS)
@pytest.mark.parametrize("front", SIDES)
@pytest.mark.parametrize(("trunk_deg", "upright"), [(S.max_trunk_tilt_deg - 4, True), (45.0, False)])
def test_a_standing_lunge_with_the_trunk_folded_is_still_one(
    facing: str, front: Side, trunk_deg: float, upright: bool
) -> None:
    pose = make_pose(standing_lunge(front, trunk_deg=trunk_deg, arms="knee"), facing=facing)  # type: ignore[arg-type]
    result = assess(pose, S)
    assert result.exercise == "standing_lunge"
    assert result.check("trunk_upright").status == ("pass" if upright else "fail")  # type: ignore[union-attr]


@pytest.mark.parametrize("facing", FACINGS)
@pytest.mark.parametrize("front", SIDES)
@pytest.mark.parametrize(("delta", "exercise"), [(-0.07, "kneeling_lunge"), (+0.07, "standing_lunge")])
def test_kneeling_needs_the_rear_knee_at_the_floor(
    facing: str, front: Side, delta: float, exercise: str
) -> None:
    """The rear knee hangs ``max_rear_knee_height_ratio`` +- a little above a floor touched by
    the rear toes and the front foot: below it kneeling, above it a standing lunge."""
    shape = replace(SHAPE, knee_clearance=(S.max_rear_knee_height_ratio + delta) * SHAPE.shin)
    angles = kneeling_lunge(front, rear_shin_deg=5.0, rear_toes_tucked=True, shape=shape)
    assert assess(make_pose(angles, facing=facing, shape=shape), S).exercise == exercise  # type: ignore[arg-type]


def hovering(pose: Pose, gap_shins: float) -> Pose:
    """The silhouette with the bottom of the rear knee cut away until ``rear_knee_gap`` shows
    ``gap_shins`` shin lengths of background under it, the landmarks unchanged: what the mask
    shows when the model places the joint centre of a hovering knee too low."""
    assert pose.mask is not None
    body = m.Body(pose, S)
    o = m.orientation(body, S)
    assert o.front is not None
    knee = body.point(sided(other_side(o.front), "knee"))
    shin = max(np.linalg.norm(body.point(sided(s, "knee")) - body.point(sided(s, "ankle"))) for s in SIDES)
    reach = KNEE_COLUMNS_SHINS * shin  # the columns rear_knee_gap looks at
    lowest = max(silhouette.bottom(pose.mask, x) for x in np.linspace(knee[0] - reach, knee[0] + reach, 7))
    columns = range(int(knee[0] - 2 * reach), int(knee[0] + 2 * reach) + 1)
    lift = (gap_shins - rear_knee_gap(body, o).value) * shin
    mask = pose.mask.copy()
    mask[round(lowest - lift) + 1 :, columns.start : columns.stop] = 0.0
    return pose.replace(mask=mask)


@pytest.mark.parametrize("facing", FACINGS)
@pytest.mark.parametrize("front", SIDES)
@pytest.mark.parametrize(("delta", "exercise"), [(-0.05, "kneeling_lunge"), (+0.05, "standing_lunge")])
def test_background_under_a_low_rear_knee_makes_a_standing_lunge(
    facing: str, front: Side, delta: float, exercise: str
) -> None:
    """The knee landmark low enough to kneel, but the silhouette shows the floor under the knee
    (``max_rear_knee_gap_ratio`` +- a little): below it kneeling, above it a standing lunge."""
    angles = kneeling_lunge(front, rear_shin_deg=5.0, rear_toes_tucked=True)
    pose = masked_pose(angles, facing=facing)  # type: ignore[arg-type]
    assert assess(pose, S).exercise == "kneeling_lunge"
    lifted = hovering(pose, S.max_rear_knee_gap_ratio + delta)
    body = m.Body(lifted, S)
    o = m.orientation(body, S)
    assert rear_knee_height(body, o).value <= S.max_rear_knee_height_ratio  # the landmark says kneeling
    assert rear_knee_gap(body, o).value == pytest.approx(S.max_rear_knee_gap_ratio + delta, abs=0.02)
    assert assess(lifted, S).exercise == exercise


@pytest.mark.parametrize("facing", FACINGS)
@pytest.mark.parametrize("front", SIDES)
@pytest.mark.parametrize("rear_knee_flex_deg", [60.0, 80.0])
def test_a_standing_lunge_with_a_bent_rear_leg_is_no_kneeling_lunge(
    facing: str, front: Side, rear_knee_flex_deg: float
) -> None:
    angles = standing_lunge(front, hip_extension_deg=10.0, rear_knee_flex_deg=rear_knee_flex_deg)
    knee_height = forward_kinematics(angles)[sided(other_side(front), "knee"), 2]
    assert knee_height > S.max_rear_knee_height_ratio * SHAPE.shin  # the knee hangs above the floor
    result = assess(make_pose(angles, facing=facing), S)  # type: ignore[arg-type]
    assert result.exercise == "standing_lunge"
    straight = result.check("rear_leg_straight")
    assert straight is not None and straight.status == "fail"
    assert straight.value == pytest.approx(180.0 - rear_knee_flex_deg, abs=1.0)


ARMS = {
    "overhead": ArmAngles(shoulder_flex_deg=175.0, elbow_flex_deg=5.0),
    "hands_on_hips": ArmAngles(shoulder_flex_deg=-30.0, elbow_flex_deg=110.0),
    "behind_the_back": ArmAngles(shoulder_flex_deg=-40.0, elbow_flex_deg=20.0),
}


@pytest.mark.parametrize("facing", FACINGS)
@pytest.mark.parametrize("front", SIDES)
@pytest.mark.parametrize("trunk_deg", [0.0, 40.0])
@pytest.mark.parametrize("arms", ARMS)
@pytest.mark.parametrize("preset", [kneeling_lunge, standing_lunge], ids=["kneeling", "standing"])
def test_the_arms_do_not_change_the_lunge(
    preset: Callable[..., BodyAngles], arms: str, trunk_deg: float, front: Side, facing: str
) -> None:
    angles = replace(preset(front, trunk_deg=trunk_deg), left_arm=ARMS[arms], right_arm=ARMS[arms])
    result = assess(make_pose(angles, facing=facing), S)  # type: ignore[arg-type]
    assert result.exercise == preset.__name__
    assert result.front_side == front


@pytest.mark.parametrize("facing", FACINGS)
@pytest.mark.parametrize(("step", "exercise"), [(-10.0, "kneeling_lunge"), (+5.0, None)])
def test_an_oblique_kneeling_lunge_is_one_up_to_the_side_view_limit(
    facing: str, step: float, exercise: str | None
) -> None:
    """Filmed 45 deg off side-on the stance looks wide in the image, but the camera's yaw from
    the world landmarks says it is still a side view; beyond the limit it is no exercise."""
    camera = Camera(yaw_deg=S.max_side_view_yaw_deg + step)
    pose = make_pose(kneeling_lunge("left"), camera=camera, facing=facing)  # type: ignore[arg-type]
    assert pose.world is not None
    assert assess(pose, S).exercise == exercise


@pytest.mark.parametrize("facing", FACINGS)
@pytest.mark.parametrize("front", SIDES)
@pytest.mark.parametrize("height_m", [0.8, 1.5])
@pytest.mark.parametrize("preset", [kneeling_lunge, standing_lunge], ids=["kneeling", "standing"])
def test_a_lunge_filmed_at_45_degrees_is_recognised_and_judged(
    preset: Callable[..., BodyAngles], height_m: float, front: Side, facing: str
) -> None:
    """At 45 deg of yaw the shoulders and hips look as wide as a warrior II's from the front
    (max_lunge_width_ratio), but the yaw from the world landmarks keeps it a side view: the
    lunge is recognised and every check says pass or fail, none "turn sideways".  Either leg
    in front: with the near leg in front, the ankles' sideways offset (a hip width seen at
    45 deg) takes from the step in the image, which the stance measured from each leg's own
    hip does not see (`metrics.stance_ratio`)."""
    pose = make_pose(preset(front), camera=Camera(yaw_deg=45.0, height_m=height_m), facing=facing)  # type: ignore[arg-type]
    result = assess(pose, S)
    assert result.exercise == preset.__name__
    # hollow_back reads the silhouette, which a synthetic pose has not
    unknown = [(c.id, c.cue) for c in result.checks if c.status == "unknown" and c.id != "hollow_back"]
    assert not unknown


@pytest.mark.parametrize("facing", FACINGS)
def test_at_45_degrees_only_the_yaw_keeps_the_wide_looking_lunge(facing: str) -> None:
    """Without world landmarks (no yaw) the width alone decides, and 45 deg is past it."""
    pose = make_pose(kneeling_lunge("left"), camera=Camera(yaw_deg=45.0, height_m=1.5), facing=facing)  # type: ignore[arg-type]
    assert assess(pose, S).exercise == "kneeling_lunge"
    assert assess(pose.replace(world=None), S).exercise is None


@pytest.mark.parametrize("facing", FACINGS)
@pytest.mark.parametrize("front", SIDES)
def test_the_stance_from_each_hip_keeps_the_step_seen_off_side_on(front: Side, facing: str) -> None:
    """The step between the ankles seen 40 deg off side-on (an exact projection), in leg
    lengths: measured from each leg's own hip in the unforeshortened view it is the side-on
    step.  In the image it shrinks by cos(40) and gains or loses the hip width seen sideways:
    with the near leg in front (the person's side ``facing`` is nearest) it looks half as long."""
    angles = standing_lunge(front)
    side_on = m.stance_ratio(m.Body(make_pose(angles, facing=facing), S))  # type: ignore[arg-type]
    camera = Camera(yaw_deg=40.0, orthographic=True)
    oblique = m.Body(make_pose(angles, camera=camera, facing=facing), S)  # type: ignore[arg-type]
    assert m.stance_ratio(oblique, sagittal=True) == pytest.approx(side_on, rel=1e-6)
    if front == facing:
        assert m.stance_ratio(oblique) < 0.6 * side_on


@pytest.mark.parametrize("hidden", [Landmark.LEFT_HIP, Landmark.RIGHT_HIP])
def test_a_hidden_hip_leaves_the_stance_measured_from_the_other(hidden: Landmark) -> None:
    """A hip marked not visible: the step is measured from the hip that is seen, not lost."""
    pose = make_pose(standing_lunge("left"), visibility={hidden: 0.1})
    body = m.Body(pose, S)
    assert m.stance_ratio(body, sagittal=True) == pytest.approx(m.stance_ratio(body), rel=0.05)
