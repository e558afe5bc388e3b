"""Every exercise is one complete module, and the registry finds a new one by itself.

`test_every_check_of_every_exercise_is_complete` is the one test that holds each check of each
exercise to the same standard: English and Dutch texts (label, pass text, every cue), a
cue-priority slot, its settings in `config.Settings` with a range and a reason, and a synthetic
pose on each side of its limit that the check judges accordingly.  A test-only fifth exercise
(`tests/extra_exercises/wall_sit.py`) is picked up with no edit anywhere else: recognised,
judged, its texts shown, its name listed.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

import pytest

import posecheck.exercises as registry
from posecheck import config
from posecheck.assess import assess
from posecheck.audio import moment_of
from posecheck.commands.photo import format_text
from posecheck.config import Settings, setting_spec
from posecheck.errors import UsageError
from posecheck.exercises import EXERCISES, Exercise, ExerciseError, validate
from posecheck.landmarks import Pose
from posecheck.messages import LANGS, text
from posecheck.mismatch import clearly_other, mismatch_note
from posecheck.report import Report, Segment, mark_transitions
from posecheck.report_html import blocks, summary_sentence
from posecheck.routine import Routine, RoutineInput, Step, parse_steps
from posecheck.temporal import HoldTimer
from posecheck.voice import Utterance

S = Settings()
EXTRA = Path(__file__).parent / "extra_exercises"


def assert_complete(exercise: Exercise) -> None:
    """Texts, cue slots, settings and a synthetic pose on each side of every check's limit."""
    validate(exercise)  # raises naming what is missing
    examples = exercise.examples(S)
    for key in (f"routine.setup.{exercise.id}", f"mismatch.{exercise.id}"):
        for lang in LANGS:
            assert text(key, lang) != key and text(key, lang).strip(), f"{key}: no {lang} text"
    for rule in exercise.checks:
        keys = [rule.id, *rule.cue_keys(), f"measure.{rule.id}"]
        keys += [exercise.cues[key] for key in keys if key in exercise.cues]
        keys += [] if rule.levels is not None else [f"event.{rule.id}"]  # a grade never fails
        for key in keys:
            for lang in LANGS:
                assert text(key, lang) != key and text(key, lang).strip(), f"{key}: no {lang} text"
        assert text(rule.id, "nl") != text(rule.id, "en"), f"{rule.id}: the Dutch label is the English one"
        assert rule.id in exercise.cue_order, f"{rule.id} has no cue-priority slot"
        for name in (rule.limit.setting, *rule.settings):
            spec = setting_spec(name)
            assert spec.doc.strip() and spec.low <= spec.default <= spec.high, name
        assert rule.id in examples, f"{exercise.id}.{rule.id}: no synthetic poses"
        inside, outside = examples[rule.id]
        threshold = rule.limit.threshold(S)
        results = [assess(pose, S, exercise=exercise.id).check(rule.id) for pose in (inside, outside)]
        for result, want_inside in zip(results, (True, False), strict=True):
            assert result is not None and math.isfinite(result.value), f"{rule.id}: not measured"
            margin = rule.limit.margin(result.value, S)
            assert (margin >= 0) == want_inside, f"{rule.id}: {result.value} vs limit {threshold}"
            if rule.levels is not None:  # informative: a grade, never a failure
                assert result.status == "pass" and result.level == rule.levels[0 if want_inside else 1]
            else:
                assert result.status == ("pass" if want_inside else "fail"), (rule.id, result.value)
                cue = result.cue
                assert cue in ((f"{rule.id}.pass",) if want_inside else rule.cue_keys()[1:]) or (
                    cue in exercise.cues.values()
                ), cue
            assert result.limit == rule.limit.text(S)


@pytest.mark.parametrize("exercise_id", list(EXERCISES))
def test_every_check_of_every_exercise_is_complete(exercise_id: str) -> None:
    assert_complete(EXERCISES[exercise_id])


def test_the_registry_finds_the_four_exercises_in_recognition_order() -> None:
    assert list(EXERCISES) == ["kneeling_lunge", "standing_lunge", "prone_press_up", "standing_posture"]
    assert [e.priority for e in EXERCISES.values()] == sorted(e.priority for e in EXERCISES.values())


def test_a_typo_lists_the_valid_names() -> None:
    with pytest.raises(UsageError, match="kneeling-lunge, standing-lunge, prone-press-up, standing-posture"):
        registry.exercise_id("kneeling-lungee")


