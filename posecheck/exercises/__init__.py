"""The exercises posecheck knows, keyed by their user-facing names.

Each exercise module holds data: which checks apply and from which camera view.  The
registry maps the CLI names (``kneeling-lunge``) to them; a typo lists the valid names.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from posecheck.errors import UsageError


@dataclass(frozen=True)
class Exercise:
    """One exercise.

    Attributes:
        id: the id in results (``kneeling_lunge``).
        cli_name: the name on the command line (``kneeling-lunge``).
        checks: check ids evaluated for it, in panel order.
        has_front_leg: whether a front leg (and so ``front_side``) exists.
        cues: message keys this exercise words its own way (generic key -> own key), e.g.
            the standing lunge moves the rear *foot* back where the kneeling one moves the knee.
    """

    id: str
    cli_name: str
    checks: tuple[str, ...]
    has_front_leg: bool = False
    cues: Mapping[str, str] = field(default_factory=dict)


def _registry() -> dict[str, Exercise]:
    from posecheck.exercises import kneeling_lunge, prone_press_up, standing_lunge, standing_posture

    modules = (kneeling_lunge, standing_lunge, prone_press_up, standing_posture)
    return {module.EXERCISE.id: module.EXERCISE for module in modules}


EXERCISES: dict[str, Exercise] = _registry()
EXERCISE_CHOICES: tuple[str, ...] = ("auto", *(e.cli_name for e in EXERCISES.values()))


def exercise_id(cli_name: str | None) -> str | None:
    """``"kneeling-lunge"`` -> ``"kneeling_lunge"``; ``"auto"``/None -> None (recognise it)."""
    if cli_name in (None, "auto"):
        return None
    for exercise in EXERCISES.values():
        if cli_name in (exercise.cli_name, exercise.id):
            return exercise.id
    raise UsageError(f"unknown exercise '{cli_name}'; choose one of: {', '.join(EXERCISE_CHOICES)}")
