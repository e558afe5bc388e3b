"""How a check turns a measurement into a `CheckResult`: the `Rule` and its `Limit`.

A rule judges one `metrics.Measure`.  Its `Limit` names the setting that holds the threshold
and which side of it passes; from it come the *margin* (how far the value is inside the pass
region, >= 0 passes, in the value's unit; it drives both the verdict and the debouncer's
hysteresis), the threshold as a number and its rendering for the JSON ``limit`` field.  A NaN
measurement, or a view that does not allow the check, gives ``unknown`` with a cue what to
change.  Beyond the side view a side-view check is still judged where its verdict does not
depend on how far the camera's estimated yaw is off (`Rule.evaluate`).  The rules themselves
live with their exercise (`posecheck.exercises`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from posecheck import metrics as m
from posecheck.config import Settings
from posecheck.landmarks import Landmark
from posecheck.results import CheckResult, Reference, Status, Threshold, ThresholdKind

MeasureFn = Callable[[m.Body, m.Orientation], m.Measure]


@dataclass(frozen=True)
class Limit:
    """The pass region of a check: ``v <= t`` (max), ``v >= t`` (min) or ``|v| <= t`` (max_abs),
    where ``t`` is the setting ``setting``.  ``prefix`` words an informative limit
    (``"easier if "``)."""

    setting: str
    kind: ThresholdKind
    prefix: str = ""

    def at(self, settings: Settings) -> Threshold:
        """The limit with its setting's value."""
        return Threshold(self.kind, settings.value(self.setting), self.prefix)

    def threshold(self, settings: Settings) -> float:
        return settings.value(self.setting)

    def margin(self, value: float, settings: Settings) -> float:
        return self.at(settings).margin(value)

    def text(self, settings: Settings) -> str:
        return self.at(settings).text()


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
        reference: how the value is measured (`posecheck.results.Reference`).
        limit: the pass region (its setting holds the threshold).
        fail_cue: value -> message key for a failing value (e.g. knee ahead vs behind).
        fail_cues: every key ``fail_cue`` may give (checked for texts by the registry).
        view: the camera view the check needs ("side" or "front").
        informative: reported, never fails, does not gate the hold timer.
        levels: for informative rules, the grades: the first when the value is inside the
            limit, the second otherwise (``("easier", "harder")``); cue ``<id>.<level>``.
        settings: further settings the measure itself reads (besides the limit's).
        unknown_cues: the keys a not measurable `Measure` may give as its ``cue`` (besides
            ``not_visible``), checked for texts like the fail cues.
        required: False when the check's ``unknown`` should not hold up the verdict while the
            other checks were judged (`CheckResult.required`).
    """

    id: str
    measure: MeasureFn
    unit: str
    reference: Reference
    limit: Limit
    fail_cue: Callable[[float], str]
    fail_cues: tuple[str, ...]
    view: str = "side"
    informative: bool = False
    levels: tuple[str, str] | None = None
    settings: tuple[str, ...] = ()
    unknown_cues: tuple[str, ...] = ()
    required: bool = True

    def cue_keys(self) -> tuple[str, ...]:
        """Every message key this rule may give besides its label."""
        if self.levels is not None:
            return tuple(f"{self.id}.{level}" for level in self.levels)
        return (f"{self.id}.pass", *self.fail_cues, *self.unknown_cues)

    def evaluate(self, body: m.Body, orientation: m.Orientation) -> CheckResult:
        threshold = self.limit.at(body.settings)
        if orientation.view is not None and orientation.view != self.view:
            if self.view == "side":
                return self._oblique(body, orientation, threshold)
            return self._result("unknown", float("nan"), threshold, "face_camera")
        return self._judge(body, orientation, threshold)

    def _oblique(self, body: m.Body, orientation: m.Orientation, threshold: Threshold) -> CheckResult:
        """A side-view check beyond the side view: judged when the verdict holds for every yaw
        the estimate may be off by (`metrics.Body.oblique`).  Else 'turn a little more sideways'
        where the view may still be a side view: unlike 'turn sideways' (the other view's
        checks, `Assessment.all_pass`) it holds up the verdict, as the check may fail.  Beyond
        that, 'turn sideways'."""
        if not body.oblique:
            return self._result("unknown", float("nan"), threshold, "turn_sideways")
        results = [self._judge(seen, orientation, threshold) for seen in body.oblique]
        verdicts = {(r.status, r.level) for r in results}
        if len(verdicts) == 1 and results[0].status != "unknown":
            # the value at the estimate; silhouette points were not taken on these pictures
            return replace(results[len(results) // 2], drawn=())
        return self._result("unknown", float("nan"), threshold, "turn_more_sideways")

    def _judge(self, body: m.Body, orientation: m.Orientation, threshold: Threshold) -> CheckResult:
        measure = self.measure(body, orientation)
        if not measure.known:
            return self._result(
                "unknown",
                float("nan"),
                threshold,
                measure.cue or "not_visible",
                points=measure.points,
                drawn=measure.drawn,
            )
        value = measure.value
        margin = threshold.margin(value)
        if self.levels is not None:  # informative: a grade, never a failure
            level = self.levels[0] if margin >= 0 else self.levels[1]
            return self._result(
                "pass",
                value,
                threshold,
                f"{self.id}.{level}",
                points=measure.points,
                margin=float("inf"),
                level=level,
            )
        status: Status = "pass" if margin >= 0 else "fail"
        cue = f"{self.id}.pass" if status == "pass" else self.fail_cue(value)
        return self._result(
            status, value, threshold, cue, points=measure.points, margin=margin, drawn=measure.drawn
        )

    def _result(
        self,
        status: Status,
        value: float,
        threshold: Threshold,
        cue: str,
        *,
        points: tuple[Landmark, ...] = (),
        margin: float = float("nan"),
        level: str | None = None,
        drawn: tuple[tuple[float, float], ...] = (),
    ) -> CheckResult:
        return CheckResult(
            self.id,
            status,
            value,
            self.unit,
            threshold,
            cue,
            level=level,
            points=points,
            informative=self.informative or level is not None,
            margin=margin,
            reference=self.reference,
            required=self.required,
            drawn=drawn,
        )
