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

# The kind of pose each exercise is: recognising another exercise of the same kind is no mismatch.
KIND = {
    "kneeling_lunge": "lunge",
    "standing_lunge": "lunge",
    "prone_press_up": "lying",
    "standing_posture": "standing",
}


def clearly_other(chosen: str, recognised: str | None) -> bool:
    """True when ``recognised`` (steady recognition) is an exercise of another kind than ``chosen``.

    Nothing recognised is no mismatch: the chosen exercise is judged, and its checks say
    what is wrong.
    """
    if recognised is None or recognised == chosen:
        return False
    return KIND.get(recognised, recognised) != KIND.get(chosen, chosen)


def mismatch_note(chosen: str) -> str:
    """The message key saying the pose does not look like ``chosen``."""
    return f"mismatch.{chosen}"
