"""A fifth exercise that exists only for the tests: the wall sit (back against a wall, thighs
level, shins vertical).  `tests/test_exercises.py` adds this folder to the registry's
``posecheck.exercises.__path__``; nothing else in posecheck knows about it.

It shows what an exercise module holds: a measure, a check with its own setting (declared
here with its range and reason), its texts in English and Dutch (label and cues, the routine's
setup words, the mismatch note, what the HTML report says the check measures and what a
failing stretch of it means), a recognition predicate with its priority, the cue order and
synthetic poses on each side of its limit.
"""

from __future__ import annotations

import numpy as np

from posecheck import geometry as geo
from posecheck import metrics as m
from posecheck.config import Settings, declare_setting
from posecheck.exercises import Exercise, Match
from posecheck.landmarks import SIDES, Pose, sided
from posecheck.rules import Limit, Rule, fails_as

declare_setting(
    "max_wall_sit_thigh_tilt_deg",
    15.0,
    0.0,
    45.0,
    "thighs_level: the near thigh within this of horizontal (a test exercise; a round number)",
)


def thigh_tilt(body: m.Body, o: m.Orientation) -> m.Measure:
    """Near thigh hip->knee from horizontal, degrees."""
    hip, knee = sided(o.near, "hip"), sided(o.near, "knee")
    return m.Measure(geo.tilt_from_horizontal(body.point(hip), body.point(knee)), (hip, knee))


THIGHS_LEVEL = Rule(
    "thighs_level",
    thigh_tilt,
    "deg",
    "horizontal",
    Limit("max_wall_sit_thigh_tilt_deg", "max"),
    fail_cue=fails_as("thighs_level.fail"),
    fail_cues=("thighs_level.fail",),
)

MESSAGES = {
    "wall_sit": {"en": "wall sit", "nl": "muurzit"},
    "thighs_level": {"en": "Thighs level", "nl": "Bovenbenen horizontaal"},
    "thighs_level.pass": {"en": "Thighs are level.", "nl": "Je bovenbenen zijn horizontaal."},
    "thighs_level.fail": {
        "en": "Slide down the wall until your thighs are level.",
        "nl": "Zak langs de muur tot je bovenbenen horizontaal zijn.",
    },
    # the routine's setup words and the note when the pose clearly is not a wall sit
    "routine.setup.wall_sit": {
        "en": "Wall sit. Place the camera at hip height, about three metres to your side. "
        "Lean your back against a wall and slide down.",
        "nl": "Muurzit. Zet de camera op heuphoogte, ongeveer drie meter naast je. "
        "Leun met je rug tegen een muur en zak naar beneden.",
    },
    "mismatch.wall_sit": {
        "en": "This does not look like a wall sit.",
        "nl": "Dit lijkt niet op een muurzit.",
    },
    # the HTML report: what the check measures, and what a failing stretch of it means
    "measure.thighs_level": {
        "en": "angle of the near thigh from horizontal",
        "nl": "hoek van het bovenbeen aan de camerakant met de horizontaal",
    },
    "event.thighs_level": {
        "en": "the thighs were not level {times}",
        "nl": "de bovenbenen waren {times} niet horizontaal",
    },
}


def recognize(body: m.Body, o: m.Orientation) -> Match:
    """Trunk upright, both knees bent near a right angle, feet together."""
    knees = [
        geo.joint_angle(*(body.point(sided(side, part)) for part in ("hip", "knee", "ankle")))
        for side in SIDES
    ]
    sitting = (
        m.trunk_from_vertical(body, o) <= 20.0
        and all(np.isfinite(k) and 60.0 <= k <= 130.0 for k in knees)
        and not m.stance_ratio(body) > 0.3
    )
    return Match.YES if sitting else Match.NO


def wall_sit_pose(thigh_deg: float) -> Pose:
    """Thighs ``thigh_deg`` below horizontal (towards the knee), shins vertical, back upright."""
    from posecheck.synth.body import BodyAngles, LegAngles, make_pose

    flex = 90.0 - thigh_deg
    leg = LegAngles(hip_flex_deg=flex, knee_flex_deg=flex)
    return make_pose(BodyAngles(left_leg=leg, right_leg=leg))


def examples(s: Settings) -> dict[str, tuple[Pose, Pose]]:
    limit = s.value("max_wall_sit_thigh_tilt_deg")
    return {"thighs_level": (wall_sit_pose(limit - 5), wall_sit_pose(limit + 5))}


EXERCISE = Exercise(
    id="wall_sit",
    cli_name="wall-sit",
    description="wall sit: back against a wall, thighs level",
    checks=(THIGHS_LEVEL,),
    recognize=recognize,
    priority=50,
    cue_order=("thighs_level",),
    messages=MESSAGES,
    examples=examples,
    stretch=True,  # a hold, like the stretches: the standing before and after it is a transition
)
