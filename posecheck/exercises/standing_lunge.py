"""Standing lunge: one leg forward with the knee vertically above the ankle; the rear leg fully
straight and so far back that the front of the rear hip stretches; abdominals braced."""

from __future__ import annotations

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
    rear_knee_angle,
)
from posecheck.exercises._lunge import (
    MESSAGES as LUNGE_MESSAGES,
)
from posecheck.messages import Texts
from posecheck.rules import Limit, Rule, fails_as

if TYPE_CHECKING:
    from posecheck.config import Settings
    from posecheck.landmarks import Pose

REAR_LEG_STRAIGHT = Rule(
    "rear_leg_straight",
    rear_knee_angle,
    "deg",
    "joint",
    Limit("min_rear_knee_angle_deg", "min"),
    fail_cue=fails_as("rear_leg_straight.fail"),
    fail_cues=("rear_leg_straight.fail",),
)

MESSAGES: dict[str, Texts] = {
    "standing_lunge": {"en": "standing lunge", "nl": "staande uitvalspas"},
    "rear_leg_straight": {"en": "Rear leg straight", "nl": "Achterste been gestrekt"},
    "rear_leg_straight.pass": {"en": "Rear leg is straight.", "nl": "Je achterste been is gestrekt."},
    "rear_leg_straight.fail": {
        "en": "Straighten the rear leg fully.",
        "nl": "Strek je achterste been volledig.",
    },
    "hip_extension.fail_standing": {
        "en": "Place the rear leg further back until you feel a stretch at the front of that leg.",
        "nl": "Plaats je achterste been verder naar achter tot je een stretch voelt aan de voorzijde ervan.",
    },
    # what the routine says to set up, and when a chosen exercise clearly is not being done
    "routine.setup.standing_lunge": {
        "en": "Standing lunge, {side}. Place the camera level at hip height, about three metres to your side. "
        "Step the back leg far back and keep it straight.",
        "nl": "Staande uitvalspas, {side}. Zet de camera waterpas op heuphoogte, ongeveer drie meter naast je. "
        "Zet je achterste been ver naar achter en houd het gestrekt.",
    },
    "mismatch.standing_lunge": {
        "en": "This does not look like a standing lunge.",
        "nl": "Dit lijkt niet op een staande uitvalspas.",
    },
    # for the HTML report: what each check measures, and what a failing stretch of it means
    "measure.rear_leg_straight": {
        "en": "angle at the rear knee (180° is straight)",
        "nl": "hoek in de achterste knie (180° is gestrekt)",
    },
    "event.rear_leg_straight": {"en": "the rear leg bent {times}", "nl": "het achterste been boog {times}"},
}


def examples(s: Settings) -> dict[str, tuple[Pose, Pose]]:
    from posecheck.synth.body import make_pose, standing_lunge

    def rear_knee(angle: float) -> Pose:
        return make_pose(standing_lunge("left", rear_knee_flex_deg=180.0 - angle))

    def lunge(shin: float, trunk: float, hip: float | None) -> Pose:
        if hip is None:
            return make_pose(standing_lunge("left", front_shin_deg=shin, trunk_deg=trunk))
        # A small hip extension with a straight rear leg keeps the hips too high for the front
        # foot to reach the floor: bend the rear knee a little.
        return make_pose(standing_lunge("left", hip_extension_deg=hip, rear_knee_flex_deg=40.0))

    shared = lunge_examples(lunge, s)
    knee = s.min_rear_knee_angle_deg
    return {
        **shared,
        "rear_leg_straight": (rear_knee(knee + 4), rear_knee(knee - 4)),
        "hollow_back": hollow_examples(standing_lunge("left"), s.max_lunge_lumbar_depth_ratio),
    }


EXERCISE = Exercise(
    id="standing_lunge",
    cli_name="standing-lunge",
    description="standing lunge: one leg forward, the rear leg straight and far back",
    checks=(FRONT_KNEE_OVER_ANKLE, REAR_LEG_STRAIGHT, HIP_EXTENSION, TRUNK_UPRIGHT, HOLLOW_BACK_LUNGE),
    recognize=lambda body, o: lunge(body, o, kneeling=False),
    priority=20,
    # hollow_back right after hip extension: the seed text's second point while stretching.
    cue_order=("trunk_upright", "hip_extension", "hollow_back", "front_knee_over_ankle", "rear_leg_straight"),
    messages={**LUNGE_MESSAGES, **HOLLOW_BACK_MESSAGES, **MESSAGES},
    examples=examples,
    has_front_leg=True,
    cues={"hip_extension.fail": "hip_extension.fail_standing"},
    kind="lunge",
    stretch=True,
)
