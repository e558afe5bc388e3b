"""From a `Pose` to an `Assessment`: orientation, exercise, then that exercise's checks.

This is the whole decision for one frame, pure and stateless; smoothing and debouncing over
time live in `posecheck.temporal`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

import numpy as np

from posecheck import metrics as m
from posecheck.config import DEFAULT_SETTINGS, Settings
from posecheck.exercises import EXERCISES
from posecheck.landmarks import Landmark, Pose, Side
from posecheck.recognition import recognize
from posecheck.results import Assessment, CheckResult

_HEAD = (
    Landmark.NOSE,
    Landmark.LEFT_EAR,
    Landmark.RIGHT_EAR,
    Landmark.LEFT_SHOULDER,
    Landmark.RIGHT_SHOULDER,
)
_FEET = (Landmark.LEFT_ANKLE, Landmark.RIGHT_ANKLE, Landmark.LEFT_HEEL, Landmark.RIGHT_HEEL)
# Every exercise needs at least one hip, knee and ankle; without them nothing can be recognised.
_LOWER_BODY = (
    (Landmark.LEFT_HIP, Landmark.RIGHT_HIP),
    (Landmark.LEFT_KNEE, Landmark.RIGHT_KNEE),
    (Landmark.LEFT_ANKLE, Landmark.RIGHT_ANKLE),
)


def upright(pose: Pose, settings: Settings) -> Pose:
    """The pose turned 180 degrees when the picture is upside down (feet above the head).

    None of the exercises has the feet above the head, so that only happens when the camera
    or the photo is upside down.  Landmark names stay; only the coordinates turn.
    """

    def mean_y(landmarks: tuple[Landmark, ...]) -> float:
        ys = [pose[lm][1] for lm in landmarks if pose.is_visible(lm, settings.min_visibility)]
        return float(np.mean(ys)) if ys else float("nan")

    head_y, feet_y = mean_y(_HEAD), mean_y(_FEET)
    if not (np.isfinite(head_y) and np.isfinite(feet_y)) or feet_y >= head_y:
        return pose
    width, height = pose.image_size
    mask = pose.mask[::-1, ::-1] if pose.mask is not None else None
    world = pose.world * np.array([-1.0, -1.0, 1.0]) if pose.world is not None else None
    return pose.replace(xy=np.array([width, height]) - pose.xy, mask=mask, world=world)


def _worded_for(cues: Mapping[str, str], check: CheckResult) -> CheckResult:
    own = cues.get(check.cue)
    return replace(check, cue=own) if own else check


def assess(
    pose: Pose | None,
    settings: Settings | None = None,
    exercise: str | None = None,
    front: Side | None = None,
) -> Assessment:
    """Judge one pose.

    ``exercise`` (an id like ``"kneeling_lunge"``) skips recognition; ``front`` fixes the
    front leg (a video steadies both over time so one odd frame does not flip them).
    """
    settings = settings or DEFAULT_SETTINGS
    if pose is None:
        return Assessment(person_found=False)
    pose = upright(pose, settings)
    body = m.Body(pose, settings)
    orientation = m.orientation(body, settings)
    if front is not None:
        orientation = replace(orientation, front=front)
    exercise_id = exercise or recognize(body, orientation)
    if exercise_id is None:
        # Legs out of the picture: say so, rather than only "no known exercise".
        cut_off = any(not any(body.seen(lm) for lm in pair) for pair in _LOWER_BODY)
        note = "not_visible" if cut_off else "no_exercise"
        return Assessment(True, None, orientation.view, None, (), note=note, unseen=body.misplaced)
    spec = EXERCISES[exercise_id]
    checks = tuple(_worded_for(spec.cues, rule.evaluate(body, orientation)) for rule in spec.checks)
    front = orientation.front if spec.has_front_leg else None
    return Assessment(
        True, exercise_id, orientation.view, front, checks, unseen=body.misplaced, cue_order=spec.cue_order
    )
