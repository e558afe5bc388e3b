"""The exercises posecheck knows: one module each, found by the registry.

An exercise module (``posecheck/exercises/<name>.py``) defines ``EXERCISE``, an `Exercise`:
its checks (`posecheck.rules.Rule`, with their settings), its recognition predicate and its
place in the recognition order, its cue order, its texts (English and Dutch) and its
description.  Measures only it uses live in the module too; measures shared by the two
lunges live in `posecheck.exercises._lunge` (modules whose name starts with ``_`` hold
shared parts and are not exercises).

The registry imports every module of this package (`pkgutil` over ``__path__``), so a new
exercise needs its module and nothing else; `reload` looks again (a test adds a folder of its
own to ``__path__``).  A module that forgets a part (a text, a cue-priority slot, a setting)
fails loudly with `ExerciseError` when the registry loads it.
"""

from __future__ import annotations

import enum
import importlib
import pkgutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from posecheck.errors import UsageError
from posecheck.messages import LANGS, Lang, Texts

if TYPE_CHECKING:
    from posecheck import metrics as m
    from posecheck.config import Settings
    from posecheck.landmarks import Pose
    from posecheck.rules import Rule


class Match(enum.Enum):
    """What a recognition predicate concludes about one pose."""

    NO = "no"  # not this exercise: ask the next one in the order
    YES = "yes"  # this exercise
    NOTHING = "nothing"  # no exercise at all: the shape rules out the ones further down too


Predicate = Callable[["m.Body", "m.Orientation"], Match]
# A synthetic pose just inside and one just outside each check's limit (`Exercise.examples`).
Examples = Callable[["Settings"], Mapping[str, tuple["Pose", "Pose"]]]


class ExerciseError(Exception):
    """An exercise module is incomplete (a missing text, cue slot or setting)."""


@dataclass(frozen=True)
class Exercise:
    """One exercise.

    Attributes:
        id: the id in results (``kneeling_lunge``).
        cli_name: the name on the command line (``kneeling-lunge``).
        description: one line for ``--help`` and the docs.
        checks: its rules, in panel order.
        recognize: the predicate that tells it from a pose (`Match`).
        priority: its place in the recognition order (lower is asked first).
        cue_order: its check ids, most worth telling first (`Assessment.main_cue`).
        messages: its texts by message key, each in every language: the exercise name
            (key = ``id``), for each check its label (key = check id), pass text and cues,
            and the texts of the reports and the routine (`report_keys`).
        examples: synthetic poses on each side of each check's limit (the completeness test).
        has_front_leg: whether a front leg (and so ``front_side``) exists.
        cues: message keys this exercise words its own way (generic key -> own key), e.g.
            the standing lunge moves the rear *foot* back where the kneeling one moves the knee.
        kind: the kind of pose (``lunge``, ``lying``, ``standing``); a chosen exercise is not
            judged on a pose recognised as another kind (`posecheck.mismatch`).  Empty: a kind
            of its own.
        stretch: a position held on purpose (the stretches, a wall sit), not a stance that is
            only checked: the voice says "good, hold" and the hold's progress
            (`posecheck.audio.moment_of`), the HTML report gives its longest hold against the
            target; in a clip's report a short standing segment next to it is getting into or
            out of it, and a short one of it between others is passing through its pose
            (`posecheck.report.mark_transitions`).
        reps_check: the id of one of its own checks whose measured value counts repetitions in
            the routine with ``--reps`` (`posecheck.routine.RepCounter`: up past
            ``rep_up_deg`` after down below ``rep_down_deg`` of `Settings`); empty: it is
            held, never counted.
    """

    id: str
    cli_name: str
    description: str
    checks: tuple[Rule, ...]
    recognize: Predicate
    priority: int
    cue_order: tuple[str, ...]
    messages: Mapping[str, Texts]
    examples: Examples
    has_front_leg: bool = False
    cues: Mapping[str, str] = field(default_factory=dict)
    kind: str = ""
    stretch: bool = False
    reps_check: str = ""

    @property
    def check_ids(self) -> tuple[str, ...]:
        return tuple(rule.id for rule in self.checks)

    def rule(self, check_id: str) -> Rule:
        for rule in self.checks:
            if rule.id == check_id:
                return rule
        raise KeyError(f"{self.id} has no check '{check_id}'; its checks: {', '.join(self.check_ids)}")


def cue_keys(exercise: Exercise) -> list[str]:
    """The message keys of what the exercise's checks may tell while it is done (each check's
    pass text and cues, in its own wording where `Exercise.cues` has one)."""
    keys = [key for rule in exercise.checks for key in rule.cue_keys()]
    return keys + [exercise.cues[key] for key in keys if key in exercise.cues]


def report_keys(exercise: Exercise) -> list[str]:
    """The message keys of the reports and the routine: the routine's setup words
    (``routine.setup.<id>``, with ``{side}``), the note that a chosen exercise clearly is not
    being done (``mismatch.<id>``), and per check what it measures (``measure.<check>``) and,
    for a check that can fail, what a failing stretch of it means (``event.<check>``, with
    ``{times}``) in the HTML report's summary."""
    keys = [f"routine.setup.{exercise.id}", f"mismatch.{exercise.id}"]
    for rule in exercise.checks:
        keys += [f"measure.{rule.id}"] + ([] if rule.levels is not None else [f"event.{rule.id}"])
    return keys


def message_keys(exercise: Exercise) -> list[str]:
    """Every message key the exercise may show: its name, each check's label and cues, and
    its texts in the reports and the routine (`report_keys`)."""
    return [exercise.id, *(rule.id for rule in exercise.checks), *cue_keys(exercise), *report_keys(exercise)]


