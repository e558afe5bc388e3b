"""Prone press-up: lying on the belly, push the chest up with the hands while the pelvis keeps
contact with the floor.  Hands far forward is easier, under the shoulders harder (reported as
an informative level, never a failure)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from posecheck import geometry as geo
from posecheck import metrics as m
from posecheck import silhouette
from posecheck.exercises import Exercise, Match
from posecheck.landmarks import SIDES, BodyPart, Landmark, sided
from posecheck.messages import Texts
from posecheck.metrics import NAN, Body, Measure, Orientation, thigh_length
from posecheck.rules import Limit, Rule, fails_as

if TYPE_CHECKING:
    from posecheck.config import Settings
    from posecheck.landmarks import Pose

# --- measures ----------------------------------------------------------------------------


@dataclass(frozen=True)
class FloorLine:
    """The floor in a lying pose: the line through the toes and the hands (both rest on it)."""

    start: np.ndarray  # at the feet
    end: np.ndarray  # at the hands

    def height(self, point: np.ndarray) -> float:
        """Distance of ``point`` above the line (positive = above, i.e. smaller image y)."""
        d = geo.signed_distance_to_line(point, self.start, self.end)
        # signed_distance is positive on the clockwise side; flip so "above" is positive
        # whichever way the line runs.
        return -d if self.end[0] >= self.start[0] else d


def _best(body: Body, part: BodyPart) -> tuple[np.ndarray, Landmark]:
    """The more visible of the left/right landmark."""
    left, right = sided("left", part), sided("right", part)
    lm = left if body.pose.visibility[left] >= body.pose.visibility[right] else right
    return body.point(lm), lm


def floor_line(body: Body) -> FloorLine | None:
    toe, _ = _best(body, "foot_index")
    if not np.isfinite(toe).all():
        toe, _ = _best(body, "ankle")
    wrist, _ = _best(body, "wrist")
    if not (np.isfinite(toe).all() and np.isfinite(wrist).all()) or geo.distance(toe, wrist) < 1:
        return None
    return FloorLine(toe, wrist)


def chest_lift(body: Body, o: Orientation) -> Measure:
    """Trunk (hip-mid -> shoulder-mid) angle above the floor line (toes to hands), degrees.

    Measured in the sagittal-angle coordinates (`posecheck.metrics.measuring_points`): seen off
    side-on, the image shortens the trunk's and the floor line's forward parts and the trunk
    looks steeper than it is.
    """
    floor = floor_line(body)
    hip, shoulder = body.mid("hip", o.near), body.mid("shoulder", o.near)
    points = (sided(o.near, "hip"), sided(o.near, "shoulder"))
    # Without feet and hands to find the floor, the image horizontal stands in for it.
    along = floor.end - floor.start if floor is not None else np.array([o.facing or 1.0, 0.0])
    angle = abs(geo.signed_angle(body.sag_vector(along), body.sag_vector(shoulder - hip)))
    return Measure(angle, points)


def pelvis_height(body: Body, o: Orientation) -> Measure:
    """Hip joint centre above the floor line, in thigh lengths."""
    floor = floor_line(body)
    hip_lm = sided(o.near, "hip")
    if floor is None:
        return Measure(NAN, (hip_lm,))
    return Measure(geo.ratio(floor.height(body.mid("hip", o.near)), thigh_length(body)), (hip_lm,))


def knee_lift(body: Body, o: Orientation) -> Measure:
    """The more visible knee's height above the floor line, in thigh lengths."""
    floor = floor_line(body)
    knee, knee_lm = _best(body, "knee")
    if floor is None:
        return Measure(NAN, (knee_lm,))
    return Measure(geo.ratio(floor.height(knee), thigh_length(body)), (knee_lm,))


# How far (in thigh lengths) from a hand or foot landmark to look for its silhouette.
FLOOR_CONTACT_SEARCH_THIGHS = 0.25


