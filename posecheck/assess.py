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


def _mean_seen(pose: Pose, landmarks: tuple[Landmark, ...], settings: Settings) -> np.ndarray:
    """The mean image point of those of ``landmarks`` that are visible; NaN when none is."""
    points = [pose[lm] for lm in landmarks if pose.is_visible(lm, settings.min_visibility)]
    return np.mean(points, axis=0) if points else np.full(2, np.nan)


def upright(pose: Pose, settings: Settings) -> Pose:
    """The pose turned 180 degrees when the picture is upside down.

    None of the exercises has the feet above the head, nor the trunk hanging down from the
    legs, so the picture is upside down when the feet are above the head and either the line
    from the head to the feet climbs steeply (``min_upside_down_axis_deg``: a standing person)
    or the trunk bends down from the line of the legs (``min_upside_down_trunk_drop_deg``: a
    person lying).  Lying on the floor seen from a raised camera at an angle, the far-off feet
    come out a little higher in the picture than the head, but the line is nearly level and
    the trunk rises from the legs: that picture is left as it is.  Landmark names stay; only
    the coordinates turn.
    """

    head, feet = _mean_seen(pose, _HEAD, settings), _mean_seen(pose, _FEET, settings)
    if not (np.isfinite(head).all() and np.isfinite(feet).all()) or feet[1] >= head[1]:
        return pose
    climb = float(np.degrees(np.arctan2(head[1] - feet[1], abs(head[0] - feet[0]))))
    steep = climb >= settings.min_upside_down_axis_deg
    if not (steep or trunk_drop(pose, settings) >= settings.min_upside_down_trunk_drop_ratio):
        return pose
    width, height = pose.image_size
    mask = pose.mask[::-1, ::-1] if pose.mask is not None else None
    world = pose.world * np.array([-1.0, -1.0, 1.0]) if pose.world is not None else None
    return pose.replace(xy=np.array([width, height]) - pose.xy, mask=mask, world=world)


def trunk_drop(pose: Pose, settings: Settings) -> float:
    """How far below the line of the legs (ankles -> hips, extended) the shoulders lie, in trunk
    lengths; negative when they rise above it (a cobra), NaN without those landmarks.  A trunk
    folded back onto the legs (misplaced hips) lies on the line: about 0."""
    ankle = _mean_seen(pose, (Landmark.LEFT_ANKLE, Landmark.RIGHT_ANKLE), settings)
    hip = _mean_seen(pose, (Landmark.LEFT_HIP, Landmark.RIGHT_HIP), settings)
    shoulder = _mean_seen(pose, (Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER), settings)
    legs, trunk = hip - ankle, shoulder - hip
    below = (legs[0] * trunk[1] - legs[1] * trunk[0]) / (np.linalg.norm(legs) * np.linalg.norm(trunk))
    return float(below if legs[0] > 0 else -below)  # image y points down


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
        # Legs out of the picture, or drawn where no leg is: say so, rather than only "no known
        # exercise".
        cut_off = any(not any(body.seen(lm) for lm in pair) for pair in _LOWER_BODY)
        note = "not_visible" if cut_off or body.misplaced_legs else "no_exercise"
        return Assessment(True, None, orientation.view, None, (), note=note, unseen=body.misplaced)
    spec = EXERCISES[exercise_id]
    checks = tuple(_worded_for(spec.cues, rule.evaluate(body, orientation)) for rule in spec.checks)
    front = orientation.front if spec.has_front_leg else None
    return Assessment(
        True, exercise_id, orientation.view, front, checks, unseen=body.misplaced, cue_order=spec.cue_order
    )
