"""The lumbar hollow measure (`posecheck.lumbar`) on synthetic silhouettes with a known back."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np
import pytest

from posecheck.exercises._hollow_back import relative_to_neutral
from posecheck.landmarks import Pose
from posecheck.lumbar import back_curve, lumbar_hollow, sample_mask
from posecheck.results import CheckResult
from posecheck.synth import body as sb
from posecheck.synth.body import make_pose
from posecheck.synth.render import masked_pose, render_sample, render_silhouette
from posecheck.temporal import BaselineState, NeutralBaseline

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
        0.22
        + 0.05 * np.exp(-(((t - 0.65) / 0.18) ** 2))
        + 0.07 * np.exp(-((t / 0.12) ** 2))
        - hollow * _hump(t)
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
    assert np.all(np.diff(depths) > 0)
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
    assert lumbar_hollow(mask, hip, shoulder, facing=0).problem == "no_landmarks"
    assert lumbar_hollow(mask, hip, np.array([np.nan, np.nan]), facing=1).problem == "no_landmarks"


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


def test_hair_down_the_upper_back_is_cut_off_and_the_back_below_measured() -> None:
    """A ponytail over the shoulder blades makes the outline jump above the thoracic curve."""

    def with_hair(t: np.ndarray) -> np.ndarray:
        return np.where(t > 0.75, 0.45, curved_back(0.05)(t))

    mask, hip, shoulder = trunk_mask(with_hair)
    reference, _, _ = trunk_mask(curved_back(0.05))
    curve = lumbar_hollow(mask, hip, shoulder, facing=1)
    assert curve.known
    assert curve.depth_ratio == pytest.approx(
        lumbar_hollow(reference, hip, shoulder, facing=1).depth_ratio, abs=0.01
    )


def test_hair_down_to_the_lower_back_hides_the_thoracic_curve() -> None:
    def with_long_hair(t: np.ndarray) -> np.ndarray:
        return np.where(t > 0.5, 0.45, curved_back(0.05)(t))

    mask, hip, shoulder = trunk_mask(with_long_hair)
    assert lumbar_hollow(mask, hip, shoulder, facing=1).problem == "irregular"


def test_an_arm_lying_on_the_lower_back_hides_it_and_one_at_the_side_does_not() -> None:
    mask, hip, shoulder = trunk_mask(curved_back(0.06))
    down = hip - shoulder
    # facing right: the back is to the left (-x); the outline lies ~0.22 trunk lengths behind the axis
    behind = np.array([-0.2 * TRUNK_PX, 0.0])
    at_the_side = np.array([-0.05 * TRUNK_PX, 0.0])
    hanging = np.array([shoulder, shoulder + 0.55 * down, shoulder + 1.0 * down])
    on_the_back = hanging + np.array([[0.0, 0.0], behind, behind])
    beside = hanging + np.array([[0.0, 0.0], at_the_side, at_the_side])
    assert lumbar_hollow(mask, hip, shoulder, facing=1, arms=(on_the_back,)).problem == "arms"
    curve = lumbar_hollow(mask, hip, shoulder, facing=1, arms=(beside, np.full((3, 2), np.nan)))
    assert curve.known and curve.depth_ratio > 0.06


def test_mask_sampling_is_bilinear_and_zero_outside() -> None:
    mask = np.array([[0.0, 1.0], [0.0, 1.0]], dtype=np.float32)
    points = np.array([[0.25, 0.0], [0.5, 1.0], [-1.0, 0.0], [0.0, 5.0], [np.nan, 0.0]])
    assert sample_mask(mask, points) == pytest.approx([0.25, 0.5, 0.0, 0.0, 0.0])


# --- the rendered mannequin with a lumbar-curve parameter ------------------------------

MANNEQUIN_HOLLOWS_M = (0.0, 0.02, 0.04, 0.06)
CAMERA = sb.Camera(distance_m=2.6, height_m=0.9)


def _mannequin_depth(angles: sb.BodyAngles, pose: Pose, mask: np.ndarray) -> float:
    from posecheck.config import DEFAULT_SETTINGS
    from posecheck.metrics import Body, orientation

    body = Body(pose.replace(mask=mask), DEFAULT_SETTINGS)
    lunge = angles.left_leg != angles.right_leg
    return back_curve(body, orientation(body, DEFAULT_SETTINGS), lunge=lunge).depth_ratio


@pytest.mark.parametrize(
    "angles",
    [sb.standing(), sb.kneeling_lunge(arms="hanging"), sb.standing_lunge()],
    ids=["standing", "kneeling", "standing-lunge"],
)
def test_the_rendered_lumbar_curve_deepens_the_measured_hollow(angles: sb.BodyAngles) -> None:
    """On the renderer's exact silhouette each 2 cm of hollow adds about 2 cm / 0.5 m = 0.04."""
    depths = []
    for hollow in MANNEQUIN_HOLLOWS_M:
        bent = replace(angles, lumbar_hollow_m=hollow)
        silhouette = render_silhouette(bent, CAMERA, supersample=1)
        depths.append(_mannequin_depth(bent, make_pose(bent, camera=CAMERA), silhouette))
    assert np.all(np.diff(depths) > 0.015), depths
    assert depths[0] < 0.08 and depths[-1] > 0.12  # neutral below the default limit, hollow above


