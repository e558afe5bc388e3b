"""Standing posture snapshot.  From the side: forward head, sway back (plumb line) and knees
locked back; from the front: level shoulders and hips.  Checks the view does not allow are
``unknown`` with a cue to turn."""

from posecheck.exercises import Exercise

EXERCISE = Exercise(
    id="standing_posture",
    cli_name="standing-posture",
    checks=("forward_head", "plumb_line", "knee_hyperextension", "shoulders_level", "hips_level"),
)