def _floor_under_midline(
    body: Body, mask: np.ndarray, parts: tuple[BodyPart, ...], towards_x: float, reach: float
) -> np.ndarray | None:
    """Where the floor meets the silhouette under the body's midline at the hands or the feet:
    the mean of the floor contacts (`silhouette.floor_contact`) at the left and the right
    landmark of the first of ``parts`` seen on either side (image x, y); None when the mask
    shows neither."""
    for part in parts:
        points = body.seen_points(part)
        if points:
            contacts = np.array([silhouette.floor_contact(mask, p[0], towards_x, reach) for p in points])
            found = contacts[np.isfinite(contacts[:, 1])]
            return found.mean(axis=0) if len(found) else None
    return None


def pelvis_gap(body: Body, o: Orientation) -> Measure:
    """Background between the underside of the pelvis/thighs and the floor, in thigh lengths.

    The floor is the line under the body's midline from the feet to the hands: through the mean
    of the silhouette's floor contacts at the left and right toes (ankles when no toe is seen)
    and the mean of those at the left and right wrists (both rest on the floor).  Seen from a
    raised camera, floor points nearer the camera lie lower in the picture; the near hand, set
    wider than the hips, would put the line under the floor beneath the thighs.  In each image
    column from the near hip to the near knee, the gap is the floor height minus the lowest
    person pixel, and the measure is their median: ~0 when the thighs lie on the floor; in an
    upward dog the floor shows under them, most near the hip (the knees often stay low).  The
    median passes over the few columns at the hip where a cobra's rounded belly lifts the
    silhouette.  Uses the MediaPipe segmentation mask.
    """
    mask = body.pose.mask
    floor = floor_line(body)
    hip_lm, knee_lm = sided(o.near, "hip"), sided(o.near, "knee")
    hip, knee = body.point(hip_lm), body.point(knee_lm)
    if mask is None or floor is None or not (np.isfinite(hip).all() and np.isfinite(knee).all()):
        return Measure(NAN, (hip_lm, knee_lm))
    reach = FLOOR_CONTACT_SEARCH_THIGHS * thigh_length(body)
    feet = _floor_under_midline(body, mask, ("foot_index", "ankle"), floor.end[0], reach)
    hands = _floor_under_midline(body, mask, ("wrist",), floor.start[0], reach)
    if feet is None or hands is None or abs(hands[0] - feet[0]) < 1:
        return Measure(NAN, (hip_lm, knee_lm))
    gaps = []
    for t in np.linspace(0.0, 1.0, 11):
        x = hip[0] + t * (knee[0] - hip[0])
        gap = silhouette.gap_under(mask, x, feet, hands)
        if np.isfinite(gap):
            gaps.append(max(gap, 0.0))
    if not gaps:
        return Measure(NAN, (hip_lm, knee_lm))
    return Measure(geo.ratio(float(np.median(gaps)), thigh_length(body)), (hip_lm, knee_lm))


def elbow_angle(body: Body, o: Orientation) -> Measure:
    """Near elbow angle shoulder-elbow-wrist; 180 = straight arm."""
    points = (sided(o.near, "shoulder"), sided(o.near, "elbow"), sided(o.near, "wrist"))
    return Measure(geo.joint_angle(*(body.point(p) for p in points)), points)


def hand_reach(body: Body, o: Orientation) -> Measure:
    """Wrist ahead of the shoulder (towards the head), in upper-arm lengths."""
    side = o.near
    shoulder_lm, elbow_lm, wrist_lm = sided(side, "shoulder"), sided(side, "elbow"), sided(side, "wrist")
    shoulder, elbow, wrist = body.point(shoulder_lm), body.point(elbow_lm), body.point(wrist_lm)
    upper_arm = geo.distance(shoulder, elbow)
    return Measure(geo.ratio(o.facing * (wrist[0] - shoulder[0]), upper_arm), (shoulder_lm, wrist_lm))


