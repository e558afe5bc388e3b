"""``posecheck routine``: the physiotherapy programme as a guided session.

Kneeling lunge left and right, standing lunge left and right, prone press-up (the steps and
their order can be set in ``--config`` under ``[routine]``).  For each: where to place the
camera and how to stand (said and shown), a get-ready countdown, then a hold of the target
time counted only in correct form (or ``--reps N`` press-ups), rest and "switch legs"; at
the end a summary, spoken, shown and in ``--report``.

It runs the live session (`posecheck.commands.live.run_session`) with the routine's step
logic (`posecheck.routine`) in front of the voice and the overlay.
"""

from __future__ import annotations

import argparse
import logging
import math
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from posecheck.commands.common import add_common_arguments
from posecheck.errors import UsageError
from posecheck.messages import text

log = logging.getLogger(__name__)

EXAMPLE_CONFIG = """\
[routine]
steps = ["kneeling_lunge left", "kneeling_lunge right", "standing_lunge left",
         "standing_lunge right", "prone_press_up"]
"""


def add_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    from posecheck.commands.live import add_session_arguments

    parser = subparsers.add_parser(
        "routine",
        help="a guided stretch routine with spoken cues (webcam or a video file as camera)",
        description=(
            "Guides you through kneeling lunge left and right, standing lunge left and right and the "
            "prone press-up: camera placement and how to stand, a countdown, a hold counted only in "
            "correct form, rest and 'switch legs', then a summary. Steps and their order: "
            "[routine] steps = [...] in --config. Keys as in live; q ends early."
        ),
    )
    add_common_arguments(parser, exercise=False)
    add_session_arguments(parser)
    parser.add_argument(
        "--hold", type=float, metavar="SECONDS", help="hold target per step (default: hold_target_s, 30)"
    )
    parser.add_argument(
        "--reps",
        type=int,
        metavar="N",
        help=(
            "do the counted exercises (the prone press-up) as N repetitions instead of a hold "
            "(default: routine_reps, 0 = hold)"
        ),
    )
    parser.set_defaults(run=run)


def load_steps(config: str | None) -> tuple[Any, ...]:
    """The steps from ``[routine] steps`` in the config file, or the default programme."""
    from posecheck.exercises import EXERCISES
    from posecheck.routine import DEFAULT_STEPS, parse_steps

    if config is None:
        return DEFAULT_STEPS
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    try:
        table = tomllib.loads(Path(config).read_text(encoding="utf-8")).get("routine", {})
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return DEFAULT_STEPS  # load_settings has already said what is wrong with the file
    if not isinstance(table, dict) or "steps" not in table:
        return DEFAULT_STEPS
    steps = table["steps"]
    if not isinstance(steps, list):
        raise UsageError(f'{config}: [routine] steps must be a list, e.g. steps = ["kneeling_lunge left"]')
    try:
        return parse_steps(steps, EXERCISES)
    except ValueError as error:
        raise UsageError(f"{config}: {error}") from None


