"""Standing lunge: one leg forward with the knee vertically above the ankle; the rear leg fully
straight and so far back that the front of the rear hip stretches; abdominals braced."""

from posecheck.exercises import Exercise

EXERCISE = Exercise(
    id="standing_lunge",
    cli_name="standing-lunge",
    checks=("front_knee_over_ankle", "rear_leg_straight", "hip_extension", "trunk_upright"),
    has_front_leg=True,
    cues={"hip_extension.fail": "hip_extension.fail_standing"},
)
