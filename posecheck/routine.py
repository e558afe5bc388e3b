"""The guided routine (``posecheck routine``): pure step logic, driven by session timestamps.

The physiotherapy programme as a sequence of steps (by default kneeling lunge left and right,
standing lunge left and right, prone press-up).  Each step goes through four phases:

* ``setup`` — where to place the camera and how to stand, said and shown; it lasts at least
  ``setup_s`` and until the voice has finished saying it;
* ``countdown`` — "get ready", then the seconds counted down;
* ``hold`` — seconds in correct form on the step's side are added up until the target (a
  break in form pauses the count, it does not restart it); or, with ``reps``, for an
  exercise that declares a `posecheck.exercises.Exercise.reps_check` (the press-up's
  ``chest_lifted``), repetitions of that check's value counted by `RepCounter`;
* ``rest`` — "switch legs" or "next: ...", then the next step.

After the last step the routine is ``done`` and says the summary.  `Routine.update` is fed
one `RoutineInput` per frame and returns what to say; nothing here reads the clock.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from posecheck.exercises import EXERCISES, reps_check
from posecheck.voice import Moment, Utterance, VoiceCoach

__all__ = [
    "DEFAULT_STEPS",
    "RepCounter",
    "Routine",
    "RoutineInput",
    "Step",
    "parse_steps",
]

# Two frames in correct form at most this far apart count the time between them: a loaded
# machine analyses 4-10 frames a second with gaps of 0.5 s and more; a longer stall adds nothing.
MAX_FRAME_GAP_S = 1.0


@dataclass(frozen=True)
class Step:
    """One exercise of the routine: ``side`` is the front leg of a lunge (None otherwise)."""

    exercise: str
    side: str | None = None

    @property
    def name(self) -> str:
        return self.exercise if self.side is None else f"{self.exercise} {self.side}"


DEFAULT_STEPS: tuple[Step, ...] = (
    Step("kneeling_lunge", "left"),
    Step("kneeling_lunge", "right"),
    Step("standing_lunge", "left"),
    Step("standing_lunge", "right"),
    Step("prone_press_up"),
)


def parse_steps(items: Iterable[str], known: Iterable[str]) -> tuple[Step, ...]:
    """``["kneeling_lunge left", "prone_press_up"]`` -> steps; ValueError names a bad item.

    An exercise with a front leg (`Exercise.has_front_leg`: the lunges) needs its front side;
    the other exercises take none.  Exercise names may use
    dashes (``kneeling-lunge``) as on the command line.
    """
    known = set(known)
    steps = []
    for item in items:
        words = str(item).replace("-", "_").split()
        if not words or words[0] not in known:
            raise ValueError(f"unknown exercise in routine step '{item}'; known: {', '.join(sorted(known))}")
        exercise, rest = words[0], words[1:]
        if exercise in EXERCISES and EXERCISES[exercise].has_front_leg:
            if rest not in (["left"], ["right"]):
                raise ValueError(
                    f"routine step '{item}' needs a front side: '{exercise} left' or '... right'"
                )
            steps.append(Step(exercise, rest[0]))
        elif rest:
            raise ValueError(f"routine step '{item}': {exercise} has no side")
        else:
            steps.append(Step(exercise))
    if not steps:
        raise ValueError("the routine has no steps")
    return tuple(steps)


class RepCounter:
    """Repetitions with hysteresis on a measured angle (the press-up's chest lift: the value
    of its `reps_check`).

    A repetition counts when the value rises past ``up_deg`` after having been down (below
    ``down_deg``: the chest near the floor); it is re-armed only by going down again, so a
    value hovering around one threshold counts once.  Being down between repetitions is part
    of the exercise.  A NaN value (not measured) changes nothing.
    """

    def __init__(self, up_deg: float = 25.0, down_deg: float = 10.0) -> None:
        if down_deg >= up_deg:
            raise ValueError(f"down_deg ({down_deg}) must be below up_deg ({up_deg})")
        self.up_deg = float(up_deg)
        self.down_deg = float(down_deg)
        self.count = 0
        self._down = False  # been near the floor since the last counted repetition
        self.last_t: float | None = None

    def update(self, value_deg: float, timestamp_s: float) -> int:
        value = float(value_deg)
        if math.isnan(value):
            return self.count
        if value <= self.down_deg:
            self._down = True
        elif value >= self.up_deg and self._down:
            self._down = False
            self.count += 1
            self.last_t = float(timestamp_s)
        return self.count


@dataclass(frozen=True)
class RoutineInput:
    """What the routine needs from one analysed frame (steady verdicts).

    Attributes:
        in_form: every gating check passes (`Assessment.all_pass`).
        side: the recognised front side (lunges), None otherwise.
        cue: the overlay's cue key (for spoken corrections during a hold).
        values: each check's measured value (check id -> value); the routine counts the
            repetitions of the step's `reps_check` from it (a missing or NaN value: not seen).
        voice_idle: the voice has said everything queued (setup waits for the instruction).
        verdict_at: wall-clock instant of the verdict (latency figures only).
    """

    in_form: bool
    side: str | None = None
    cue: str | None = None
    values: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    voice_idle: bool = True
    verdict_at: float | None = None


@dataclass
class StepResult:
    step: Step
    held_s: float = 0.0
    reps: int = 0
    complete: bool = False

    def to_dict(self, target_s: float, reps_target: int) -> dict[str, Any]:
        data: dict[str, Any] = {"exercise": self.step.exercise, "side": self.step.side}
        if reps_check(self.step.exercise) and reps_target > 0:
            data.update(reps=self.reps, reps_target=reps_target)
        else:
            data.update(held_s=round(self.held_s, 2), target_s=target_s)
        data["complete"] = self.complete
        return data


@dataclass
class Routine:
    """The guided session.

    Args:
        steps: the exercises in order.
        hold_s: the target hold per step, in correct form.
        reps: > 0: each step whose exercise declares a `reps_check` (the press-up) as this many
            repetitions instead of a hold.
        setup_s, countdown_s, rest_s: phase lengths.
        coach: says corrections and hold progress during a hold.
        rep_thresholds: `RepCounter`'s up and down values (`Settings.rep_up_deg`, ``rep_down_deg``).
    """

    steps: Sequence[Step] = DEFAULT_STEPS
    hold_s: float = 30.0
    reps: int = 0
    setup_s: float = 8.0
    countdown_s: float = 3.0
    rest_s: float = 10.0
    coach: VoiceCoach = field(default_factory=VoiceCoach)
    rep_thresholds: tuple[float, float] = (25.0, 10.0)

    def __post_init__(self) -> None:
        self.index = 0
        self.phase = "setup"
        self.results = [StepResult(step) for step in self.steps]
        self._phase_t: float | None = None  # when the current phase began
        self._last_t: float | None = None
        self._counted = 0  # the last countdown number said
        self._prev_ok = False  # the previous frame counted towards the hold
        self.rep_counter = RepCounter(*self.rep_thresholds)

    # -- what is going on ---------------------------------------------------------------

    @property
    def step(self) -> Step | None:
        return self.steps[self.index] if self.index < len(self.steps) else None

    @property
    def counts_reps(self) -> bool:
        step = self.step
        return step is not None and bool(reps_check(step.exercise)) and self.reps > 0

    @property
    def done(self) -> bool:
        return self.phase == "done"

    def remaining_s(self, t: float) -> float:
        """Seconds left in a timed phase (countdown, rest)."""
        length = {"countdown": self.countdown_s, "rest": self.rest_s}.get(self.phase, 0.0)
        return max(0.0, length - (t - (self._phase_t if self._phase_t is not None else t)))

    def summary(self) -> dict[str, Any]:
        return {
            "steps": [r.to_dict(self.hold_s, self.reps) for r in self.results],
            "complete": all(r.complete for r in self.results),
        }

    # -- the step machine ---------------------------------------------------------------

    def _enter(self, phase: str, t: float) -> None:
        self.phase, self._phase_t, self._counted, self._prev_ok = phase, t, 0, False

    def _utter(self, key: str, t: float, kind: str = "routine", **args: Any) -> Utterance:
        return Utterance(key, t, kind, tuple(sorted(args.items())))

    def _setup_words(self, t: float) -> list[Utterance]:
        step = self.step
        assert step is not None
        side = f"routine.side.{step.side}" if step.side else ""
        return [self._utter(f"routine.setup.{step.exercise}", t, side=side)]

    def _after_step(self, t: float) -> list[Utterance]:
        self.results[self.index].complete = True
        done = self.steps[self.index]
        self.index += 1
        nxt = self.step
        if nxt is None:
            self._enter("done", t)
            return self._summary_words(t)
        self._enter("rest", t)
        self.rep_counter = RepCounter(*self.rep_thresholds)
        self.coach.reset()
        if nxt.exercise == done.exercise:
            return [self._utter("routine.switch_legs", t)]
        return [self._utter("routine.next", t, exercise=nxt.exercise)]

    def _summary_words(self, t: float) -> list[Utterance]:
        words = [self._utter("routine.finished", t)]
        for result in self.results:
            step = result.step
            if reps_check(step.exercise) and self.reps > 0:
                words.append(self._utter("routine.summary_reps", t, exercise=step.exercise, n=result.reps))
            elif step.side is None:
                words.append(
                    self._utter("routine.summary_hold", t, exercise=step.exercise, n=int(result.held_s))
                )
            else:
                words.append(
                    self._utter(
                        "routine.summary_side",
                        t,
                        exercise=step.exercise,
                        side=step.side,
                        n=int(result.held_s),
                    )
                )
        return words

    def update(self, frame: RoutineInput, timestamp_s: float) -> list[Utterance]:
        """Feed one frame; returns what to say now."""
        t = float(timestamp_s)
        dt = 0.0 if self._last_t is None else t - self._last_t
        self._last_t = t
        if self._phase_t is None:
            self._enter("setup", t)
            return self._setup_words(t)
        elapsed = t - self._phase_t
        if self.phase == "setup":
            if elapsed >= self.setup_s and frame.voice_idle:
                self._enter("countdown", t)
                return [self._utter("routine.get_ready", t, "countdown")]
            return []
        if self.phase == "countdown":
            left = math.ceil(self.countdown_s - elapsed - 1e-9)
            if left <= 0:
                self._enter("hold", t)
                self.coach.reset()
                return [self._utter("voice.go", t, "countdown")]
            if self._counted == 0 or left < self._counted:
                self._counted = left
                return [self._utter("voice.count", t, "countdown", n=left)]
            return []
        if self.phase == "hold":
            return self._hold(frame, t, dt)
        if self.phase == "rest":
            if elapsed >= self.rest_s:
                self._enter("setup", t)
                return self._setup_words(t)
            return []
        return []

    def _hold(self, frame: RoutineInput, t: float, dt: float) -> list[Utterance]:
        step = self.step
        assert step is not None
        result = self.results[self.index]
        right_side = step.side is None or frame.side == step.side
        if self.counts_reps:
            before = result.reps
            check = reps_check(step.exercise)
            result.reps = self.rep_counter.update(frame.values.get(check, math.nan), t)
            # Being down between repetitions (lying, for the press-up) is part of the exercise,
            # not a fault to correct.
            cue = None if frame.cue == f"{check}.fail" else frame.cue
            out = self.coach.update(Moment(cue, verdict_at=frame.verdict_at), t)
            last = result.reps >= self.reps
            # The last count and "done" go with the step's end, in order, before what follows.
            kind = "routine" if last else "progress"
            if result.reps > before:
                out.append(Utterance("voice.count", t, kind, (("n", result.reps),), frame.verdict_at))
            if last:
                out.append(Utterance("voice.done", t, "routine", (), frame.verdict_at))
                out += self._after_step(t)
            return out
        ok = frame.in_form and right_side
        if ok and self._prev_ok and 0.0 < dt <= MAX_FRAME_GAP_S:
            result.held_s += dt  # as the hold timer: only between two frames in correct form
        self._prev_ok = ok
        cue = frame.cue if right_side or not frame.in_form else f"routine.wrong_side.{step.side}"
        moment = Moment(
            cue,
            hold_s=result.held_s,
            hold_active=True,
            side=step.side,
            target_s=self.hold_s,
            sided=False,  # "switch legs" is the rest's to say
            verdict_at=frame.verdict_at,
        )
        out = self.coach.update(moment, t)
        if result.held_s >= self.hold_s:
            out += self._after_step(t)
        return out
