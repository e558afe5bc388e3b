"""Standing posture snapshot.  From the side: forward head, sway back (plumb line) and knees
locked back; from the front: level shoulders and hips.  Checks the view does not allow are
``unknown`` with a cue to turn."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from posecheck import geometry as geo
from posecheck import metrics as m
from posecheck import silhouette
from posecheck.exercises import Exercise, Match
from posecheck.exercises._hollow_back import HOLLOW_BACK_STANDING, hollow_examples
from posecheck.exercises._hollow_back import MESSAGES as HOLLOW_BACK_MESSAGES
from posecheck.landmarks import SIDES, BodyPart, sided
from posecheck.messages import Texts
from posecheck.metrics import NAN, Body, Measure, Orientation, leg_length

if TYPE_CHECKING:
    from posecheck.config import Settings
    from posecheck.landmarks import Pose
from posecheck.rules import Limit, Rule, fails_as

# --- measures ----------------------------------------------------------------------------


def neck_tilt(body: Body, o: Orientation) -> Measure:
    """Shoulder centre -> ear centre from vertical; positive = head ahead of the shoulders.

    The head sits on the cervical spine, which rises midway between the shoulders: the
    midpoints of both ears and of both shoulders (`Body.sag_mid`; the one seen where the other
    is hidden) do not move when the trunk turns a little towards or away from the camera
    while the head stays side-on, or when one shoulder rolls forward, whereas the near
    shoulder alone then slides back or forward past the ear.  Side-on the two coincide.  Both
    midpoints lie in the body's mid-plane, so the view undone of the camera's yaw
    (`metrics.measuring_points`) gives the neck's forward lean as seen side-on, where the image
    shrinks it by the cosine of the yaw (30 deg reads 24 at 40 deg of yaw).
    """
    shoulder, ear = sided(o.near, "shoulder"), sided(o.near, "ear")
    tilt = geo.tilt_from_vertical(body.sag_mid("shoulder", o.near), body.sag_mid("ear", o.near), o.facing)
    return Measure(tilt, (shoulder, ear))


def plumb_offset(body: Body, o: Orientation) -> Measure:
    """Sway back: how far the hip lies ahead of the line from the ankle to the shoulder, in
    leg lengths (negative = behind it).

    Standing well, ankle, hip and shoulder are stacked; in a sway back the pelvis is pushed
    forward while the upper back leans back behind it, so the hip bows out ahead of the line
    joining the two ends.  Measured at right angles to that line, it does not change when
    the camera is tilted or the whole body leans.
    """
    side = o.near
    ankle_lm, hip_lm, shoulder_lm = sided(side, "ankle"), sided(side, "hip"), sided(side, "shoulder")
    ankle, hip, shoulder = (body.point(lm) for lm in (ankle_lm, hip_lm, shoulder_lm))
    # signed_distance is positive on the clockwise side of the upward ankle->shoulder line:
    # image-right, which is ahead for a person facing right.
    # Without a facing, ahead and behind cannot be told apart: unknown, not a made-up 0.
    ahead = o.facing * geo.signed_distance_to_line(hip, ankle, shoulder) if o.facing else NAN
    return Measure(geo.ratio(ahead, leg_length(body, side)), (ankle_lm, hip_lm, shoulder_lm))


def knee_hyperextension(body: Body, o: Orientation) -> Measure:
    """How far the near knee bends backwards past straight, degrees (+ = knee behind the hip-ankle line)."""
    side = o.near
    points = (sided(side, "hip"), sided(side, "knee"), sided(side, "ankle"))
    hip, knee, ankle = (body.point(p) for p in points)
    bend = 180.0 - geo.joint_angle(hip, knee, ankle)
    # Which side of the hip->ankle line is the knee on?  Behind = against the facing direction.
    side_of_line = geo.signed_distance_to_line(knee, hip, ankle)
    # hip->ankle points down; the clockwise (positive) side of a downward line is image-left,
    # which is behind a person facing image-right.
    # Without a facing, forward and backward cannot be told apart: unknown, not "bent forward".
    behind = o.facing * np.sign(side_of_line) if np.isfinite(side_of_line) and o.facing else NAN
    sign = 1.0 if behind > 0 else -1.0
    return Measure(sign * bend if np.isfinite(bend) and np.isfinite(behind) else NAN, points)


def line_tilt(body: Body, part: BodyPart) -> Measure:
    """Tilt of the left-right line of ``part`` (shoulder/hip) from horizontal (front view)."""
    left, right = sided("left", part), sided("right", part)
    return Measure(geo.tilt_from_horizontal(body.point(left), body.point(right)), (left, right))


# --- checks ------------------------------------------------------------------------------

FORWARD_HEAD = Rule(
    "forward_head",
    neck_tilt,
    "deg",
    "vertical",
    Limit("max_neck_tilt_deg", "max"),
    fail_cue=fails_as("forward_head.fail"),
    fail_cues=("forward_head.fail",),
)
PLUMB_LINE = Rule(
    "plumb_line",
    plumb_offset,
    "ratio",
    "ankle_vertical",
    Limit("max_plumb_offset_ratio", "max_abs"),
    fail_cue=fails_as("plumb_line.fail"),
    fail_cues=("plumb_line.fail",),
)
KNEE_HYPEREXTENSION = Rule(
    "knee_hyperextension",
    knee_hyperextension,
    "deg",
    "past_straight",
    Limit("max_knee_hyperextension_deg", "max"),
    fail_cue=fails_as("knee_hyperextension.fail"),
    fail_cues=("knee_hyperextension.fail",),
)
SHOULDERS_LEVEL = Rule(
    "shoulders_level",
    lambda body, o: line_tilt(body, "shoulder"),
    "deg",
    "horizontal",
    Limit("max_level_tilt_deg", "max"),
    fail_cue=fails_as("shoulders_level.fail"),
    fail_cues=("shoulders_level.fail",),
    view="front",
)
HIPS_LEVEL = Rule(
    "hips_level",
    lambda body, o: line_tilt(body, "hip"),
    "deg",
    "horizontal",
    Limit("max_level_tilt_deg", "max"),
    fail_cue=fails_as("hips_level.fail"),
    fail_cues=("hips_level.fail",),
    view="front",
)

MESSAGES: dict[str, Texts] = {
    "standing_posture": {"en": "standing posture", "nl": "stahouding"},
    "all_good.standing_posture": {"en": "Good posture.", "nl": "Goede stahouding."},
    "forward_head": {"en": "Head over shoulders", "nl": "Hoofd boven schouders"},
    "forward_head.pass": {"en": "Head is above the shoulders.", "nl": "Je hoofd staat boven je schouders."},
    "forward_head.fail": {
        "en": "Head pokes forward: pull your chin in and lengthen your neck.",
        "nl": "Je hoofd steekt naar voren: trek je kin in en maak je nek lang.",
    },
    "plumb_line": {"en": "Plumb line", "nl": "Schietlood"},
    "plumb_line.pass": {
        "en": "Shoulder and hip are in line above the ankle.",
        "nl": "Schouder en heup staan in lijn boven je enkel.",
    },
    "plumb_line.fail": {
        "en": "Hips or shoulders drift off the line above the ankle (sway back): stand tall, navel in lightly.",
        "nl": "Heupen of schouders staan uit de lijn boven je enkel (sway back): sta actief, buikspieren licht aangespannen.",
    },
    "knee_hyperextension": {"en": "Knees not locked back", "nl": "Knieën niet overstrekt"},
    "knee_hyperextension.pass": {"en": "Knees are not locked back.", "nl": "Je knieën zijn niet overstrekt."},
    "knee_hyperextension.fail": {
        "en": "Knees are pushed back: unlock them slightly.",
        "nl": "Je knieën zijn overstrekt: ontspan ze een klein beetje.",
    },
    "shoulders_level": {"en": "Shoulders level", "nl": "Schouders recht"},
    "shoulders_level.pass": {"en": "Shoulders are level.", "nl": "Je schouders staan recht."},
    "shoulders_level.fail": {
        "en": "One shoulder is higher: level them.",
        "nl": "Eén schouder staat hoger: breng ze gelijk.",
    },
    "hips_level": {"en": "Hips level", "nl": "Heupen recht"},
    "hips_level.pass": {"en": "Hips are level.", "nl": "Je heupen staan recht."},
    "hips_level.fail": {
        "en": "One hip is higher: stand evenly on both feet.",
        "nl": "Eén heup staat hoger: sta gelijkmatig op beide voeten.",
    },
    # what the routine says to set up, and when a chosen exercise clearly is not being done
    "routine.setup.standing_posture": {
        "en": "Standing posture. Place the camera level at hip height, about three metres to your side. "
        "Stand tall, sideways to the camera.",
        "nl": "Stahouding. Zet de camera waterpas op heuphoogte, ongeveer drie meter naast je. "
        "Sta rechtop, zijwaarts naar de camera.",
    },
    "mismatch.standing_posture": {
        "en": "This does not look like standing upright.",
        "nl": "Dit lijkt niet op rechtop staan.",
    },
    # for the HTML report: what each check measures, and what a failing stretch of it means
    "measure.forward_head": {
        "en": "angle from shoulder to ear, from vertical",
        "nl": "hoek van schouder naar oor ten opzichte van de verticaal",
    },
    "event.forward_head": {"en": "the head poked forward {times}", "nl": "het hoofd stak {times} naar voren"},
    "measure.plumb_line": {
        "en": "shoulder and hip off the line above the ankle, in leg lengths",
        "nl": "afstand van schouder en heup tot de lijn boven de enkel, in beenlengtes",
    },
    "event.plumb_line": {
        "en": "hips or shoulders drifted off the plumb line {times}",
        "nl": "heupen of schouders stonden {times} uit het lood",
    },
    "measure.knee_hyperextension": {
        "en": "knee pushed back beyond straight",
        "nl": "knie voorbij gestrekt naar achteren geduwd",
    },
    "event.knee_hyperextension": {
        "en": "the knees were pushed back {times}",
        "nl": "de knieën waren {times} overstrekt",
    },
    "measure.shoulders_level": {
        "en": "tilt of the line through the shoulders",
        "nl": "helling van de schouderlijn",
    },
    "event.shoulders_level": {
        "en": "one shoulder was higher {times}",
        "nl": "één schouder stond {times} hoger",
    },
    "measure.hips_level": {"en": "tilt of the line through the hips", "nl": "helling van de heuplijn"},
    "event.hips_level": {"en": "one hip was higher {times}", "nl": "één heup stond {times} hoger"},
}


# --- recognition -------------------------------------------------------------------------


def legs_leave_the_picture(body: Body, o: Orientation) -> bool:
    """The thighs hang straight down out of the bottom of the picture (a photo cut off at the
    thighs): the silhouette runs from the hip joints down to the bottom edge, at least
    ``min_cut_off_thigh_trunk_ratio`` trunk lengths.

    Seated, the body ends a quarter of a trunk below the hip joints (buttocks, then the seat)
    and the thighs run forward; standing, they run down.  Uses the segmentation mask: without
    it, or when a column under the hips shows background, False.
    """
    mask = body.pose.mask
    hip, shoulder = body.mid("hip", o.near), body.mid("shoulder", o.near)
    trunk = geo.distance(hip, shoulder)
    if mask is None or not (np.isfinite(hip).all() and trunk > 0):
        return False
    height, width = mask.shape[:2]
    top = max(round(hip[1]), 0)
    if height - top < body.settings.min_cut_off_thigh_trunk_ratio * trunk:
        return False
    edge = CUT_OFF_EDGE_TRUNKS * trunk  # the mask's last rows are often blurred
    for dx in (0.0, -0.1 * trunk, 0.1 * trunk):  # under the hips, or just behind or ahead
        column = round(hip[0] + dx)
        if not 0 <= column < width:
            continue
        person = np.flatnonzero(mask[top:, column] >= silhouette.INSIDE)
        if person.size and person.size >= 0.95 * (height - top) and height - 1 - (top + person.max()) <= edge:
            return True
    return False


# How close (in trunk lengths) to the bottom edge the silhouette under the hips must reach.
CUT_OFF_EDGE_TRUNKS = 0.05


def recognize(body: Body, o: Orientation) -> Match:
    """Standing upright on straight legs with the feet together, the legs reaching down from the
    hips; or, in a photo cut off at the thighs (no knee angle measurable), upright with the
    thighs hanging down out of the picture (`legs_leave_the_picture`): the head, shoulders and
    trunk can still be judged."""
    s = body.settings
    knees = [
        geo.joint_angle(*(body.point(sided(side, part)) for part in ("hip", "knee", "ankle")))
        for side in SIDES
    ]
    known_knees = [k for k in knees if np.isfinite(k)]
    upright = m.trunk_from_vertical(body, o) <= s.max_standing_trunk_deg
    if not known_knees:
        return Match.YES if upright and legs_leave_the_picture(body, o) else Match.NO
    knee_ys = [body.point(sided(side, "knee"))[1] for side in SIDES]
    knee_gap = geo.ratio(abs(knee_ys[0] - knee_ys[1]), m.thigh_length(body))
    standing = (
        upright
        and min(known_knees) >= s.min_standing_knee_deg
        # In a side view the far ankle is often hidden: then the stance is unknown, not wide.
        and not m.stance_ratio(body) > s.max_standing_stance_ratio
        # A raised leg (tree pose) lifts its knee even when its ankle is hidden.
        and not knee_gap > s.max_standing_knee_gap_ratio
        # Lying with the chest pushed up steeply (a deep cobra, or a camera not held level)
        # has an upright trunk and straight legs too, but the legs stay at hip height.
        and m.legs_stand(body, o)
        # A leg the model drew where no leg is (a lunge's far leg drawn between the legs) leaves
        # the stance unknown: the one leg left standing straight is no sign of feet together.
        and not body.misplaced_legs
    )
    return Match.YES if standing else Match.NO


def examples(s: Settings) -> dict[str, tuple[Pose, Pose]]:
    from dataclasses import replace

    from posecheck.synth.body import Camera, make_pose, standing

    front = Camera(yaw_deg=90.0, orthographic=True)
    neck, plumb, knee, level = (
        s.max_neck_tilt_deg,
        s.max_plumb_offset_ratio,
        s.max_knee_hyperextension_deg,
        s.max_level_tilt_deg,
    )

    def rolled(shoulders: float = 0.0, hips: float = 0.0) -> Pose:
        return make_pose(replace(standing(), shoulder_roll_deg=shoulders, pelvis_roll_deg=hips), camera=front)

    return {
        "forward_head": (make_pose(standing(neck - 4)), make_pose(standing(neck + 4))),
        "plumb_line": (make_pose(standing(sway=plumb - 0.04)), make_pose(standing(sway=plumb + 0.04))),
        "knee_hyperextension": (
            make_pose(standing(knee_hyperextension_deg=knee - 3)),
            make_pose(standing(knee_hyperextension_deg=knee + 3)),
        ),
        "shoulders_level": (rolled(shoulders=level - 2), rolled(shoulders=level + 2)),
        "hips_level": (rolled(hips=level - 2), rolled(hips=level + 2)),
        "hollow_back": hollow_examples(standing(), s.max_lumbar_depth_ratio),
    }


EXERCISE = Exercise(
    id="standing_posture",
    cli_name="standing-posture",
    description="standing posture: forward head, plumb line and knees from the side; level shoulders and hips from the front",
    checks=(HOLLOW_BACK_STANDING, FORWARD_HEAD, PLUMB_LINE, KNEE_HYPEREXTENSION, SHOULDERS_LEVEL, HIPS_LEVEL),
    recognize=recognize,
    priority=40,
    # A hollow back (anterior pelvic tilt) is what the seed text says to watch standing.
    cue_order=(
        "hollow_back",
        "plumb_line",
        "forward_head",
        "knee_hyperextension",
        "shoulders_level",
        "hips_level",
    ),
    messages={**HOLLOW_BACK_MESSAGES, **MESSAGES},
    examples=examples,
    kind="standing",
)