# ------------------------------------------------------------------ forgetting a part fails loudly

LUNGE = EXERCISES["kneeling_lunge"]


def without(messages: dict[str, dict[str, str]], key: str, lang: str) -> dict[str, dict[str, str]]:
    return {
        k: ({k2: v for k2, v in texts.items() if k2 != lang} if k == key else texts)
        for k, texts in messages.items()
    }


@pytest.mark.parametrize(
    ("broken", "complaint"),
    [
        (
            replace(LUNGE, messages=without(dict(LUNGE.messages), "rear_knee_on_floor.fail", "nl")),
            "no nl text",
        ),  # type: ignore[arg-type]
        (replace(LUNGE, messages=without(dict(LUNGE.messages), "trunk_upright", "en")), "no en text"),  # type: ignore[arg-type]
        (
            replace(LUNGE, messages=without(dict(LUNGE.messages), "measure.rear_knee_on_floor", "nl")),  # type: ignore[arg-type]
            "no nl text for 'measure.rear_knee_on_floor'",
        ),
        (
            replace(LUNGE, messages=without(dict(LUNGE.messages), "event.hip_extension", "en")),  # type: ignore[arg-type]
            "no en text for 'event.hip_extension'",
        ),
        (
            replace(LUNGE, messages=without(dict(LUNGE.messages), "routine.setup.kneeling_lunge", "nl")),  # type: ignore[arg-type]
            "no nl text for 'routine.setup.kneeling_lunge'",
        ),
        (
            replace(LUNGE, messages=without(dict(LUNGE.messages), "mismatch.kneeling_lunge", "en")),  # type: ignore[arg-type]
            "no en text for 'mismatch.kneeling_lunge'",
        ),
        (
            replace(
                LUNGE,
                messages={
                    **LUNGE.messages,
                    "event.trunk_upright": {"en": "the trunk leaned", "nl": "de romp helde"},
                },
            ),
            "lacks {times}",
        ),
        (replace(LUNGE, cue_order=LUNGE.cue_order[:-1]), "no cue-priority slot"),
        (
            replace(
                LUNGE,
                checks=(
                    replace(LUNGE.checks[0], limit=replace(LUNGE.checks[0].limit, setting="max_nothing")),
                ),
            ),
            "lacks",
        ),
        (replace(LUNGE, reps_check="chest_lifted"), "reps_check names 'chest_lifted'"),
    ],
    ids=[
        "dutch cue",
        "english label",
        "dutch measure",
        "english event",
        "dutch routine setup",
        "english mismatch",
        "event without count",
        "cue slot",
        "setting",
        "reps check",
    ],
)
def test_a_forgotten_part_fails_loudly(broken: Exercise, complaint: str) -> None:
    with pytest.raises(ExerciseError, match=complaint):
        validate(broken)


# ------------------------------------------------------------------ a fifth exercise, only in tests/


@pytest.fixture
def wall_sit(monkeypatch: pytest.MonkeyPatch) -> Iterator[Exercise]:
    """The registry with `tests/extra_exercises` on its path (a plugin folder of our own)."""
    declared = dict(config.DECLARED)
    monkeypatch.setattr(registry, "__path__", [*registry.__path__, str(EXTRA)])
    registry.reload()
    yield EXERCISES["wall_sit"]
    monkeypatch.undo()
    registry.reload()
    sys.modules.pop("posecheck.exercises.wall_sit", None)
    config.DECLARED.clear()
    config.DECLARED.update(declared)  # its setting goes with it


def _wall_sit_report(sagging: Pose, level: Pose) -> str:
    """The Dutch HTML page of 6 s of wall sit whose thighs rise above level twice."""
    report = Report(source="wall.mp4", lang="nl")
    for i in range(60):
        report.add(assess(sagging if 15 <= i < 25 or 40 <= i < 50 else level, S), i / 10)
    return report.to_html(report.summary(complete=True))