class RoutineSession:
    """Feeds the routine from the live loop: steps the analyzer through the exercises, speaks
    the routine's words, and puts the step on the overlay (`posecheck.commands.live.SessionHooks`)."""

    def __init__(self, routine: Any, analyzer: Any, outputs: Any, voice: Any, stop: Any) -> None:
        self.routine = routine
        self.analyzer = analyzer
        self.outputs = outputs
        self.voice = voice
        self.stop = stop
        self.finished = False
        self._step = routine.step
        analyzer.exercise = self._step.exercise

    def on_analysis(self, analysis: Any) -> Any:
        from posecheck.routine import RoutineInput

        routine = self.routine
        t = analysis.frame.timestamp_s
        frame = RoutineInput(
            in_form=analysis.assessment.all_pass,
            side=analysis.assessment.front_side,
            cue=analysis.cue_key,
            values={check.id: check.value for check in analysis.assessment.checks},
            voice_idle=self.voice is None or self.voice.idle_at(t),
            verdict_at=analysis.verdict_at,
        )
        said = routine.update(frame, t)
        if self.voice is not None and said:
            self.voice.say(said, t)
        if routine.step is not self._step and routine.step is not None:
            self._step = routine.step
            self.analyzer.exercise = routine.step.exercise
        if routine.done and not self.finished:
            self.finished = True
            self.stop.set()  # the voice says the summary before the session closes
        return replace(
            analysis, status_line=self.status_line(t), cue_key=self.banner(analysis), hold=self.hold(analysis)
        )

    def hold(self, analysis: Any) -> Any:
        """While holding, the hold box shows the routine's count (this step's seconds in correct
        form, the other side's from its step), not the free-running live timer; else none."""
        from types import MappingProxyType

        from posecheck.temporal import HoldState

        routine = self.routine
        step = routine.step
        if step is None or routine.counts_reps or routine.phase != "hold":
            return None
        per_side = {"left": 0.0, "right": 0.0}
        for result in routine.results:
            if result.step.exercise == step.exercise and result.step.side in per_side:
                per_side[result.step.side] = result.held_s
        held = routine.results[routine.index].held_s
        return HoldState(
            current_s=held,
            side=step.side,
            active=True,
            in_form=analysis.hold.in_form,
            longest_s=MappingProxyType(per_side),
            total_s=MappingProxyType(dict(per_side)),
            target_s=routine.hold_s,
            target_reached=held >= routine.hold_s,
        )

    # -- what the overlay shows ---------------------------------------------------------

    def _lang(self) -> Any:
        return self.outputs.lang

    def step_title(self) -> str:
        step = self.routine.step
        if step is None:
            return text("routine.finished", self._lang())
        name = text(step.exercise, self._lang())
        title = name[:1].upper() + name[1:]
        if step.side:
            title += ", " + text(f"routine.side.{step.side}", self._lang())
        return f"{self.routine.index + 1}/{len(self.routine.steps)} {title}"

    def status_line(self, t: float) -> str:
        routine, lang = self.routine, self._lang()
        parts = [self.step_title()]
        if routine.phase == "countdown":
            parts.append(f"{text('routine.get_ready', lang)} {math.ceil(routine.remaining_s(t))}")
        elif routine.phase == "hold":
            result = routine.results[routine.index]
            if routine.counts_reps:
                parts.append(text("routine.reps_goal", lang).format(n=f"{result.reps} / {routine.reps}"))
            else:
                parts.append(f"{math.floor(result.held_s)} / {routine.hold_s:.0f} s")
        elif routine.phase == "rest":
            parts.append(f"{text('routine.rest', lang)} {math.ceil(routine.remaining_s(t))} s")
        return " · ".join(parts)

    def banner(self, analysis: Any) -> str | None:
        """The cue banner: the instruction while setting up, the correction while holding."""
        routine, lang = self.routine, self._lang()
        step = routine.step
        if routine.phase == "setup" and step is not None:
            # The status line names the step: the banner keeps the placement and the stance.
            return text(f"routine.setup.{step.exercise}", lang).split(". ", 1)[-1]
        if routine.phase == "countdown":
            goal = (
                text("routine.reps_goal", lang).format(n=routine.reps)
                if routine.counts_reps
                else text("routine.hold_goal", lang).format(n=f"{routine.hold_s:.0f}")
            )
            return f"{text('routine.get_ready', lang)} {goal}"
        if routine.phase == "rest":
            nxt = routine.step
            done = routine.steps[routine.index - 1] if routine.index > 0 else None
            if nxt is not None and done is not None and nxt.exercise == done.exercise:
                return text("routine.switch_legs", lang)
            if nxt is not None:
                return text("routine.next", lang).format(exercise=text(nxt.exercise, lang))
        if routine.phase == "done":
            return text("routine.finished", lang)
        return analysis.cue_key  # type: ignore[no-any-return]

    def tags(self) -> list[str]:
        if self.voice is None:
            return []
        return [text("window.voice_off" if self.voice.muted else "window.voice_on", self._lang())]

    def extra(self) -> dict[str, Any]:
        return self.routine.summary()


def summary_lines(summary: dict[str, Any], lang: Any) -> list[str]:
    """The routine's summary as lines of text (stderr, and the report)."""
    lines = []
    for step in summary["steps"]:
        name = text(step["exercise"], lang)
        if step.get("side"):
            name += f", {text(step['side'], lang)}"
        if "reps" in step:
            lines.append(f"{name}: {step['reps']} / {step['reps_target']}")
        else:
            lines.append(f"{name}: {step['held_s']:.0f} / {step['target_s']:.0f} s")
    return lines


def run(args: argparse.Namespace) -> int:
    from posecheck.commands.live import run_session
    from posecheck.config import load_settings
    from posecheck.routine import Routine
    from posecheck.voice import VoiceCoach

    settings = load_settings(args.config)
    steps = load_steps(args.config)
    hold = settings.hold_target_s if args.hold is None else args.hold
    reps = int(settings.routine_reps) if args.reps is None else args.reps
    if not 1.0 <= hold <= 3600.0:
        raise UsageError(f"--hold {hold:g} is out of range; give 1 to 3600 seconds")
    if not 0 <= reps <= 1000:
        raise UsageError(f"--reps {reps} is out of range; give 0 (hold) to 1000")
    session: list[RoutineSession] = []

    def make_hooks(analyzer: Any, outputs: Any, voice: Any, stop: Any, settings: Any) -> RoutineSession:
        coach = VoiceCoach(
            fault_persist_s=settings.voice_fault_persist_s,
            repeat_s=settings.voice_repeat_s,
            progress_every_s=settings.voice_progress_every_s,
            good_after_s=settings.voice_good_after_s,
        )
        routine = Routine(
            steps,
            hold_s=hold,
            reps=reps,
            setup_s=settings.routine_setup_s,
            countdown_s=settings.routine_countdown_s,
            rest_s=settings.routine_rest_s,
            coach=coach,
            rep_thresholds=(settings.rep_up_deg, settings.rep_down_deg),
        )
        session.append(RoutineSession(routine, analyzer, outputs, voice, stop))
        return session[0]

    code = run_session(args, "routine", make_hooks)
    if session:
        summary = session[0].routine.summary()
        for line in summary_lines(summary, args.lang):
            print(f"posecheck: {line}", file=sys.stderr)
    return code
