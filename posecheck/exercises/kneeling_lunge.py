"""Kneeling lunge (schuttershouding): one knee on the floor, the other leg a step forward.

The front knee stays vertically above the ankle; the rear knee moves back until the front of
the hip stretches (hip extension); the back stays straight without sagging (trunk upright).
"""

from posecheck.exercises import Exercise

EXERCISE = Exercise(
    id="kneeling_lunge",
    cli_name="kneeling-lunge",
    checks=("front_knee_over_ankle", "rear_knee_on_floor", "hip_extension", "trunk_upright"),
    has_front_leg=True,
)