def test_a_test_only_exercise_is_picked_up_with_no_edit_elsewhere(wall_sit: Exercise) -> None:
    module = sys.modules["posecheck.exercises.wall_sit"]
    assert module.__file__ is not None and Path(module.__file__).parent == EXTRA
    assert_complete(wall_sit)
    # its name is listed, and the command line accepts it
    assert "wall-sit" in registry.exercise_choices()
    assert registry.exercise_id("wall-sit") == "wall_sit"
    with pytest.raises(UsageError, match="wall-sit"):
        registry.exercise_id("wall-sitt")
    # recognised and judged, in the recognition order after the four
    assert list(EXERCISES)[-1] == "wall_sit"
    sagging = module.wall_sit_pose(25.0)
    result = assess(sagging, S)
    assert result.exercise == "wall_sit"
    assert [(c.id, c.status) for c in result.checks] == [("thighs_level", "fail")]
    assert result.main_cue() == "thighs_level.fail"
    assert assess(module.wall_sit_pose(0.0), S).all_pass
    # its texts appear where results are shown
    shown = format_text(result, "wall.jpg", "nl")
    assert "muurzit" in shown and "Bovenbenen horizontaal" in shown and "Zak langs de muur" in shown
    assert result.to_dict("en")["checks"][0]["message"] == "Slide down the wall until your thighs are level."
    page = _wall_sit_report(sagging, module.wall_sit_pose(0.0))
    assert "Muurzit" in page and "de bovenbenen waren 2 keer niet horizontaal" in page
    assert "hoek van het bovenbeen aan de camerakant met de horizontaal" in page
    routine = Routine(steps=parse_steps(["wall_sit"], EXERCISES))
    (setup,) = routine.update(RoutineInput(in_form=False), 0.0)  # the step is announced
    assert setup.words("nl").startswith("Muurzit. Zet de camera op heuphoogte")
    assert Utterance(mismatch_note("wall_sit"), 0.0).words("en") == "This does not look like a wall sit."
    # and its setting is documented and settable like any other
    assert setting_spec("max_wall_sit_thigh_tilt_deg").high == 45.0
    assert "max_wall_sit_thigh_tilt_deg = 15.0" in config.describe_settings()
    lenient = config.settings_from_mapping({"max_wall_sit_thigh_tilt_deg": 30})
    assert assess(sagging, lenient).all_pass


