"""``hollow_back``: the lumbar hollow of the back's outline, judged in standing posture and in
both lunges (sagging into a hollow back while stretching).

The measure is `posecheck.lumbar.back_curve` on the person-segmentation mask: the depth of
the lower back behind the line touching the thoracic and sacral/buttock curves, in trunk
lengths.  Standing it is compared with a published norm (``max_lumbar_depth_ratio``), in the
lunges with ``max_lunge_lumbar_depth_ratio``; after a live baseline the change from the
person's own neutral is judged instead (`relative_to_neutral`).  When the outline cannot be
read (no mask, a front view, loose clothing, hair or arms over the back) the check is
``unknown`` with a cue saying why, and it does not hold up the verdict (``required=False``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from posecheck.landmarks import sided
from posecheck.lumbar import BackCurve, back_curve
from posecheck.messages import Texts
from posecheck.metrics import Body, Measure, Orientation
from posecheck.results import CheckResult, Status, Threshold
from posecheck.rules import Limit, Rule, fails_as

if TYPE_CHECKING:
    from posecheck.config import Settings
    from posecheck.landmarks import Pose
    from posecheck.synth.body import BodyAngles

CHECK_ID = "hollow_back"
# Why the outline could not be read (`BackCurve.problem`) -> the cue.
UNKNOWN_CUES = {
    "no_landmarks": "not_visible",
    "no_mask": "hollow_back.no_outline",
    "no_outline": "hollow_back.no_outline",
    "irregular": "hollow_back.irregular",
    "arms": "hollow_back.arms",
}


def _measure(curve: BackCurve, body: Body, o: Orientation) -> Measure:
    points = (sided(o.near, "hip"), sided(o.near, "shoulder"))
    if not curve.known:
        return Measure(float("nan"), points, cue=UNKNOWN_CUES[curve.problem or "no_outline"])
    drawn = tuple((float(p[0]), float(p[1])) for p in (curve.upper, curve.lower, curve.deepest, curve.foot))
    return Measure(curve.depth_ratio, points, drawn=drawn)


def standing_hollow(body: Body, o: Orientation) -> Measure:
    """Depth of the lumbar hollow standing, in trunk lengths (`posecheck.lumbar`)."""
    return _measure(back_curve(body, o), body, o)


def lunge_hollow(body: Body, o: Orientation) -> Measure:
    """The same in a lunge: the outline starts at the hips, above the rear thigh."""
    return _measure(back_curve(body, o, lunge=True), body, o)


def _rule(measure: Callable[[Body, Orientation], Measure], setting: str, fail_cue: str) -> Rule:
    return Rule(
        CHECK_ID,
        measure,
        "ratio",
        "back_line",
        Limit(setting, "max"),
        fail_cue=fails_as(fail_cue),
        fail_cues=(fail_cue,),
        settings=("max_lumbar_jump_ratio",),
        unknown_cues=tuple(sorted(set(UNKNOWN_CUES.values()) - {"not_visible"})),
        required=False,
    )


HOLLOW_BACK_STANDING = _rule(standing_hollow, "max_lumbar_depth_ratio", "hollow_back.fail")
HOLLOW_BACK_LUNGE = _rule(lunge_hollow, "max_lunge_lumbar_depth_ratio", "hollow_back.fail_stretch")

MESSAGES: dict[str, Texts] = {
    "hollow_back": {"en": "No hollow back", "nl": "Geen holle rug"},
    "hollow_back.pass": {"en": "Lower back is not hollow.", "nl": "Je onderrug is niet hol."},
    "hollow_back.fail": {
        "en": "Hollow back: brace your abdominals lightly - pull your navel in and tilt your pelvis under.",
        "nl": "Holle rug: span je buikspieren licht aan - trek je navel in en kantel je bekken terug.",
    },
    "hollow_back.fail_stretch": {
        "en": "Don't sag into a hollow back: pull your navel in and bring your pelvis under.",
        "nl": "Niet doorhangen in je rug: trek je navel in en kantel je bekken terug.",
    },
    "hollow_back.no_outline": {
        "en": "Lower back not visible: stand sideways with your whole back in the picture.",
        "nl": "Je onderrug is niet te zien: sta zijwaarts met je hele rug in beeld.",
    },
    "hollow_back.irregular": {
        "en": "Can't see the shape of your lower back (loose clothing or hair?): wear close-fitting clothes.",
        "nl": "De vorm van je onderrug is niet te zien (losse kleding of haar?): draag nauwsluitende kleding.",
    },
    "hollow_back.arms": {
        "en": "Your arms hide your lower back: keep them in front of you or at your sides.",
        "nl": "Je armen bedekken je onderrug: houd ze voor je of langs je lichaam.",
    },
    "hollow_back.pass_neutral": {
        "en": "Lower back as in your own relaxed stance.",
        "nl": "Je onderrug is als in je eigen ontspannen stand.",
    },
    "hollow_back.fail_neutral": {
        "en": "Hollower than your relaxed stance: pull your navel in and bring your pelvis under.",
        "nl": "Holler dan in je ontspannen stand: trek je navel in en kantel je bekken terug.",
    },
    # for the HTML report: what each check measures, and what a failing stretch of it means
    "measure.hollow_back": {
        "en": "depth of the hollow of the lower back, in trunk lengths",
        "nl": "diepte van de holte in de onderrug, in romplengtes",
    },
    "event.hollow_back": {
        "en": "the lower back sagged into a hollow back {times}",
        "nl": "de onderrug zakte {times} door in een holle rug",
    },
}


def neutral_sample(pose: Pose | None, settings: Settings) -> float:
    """One frame's value for the live baseline: the standing hollow when the person stands,
    seen from the side, else NaN (`posecheck.temporal.NeutralBaseline`)."""
    from posecheck.exercises import Match
    from posecheck.exercises.standing_posture import recognize as standing
    from posecheck.metrics import orientation

    if pose is None:
        return float("nan")
    body = Body(pose, settings)
    o = orientation(body, settings)
    if o.view != "side" or standing(body, o) is not Match.YES:
        return float("nan")
    return standing_hollow(body, o).value


def relative_to_neutral(check: CheckResult, neutral: float, settings: Settings) -> CheckResult:
    """``hollow_back`` judged as the change from the person's own neutral (live baseline).

    The value becomes ``depth - neutral`` (trunk lengths; + = hollower than relaxed) and
    passes up to ``max_lumbar_change_ratio``.  Unknown results and other checks pass through.
    """
    if check.id != CHECK_ID or check.status == "unknown" or not np.isfinite(neutral):
        return check
    change = check.value - neutral
    limit = settings.max_lumbar_change_ratio
    margin = limit - change
    status: Status = "pass" if margin >= 0 else "fail"
    return replace(
        check,
        status=status,
        value=change,
        threshold=Threshold("max", limit),
        cue="hollow_back.pass_neutral" if status == "pass" else "hollow_back.fail_neutral",
        margin=margin,
        baseline=neutral,
    )


# The mannequin's measured depth grows ~1.5 trunk lengths per metre of `lumbar_hollow_m` from
# ~0.067 with none (benchmarks/hollow_back.py): the hollow that renders a wanted depth.
_MANNEQUIN_NEUTRAL_DEPTH = 0.067
_MANNEQUIN_DEPTH_PER_M = 1.5


def mannequin_hollow_m(depth_ratio: float) -> float:
    """`BodyAngles.lumbar_hollow_m` that renders about ``depth_ratio`` on the mannequin."""
    return max(0.0, (depth_ratio - _MANNEQUIN_NEUTRAL_DEPTH) / _MANNEQUIN_DEPTH_PER_M)


def hollow_examples(angles: BodyAngles, limit: float) -> tuple[Pose, Pose]:
    """``angles`` rendered with its true silhouette, hollow just inside and just outside ``limit``."""
    from posecheck.synth.render import masked_pose

    inside, outside = (mannequin_hollow_m(limit + delta) for delta in (-0.03, 0.03))
    return (
        masked_pose(replace(angles, lumbar_hollow_m=inside)),
        masked_pose(replace(angles, lumbar_hollow_m=outside)),
    )