def validate(exercise: Exercise) -> None:
    """Raise `ExerciseError` naming what the exercise forgot: a text in a language (`message_keys`:
    also its routine, mismatch and report texts), a check without a cue-priority slot, a
    setting that `Settings` does not have (with range and reason), a `reps_check` that is not
    one of its checks."""
    from posecheck.config import setting_spec

    problems = []
    for key in message_keys(exercise):
        texts = exercise.messages.get(key) or {}
        problems += [f"no {lang} text for '{key}'" for lang in LANGS if not texts.get(lang, "").strip()]
        if key.startswith("event."):  # the report fills in how often ("2 times")
            problems += [
                f"the {lang} text for '{key}' lacks {{times}}"
                for lang in LANGS
                if "{times}" not in texts.get(lang, "{times}")
            ]
    ids = exercise.check_ids
    problems += [f"check '{c}' has no cue-priority slot" for c in ids if c not in exercise.cue_order]
    problems += [
        f"cue order names '{c}', which is not one of its checks" for c in exercise.cue_order if c not in ids
    ]
    if exercise.reps_check and exercise.reps_check not in ids:
        problems.append(f"reps_check names '{exercise.reps_check}', which is not one of its checks")
    for rule in exercise.checks:
        for name in (rule.limit.setting, *rule.settings):
            try:
                spec = setting_spec(name)
            except KeyError:
                problems.append(f"check '{rule.id}' reads setting '{name}', which config.Settings lacks")
                continue
            if not (spec.doc.strip() and spec.low <= spec.default <= spec.high):
                problems.append(f"setting '{name}' needs a reason and a default inside its range")
    if problems:
        raise ExerciseError(f"exercise '{exercise.id}' is incomplete: " + "; ".join(problems))


# ---------------------------------------------------------------------------- registry

EXERCISES: dict[str, Exercise] = {}
# Every exercise's texts by message key (`posecheck.messages.text` reads them from here).
EXERCISE_MESSAGES: dict[str, Texts] = {}


def reload() -> dict[str, Exercise]:
    """Import every exercise module on ``__path__`` and register its ``EXERCISE``, in
    recognition order.  Updates `EXERCISES` in place and returns it."""
    found: list[Exercise] = []
    for info in pkgutil.iter_modules(__path__, f"{__name__}."):
        if info.name.rsplit(".", 1)[-1].startswith("_"):
            continue  # shared parts, not an exercise
        module = importlib.import_module(info.name)
        exercise = getattr(module, "EXERCISE", None)
        if not isinstance(exercise, Exercise):
            raise ExerciseError(f"module {info.name} defines no EXERCISE = Exercise(...)")
        validate(exercise)
        found.append(exercise)
    found.sort(key=lambda e: (e.priority, e.id))
    clashes = {e.id for e in found if sum(o.priority == e.priority for o in found) > 1}
    if clashes:
        raise ExerciseError(f"exercises {sorted(clashes)} share a recognition priority; give each its own")
    EXERCISES.clear()
    EXERCISES.update((e.id, e) for e in found)
    EXERCISE_MESSAGES.clear()
    for exercise in found:
        for key in message_keys(exercise):
            EXERCISE_MESSAGES[key] = exercise.messages[key]
        EXERCISE_MESSAGES.update(exercise.messages)
    return EXERCISES


def exercise_choices() -> tuple[str, ...]:
    """The names ``--exercise`` accepts: ``auto`` and each exercise's command-line name."""
    return ("auto", *(e.cli_name for e in EXERCISES.values()))


def exercise_id(cli_name: str | None) -> str | None:
    """``"kneeling-lunge"`` -> ``"kneeling_lunge"``; ``"auto"``/None -> None (recognise it)."""
    if cli_name in (None, "auto"):
        return None
    for exercise in EXERCISES.values():
        if cli_name in (exercise.cli_name, exercise.id):
            return exercise.id
    raise UsageError(f"unknown exercise '{cli_name}'; choose one of: {', '.join(exercise_choices())}")


def is_stretch(exercise_id: str | None) -> bool:
    """Whether ``exercise_id`` names a registered exercise declared a stretch (`Exercise.stretch`)."""
    exercise = EXERCISES.get(exercise_id or "")
    return exercise is not None and exercise.stretch


def is_standing(exercise_id: str | None) -> bool:
    """Whether ``exercise_id`` names a registered exercise of the standing kind that is not a
    stretch (`Exercise.kind`, `Exercise.stretch`): the everyday stance a person takes between
    stretches."""
    exercise = EXERCISES.get(exercise_id or "")
    return exercise is not None and exercise.kind == "standing" and not exercise.stretch


def reps_check(exercise_id: str | None) -> str:
    """The check whose value counts the exercise's repetitions (`Exercise.reps_check`); empty
    for an exercise that is held, or an unknown one."""
    exercise = EXERCISES.get(exercise_id or "")
    return "" if exercise is None else exercise.reps_check


def exercise_text(key: str, lang: Lang) -> str | None:
    """An exercise's text for ``key`` (None when no exercise has it)."""
    texts = EXERCISE_MESSAGES.get(key)
    return None if texts is None else texts.get(lang) or texts["en"]


__all__ = [
    "EXERCISES",
    "Exercise",
    "ExerciseError",
    "Match",
    "exercise_choices",
    "exercise_id",
    "is_standing",
    "is_stretch",
    "message_keys",
    "reload",
    "report_keys",
    "reps_check",
    "validate",
]

reload()