@pytest.mark.model
def test_the_models_mask_sees_the_rendered_lumbar_curve(estimator) -> None:  # type: ignore[no-untyped-def]
    import cv2

    measured, truth = [], []
    for hollow in MANNEQUIN_HOLLOWS_M:
        bent = replace(sb.standing(), lumbar_hollow_m=hollow)
        image, true_pose = render_sample(bent, CAMERA)
        pose = estimator.detect(cv2.cvtColor(image, cv2.COLOR_RGB2BGR), 0.0)
        assert pose is not None and pose.mask is not None
        measured.append(_mannequin_depth(bent, pose, pose.mask))
        truth.append(_mannequin_depth(bent, true_pose, render_silhouette(bent, CAMERA)))
    assert np.all(np.diff(measured) > 0), measured
    assert np.abs(np.subtract(measured, truth)).max() < 0.035


# --- the personal neutral (live baseline) ------------------------------------------------


def _feed(
    baseline: NeutralBaseline, values: list[float], fps: float = 10.0, t0: float = 5.0
) -> BaselineState:
    state = baseline.state
    for i, value in enumerate(values):
        state = baseline.update(value, t0 + i / fps)
    return state


def test_baseline_is_the_median_of_three_seconds_standing_relaxed() -> None:
    baseline = NeutralBaseline(duration_s=3.0)
    assert baseline.update(0.05, 0.0).phase == "none"  # nothing recorded until asked
    baseline.start()
    values = [0.06, 0.07, 0.08] * 10  # 30 frames at 10 fps = 2.9 s
    state = _feed(baseline, values)
    assert state.phase == "recording" and state.recorded_s == pytest.approx(2.9)
    state = baseline.update(0.5, 8.0)  # 3.0 s after the first frame: done (this frame counts too)
    assert state.phase == "set" and state.value == pytest.approx(0.07)
    assert baseline.update(0.2, 9.0).value == pytest.approx(0.07)  # kept afterwards


def test_baseline_with_too_few_measurable_frames_fails_and_keeps_the_old_neutral() -> None:
    baseline = NeutralBaseline(duration_s=3.0, min_valid_fraction=0.6)
    baseline.start()
    assert _feed(baseline, [0.08] * 31).value == pytest.approx(0.08)
    baseline.start()
    nan = float("nan")
    state = _feed(baseline, [0.12] * 12 + [nan] * 19, t0=20.0)  # 12 of 31 frames measured
    assert state.phase == "failed" and state.value == pytest.approx(0.08)
    baseline.start()
    state = _feed(baseline, [0.12] * 19 + [nan] * 12, t0=40.0)  # 19 of 31: enough
    assert state.phase == "set" and state.value == pytest.approx(0.12)


