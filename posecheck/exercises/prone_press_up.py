"""Prone press-up: lying on the belly, push the chest up with the hands while the pelvis keeps
contact with the floor.  Hands far forward is easier, under the shoulders harder (reported as
an informative level, never a failure)."""

from posecheck.exercises import Exercise

EXERCISE = Exercise(
    id="prone_press_up",
    cli_name="prone-press-up",
    checks=("pelvis_on_floor", "chest_lifted", "hand_position"),
)
