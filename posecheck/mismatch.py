"""Whether a pose clearly is not the exercise that was chosen (pure).

A fixed exercise (``--exercise``, the live ``e`` key, a routine step) is judged as chosen,
even when recognition would have said something else: recognition misses badly done
exercises, and a physiotherapist may want one judged anyway.  But a pose of another *kind*
is not judged: standing-posture checks on a kneeling person, or lunge checks on someone
lying down, say "this does not look like a ..." instead.  Kneeling and standing lunges are
one kind (a kneeling lunge with the rear knee lifted is recognised as a standing lunge,
and that is a fault to correct, not another exercise).
"""

from __future__ import annotations

from posecheck.exercises import EXERCISES


def kind_of(exercise_id: str) -> str:
    """The kind of pose an exercise is (`Exercise.kind`; an unknown one or one without a kind
    is a kind of its own): recognising another exercise of the same kind is no mismatch."""
    exercise = EXERCISES.get(exercise_id)
    return (exercise.kind if exercise is not None else "") or exercise_id


def clearly_other(chosen: str, recognised: str | None) -> bool:
    """True when ``recognised`` (steady recognition) is an exercise of another kind than ``chosen``.

    Nothing recognised is no mismatch: the chosen exercise is judged, and its checks say
    what is wrong.
    """
    if recognised is None or recognised == chosen:
        return False
    return kind_of(recognised) != kind_of(chosen)


def mismatch_note(chosen: str) -> str:
    """The message key saying the pose does not look like ``chosen``."""
    return f"mismatch.{chosen}"
