"""Forward kinematics, grounding, presets and projection of `posecheck.synth.body`."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from posecheck.geometry import joint_angle, tilt_from_vertical
from posecheck.landmarks import Landmark, Pose, sided
from posecheck.synth.body import (
    ArmAngles,
    BodyAngles,
    BodyShape,
    Camera,
    LegAngles,
    forward_kinematics,
    kneeling_lunge,
    make_pose,
    project,
    prone_press_up,
    skeleton,
    standing,
    standing_lunge,
)

L = Landmark
SHAPE = BodyShape()


def sag_tilt(bottom: np.ndarray, top: np.ndarray) -> float:
    """3D segment bottom->top from vertical in the sagittal plane, + = top ahead (+X)."""
    d = top - bottom
    return math.degrees(math.atan2(d[0], d[2]))


def angle3(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> float:
    u, v = a - b, c - b
    return math.degrees(math.atan2(np.linalg.norm(np.cross(u, v)), float(u @ v)))


def mid(p: np.ndarray, a: Landmark, b: Landmark) -> np.ndarray:
    return (p[a] + p[b]) / 2


def trunk_tilt(p: np.ndarray) -> float:
    return sag_tilt(mid(p, L.LEFT_HIP, L.RIGHT_HIP), mid(p, L.LEFT_SHOULDER, L.RIGHT_SHOULDER))


def thigh_behind_trunk(p: np.ndarray, side: str) -> float:
    """Angle of the thigh behind the trunk line continued downward (+ = behind)."""
    down = mid(p, L.LEFT_HIP, L.RIGHT_HIP) - mid(p, L.LEFT_SHOULDER, L.RIGHT_SHOULDER)
    thigh = p[sided(side, "knee")] - p[sided(side, "hip")]  # type: ignore[arg-type]
    a_down = math.atan2(down[2], down[0])
    a_thigh = math.atan2(thigh[2], thigh[0])
    return -((math.degrees(a_thigh - a_down) + 180) % 360 - 180)


angle = st.floats(-120, 120)
leg = st.builds(LegAngles, angle, st.floats(-10, 150), st.floats(-90, 40))
arm = st.builds(ArmAngles, st.floats(-60, 180), st.floats(0, 150), st.floats(-60, 60))
body = st.builds(
    BodyAngles,
    trunk_pitch_deg=st.floats(-40, 100),
    neck_pitch_deg=st.floats(-30, 100),
    left_leg=leg,
    right_leg=leg,
    left_arm=arm,
    right_arm=arm,
    pelvis_roll_deg=st.floats(-10, 10),
    shoulder_roll_deg=st.floats(-10, 10),
)


@settings(max_examples=60, deadline=None)
@given(body)
def test_segment_lengths_are_preserved(angles: BodyAngles) -> None:
    p = forward_kinematics(angles)
    for side in ("left", "right"):
        s = side.upper()
        assert np.linalg.norm(p[L[f"{s}_KNEE"]] - p[L[f"{s}_HIP"]]) == pytest.approx(SHAPE.thigh)
        assert np.linalg.norm(p[L[f"{s}_ANKLE"]] - p[L[f"{s}_KNEE"]]) == pytest.approx(SHAPE.shin)
        assert np.linalg.norm(p[L[f"{s}_ELBOW"]] - p[L[f"{s}_SHOULDER"]]) == pytest.approx(SHAPE.upper_arm)
        assert np.linalg.norm(p[L[f"{s}_WRIST"]] - p[L[f"{s}_ELBOW"]]) == pytest.approx(SHAPE.forearm)
        assert np.linalg.norm(p[L[f"{s}_FOOT_INDEX"]] - p[L[f"{s}_HEEL"]]) == pytest.approx(SHAPE.foot)
    assert np.linalg.norm(p[L.LEFT_HIP] - p[L.RIGHT_HIP]) == pytest.approx(SHAPE.hip_width)
    assert np.linalg.norm(p[L.LEFT_SHOULDER] - p[L.RIGHT_SHOULDER]) == pytest.approx(SHAPE.shoulder_width)
    hip_c, sh_c = mid(p, L.LEFT_HIP, L.RIGHT_HIP), mid(p, L.LEFT_SHOULDER, L.RIGHT_SHOULDER)
    assert np.linalg.norm(sh_c - hip_c) == pytest.approx(SHAPE.trunk)
    assert np.linalg.norm(mid(p, L.LEFT_EAR, L.RIGHT_EAR) - sh_c) == pytest.approx(SHAPE.neck)


@settings(max_examples=60, deadline=None)
@given(body)
def test_lowest_contact_touches_the_floor(angles: BodyAngles) -> None:
    sk = skeleton(angles)
    p = sk.points
    heights = [p[L.LEFT_HEEL, 2], p[L.RIGHT_HEEL, 2], p[L.LEFT_FOOT_INDEX, 2], p[L.RIGHT_FOOT_INDEX, 2]]
    for side in ("LEFT", "RIGHT"):
        heights += [
            p[L[f"{side}_KNEE"], 2] - SHAPE.knee_clearance,
            p[L[f"{side}_ANKLE"], 2] - SHAPE.ankle_clearance,
            p[L[f"{side}_HIP"], 2] - SHAPE.hip_clearance,
            p[L[f"{side}_WRIST"], 2] - SHAPE.wrist_clearance,
        ]
    assert min(heights) >= -1e-9
    assert np.min(p[:, 2]) > -0.2  # nothing sinks far below the floor
    assert sk.joints["hip_centre"][0] == pytest.approx(0.0)


def test_joint_angle_conventions_are_exact() -> None:
    angles = BodyAngles(left_leg=LegAngles(hip_flex_deg=90, knee_flex_deg=90), pelvis_height_m=1.0)
    p = forward_kinematics(angles)
    thigh = p[L.LEFT_KNEE] - p[L.LEFT_HIP]
    shin = p[L.LEFT_ANKLE] - p[L.LEFT_KNEE]
    np.testing.assert_allclose(thigh, [SHAPE.thigh, 0, 0], atol=1e-12)
    np.testing.assert_allclose(shin, [0, 0, -SHAPE.shin], atol=1e-12)
    assert p[L.LEFT_HIP, 1] > 0 > p[L.RIGHT_HIP, 1]  # Y = the person's left
    # face forward of the ears
    assert p[L.NOSE, 0] > p[L.LEFT_EAR, 0]
    # trunk horizontal face-down at 90
    prone = forward_kinematics(BodyAngles(trunk_pitch_deg=90, pelvis_height_m=0.2))
    assert trunk_tilt(prone) == pytest.approx(90)
    # hyperextension puts the knee behind the hip-ankle line
    back = forward_kinematics(BodyAngles(left_leg=LegAngles(knee_flex_deg=-10)))
    assert back[L.LEFT_KNEE, 0] < (back[L.LEFT_HIP, 0] + back[L.LEFT_ANKLE, 0]) / 2
    # dorsiflexion lifts the toes
    up = forward_kinematics(BodyAngles(left_leg=LegAngles(ankle_deg=20), pelvis_height_m=1.0))
    assert up[L.LEFT_FOOT_INDEX, 2] > up[L.LEFT_HEEL, 2]
    # roll: + = left side higher
    rolled = forward_kinematics(BodyAngles(pelvis_roll_deg=5, shoulder_roll_deg=5, pelvis_height_m=1.0))
    assert rolled[L.LEFT_HIP, 2] > rolled[L.RIGHT_HIP, 2]
    assert rolled[L.LEFT_SHOULDER, 2] > rolled[L.RIGHT_SHOULDER, 2]


@pytest.mark.parametrize("front", ["left", "right"])
@pytest.mark.parametrize(("shin", "trunk", "ext"), [(0, 0, 15), (25, 10, 30), (-10, -20, 10), (12, 5, 5)])
def test_kneeling_lunge_preset(front: str, shin: float, trunk: float, ext: float) -> None:
    rear = "right" if front == "left" else "left"
    p = forward_kinematics(
        kneeling_lunge(front=front, front_shin_deg=shin, trunk_deg=trunk, hip_extension_deg=ext)  # type: ignore[arg-type]
    )
    f = front.upper()
    assert sag_tilt(p[L[f"{f}_ANKLE"]], p[L[f"{f}_KNEE"]]) == pytest.approx(shin)
    assert trunk_tilt(p) == pytest.approx(trunk)
    assert thigh_behind_trunk(p, rear) == pytest.approx(ext)
    assert p[L[f"{rear.upper()}_KNEE"], 2] == pytest.approx(SHAPE.knee_clearance)
    assert p[L[f"{f}_HEEL"], 2] == pytest.approx(0, abs=1e-9)
    assert p[L[f"{f}_FOOT_INDEX"], 2] == pytest.approx(0, abs=1e-9)
    assert p[L[f"{f}_KNEE"], 0] > p[L[f"{rear.upper()}_KNEE"], 0]


@pytest.mark.parametrize("front", ["left", "right"])
@pytest.mark.parametrize("rear_flex", [0, 10, 35])
def test_standing_lunge_preset(front: str, rear_flex: float) -> None:
    rear = ("right" if front == "left" else "left").upper()
    p = forward_kinematics(standing_lunge(front=front, rear_knee_flex_deg=rear_flex, front_shin_deg=5))  # type: ignore[arg-type]
    knee = angle3(p[L[f"{rear}_HIP"]], p[L[f"{rear}_KNEE"]], p[L[f"{rear}_ANKLE"]])
    assert knee == pytest.approx(180 - rear_flex)
    assert thigh_behind_trunk(p, rear.lower()) == pytest.approx(35)
    assert sag_tilt(p[L[f"{front.upper()}_ANKLE"]], p[L[f"{front.upper()}_KNEE"]]) == pytest.approx(5)
    assert p[L[f"{rear}_FOOT_INDEX"], 2] == pytest.approx(0, abs=1e-9)
    assert p[L[f"{front.upper()}_HEEL"], 2] == pytest.approx(0, abs=1e-9)


@pytest.mark.parametrize(("chest", "lift", "forward"), [(30, 0.0, 0.5), (35, 0.15, 0.3), (20, 0.05, 1.0)])
def test_prone_press_up_preset(chest: float, lift: float, forward: float) -> None:
    p = forward_kinematics(prone_press_up(chest_deg=chest, pelvis_lift_m=lift, hands_forward=forward))
    assert 90 - trunk_tilt(p) == pytest.approx(chest)
    assert mid(p, L.LEFT_HIP, L.RIGHT_HIP)[2] == pytest.approx(SHAPE.hip_clearance + lift)
    ahead = (p[L.LEFT_WRIST, 0] - p[L.LEFT_SHOULDER, 0]) / SHAPE.upper_arm
    assert ahead == pytest.approx(forward)
    assert p[L.LEFT_WRIST, 2] == pytest.approx(SHAPE.wrist_clearance)
    assert p[L.LEFT_ANKLE, 2] == pytest.approx(SHAPE.ankle_clearance)
    # elbows bend back (towards the feet): clockwise of the shoulder->wrist line seen from the right
    d, e = p[L.LEFT_WRIST] - p[L.LEFT_SHOULDER], p[L.LEFT_ELBOW] - p[L.LEFT_SHOULDER]
    assert d[0] * e[2] - d[2] * e[0] <= 1e-9


@pytest.mark.parametrize("lift", [0.0, 0.05, 0.12])
def test_prone_press_up_with_the_knees_down_lifts_only_the_thighs(lift: float) -> None:
    p = forward_kinematics(prone_press_up(chest_deg=25, pelvis_lift_m=lift, knees_down=True))
    assert mid(p, L.LEFT_HIP, L.RIGHT_HIP)[2] == pytest.approx(SHAPE.hip_clearance + lift)
    for side in ("LEFT", "RIGHT"):
        assert p[L[f"{side}_KNEE"], 2] == pytest.approx(SHAPE.knee_clearance)
        assert p[L[f"{side}_ANKLE"], 2] == pytest.approx(SHAPE.ankle_clearance)
        assert p[L[f"{side}_KNEE"], 0] < p[L[f"{side}_HIP"], 0]  # the legs trail behind the hips


def test_prone_press_up_out_of_reach_raises() -> None:
    with pytest.raises(ValueError, match="cannot reach"):
        prone_press_up(chest_deg=70, pelvis_lift_m=0.3)


@pytest.mark.parametrize(("neck", "sway", "hyper"), [(0, 0, 0), (25, 0, 0), (0, 0.15, 0), (10, 0.05, 8)])
def test_standing_preset(neck: float, sway: float, hyper: float) -> None:
    p = forward_kinematics(standing(neck_deg=neck, sway=sway, knee_hyperextension_deg=hyper))
    sh_c = mid(p, L.LEFT_SHOULDER, L.RIGHT_SHOULDER)
    assert sag_tilt(sh_c, mid(p, L.LEFT_EAR, L.RIGHT_EAR)) == pytest.approx(neck)
    leg = SHAPE.thigh + SHAPE.shin
    assert (p[L.LEFT_HIP, 0] - p[L.LEFT_ANKLE, 0]) / leg == pytest.approx(sway)
    assert sh_c[0] == pytest.approx(p[L.LEFT_ANKLE, 0])  # shoulder over the ankle by default
    knee = angle3(p[L.LEFT_HIP], p[L.LEFT_KNEE], p[L.LEFT_ANKLE])
    assert knee == pytest.approx(180 - hyper)
    if hyper:
        line_x = np.interp(
            p[L.LEFT_KNEE, 2], [p[L.LEFT_ANKLE, 2], p[L.LEFT_HIP, 2]], [p[L.LEFT_ANKLE, 0], p[L.LEFT_HIP, 0]]
        )
        assert p[L.LEFT_KNEE, 0] < line_x
    assert p[L.LEFT_HEEL, 2] == pytest.approx(0, abs=1e-9)
    assert p[L.LEFT_FOOT_INDEX, 2] == pytest.approx(0, abs=1e-9)


@pytest.mark.parametrize("facing", ["right", "left"])
def test_side_projection_preserves_sagittal_angles(facing: str) -> None:
    angles = kneeling_lunge(front="left", front_shin_deg=17, trunk_deg=-12, hip_extension_deg=22)
    pose = make_pose(angles, facing=facing)  # type: ignore[arg-type]
    p = forward_kinematics(angles)
    sign = 1 if facing == "right" else -1
    for side in ("LEFT", "RIGHT"):
        hip, knee, ankle = L[f"{side}_HIP"], L[f"{side}_KNEE"], L[f"{side}_ANKLE"]
        assert joint_angle(pose[hip], pose[knee], pose[ankle]) == pytest.approx(
            angle3(p[hip], p[knee], p[ankle])
        )
    assert tilt_from_vertical(pose[L.LEFT_ANKLE], pose[L.LEFT_KNEE], sign) == pytest.approx(17)
    trunk = tilt_from_vertical(
        pose.midpoint(L.LEFT_HIP, L.RIGHT_HIP), pose.midpoint(L.LEFT_SHOULDER, L.RIGHT_SHOULDER), sign
    )
    assert trunk == pytest.approx(-12)


def test_default_camera_fills_and_centres() -> None:
    pose = make_pose(standing())
    w, h = pose.image_size
    ys = pose.xy[:, 1]
    assert (ys.max() - ys.min()) / h == pytest.approx(0.7, abs=0.08)
    assert pose[L.NOSE][1] < pose[L.LEFT_ANKLE][1]  # head up
    assert pose[L.NOSE][0] > pose[L.LEFT_EAR][0]  # faces image-right
    assert 0.3 * w < pose.xy[:, 0].mean() < 0.7 * w


def test_facing_left_mirrors_x() -> None:
    angles = standing_lunge(front="right", rear_knee_flex_deg=20)
    right, left = make_pose(angles), make_pose(angles, facing="left")
    w = right.image_size[0]
    np.testing.assert_allclose(left.xy[:, 0], w - right.xy[:, 0], atol=1e-9)
    np.testing.assert_allclose(left.xy[:, 1], right.xy[:, 1], atol=1e-9)
    # the camera side is nearest (world z points away from the camera): right side facing
    # right, left side facing left
    assert right.world is not None and left.world is not None
    assert right.world[L.RIGHT_HIP, 2] < right.world[L.LEFT_HIP, 2]
    assert left.world[L.LEFT_HIP, 2] < left.world[L.RIGHT_HIP, 2]


def test_visibility_and_missing() -> None:
    pose = make_pose(visibility={L.LEFT_KNEE: 0.2}, missing=(L.RIGHT_ANKLE,), timestamp_s=1.5)
    assert pose.visibility[L.LEFT_KNEE] == 0.2
    assert pose.visibility[L.NOSE] == 1.0
    assert np.isnan(pose[L.RIGHT_ANKLE]).all() and pose.visibility[L.RIGHT_ANKLE] == 0
    assert pose.timestamp_s == 1.5
    assert make_pose(visibility=0.4).visibility.max() == pytest.approx(0.4)


def test_perspective_camera_yaw() -> None:
    angles = standing()
    p = forward_kinematics(angles)
    xy0, depth0 = project(p, Camera(yaw_deg=0))
    # side view: the person faces image-right, the right side is nearer
    assert xy0[L.NOSE, 0] > xy0[L.LEFT_EAR, 0]
    assert depth0[L.RIGHT_SHOULDER] < depth0[L.LEFT_SHOULDER]
    # turning towards the front separates the shoulders in the image
    xy45, _ = project(p, Camera(yaw_deg=45))
    gap0 = abs(xy0[L.LEFT_SHOULDER, 0] - xy0[L.RIGHT_SHOULDER, 0])
    gap45 = abs(xy45[L.LEFT_SHOULDER, 0] - xy45[L.RIGHT_SHOULDER, 0])
    assert gap45 > gap0 + 20
    # the body is inside the image
    assert (xy0 >= 0).all() and (xy0[:, 0] < 640).all() and (xy0[:, 1] < 480).all()


@pytest.mark.parametrize("orthographic", [True, False])
def test_camera_roll_turns_the_picture_counterclockwise(orthographic: bool) -> None:
    """A camera not held level: every image vector turns counterclockwise by the roll (an
    upright trunk leans image-left by 15 deg at +15), and the world landmarks, in the camera's
    axes, turn with it.  In perspective lengths are kept (the orthographic view rescales the
    body to fill the picture)."""
    level, rolled = (
        make_pose(standing(), camera=Camera(orthographic=orthographic, roll_deg=roll)) for roll in (0.0, 15.0)
    )

    def trunk(pose: Pose) -> np.ndarray:
        return pose.midpoint(L.LEFT_SHOULDER, L.RIGHT_SHOULDER) - pose.midpoint(L.LEFT_HIP, L.RIGHT_HIP)

    before, after = trunk(level), trunk(rolled)
    assert math.degrees(math.atan2(-before[0], -before[1])) == pytest.approx(0.0, abs=1.0)
    assert math.degrees(math.atan2(-after[0], -after[1])) == pytest.approx(15.0, abs=1.0)
    if not orthographic:
        assert np.linalg.norm(after) == pytest.approx(np.linalg.norm(before), rel=1e-6)
    assert level.world is not None and rolled.world is not None
    r = math.radians(15.0)
    turned = level.world[:, :2] @ np.array([[math.cos(r), -math.sin(r)], [math.sin(r), math.cos(r)]])
    np.testing.assert_allclose(rolled.world[:, :2], turned, atol=1e-9)
    np.testing.assert_allclose(rolled.world[:, 2], level.world[:, 2], atol=1e-9)


def test_pose_world_is_hip_relative() -> None:
    pose = make_pose(replace(standing(), pelvis_height_m=None), camera=Camera(yaw_deg=30))
    assert pose.world is not None
    hip_mid = (pose.world[L.LEFT_HIP] + pose.world[L.RIGHT_HIP]) / 2
    np.testing.assert_allclose(hip_mid, 0.0, atol=1e-6)
