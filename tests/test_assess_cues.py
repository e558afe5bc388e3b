"""Exercise-specific wording: the same failing check is said the way the exercise is done."""

from __future__ import annotations

from posecheck.assess import assess
from posecheck.config import Settings
from posecheck.synth.body import kneeling_lunge, make_pose

TOO_LITTLE = Settings().min_hip_extension_deg - 8.0


def test_kneeling_lunge_moves_the_rear_knee_back() -> None:
    result = assess(make_pose(kneeling_lunge("left", hip_extension_deg=TOO_LITTLE)))
    assert result.exercise == "kneeling_lunge"
    assert result.check("hip_extension").cue == "hip_extension.fail"


def test_standing_lunge_moves_the_rear_leg_back() -> None:
    # The standing-lunge preset cannot stand with so little hip extension; the same legs judged
    # as a standing lunge (--exercise) show the wording.
    pose = make_pose(kneeling_lunge("left", hip_extension_deg=TOO_LITTLE))
    result = assess(pose, exercise="standing_lunge")
    check = result.check("hip_extension")
    assert check.status == "fail"
    assert check.cue == "hip_extension.fail_standing"
    assert "rear leg further back" in check.to_dict("en")["message"]
    assert "achterste been verder naar achter" in check.to_dict("nl")["message"]


def test_side_view_posture_needs_no_front_view_checks() -> None:
    from posecheck.synth.body import standing

    result = assess(make_pose(standing()))
    assert result.exercise == "standing_posture"
    assert result.check("shoulders_level").cue == "face_camera"  # still listed, grey
    assert result.all_pass  # the side-view checks pass: the snapshot is complete
    assert result.main_cue() == "all_good.standing_posture"  # a snapshot, not a stretch to hold
    assert result.to_dict("en")["cue"] == "Good posture."
    assert result.to_dict("nl")["cue"] == "Goede stahouding."


def test_a_correct_stretch_says_hold_it() -> None:
    result = assess(make_pose(kneeling_lunge("left")))
    assert result.exercise == "kneeling_lunge" and result.all_pass
    assert result.main_cue() == "all_good"
    assert result.to_dict("en")["cue"] == "Good form - hold it."


def test_lunge_seen_from_the_front_asks_to_turn() -> None:
    from posecheck.synth.body import Camera

    s = Settings()
    yaw = s.max_side_view_yaw_deg + s.yaw_uncertainty_deg + 5.0  # no side view within the estimate's scatter
    pose = make_pose(kneeling_lunge("left"), camera=Camera(yaw_deg=yaw))
    result = assess(pose, exercise="kneeling_lunge")
    assert result.view == "front"
    assert all(c.status == "unknown" for c in result.checks)
    assert not result.all_pass
    assert result.main_cue() == "turn_sideways"