def test_baseline_reset_forgets_the_neutral() -> None:
    baseline = NeutralBaseline(duration_s=1.0)
    baseline.start()
    assert _feed(baseline, [0.1] * 11).is_set
    baseline.reset()
    assert not baseline.state.is_set and baseline.state.phase == "none"


# --- the hollow_back check in the exercises ------------------------------------------------


def _overhead(angles: sb.BodyAngles) -> sb.BodyAngles:
    """Both arms straight up along the trunk line (a backbend lunge with the arms overhead)."""
    up = sb.ArmAngles(shoulder_flex_deg=175.0)
    return replace(angles, left_arm=up, right_arm=up)


@pytest.mark.parametrize("hollow_m, status", [(0.0, "pass"), (0.05, "fail")])
def test_a_backbend_lunge_sagging_into_the_back_is_told_to_pull_the_navel_in(
    hollow_m: float, status: str
) -> None:
    """The issue's case: kneeling lunge, arms overhead, trunk 15 deg back (trunk_upright's edge)."""
    from posecheck.assess import assess
    from posecheck.config import DEFAULT_SETTINGS

    angles = replace(_overhead(sb.kneeling_lunge("left", trunk_deg=-15.0)), lumbar_hollow_m=hollow_m)
    result = assess(masked_pose(angles), DEFAULT_SETTINGS)
    assert result.exercise == "kneeling_lunge"
    check = result.check("hollow_back")
    assert check is not None and check.status == status, check
    assert result.check("trunk_upright").status == "pass"  # type: ignore[union-attr]
    if status == "fail":
        assert result.main_cue() == "hollow_back.fail_stretch"
        assert len(check.drawn) == 4 and not result.all_pass
    else:
        assert result.all_pass


def test_an_unreadable_back_does_not_hold_up_the_verdict() -> None:
    """Without a mask hollow_back is unknown with its own cue, and the other checks decide."""
    from posecheck.assess import assess
    from posecheck.config import DEFAULT_SETTINGS

    result = assess(make_pose(sb.standing()), DEFAULT_SETTINGS)
    check = result.check("hollow_back")
    assert check is not None and (check.status, check.cue) == ("unknown", "hollow_back.no_outline")
    assert result.all_pass and result.main_cue() == "all_good.standing_posture"


def test_after_a_baseline_hollow_back_judges_the_change_from_the_persons_neutral() -> None:
    from posecheck.assess import assess
    from posecheck.config import DEFAULT_SETTINGS as S

    def hollow_back(hollow_m: float) -> CheckResult:
        check = assess(masked_pose(replace(sb.standing(), lumbar_hollow_m=hollow_m)), S).check("hollow_back")
        assert check is not None and check.status != "unknown"
        return check

    neutral = hollow_back(0.03).value  # a person whose relaxed back is deeper than the norm
    assert neutral > S.max_lumbar_depth_ratio
    same = relative_to_neutral(hollow_back(0.03), neutral, S)
    assert (
        same.status == "pass" and same.value == pytest.approx(0.0) and same.cue == "hollow_back.pass_neutral"
    )
    assert same.to_dict()["baseline"] == pytest.approx(neutral, abs=1e-3)
    deeper = relative_to_neutral(hollow_back(0.03 + 0.03 / 1.5 + 0.02), neutral, S)
    assert deeper.value > S.max_lumbar_change_ratio and deeper.status == "fail"
    assert deeper.cue == "hollow_back.fail_neutral"
    flatter = relative_to_neutral(hollow_back(0.0), neutral, S)
    assert flatter.value < 0 and flatter.status == "pass"