def _pelvis_on_floor(body: Body, o: Orientation) -> Measure:
    """Evidence that the pelvis/thighs are lifted off the floor, in thigh lengths.

    The direct evidence is the background gap under the thighs in the segmentation mask
    (`metrics.pelvis_gap`).  An upward dog lifts the pelvis on straight arms; with bent elbows
    a gap under the thighs is mostly the rounded belly of a cobra, so a bent-arm gap counts
    only in proportion ``max_pelvis_gap_ratio / max_pelvis_gap_bent_arms_ratio``.  Without a
    mask the knee height and hip height above the floor line stand in, each scaled so that
    its own limit maps onto the gap limit.  Compared with ``max_pelvis_gap_ratio``.
    """
    s = body.settings
    limit = s.max_pelvis_gap_ratio
    gap = pelvis_gap(body, o)
    if gap.known:
        elbow = elbow_angle(body, o).value
        arms_bent = bool(np.isfinite(elbow) and elbow < s.min_straight_elbow_deg)
        scale = limit / s.max_pelvis_gap_bent_arms_ratio if arms_bent else 1.0
        return Measure(gap.value * scale, gap.points)
    knee, height = knee_lift(body, o), pelvis_height(body, o)
    evidence = [
        knee.value * limit / s.max_knee_lift_ratio if knee.known else float("nan"),
        height.value * limit / s.max_pelvis_height_ratio if height.known else float("nan"),
    ]
    known = [v for v in evidence if np.isfinite(v)]
    return Measure(max(known) if known else float("nan"), height.points)


# --- checks ------------------------------------------------------------------------------

PELVIS_ON_FLOOR = Rule(
    "pelvis_on_floor",
    _pelvis_on_floor,
    "ratio",
    "floor_line",
    Limit("max_pelvis_gap_ratio", "max"),
    fail_cue=fails_as("pelvis_on_floor.fail"),
    fail_cues=("pelvis_on_floor.fail",),
    settings=(
        "max_pelvis_gap_bent_arms_ratio",
        "min_straight_elbow_deg",
        "max_knee_lift_ratio",
        "max_pelvis_height_ratio",
    ),
)
CHEST_LIFTED = Rule(
    "chest_lifted",
    chest_lift,
    "deg",
    "floor_line",
    Limit("min_chest_lift_deg", "min"),
    fail_cue=fails_as("chest_lifted.fail"),
    fail_cues=("chest_lifted.fail",),
)
HAND_POSITION = Rule(
    "hand_position",
    hand_reach,
    "ratio",
    "shoulder",
    Limit("min_easy_hand_reach_ratio", "min", prefix="easier if "),
    fail_cue=fails_as("hand_position.harder"),
    fail_cues=(),
    informative=True,
    levels=("easier", "harder"),
)

MESSAGES: dict[str, Texts] = {
    "prone_press_up": {"en": "prone press-up", "nl": "opdrukken in buiklig"},
    "pelvis_on_floor": {"en": "Pelvis on floor", "nl": "Bekken op de grond"},
    "pelvis_on_floor.pass": {
        "en": "Pelvis stays on the floor.",
        "nl": "Je bekken maakt contact met de grond.",
    },
    "pelvis_on_floor.fail": {
        "en": "Keep your pelvis on the floor: bend the elbows or move the hands forward.",
        "nl": "Houd je bekken op de grond: buig je ellebogen of zet je handen meer naar voren.",
    },
    "chest_lifted": {"en": "Chest lifted", "nl": "Borst omhoog"},
    "chest_lifted.pass": {"en": "Chest is lifted.", "nl": "Je borst is omhoog gedrukt."},
    "chest_lifted.fail": {
        "en": "Push your chest up with your hands.",
        "nl": "Duw jezelf met je handen omhoog.",
    },
    "hand_position": {"en": "Hand position", "nl": "Handpositie"},
    "hand_position.easier": {
        "en": "Hands far forward: the easier variant.",
        "nl": "Handen ver naar voren: de makkelijkere variant.",
    },
    "hand_position.harder": {
        "en": "Hands under the shoulders: the harder variant.",
        "nl": "Handen onder je schouders: de moeilijkere variant.",
    },
    # what the routine says to set up, and when a chosen exercise clearly is not being done
    "routine.setup.prone_press_up": {
        "en": "Prone press-up. Place the camera low and level, on the floor, about three metres to your side. "
        "Lie on your belly, hands beside your shoulders.",
        "nl": "Opdrukken in buiklig. Zet de camera laag en waterpas op de grond, ongeveer drie meter naast je. "
        "Ga op je buik liggen, handen naast je schouders.",
    },
    "mismatch.prone_press_up": {
        "en": "This does not look like a prone press-up.",
        "nl": "Dit lijkt niet op opdrukken in buiklig.",
    },
    # for the HTML report: what each check measures, and what a failing stretch of it means
    "measure.pelvis_on_floor": {
        "en": "gap between pelvis and floor, in thigh lengths",
        "nl": "ruimte tussen bekken en vloer, in bovenbeenlengtes",
    },
    "event.pelvis_on_floor": {
        "en": "the pelvis came off the floor {times}",
        "nl": "het bekken kwam {times} los van de vloer",
    },
    "measure.chest_lifted": {
        "en": "angle of the trunk above the floor",
        "nl": "hoek van de romp boven de vloer",
    },
    "event.chest_lifted": {"en": "the chest sank {times}", "nl": "de borst zakte {times}"},
    "measure.hand_position": {
        "en": "how far the hands are ahead of the shoulders",
        "nl": "hoe ver de handen voor de schouders staan",
    },
}


