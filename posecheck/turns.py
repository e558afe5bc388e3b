"""A second look at a photo whose landmarks do not fit the person.

MediaPipe's pose model is trained mostly on upright people.  On someone lying on the floor
(the prone press-up) it sometimes puts the legs where the arms are, or off the body.  The
person-segmentation mask it returns alongside is far more robust, so it tells us when the
landmarks are wrong: `silhouette_fit` scores how well the skeleton and the silhouette agree.
When a photo scores low, `detect_best` runs the model again on the photo mirrored, turned
a quarter each way and zoomed out, maps each answer back to the photo, and keeps the one
that fits best with its joints seen (`seen_fit`).

Pure NumPy: the model is passed in as a function, so this is tested without MediaPipe.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import numpy as np

from posecheck.landmarks import SIDES, SKELETON_EDGES, Landmark, Pose, sided
from posecheck.silhouette import INSIDE

Turn = Literal["none", "mirror", "clockwise", "counterclockwise", "zoomed_out"]
TURNS: tuple[Turn, ...] = ("none", "mirror", "clockwise", "counterclockwise", "zoomed_out")

# Landmark index -> index of the same body part on the other side (a mirror swaps them).
_MIRRORED = np.array(
    [Landmark[lm.name.replace("LEFT", "@").replace("RIGHT", "LEFT").replace("@", "RIGHT")] for lm in Landmark]
)
_GRID_CELLS = 160  # the silhouette is sampled on a grid this many cells along its long side
_POINTS_PER_EDGE = 9
_NEAR_SKELETON_TORSOS = 0.35  # a silhouette pixel this close to a bone (in torso lengths) is explained
_BODY_JOINTS = [
    sided(side, part) for side in SIDES for part in ("shoulder", "elbow", "wrist", "hip", "knee", "ankle")
]
# Zoomed out = this fraction of the long side added on every side, edge pixels repeated.  The
# pose detector places its crop badly on a person who fills the photo or touches its edge
# (a head cut off at the top, feet at the side); room around them fixes that.  On three of the
# four dev photos (and mirrors) with misplaced legs, margins of 0.2-0.35 raised the fit from
# 0.46-0.80 to 0.90-0.97; repeated edges did so more reliably than a grey or black frame.
_ZOOM_OUT_MARGIN = 0.25


def zoom_out_margin(width: int, height: int) -> int:
    """Pixels added on each side of a width x height photo to zoom it out."""
    return round(_ZOOM_OUT_MARGIN * max(width, height))


def turn_image(image: np.ndarray, turn: Turn) -> np.ndarray:
    """The image mirrored left-right, turned 90 degrees (clockwise = top goes right), or
    zoomed out (`zoom_out_margin` repeated edge pixels around it)."""
    if turn == "zoomed_out":
        margin = zoom_out_margin(image.shape[1], image.shape[0])
        border = ((margin, margin), (margin, margin)) + ((0, 0),) * (image.ndim - 2)
        return np.pad(image, border, mode="edge")
    if turn == "mirror":
        turned = image[:, ::-1]
    elif turn == "clockwise":
        turned = np.rot90(image, k=-1)
    elif turn == "counterclockwise":
        turned = np.rot90(image, k=1)
    else:
        return image
    return np.ascontiguousarray(turned)


def _turn_back_xy(xy: np.ndarray, turn: Turn, width: int, height: int) -> np.ndarray:
    """Pixel coordinates in the turned image -> coordinates in the original (width x height)."""
    if turn == "zoomed_out":
        return xy - zoom_out_margin(width, height)
    x, y = xy[:, 0], xy[:, 1]
    if turn == "mirror":
        return np.stack([width - x, y], axis=1)
    if turn == "clockwise":  # original (x, y) went to (height - y, x)
        return np.stack([y, height - x], axis=1)
    if turn == "counterclockwise":  # original (x, y) went to (y, width - x)
        return np.stack([width - y, x], axis=1)
    return xy


def _turn_back_mask(mask: np.ndarray, turn: Turn, width: int, height: int) -> np.ndarray:
    if turn == "zoomed_out":
        margin = zoom_out_margin(width, height)
        return np.ascontiguousarray(mask[margin : margin + height, margin : margin + width])
    if turn == "mirror":
        return np.ascontiguousarray(mask[:, ::-1])
    if turn == "clockwise":
        return np.ascontiguousarray(np.rot90(mask, k=1))
    if turn == "counterclockwise":
        return np.ascontiguousarray(np.rot90(mask, k=-1))
    return mask


def _turn_back_world(world: np.ndarray, turn: Turn) -> np.ndarray:
    """World landmarks (camera axes x right, y down) of the turned image -> the original's axes."""
    x, y, z = world[:, 0], world[:, 1], world[:, 2]
    if turn == "mirror":
        return np.stack([-x, y, z], axis=1)
    if turn == "clockwise":  # a direction (x, y) went to (-y, x)
        return np.stack([y, -x, z], axis=1)
    if turn == "counterclockwise":  # a direction (x, y) went to (y, -x)
        return np.stack([-y, x, z], axis=1)
    return world