def test_live_baseline_then_hollow_back_reports_the_change_from_the_own_neutral() -> None:
    """Frame sequence through `FrameAnalyzer.judge`: 3 s standing relaxed after ``b``, then
    the person sags deeper; the overlay says what happens (both languages)."""
    from posecheck.config import DEFAULT_SETTINGS as S
    from posecheck.pipeline import FrameAnalyzer, Outputs
    from posecheck.render import OverlayRenderer
    from posecheck.video import Frame

    relaxed = masked_pose(replace(sb.standing(), lumbar_hollow_m=0.03))
    sagging = masked_pose(replace(sb.standing(), lumbar_hollow_m=0.03 + 0.05))
    image = np.zeros((480, 640, 3), np.uint8)
    analyzer = FrameAnalyzer(estimator=None, settings=S)  # type: ignore[arg-type]
    outputs = Outputs(renderer=OverlayRenderer("nl"), lang="nl")

    def judge(pose: Pose, t: float):  # type: ignore[no-untyped-def]
        return analyzer.judge(Frame(image, t, round(t * 10)), pose.replace(timestamp_s=t))

    for i in range(10):  # the exercise label settles first
        first = judge(relaxed, i / 10)
    check = first.assessment.check("hollow_back")
    assert check is not None and check.status == "fail"  # deeper than the published norm
    assert first.baseline.phase == "none"
    analyzer.start_baseline()
    t = 1.0
    while t < 1.0 + S.baseline_duration_s - 0.05:
        analysis = judge(relaxed, t)
        assert analysis.baseline.phase == "recording"
        t += 0.1
    assert "Nulmeting" in (outputs._baseline_words(analysis.baseline)[0] or "")
    t += 0.1
    analysis = judge(relaxed, t)
    assert analysis.baseline.phase == "set"
    assert analysis.baseline.value == pytest.approx(check.value, abs=0.005)
    assert outputs._baseline_words(analysis.baseline)[1] == [f"nulstand {analysis.baseline.value:.2f} (b)"]
    for _ in range(10):  # the verdict debouncer lets a change through after a sustained run
        t += 0.1
        analysis = judge(relaxed, t)
    relative = analysis.assessment.check("hollow_back")
    assert (
        relative is not None and relative.status == "pass" and relative.value == pytest.approx(0.0, abs=0.01)
    )
    for _ in range(15):
        t += 0.1
        analysis = judge(sagging, t)
    relative = analysis.assessment.check("hollow_back")
    assert relative is not None and relative.status == "fail" and relative.cue == "hollow_back.fail_neutral"
    assert relative.value > S.max_lumbar_change_ratio
    assert outputs.draw(analysis).shape == image.shape


def test_a_line_resting_on_an_elbow_behind_the_back_is_not_a_hollow() -> None:
    """Hands on the hips: the elbow sticks out behind the upper back and the line rests on it."""

    def with_elbow(t: np.ndarray) -> np.ndarray:
        return np.maximum(curved_back(0.0)(t), 0.36 - 1.5 * np.abs(t - 0.7))

    mask, hip, shoulder = trunk_mask(with_elbow)
    elbow = hip + np.array([-0.3 * TRUNK_PX, -0.7 * TRUNK_PX])  # facing right: behind = -x
    arm = np.array([shoulder, elbow, hip + np.array([0.1 * TRUNK_PX, -0.3 * TRUNK_PX])])
    assert lumbar_hollow(mask, hip, shoulder, facing=1).depth_ratio > 0.05  # the elbow fakes a hollow
    assert lumbar_hollow(mask, hip, shoulder, facing=1, arms=(arm,)).problem == "arms"


def test_landmarks_far_outside_the_image_are_unknown_not_an_error() -> None:
    """A trunk of 1e300 pixels (wild landmarks) must not size the outline walk to it."""
    mask, hip, _ = trunk_mask(flat_back_with_hollow(0.05))
    curve = lumbar_hollow(mask, hip, np.array([hip[0], -1e300]), facing=1)
    assert not curve.known