# --- recognition -------------------------------------------------------------------------


def _thighs_lead(body: m.Body, o: m.Orientation) -> bool:
    """Sitting: the thighs run forward from the hips, the way the face looks (nose ahead of the
    ears).  With the trunk upright and the shins out of the picture, level thighs would pass for
    legs flat on the floor; lying on the front, they trail behind.  Asked only with an upright
    trunk (within ``max_standing_trunk_deg``): lying flat, the face looks down and its direction
    in the picture means little."""
    hip, face = body.mid("hip", o.near), m.face_direction(body)
    knees = body.seen_points("knee")
    return bool(face != 0 and knees and all(np.sign(k[0] - hip[0]) == face for k in knees))


def _propped_on_hands(body: m.Body, o: m.Orientation, trunk_from_vertical_deg: float) -> bool:
    """Chest up on the hands with the hips down at hand level, judged from the upper body alone.

    Used when the legs are not all seen: the model often loses legs lying flat on the floor
    (feet towards the camera, dark trousers); the trunk and arms still show a press-up:
    shoulders above the hips, hands below the shoulders (holding them up) and ahead of the
    hips on the side of the head, hips hardly higher than the hands.  Hands raised overhead
    (a chair pose) hold nothing up, and a leg that is seen reaching far below the hips stands
    on the floor: a person standing with the trunk leaning back (a sway back, the far leg
    hidden) has hands hanging behind the hips just as they would be planted.
    """
    s = body.settings
    hip, shoulder = body.mid("hip", o.near), body.mid("shoulder", o.near)
    wrists = body.seen_points("wrist")
    trunk = geo.distance(hip, shoulder)
    legs_seen = body.seen(*(sided(side, part) for side in SIDES for part in ("knee", "ankle")))
    if legs_seen or not wrists or not np.isfinite(trunk) or shoulder[1] >= hip[1]:
        return False
    if m.legs_stand(body, o):
        return False
    wrist = max(wrists, key=lambda w: w[1])  # the lower hand rests on the floor
    holds_up = wrist[1] > shoulder[1]
    head_side = np.sign(shoulder[0] - hip[0])
    hands_ahead = head_side != 0 and np.sign(wrist[0] - hip[0]) == head_side
    hip_above_hands = geo.ratio(wrist[1] - hip[1], trunk)
    return bool(
        holds_up
        and hands_ahead
        and trunk_from_vertical_deg >= s.min_propped_trunk_deg
        and hip_above_hands <= s.max_propped_hip_height_ratio
    )


