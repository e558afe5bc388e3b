"""What a frame analysis produces: one `CheckResult` per check, gathered in an `Assessment`.

These are plain data.  Text for people comes from `posecheck.messages` at the edge
(`Assessment.to_dict(lang=...)`, the renderer), so the same result can be shown in
English or Dutch.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal

from posecheck.landmarks import Landmark, Side
from posecheck.messages import Lang, lookup, text

Status = Literal["pass", "fail", "unknown"]
View = Literal["side", "front"]
# Cues of a check that the current camera view does not allow: the other view's checks, which
# do not hold up the verdict while this view's were judged (`Assessment.all_pass`).
VIEW_CUES = ("turn_sideways", "face_camera")
# Every cue asking to turn; "turn_more_sideways" is a side-view check just beyond the side view
# that the view could not settle (`rules.Rule.evaluate`): it holds up the verdict.
TURN_CUES = (*VIEW_CUES, "turn_more_sideways")


ThresholdKind = Literal["max", "min", "max_abs"]
# How a value was measured, so the overlay, plots and reports draw it without guessing:
#   vertical / horizontal: a segment's angle from the image vertical / horizontal;
#   joint: the interior angle at the middle of three points;
#   past_straight: at the middle of three points, the angle past straight (from the first
#       segment's continuation), e.g. a knee locked back;
#   trunk_line: a segment's angle from the trunk line continued (hip extension);
#   floor_line: an angle or height against the floor line through the toes and the hands;
#   floor: a height above the floor under the front foot;
#   ankle_vertical: a horizontal offset from the vertical through the ankle (plumb line);
#   shoulder: a horizontal offset ahead of the shoulder (hand position);
#   back_line: a depth behind the line touching the back's outline (hollow back), drawn
#       from `CheckResult.drawn`.
Reference = Literal[
    "vertical",
    "horizontal",
    "joint",
    "past_straight",
    "trunk_line",
    "floor_line",
    "floor",
    "ankle_vertical",
    "shoulder",
    "back_line",
]


@dataclass(frozen=True)
class Threshold:
    """A pass limit as a number: ``v <= value`` (max), ``v >= value`` (min) or
    ``|v| <= value`` (max_abs).  ``prefix`` words an informative limit (``"easier if "``)."""

    kind: ThresholdKind
    value: float
    prefix: str = ""

    def margin(self, measured: float) -> float:
        """How far ``measured`` is inside the limit (>= 0 passes), in its unit."""
        if self.kind == "max_abs":
            return self.value - abs(measured)
        if self.kind == "max":
            return self.value - measured
        return measured - self.value

    def lines(self) -> tuple[float, ...]:
        """The values where the verdict changes, to draw: ``(-12, 12)`` for ``|v| <= 12``."""
        return (-self.value, self.value) if self.kind == "max_abs" else (self.value,)

    def text(self) -> str:
        """The limit in the result format's words, e.g. ``"|v| <= 12"``."""
        sign = {"max_abs": "|v| <=", "max": "v <=", "min": "v >="}[self.kind]
        return f"{self.prefix}{sign} {self.value:g}"


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one check on one frame.

    Attributes:
        id: check id, e.g. ``"front_knee_over_ankle"``.
        status: ``pass``, ``fail`` or ``unknown``.
        value: the measured value (NaN when unknown), in ``unit``.
        unit: ``"deg"`` or ``"ratio"`` (a length relative to a body segment).
        threshold: the pass limit as a number (`Threshold`); `limit` renders it.
        cue: message key in `posecheck.messages`; says what to correct (or what is right).
        level: an informative grade for checks that never fail (``hand_position``).
        points: landmarks the measurement used, for drawing it: two for a segment
            angle, three for a joint angle (vertex in the middle).
        informative: True for checks that never fail and do not gate the hold timer.
        required: False for a check whose ``unknown`` does not hold up the verdict while other
            checks were judged (``hollow_back``: loose clothing may hide the back's outline).
        drawn: pixel points of a measure taken on the silhouette, for the overlay;
            ``hollow_back`` gives (upper touch, lower touch, deepest point, its foot on the line).
        baseline: the person's own neutral the value is relative to (live baseline), or NaN.
        margin: how far the value is inside the pass region, in ``unit`` (negative when
            failing, NaN when unknown); the debouncer uses it for hysteresis.
        reference: how the value was measured (`Reference`): the line it is measured
            from, or the joint.
    """

    id: str
    status: Status
    value: float
    unit: str
    threshold: Threshold
    cue: str
    level: str | None = None
    points: tuple[Landmark, ...] = ()
    informative: bool = False
    margin: float = float("nan")
    reference: Reference = "joint"
    required: bool = True
    drawn: tuple[tuple[float, float], ...] = ()
    baseline: float = float("nan")

    @property
    def limit(self) -> str:
        """The pass condition in words (the result format's ``limit``), e.g. ``"|v| <= 12"``."""
        return self.threshold.text()

    def to_dict(self, lang: Lang = "en") -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "status": self.status,
            "value": round(self.value, 3) if math.isfinite(self.value) else None,
            "unit": self.unit,
            "limit": self.limit,
            "message": text(self.cue, lang),
        }
        if self.level is not None:
            data["level"] = self.level
        if math.isfinite(self.baseline):
            data["baseline"] = round(self.baseline, 3)  # value and limit are relative to it
        return data


@dataclass(frozen=True)
class Assessment:
    """Everything posecheck concluded about one frame."""

    person_found: bool
    exercise: str | None = None
    view: View | None = None
    front_side: Side | None = None
    checks: tuple[CheckResult, ...] = field(default_factory=tuple)
    # Why no exercise could be judged (a message key), e.g. "no_person" or "turn_sideways".
    note: str | None = None
    # Landmarks judged misplaced and ignored although the model saw them (`metrics.misplaced_leg`);
    # the overlay draws them as hidden.
    unseen: tuple[Landmark, ...] = ()
    # The exercise's check ids, most worth telling first (`Exercise.cue_order`).
    cue_order: tuple[str, ...] = ()

    def check(self, check_id: str) -> CheckResult | None:
        return next((c for c in self.checks if c.id == check_id), None)

    def _gating(self) -> list[CheckResult]:
        """Checks that decide the verdict now: not informative, and not waiting for the other
        camera view while checks of this view were judged (standing posture has side-view and
        front-view checks; a side-view snapshot is complete without the front ones), nor an
        unknown check that is not ``required`` while others were judged."""
        judged = any(c.status != "unknown" for c in self.checks if not c.informative)
        return [
            c
            for c in self.checks
            if not c.informative
            and not (judged and c.status == "unknown" and (c.cue in VIEW_CUES or not c.required))
        ]

    @property
    def all_pass(self) -> bool:
        """True when every gating check passes: the stretch is held in correct form."""
        gating = self._gating()
        return bool(gating) and all(c.status == "pass" for c in gating)

    def main_cue(self) -> str | None:
        """The one message key most worth saying now."""
        if not self.person_found:
            return "no_person"
        if self.note is not None:
            return self.note
        rank = {check_id: i for i, check_id in enumerate(self.cue_order)}
        by_priority = sorted(self._gating(), key=lambda c: rank.get(c.id, len(rank)))
        for wanted in ("fail", "unknown"):
            for check in by_priority:
                if check.status == wanted:
                    return check.cue
        if not self.checks:
            return None
        own = f"all_good.{self.exercise}"  # an exercise may word its all-good its own way
        return own if lookup(own) is not None else "all_good"

    def to_dict(self, lang: Lang = "en", **extra: Any) -> dict[str, Any]:
        """The result format of PRODUCT.md; ``extra`` (source, model, time_s) goes first."""
        data: dict[str, Any] = dict(extra)
        data.update(
            person_found=self.person_found,
            exercise=self.exercise,
            view=self.view,
            front_side=self.front_side,
            checks=[c.to_dict(lang) for c in self.checks],
        )
        cue = self.main_cue()
        data["cue"] = text(cue, lang) if cue else None
        return data