def pose_turned_back(pose: Pose, turn: Turn, image_size: tuple[int, int]) -> Pose:
    """A pose found in `turn_image(image, turn)` expressed in the original image, whose
    (width, height) is `image_size`.

    A mirror also swaps left and right: the person's left hand looks like a right hand in the
    mirrored photo, so the model names it right.
    """
    if turn == "none":
        return pose
    width, height = image_size
    xy = _turn_back_xy(pose.xy, turn, width, height)
    visibility = pose.visibility
    world = _turn_back_world(pose.world, turn) if pose.world is not None else None
    if turn == "mirror":
        xy, visibility = xy[_MIRRORED], visibility[_MIRRORED]
        world = world[_MIRRORED] if world is not None else None
    mask = _turn_back_mask(pose.mask, turn, width, height) if pose.mask is not None else None
    return Pose(
        xy=xy,
        visibility=visibility,
        image_size=(width, height),
        timestamp_s=pose.timestamp_s,
        mask=mask,
        world=world,
    )


def _distance_to_segment(points: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    ab = b - a
    length_sq = float(ab @ ab)
    t = np.zeros(len(points)) if length_sq == 0.0 else np.clip((points - a) @ ab / length_sq, 0.0, 1.0)
    return np.linalg.norm(points - (a + t[:, None] * ab), axis=1)


def silhouette_fit(pose: Pose) -> float:
    """How well the skeleton and the person's silhouette agree, from 0 to 1; NaN without a mask.

    The product of two fractions: of the points along the bones, those inside the silhouette
    (a leg drawn off the body scores low), and of the silhouette, the part near a bone (a leg
    left out, e.g. drawn on top of the arms, leaves the real leg unexplained).
    """
    mask = pose.mask
    if mask is None:
        return float("nan")
    height, width = mask.shape[:2]
    shoulders = np.nanmean(pose.xy[[Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER]], axis=0)
    hips = np.nanmean(pose.xy[[Landmark.LEFT_HIP, Landmark.RIGHT_HIP]], axis=0)
    torso = float(np.linalg.norm(shoulders - hips))
    step = max(1, round(max(height, width) / _GRID_CELLS))
    rows, columns = np.nonzero(mask[::step, ::step] >= INSIDE)
    if not np.isfinite(torso) or torso == 0.0 or rows.size == 0:
        return 0.0
    person = (np.stack([columns, rows], axis=1) + 0.5) * step
    nearest = np.full(len(person), np.inf)
    inside = []
    for start, end in SKELETON_EDGES:
        a, b = pose.xy[start], pose.xy[end]
        if not (np.isfinite(a).all() and np.isfinite(b).all()):
            continue
        for point in a + np.linspace(0.0, 1.0, _POINTS_PER_EDGE)[:, None] * (b - a):
            x, y = int(point[0]), int(point[1])
            inside.append(0 <= x < width and 0 <= y < height and mask[y, x] >= INSIDE)
        nearest = np.minimum(nearest, _distance_to_segment(person, a, b))
    if not inside:
        return 0.0
    explained = float(np.mean(nearest < _NEAR_SKELETON_TORSOS * torso))
    return float(np.mean(inside)) * explained


def seen_fit(pose: Pose, fit: float | None = None) -> float:
    """`silhouette_fit` (``fit`` when already known) times the mean visibility of the limb and
    trunk joints: a skeleton the model itself marks as unseen explains the silhouette with
    guesses."""
    fit = silhouette_fit(pose) if fit is None else fit
    return fit * float(np.mean(pose.visibility[_BODY_JOINTS]))


def detect_best(
    detect: Callable[[np.ndarray], Pose | None], image: np.ndarray, min_fit: float
) -> Pose | None:
    """The pose `detect` finds in `image`; if it fits the silhouette below `min_fit`, the
    one with the best `seen_fit` of the poses found in the mirrored, turned and zoomed-out
    image as well.

    The first answer is kept on a tie, and whenever no mask is available to judge by.
    """
    first = detect(image)
    if first is None:
        best, best_score = None, -1.0
    else:
        fit = silhouette_fit(first)
        if fit >= min_fit or np.isnan(fit):
            return first
        best, best_score = first, seen_fit(first, fit)
    for turn in TURNS[1:]:
        found = detect(turn_image(image, turn))
        if found is None:
            continue
        candidate = pose_turned_back(found, turn, (image.shape[1], image.shape[0]))
        score = seen_fit(candidate)
        if score > best_score:
            best, best_score = candidate, score
    return best
