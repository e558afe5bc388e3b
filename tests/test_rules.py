"""Every check of PRODUCT.md on synthetic poses built by forward kinematics from known angles.

For each check: a pose a few units inside and a few units outside the default threshold (read
from `Settings()`, so a tuned default keeps the cases meaningful), the measured value within
~1 degree (or ~0.02 of a ratio) of the truth the pose was built from, both facings, both front
legs, the cue; then the unknown cases (landmark not visible, wrong camera view).  Later
sections test `assess()` as a whole: recognition, overrides, upside-down pictures and
degenerate input.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace

import pytest

from posecheck.assess import assess
from posecheck.config import Settings
from posecheck.landmarks import SIDES, Landmark, Pose, Side, sided
from posecheck.results import CheckResult
from posecheck.rules import RULES
from posecheck.synth.body import (
    BodyAngles,
    BodyShape,
    Camera,
    kneeling_lunge,
    make_pose,
    prone_press_up,
    standing,
    standing_lunge,
)

S = Settings()
SHAPE = BodyShape()
L = Landmark
FACINGS = ("right", "left")
FRONT_VIEW = Camera(yaw_deg=90.0, orthographic=True)
DEG_TOL = 1.0
RATIO_TOL = 0.02
DEG_STEP = 3.0  # "a few degrees" either side of a threshold


def judge(pose: Pose, exercise: str, check: str) -> CheckResult:
    """One check of ``exercise`` on ``pose`` (recognition skipped)."""
    result = assess(pose, S, exercise=exercise).check(check)
    assert result is not None, f"{exercise} has no check {check}"
    return result


def assert_verdict(
    result: CheckResult, status: str, truth: float, tol: float, cue: str | None = None
) -> None:
    assert result.status == status, f"{result.id}: {result.status} (value {result.value:.3f}), want {status}"
    assert result.value == pytest.approx(truth, abs=tol), (
        f"{result.id}: measured {result.value}, truth {truth}"
    )
    if cue is not None:
        assert result.cue == cue
    elif status == "pass":
        assert result.cue == f"{result.id}.pass"


# ============================================================================ lunges

LUNGES = {"kneeling_lunge": kneeling_lunge, "standing_lunge": standing_lunge}


def lunge(exercise: str, front: Side, **kwargs: float) -> BodyAngles:
    if exercise == "standing_lunge":
        # A straight rear leg with a small hip extension keeps the hips too high for the
        # front foot to reach the floor: bend the rear knee a little (still a straight leg).
        if kwargs.get("hip_extension_deg", 35.0) < 20.0:
            kwargs.setdefault("rear_knee_flex_deg", 40.0)
        if kwargs.get("trunk_deg", 0.0) < 0.0:
            kwargs.setdefault("hip_extension_deg", 55.0)
    return LUNGES[exercise](front, **kwargs)


LUNGE_CONFIGS = [(exercise, front, facing) for exercise in LUNGES for front in SIDES for facing in FACINGS]
LUNGE_IDS = [f"{e}-front_{f}-facing_{g}" for e, f, g in LUNGE_CONFIGS]


def shin_cases() -> list[tuple[float, str, str | None]]:
    t = S.max_shin_tilt_deg
    return [
        (t - DEG_STEP, "pass", None),
        (-(t - DEG_STEP), "pass", None),
        (t + DEG_STEP, "fail", "front_knee_over_ankle.knee_ahead"),
        (-(t + DEG_STEP), "fail", "front_knee_over_ankle.knee_behind"),
        (0.0, "pass", None),
    ]


@pytest.mark.parametrize(("exercise", "front", "facing"), LUNGE_CONFIGS, ids=LUNGE_IDS)
@pytest.mark.parametrize("case", shin_cases())
def test_front_knee_over_ankle(
    exercise: str, front: Side, facing: str, case: tuple[float, str, str | None]
) -> None:
    truth, status, cue = case
    pose = make_pose(lunge(exercise, front, front_shin_deg=truth), facing=facing)  # type: ignore[arg-type]
    assert_verdict(judge(pose, exercise, "front_knee_over_ankle"), status, truth, DEG_TOL, cue)


def trunk_cases() -> list[tuple[float, str, str | None]]:
    t = S.max_trunk_tilt_deg
    return [
        (t - DEG_STEP, "pass", None),
        (-(t - DEG_STEP), "pass", None),
        (t + DEG_STEP, "fail", "trunk_upright.leaning_forward"),
        # leaning back = sagging into a hollow back: the cue says so
        (-(t + DEG_STEP), "fail", "trunk_upright.leaning_back"),
    ]


@pytest.mark.parametrize(("exercise", "front", "facing"), LUNGE_CONFIGS, ids=LUNGE_IDS)
@pytest.mark.parametrize("case", trunk_cases())
def test_trunk_upright(exercise: str, front: Side, facing: str, case: tuple[float, str, str | None]) -> None:
    truth, status, cue = case
    pose = make_pose(lunge(exercise, front, trunk_deg=truth), facing=facing)  # type: ignore[arg-type]
    assert_verdict(judge(pose, exercise, "trunk_upright"), status, truth, DEG_TOL, cue)


def test_leaning_back_cue_speaks_of_the_hollow_back() -> None:
    from posecheck.messages import text

    assert "hollow back" in text("trunk_upright.leaning_back", "en")
    assert "doorhangen" in text("trunk_upright.leaning_back", "nl")


@pytest.mark.parametrize(("exercise", "front", "facing"), LUNGE_CONFIGS, ids=LUNGE_IDS)
@pytest.mark.parametrize(("delta", "status"), [(+4.0, "pass"), (-4.0, "fail")])
def test_hip_extension(exercise: str, front: Side, facing: str, delta: float, status: str) -> None:
    truth = S.min_hip_extension_deg + delta
    pose = make_pose(lunge(exercise, front, hip_extension_deg=truth), facing=facing)  # type: ignore[arg-type]
    cue = "hip_extension.fail" if status == "fail" else None
    assert_verdict(judge(pose, exercise, "hip_extension"), status, truth, DEG_TOL, cue)


@pytest.mark.parametrize("front", SIDES)
@pytest.mark.parametrize("facing", FACINGS)
@pytest.mark.parametrize(("delta", "status"), [(+4.0, "pass"), (-4.0, "fail")])
def test_rear_leg_straight(front: Side, facing: str, delta: float, status: str) -> None:
    truth = S.min_rear_knee_angle_deg + delta
    angles = standing_lunge(front, rear_knee_flex_deg=180.0 - truth)
    pose = make_pose(angles, facing=facing)  # type: ignore[arg-type]
    cue = "rear_leg_straight.fail" if status == "fail" else None
    assert_verdict(judge(pose, "standing_lunge", "rear_leg_straight"), status, truth, DEG_TOL, cue)


@pytest.mark.parametrize("front", SIDES)
@pytest.mark.parametrize("facing", FACINGS)
@pytest.mark.parametrize(("delta", "status"), [(-0.08, "pass"), (+0.08, "fail")])
def test_rear_knee_on_floor(front: Side, facing: str, delta: float, status: str) -> None:
    # The rear knee joint centre sits `knee_clearance` above the floor; the front foot stands
    # flat on it.  Truth: knee height above the floor in shin lengths.
    truth = S.max_rear_knee_height_ratio + delta
    shape = replace(SHAPE, knee_clearance=truth * SHAPE.shin)
    pose = make_pose(kneeling_lunge(front, shape=shape), facing=facing, shape=shape)  # type: ignore[arg-type]
    cue = "rear_knee_on_floor.fail" if status == "fail" else None
    assert_verdict(judge(pose, "kneeling_lunge", "rear_knee_on_floor"), status, truth, RATIO_TOL, cue)


def test_rear_knee_resting_on_the_floor_passes() -> None:
    pose = make_pose(kneeling_lunge("left"))
    truth = SHAPE.knee_clearance / SHAPE.shin
    assert_verdict(judge(pose, "kneeling_lunge", "rear_knee_on_floor"), "pass", truth, RATIO_TOL)


@pytest.mark.parametrize(("exercise", "front", "facing"), LUNGE_CONFIGS, ids=LUNGE_IDS)
def test_lunge_front_side_is_the_leg_in_front(exercise: str, front: Side, facing: str) -> None:
    pose = make_pose(lunge(exercise, front), facing=facing)  # type: ignore[arg-type]
    result = assess(pose, S)
    assert result.exercise == exercise
    assert result.view == "side"
    assert result.front_side == front
    assert all(c.status == "pass" for c in result.checks), [(c.id, c.status, c.value) for c in result.checks]


# ============================================================================ standing posture


@pytest.mark.parametrize("facing", FACINGS)
@pytest.mark.parametrize(("delta", "status"), [(-4.0, "pass"), (+4.0, "fail")])
def test_forward_head(facing: str, delta: float, status: str) -> None:
    truth = S.max_neck_tilt_deg + delta
    pose = make_pose(standing(neck_deg=truth), facing=facing)  # type: ignore[arg-type]
    cue = "forward_head.fail" if status == "fail" else None
    assert_verdict(judge(pose, "standing_posture", "forward_head"), status, truth, DEG_TOL, cue)


@pytest.mark.parametrize("facing", FACINGS)
@pytest.mark.parametrize(
    ("delta", "sign", "status"),
    [(-0.04, 1, "pass"), (+0.04, 1, "fail"), (-0.04, -1, "pass"), (+0.04, -1, "fail")],
)
def test_plumb_line(facing: str, delta: float, sign: int, status: str) -> None:
    # sway: hips ahead of the ankles (sign +1) or behind them (-1), in leg lengths.
    truth = sign * (S.max_plumb_offset_ratio + delta)
    pose = make_pose(standing(sway=truth), facing=facing)  # type: ignore[arg-type]
    cue = "plumb_line.fail" if status == "fail" else None
    assert_verdict(judge(pose, "standing_posture", "plumb_line"), status, truth, RATIO_TOL, cue)


@pytest.mark.parametrize("facing", FACINGS)
@pytest.mark.parametrize(("delta", "status"), [(-DEG_STEP, "pass"), (+DEG_STEP, "fail")])
def test_knee_hyperextension(facing: str, delta: float, status: str) -> None:
    truth = S.max_knee_hyperextension_deg + delta
    pose = make_pose(standing(knee_hyperextension_deg=truth), facing=facing)  # type: ignore[arg-type]
    cue = "knee_hyperextension.fail" if status == "fail" else None
    assert_verdict(judge(pose, "standing_posture", "knee_hyperextension"), status, truth, DEG_TOL, cue)


@pytest.mark.parametrize("facing", FACINGS)
def test_bent_knees_are_not_hyperextended(facing: str) -> None:
    pose = make_pose(standing(knee_hyperextension_deg=-10.0), facing=facing)  # type: ignore[arg-type]
    assert_verdict(judge(pose, "standing_posture", "knee_hyperextension"), "pass", -10.0, DEG_TOL)


@pytest.mark.parametrize(
    ("check", "field"), [("shoulders_level", "shoulder_roll_deg"), ("hips_level", "pelvis_roll_deg")]
)
@pytest.mark.parametrize("sign", [1.0, -1.0])
@pytest.mark.parametrize(("delta", "status"), [(-2.0, "pass"), (+2.0, "fail")])
def test_level_front_view(check: str, field: str, sign: float, delta: float, status: str) -> None:
    truth = S.max_level_tilt_deg + delta
    angles = replace(standing(), **{field: sign * truth})
    pose = make_pose(angles, camera=FRONT_VIEW)
    result = judge(pose, "standing_posture", check)
    assert assess(pose, S, exercise="standing_posture").view == "front"
    cue = f"{check}.fail" if status == "fail" else None
    assert_verdict(result, status, truth, DEG_TOL, cue)


# ============================================================================ unknown


def kneel(front: Side = "left", facing: str = "right", **kw: object) -> Pose:
    return make_pose(kneeling_lunge(front), facing=facing, **kw)  # type: ignore[arg-type]


def stand_lunge(front: Side = "left", facing: str = "right", **kw: object) -> Pose:
    return make_pose(standing_lunge(front), facing=facing, **kw)  # type: ignore[arg-type]


def cobra(facing: str = "right", **kw: object) -> Pose:
    return make_pose(prone_press_up(), facing=facing, **kw)  # type: ignore[arg-type]


def upright(facing: str = "right", **kw: object) -> Pose:
    return make_pose(standing(), facing=facing, **kw)  # type: ignore[arg-type]


def both(part: str) -> tuple[Landmark, ...]:
    return tuple(sided(side, part) for side in SIDES)  # type: ignore[arg-type]


# (exercise, pose factory, check, landmarks hidden).  Lunges hide the front or rear leg's
# joint; `front` below is "left".
HIDDEN_CASES: list[tuple[str, Callable[..., Pose], str, tuple[Landmark, ...]]] = [
    ("kneeling_lunge", kneel, "front_knee_over_ankle", (L.LEFT_KNEE,)),
    ("standing_lunge", stand_lunge, "front_knee_over_ankle", (L.LEFT_ANKLE,)),
    ("kneeling_lunge", kneel, "rear_knee_on_floor", (L.RIGHT_KNEE,)),
    ("kneeling_lunge", kneel, "hip_extension", (L.RIGHT_KNEE,)),
    ("standing_lunge", stand_lunge, "hip_extension", (L.RIGHT_KNEE,)),
    ("kneeling_lunge", kneel, "trunk_upright", both("shoulder")),
    ("standing_lunge", stand_lunge, "trunk_upright", both("hip")),
    ("standing_lunge", stand_lunge, "rear_leg_straight", (L.RIGHT_KNEE,)),
    ("prone_press_up", cobra, "pelvis_on_floor", both("wrist")),
    ("prone_press_up", cobra, "chest_lifted", both("shoulder")),
    ("prone_press_up", cobra, "hand_position", both("wrist")),
    ("standing_posture", upright, "forward_head", both("ear")),
    ("standing_posture", upright, "plumb_line", both("ankle")),
    ("standing_posture", upright, "knee_hyperextension", both("knee")),
    (
        "standing_posture",
        lambda **kw: upright(camera=FRONT_VIEW, **kw),
        "shoulders_level",
        (L.LEFT_SHOULDER,),
    ),
    ("standing_posture", lambda **kw: upright(camera=FRONT_VIEW, **kw), "hips_level", (L.RIGHT_HIP,)),
]


def test_hidden_cases_cover_every_check_but_hollow_back() -> None:
    assert {case[2] for case in HIDDEN_CASES} == set(RULES) - {"hollow_back"}


@pytest.mark.parametrize(
    ("exercise", "factory", "check", "hidden"), HIDDEN_CASES, ids=[c[2] for c in HIDDEN_CASES]
)
def test_not_visible_gives_unknown(
    exercise: str, factory: Callable[..., Pose], check: str, hidden: tuple[Landmark, ...]
) -> None:
    # Visible first: the same pose judges the check ...
    assert judge(factory(), exercise, check).status in ("pass", "fail")
    # ... then with the landmarks' visibility 0 (coordinates still there) it is unknown.
    pose = factory(visibility=dict.fromkeys(hidden, 0.0))
    result = judge(pose, exercise, check)
    assert result.status == "unknown"
    assert result.cue == "not_visible"
    assert math.isnan(result.value)


@pytest.mark.parametrize(
    ("exercise", "factory", "check", "hidden"), HIDDEN_CASES, ids=[c[2] for c in HIDDEN_CASES]
)
def test_low_visibility_below_setting_gives_unknown(
    exercise: str, factory: Callable[..., Pose], check: str, hidden: tuple[Landmark, ...]
) -> None:
    just_below = max(S.min_visibility - 0.01, 0.0)
    pose = factory(visibility=dict.fromkeys(hidden, just_below))
    assert judge(pose, exercise, check).status == "unknown"


SIDE_CHECKS = [
    (exercise, factory, check)
    for exercise, factory, checks in [
        (
            "kneeling_lunge",
            kneel,
            ("front_knee_over_ankle", "rear_knee_on_floor", "hip_extension", "trunk_upright"),
        ),
        (
            "standing_lunge",
            stand_lunge,
            ("front_knee_over_ankle", "rear_leg_straight", "hip_extension", "trunk_upright"),
        ),
        ("prone_press_up", cobra, ("pelvis_on_floor", "chest_lifted", "hand_position")),
        ("standing_posture", upright, ("forward_head", "plumb_line", "knee_hyperextension")),
    ]
    for check in checks
]


@pytest.mark.parametrize(
    ("exercise", "factory", "check"), SIDE_CHECKS, ids=[f"{e}-{c}" for e, _, c in SIDE_CHECKS]
)
def test_front_view_for_a_side_check_says_turn_sideways(
    exercise: str, factory: Callable[..., Pose], check: str
) -> None:
    pose = factory(camera=FRONT_VIEW)
    assessment = assess(pose, S, exercise=exercise)
    assert assessment.view == "front"
    result = assessment.check(check)
    assert result is not None
    assert (result.status, result.cue) == ("unknown", "turn_sideways")


@pytest.mark.parametrize("facing", FACINGS)
@pytest.mark.parametrize("check", ["shoulders_level", "hips_level"])
def test_side_view_for_a_front_check_says_face_camera(facing: str, check: str) -> None:
    result = judge(upright(facing=facing), "standing_posture", check)
    assert (result.status, result.cue) == ("unknown", "face_camera")
