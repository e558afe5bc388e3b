"""Which exercise is being done, from one pose: the exercises' predicates, asked in order.

Each exercise module has a recognition predicate and a priority (`Exercise.recognize`,
`Exercise.priority`); the registry lists the exercises in that order.  The first predicate
that says `Match.YES` names the exercise; `Match.NOTHING` ends the search with no exercise
(e.g. a lunge shape seen from the front is not taken for a standing posture either).  Today's
order: kneeling lunge, standing lunge (a lunge shape seen from the side), prone press-up
(lying), standing posture (upright on straight legs, feet together); anything else (downward
dog, tree, squat, chair, goddess...) is no exercise.
"""

from __future__ import annotations

import numpy as np

from posecheck import metrics as m
from posecheck.exercises import EXERCISES, Match
from posecheck.landmarks import SIDES


def recognize(body: m.Body, o: m.Orientation) -> str | None:
    """The exercise id, or None when no known exercise is seen.

    None as well when both legs are drawn where no legs are (`metrics.Body.misplaced_legs`): with
    no leg to go by, a standing lunge leaning back reads as a chest propped on the hands.
    """
    if not np.isfinite(m.trunk_from_vertical(body, o)) or len(body.misplaced_legs) == len(SIDES):
        return None
    for exercise in EXERCISES.values():  # in recognition order
        match = exercise.recognize(body, o)
        if match is Match.YES:
            return exercise.id
        if match is Match.NOTHING:
            return None
    return None
