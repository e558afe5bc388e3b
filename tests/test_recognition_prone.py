"""Lying face down with the chest still low is a prone press-up only while a hand is planted to
push (below the shoulder, within ``max_planted_hand_reach_ratio`` upper arms ahead of it);
arms stretched forward (child's pose) or raised (superman) make another pose.  A lifted chest
is a press-up whatever the hands do.  Synthetic poses, a case on each side of the limit."""

from __future__ import annotations

from dataclasses import replace

import pytest

from posecheck.assess import assess
from posecheck.config import Settings
from posecheck.synth.body import ArmAngles, make_pose, prone_press_up

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