def recognize(body: Body, o: Orientation) -> Match:
    """Lying (a leg flat on the floor, or the upper body propped on the hands with the hips at
    hand level; trunk off vertical): a prone press-up when the chest is lifted or the pelvis
    is low; a straight body held high (plank, chaturanga) is no exercise at all."""
    s = body.settings
    trunk = m.trunk_from_vertical(body, o)
    legs_down = m.legs_lying(body, s.max_lying_legs_deg) and m.hips_low(body, o)
    legs_down = legs_down and not (trunk <= s.max_standing_trunk_deg and _thighs_lead(body, o))
    propped = not legs_down and _propped_on_hands(body, o, trunk)
    if not (trunk >= s.min_lying_trunk_deg and (legs_down or propped)):
        return Match.NO
    # The hands hold the chest up: a chest raised with the arms stretched out ahead in the air
    # (superman, locust) is lifted by the back alone.
    chest_up = chest_lift(body, o).value >= s.min_chest_lift_deg and _hand_below_shoulders(body, o)
    pelvis = pelvis_height(body, o).value
    # No floor line (feet hidden): propped means the hips are at hand level.
    pelvis_low = pelvis < s.min_plank_pelvis_height_ratio if np.isfinite(pelvis) else propped
    # With the chest still down, only hands planted to push make it the press-up (about to
    # lift); lying with the arms stretched forward or raised is another pose.
    return Match.YES if chest_up or (pelvis_low and _hands_planted(body, o)) else Match.NOTHING


def _hand_below_shoulders(body: Body, o: Orientation) -> bool:
    """A seen hand lower in the picture than the shoulders (on the floor, holding them up); true
    when no hand is seen, as the model often loses hands under a lifted chest."""
    shoulder = body.mid("shoulder", o.near)
    seen = body.seen_points("wrist")
    return not seen or any(w[1] > shoulder[1] for w in seen)


def _hands_planted(body: Body, o: Orientation) -> bool:
    """A hand on the floor where it can push the chest up: below the shoulders and at most
    ``max_planted_hand_reach_ratio`` upper arms ahead of them (towards the head)."""
    shoulder, hip = body.mid("shoulder", o.near), body.mid("hip", o.near)
    head_side = np.sign(shoulder[0] - hip[0])
    arms = [
        geo.distance(body.point(sided(side, "shoulder")), body.point(sided(side, "elbow"))) for side in SIDES
    ]
    upper_arm = float(np.nanmax(arms)) if np.isfinite(arms).any() else NAN
    for side in SIDES:
        wrist = body.point(sided(side, "wrist"))
        reach = geo.ratio(head_side * (wrist[0] - shoulder[0]), upper_arm)
        if wrist[1] > shoulder[1] and reach <= body.settings.max_planted_hand_reach_ratio:
            return True
    return False


def examples(s: Settings) -> dict[str, tuple[Pose, Pose]]:
    from posecheck.synth.body import make_pose, prone_press_up

    chest, hands = s.min_chest_lift_deg, s.min_easy_hand_reach_ratio
    return {
        # Without a mask the hip and knee heights above the floor line stand in for the gap.
        "pelvis_on_floor": (
            make_pose(prone_press_up(25.0, pelvis_lift_m=0.16)),
            make_pose(prone_press_up(25.0, pelvis_lift_m=0.24)),
        ),
        "chest_lifted": (make_pose(prone_press_up(chest + 6)), make_pose(prone_press_up(chest - 6))),
        "hand_position": (
            make_pose(prone_press_up(30.0, hands_forward=hands + 0.3)),
            make_pose(prone_press_up(30.0, hands_forward=hands - 0.3)),
        ),
    }


EXERCISE = Exercise(
    id="prone_press_up",
    cli_name="prone-press-up",
    description="prone press-up: lying on the belly, the chest pushed up, the pelvis on the floor",
    checks=(PELVIS_ON_FLOOR, CHEST_LIFTED, HAND_POSITION),
    recognize=recognize,
    priority=30,
    cue_order=("pelvis_on_floor", "chest_lifted", "hand_position"),
    messages=MESSAGES,
    examples=examples,
    kind="lying",
    stretch=True,
    reps_check="chest_lifted",
)