def test_the_kind_of_pose_is_the_exercise_modules_own(
    wall_sit: Exercise, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A chosen exercise is not judged on a pose of another kind (`posecheck.mismatch`); the
    kind is a field of the exercise, so a new one declares it in its own module."""
    assert [e.kind for e in EXERCISES.values()] == ["lunge", "lunge", "lying", "standing", ""]
    assert clearly_other("wall_sit", "standing_posture")  # without a kind: a kind of its own
    monkeypatch.setitem(EXERCISES, "wall_sit", replace(wall_sit, kind="standing"))
    assert not clearly_other("wall_sit", "standing_posture")
    assert clearly_other("wall_sit", "kneeling_lunge")


def test_being_a_stretch_is_the_exercise_modules_own(
    wall_sit: Exercise, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A clip's report marks the short standing before and after a stretch, and a stretch
    passed through between others, as transitions (`posecheck.report.mark_transitions`);
    which exercises are stretches is a field of each, so a new one declares it in its module."""
    assert [e.stretch for e in EXERCISES.values()] == [True, True, True, False, True]

    def marked(*blocks: tuple[str, float, float]) -> list[bool]:
        segments = [Segment(exercise, None, start, end) for exercise, start, end in blocks]
        return [s.transition for s in mark_transitions(segments, max_transition_s=5.0, min_exercise_s=2.0)]

    around = (("standing_posture", 0.0, 3.0), ("wall_sit", 3.0, 40.0), ("standing_posture", 40.0, 43.0))
    passing = (("kneeling_lunge", 0.0, 30.0), ("wall_sit", 30.0, 31.0), ("kneeling_lunge", 31.0, 60.0))
    assert marked(*around) == [True, False, True]
    assert marked(*passing) == [False, True, False]
    monkeypatch.setitem(EXERCISES, "wall_sit", replace(wall_sit, stretch=False))
    assert marked(*around) == [False, False, False]  # standing next to an everyday pose
    assert marked(*passing) == [False, False, False]


def test_the_everyday_stance_is_any_standing_exercise(
    wall_sit: Exercise, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The short standing before and after a stretch is told by the exercise's declared kind,
    not by the id ``standing_posture``: a new standing check (wall_sit declared standing and no
    stretch) between two kneeling lunges is a transition when short, and stays when long."""
    monkeypatch.setitem(EXERCISES, "wall_sit", replace(wall_sit, kind="standing", stretch=False))

    def marked(stand_s: float) -> list[bool]:
        blocks = (
            ("kneeling_lunge", 0.0, 30.0),
            ("wall_sit", 30.0, 30.0 + stand_s),
            ("kneeling_lunge", 31.0 + stand_s, 60.0),
        )
        segments = [Segment(exercise, None, start, end) for exercise, start, end in blocks]
        return [s.transition for s in mark_transitions(segments, max_transition_s=5.0, min_exercise_s=2.0)]

    assert marked(4.0) == [False, True, False]
    assert marked(6.0) == [False, False, False]
    monkeypatch.setitem(EXERCISES, "wall_sit", replace(wall_sit, kind="lunge", stretch=False))
    assert marked(4.0) == [False, False, False]  # not a standing pose: not the stance between


def test_a_stretch_is_held(wall_sit: Exercise, monkeypatch: pytest.MonkeyPatch) -> None:
    """The voice says "good, hold" and the hold's progress, and the HTML report gives the
    longest hold against the target, for a stretch; a pose that is only checked (the standing
    posture) gets neither: `Exercise.stretch`, declared in the exercise's module."""
    module = sys.modules["posecheck.exercises.wall_sit"]

    def held() -> tuple[bool, str]:
        report, timer = Report(source="wall.mp4", lang="en"), HoldTimer(target_s=30.0)
        for i in range(60):
            result = assess(module.wall_sit_pose(0.0), S)
            hold = timer.update(result.all_pass, result.front_side, i / 10)
            report.add(result, i / 10, hold)
        analysis = SimpleNamespace(assessment=result, hold=hold, cue_key=None, verdict_at=0.0)
        (block,) = blocks(report, report.summary(complete=True))
        return moment_of(analysis).held, summary_sentence(report, block, "en")

    voice, sentence = held()
    assert voice and "held 6 s of 30 in good form" in sentence, sentence
    monkeypatch.setitem(EXERCISES, "wall_sit", replace(wall_sit, stretch=False))
    voice, sentence = held()
    assert not voice and "in good form 100 % of the time" in sentence, sentence


def test_a_routine_step_of_an_exercise_with_a_front_leg_names_its_side(
    wall_sit: Exercise, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert parse_steps(["wall_sit"], EXERCISES) == (Step("wall_sit"),)
    with pytest.raises(ValueError, match="wall_sit has no side"):
        parse_steps(["wall_sit left"], EXERCISES)
    monkeypatch.setitem(EXERCISES, "wall_sit", replace(wall_sit, has_front_leg=True))
    assert parse_steps(["wall_sit left"], EXERCISES) == (Step("wall_sit", "left"),)
    with pytest.raises(ValueError, match="needs a front side"):
        parse_steps(["wall_sit"], EXERCISES)


def test_repetitions_are_counted_for_an_exercise_that_declares_a_reps_check(
    wall_sit: Exercise, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The routine with ``--reps`` counts repetitions of the value of the exercise's own
    `reps_check` (the press-up's ``chest_lifted``), for any exercise that declares one."""
    assert {e.id: e.reps_check for e in EXERCISES.values() if e.reps_check} == {
        "prone_press_up": "chest_lifted"
    }

    def run() -> Routine:
        routine = Routine(steps=parse_steps(["wall_sit"], EXERCISES), reps=2, setup_s=0.0, countdown_s=0.0)
        down = RoutineInput(in_form=False, cue="thighs_level.fail", values={"thighs_level": 5.0})
        up = RoutineInput(in_form=True, cue="all_good", values={"thighs_level": 30.0})
        for i, frame in enumerate([down] * 5 + [up] * 3 + [down] * 3 + [up] * 3):
            routine.update(frame, i / 10)
        return routine

    held = run()
    assert not held.done and held.summary()["steps"][0]["held_s"] > 0  # no reps_check: a hold
    monkeypatch.setitem(EXERCISES, "wall_sit", replace(wall_sit, reps_check="thighs_level"))
    counted = run()
    assert counted.done and counted.summary()["steps"] == [
        {"exercise": "wall_sit", "side": None, "reps": 2, "reps_target": 2, "complete": True}
    ]


def test_without_it_the_four_exercises_judge_as_before() -> None:
    assert "wall_sit" not in EXERCISES
    assert text("wall_sit") == "wall_sit"
    assert "max_wall_sit_thigh_tilt_deg" not in config.DECLARED
