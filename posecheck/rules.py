"""How a check turns a measurement into a `CheckResult`: the `Rule` and its `Limit`.

A rule judges one `metrics.Measure`.  Its `Limit` names the setting that holds the threshold
and which side of it passes; from it come the *margin* (how far the value is inside the pass
region, >= 0 passes, in the value's unit; it drives both the verdict and the debouncer's
hysteresis), the threshold as a number and its rendering for the JSON ``limit`` field.  A NaN
measurement, or a view that does not allow the check, gives ``unknown`` with a cue what to
change.  The rules themselves live with their exercise (`posecheck.exercises`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from posecheck import metrics as m
from posecheck.config import Settings
from posecheck.results import CheckResult, Status

MeasureFn = Callable[[m.Body, m.Orientation], m.Measure]
LimitKind = Literal["max", "min", "max_abs"]


@dataclass(frozen=True)
class Limit:
    """The pass region of a check: ``v <= t`` (max), ``v >= t`` (min) or ``|v| <= t`` (max_abs),
    where ``t`` is the setting ``setting``.  ``prefix`` words an informative limit
    (``"easier if "``)."""

    setting: str
    kind: LimitKind
    prefix: str = ""

    def threshold(self, settings: Settings) -> float:
        return settings.value(self.setting)

    def margin(self, value: float, settings: Settings) -> float:
        t = self.threshold(settings)
        if self.kind == "max_abs":
            return t - abs(value)
        if self.kind == "max":
            return t - value
        return value - t

    def text(self, settings: Settings) -> str:
        t = self.threshold(settings)
        sign = {"max_abs": "|v| <=", "max": "v <=", "min": "v >="}[self.kind]
        return f"{self.prefix}{sign} {t:g}"


def fails_as(cue: str) -> Callable[[float], str]:
    """A ``fail_cue`` that always gives ``cue``."""
    return lambda _value: cue


@dataclass(frozen=True)
class Rule:
    """One check.

    Attributes:
        id: check id (also the message key of its label).
        measure: the measurement it judges.
        unit: "deg" or "ratio".
        limit: the pass region (its setting holds the threshold).
        fail_cue: value -> message key for a failing value (e.g. knee ahead vs behind).
        fail_cues: every key ``fail_cue`` may give (checked for texts by the registry).
        view: the camera view the check needs ("side" or "front").
        informative: reported, never fails, does not gate the hold timer.
        levels: for informative rules, the grades: the first when the value is inside the
            limit, the second otherwise (``("easier", "harder")``); cue ``<id>.<level>``.
        settings: further settings the measure itself reads (besides the limit's).
    """

    id: str
    measure: MeasureFn
    unit: str
    limit: Limit
    fail_cue: Callable[[float], str]
    fail_cues: tuple[str, ...]
    view: str = "side"
    informative: bool = False
    levels: tuple[str, str] | None = None
    settings: tuple[str, ...] = ()

    def level(self, value: float, settings: Settings) -> str | None:
        if self.levels is None:
            return None
        return self.levels[0] if self.limit.margin(value, settings) >= 0 else self.levels[1]

    def cue_keys(self) -> tuple[str, ...]:
        """Every message key this rule may give besides its label."""
        if self.levels is not None:
            return tuple(f"{self.id}.{level}" for level in self.levels)
        return (f"{self.id}.pass", *self.fail_cues)

    def evaluate(self, body: m.Body, orientation: m.Orientation) -> CheckResult:
        settings = body.settings
        limit = self.limit.text(settings)
        if orientation.view is not None and orientation.view != self.view:
            cue = "turn_sideways" if self.view == "side" else "face_camera"
            return CheckResult(
                self.id, "unknown", float("nan"), self.unit, limit, cue, informative=self.informative
            )
        measure = self.measure(body, orientation)
        if not measure.known:
            return CheckResult(
                self.id,
                "unknown",
                float("nan"),
                self.unit,
                limit,
                "not_visible",
                points=measure.points,
                informative=self.informative,
            )
        value = measure.value
        level = self.level(value, settings)
        if level is not None:
            return CheckResult(
                self.id,
                "pass",
                value,
                self.unit,
                limit,
                f"{self.id}.{level}",
                level=level,
                points=measure.points,
                informative=True,
                margin=float("inf"),
            )
        margin = self.limit.margin(value, settings)
        status: Status = "pass" if margin >= 0 else "fail"
        cue = f"{self.id}.pass" if status == "pass" else self.fail_cue(value)
        return CheckResult(
            self.id,
            status,
            value,
            self.unit,
            limit,
            cue,
            points=measure.points,
            informative=self.informative,
            margin=margin,
        )
