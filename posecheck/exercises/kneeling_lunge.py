"""Kneeling lunge (schuttershouding): one knee on the floor, the other leg a step forward.

The front knee stays vertically above the ankle; the rear knee moves back until the front of
the hip stretches (hip extension); the back stays straight without sagging (trunk upright).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from posecheck.exercises import Exercise
from posecheck.exercises._hollow_back import HOLLOW_BACK_LUNGE, hollow_examples
from posecheck.exercises._hollow_back import MESSAGES as HOLLOW_BACK_MESSAGES
from posecheck.exercises._lunge import (
    FRONT_KNEE_OVER_ANKLE,
    HIP_EXTENSION,
    TRUNK_UPRIGHT,
    lunge,
    lunge_examples,
    rear_knee_height,
)
from posecheck.exercises._lunge import (
    MESSAGES as LUNGE_MESSAGES,
)
from posecheck.messages import Texts
from posecheck.rules import Limit, Rule, fails_as

if TYPE_CHECKING:
    from posecheck.config import Settings
    from posecheck.landmarks import Pose

REAR_KNEE_ON_FLOOR = Rule(
    "rear_knee_on_floor",
    rear_knee_height,
    "ratio",
    "floor",
    Limit("max_rear_knee_height_ratio", "max"),
    fail_cue=fails_as("rear_knee_on_floor.fail"),
    fail_cues=("rear_knee_on_floor.fail",),
)

MESSAGES: dict[str, Texts] = {
    "kneeling_lunge": {"en": "kneeling lunge", "nl": "schuttershouding"},
    "rear_knee_on_floor": {"en": "Rear knee on floor", "nl": "Achterste knie op de grond"},
    "rear_knee_on_floor.pass": {
        "en": "Rear knee rests on the floor.",
        "nl": "Je achterste knie steunt op de grond.",
    },
    "rear_knee_on_floor.fail": {
        "en": "Rest the rear knee on the floor.",
        "nl": "Laat je achterste knie op de grond steunen.",
    },
    # what the routine says to set up, and when a chosen exercise clearly is not being done
    "routine.setup.kneeling_lunge": {
        "en": "Kneeling lunge, {side}. Place the camera level at hip height, about three metres to your side. "
        "Kneel on the back knee, front knee above the ankle.",
        "nl": "Schuttershouding, {side}. Zet de camera waterpas op heuphoogte, ongeveer drie meter naast je. "
        "Kniel op je achterste knie, voorste knie loodrecht boven je enkel.",
    },
    "mismatch.kneeling_lunge": {
        "en": "This does not look like a kneeling lunge.",
        "nl": "Dit lijkt niet op een schuttershouding.",
    },
    # for the HTML report: what each check measures, and what a failing stretch of it means
    "measure.rear_knee_on_floor": {
        "en": "height of the rear knee above the floor, in shin lengths",
        "nl": "hoogte van de achterste knie boven de vloer, in scheenbeenlengtes",
    },
    "event.rear_knee_on_floor": {
        "en": "the rear knee came off the floor {times}",
        "nl": "de achterste knie kwam {times} los van de vloer",
    },
}


def examples(s: Settings) -> dict[str, tuple[Pose, Pose]]:
    from posecheck.synth.body import DEFAULT_SHAPE, kneeling_lunge, make_pose

    def kneeling(knee_height: float) -> Pose:
        # the rear toes on the floor, the knee ``knee_height`` shins above it
        shape = replace(DEFAULT_SHAPE, knee_clearance=knee_height * DEFAULT_SHAPE.shin)
        angles = kneeling_lunge("left", rear_shin_deg=5.0, rear_toes_tucked=True, shape=shape)
        return make_pose(angles, shape=shape)

    knee = s.max_rear_knee_height_ratio
    return {
        **lunge_examples(
            lambda shin, trunk, hip: make_pose(
                kneeling_lunge(
                    "left",
                    front_shin_deg=shin,
                    trunk_deg=trunk,
                    hip_extension_deg=15.0 if hip is None else hip,
                )
            ),
            s,
        ),
        "rear_knee_on_floor": (kneeling(knee - 0.08), kneeling(knee + 0.08)),
        "hollow_back": hollow_examples(kneeling_lunge("left"), s.max_lunge_lumbar_depth_ratio),
    }


EXERCISE = Exercise(
    id="kneeling_lunge",
    cli_name="kneeling-lunge",
    description="kneeling lunge (schuttershouding): one knee on the floor, the other leg a step forward",
    checks=(FRONT_KNEE_OVER_ANKLE, REAR_KNEE_ON_FLOOR, HIP_EXTENSION, TRUNK_UPRIGHT, HOLLOW_BACK_LUNGE),
    recognize=lambda body, o: lunge(body, o, kneeling=True),
    priority=10,
    # The two things the seed text insists on (hip extension, no hollow back) lead.
    # hollow_back right after hip extension: the seed text's second point while stretching.
    cue_order=(
        "trunk_upright",
        "hip_extension",
        "hollow_back",
        "rear_knee_on_floor",
        "front_knee_over_ankle",
    ),
    messages={**LUNGE_MESSAGES, **HOLLOW_BACK_MESSAGES, **MESSAGES},
    examples=examples,
    has_front_leg=True,
    kind="lunge",
    stretch=True,
)
