"""The lumbar hollow of the back's outline, from the person-segmentation mask ("flèche lombaire").

Clinicians measure a hollow back (lumbar lordosis) from the side with a plumb line that
touches the back at the thoracic curve and at the sacrum: the *flèche lombaire* (lumbar
sagittal arrow) is how far the deepest point of the lower back lies in front of that line.
`lumbar_hollow` does the same on the silhouette:

1. The trunk axis runs from the hip midpoint to the shoulder midpoint (length ``L`` pixels).
   At stations along it (from a little below the hips, where the buttocks are, to just
   below the shoulders) the mask is walked outward from the axis towards the **back**
   (away from the facing direction) until it ends: that is the back's outline.
2. The line touching the outline from behind at the thoracic and the sacral/buttock curves
   is the upper convex hull of those outline points (a bitangent, like the plumb line).
3. The depth of the hollow is the largest distance of the outline in front of that line,
   in the lumbar part of the trunk, divided by ``L``.

Coordinates are image pixels (x right, y down).  ``facing`` is +1 when the person's front
points to image-right, -1 to image-left (`posecheck.metrics.Orientation`).  The outline
positions ``t`` along the trunk are fractions of ``L`` from the hip midpoint (0) to the
shoulder midpoint (1); negative ``t`` is below the hips.

Numpy only.  The result says why it could not measure (`BackCurve.problem`): no mask, an
axis outside the silhouette, or an outline that does not look like a back (loose
clothing, arms or objects behind the back make it jump or bulge far from the trunk).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from posecheck import silhouette
from posecheck.landmarks import SIDES, sided
from posecheck.metrics import Body, Orientation

# Where the outline is sampled along the trunk, in trunk lengths from the hip midpoint.
# Standing, the buttocks' most posterior point lies a little below the hip joint centres, so
# the outline starts below them; in a lunge the rear thigh extends backward from the hip and
# the outline below the hip is the thigh, so it starts at the hips.  The thoracic curve's
# apex (T6-T8) lies about a third of the trunk below the shoulders; above ~0.85 the
# scapulae and arms take over.
STANDING_LOW_T = -0.15
LUNGE_LOW_T = 0.0
OUTLINE_HIGH_T = 0.85
# Outline points per trunk length.
STATIONS_PER_TRUNK = 40
# The lumbar part of the trunk, where the deepest point of the hollow is looked for
# (L1-L5 lie between the iliac crests, ~0.2 above the hip joints, and ~0.55).
LUMBAR_LOW_T = 0.05
LUMBAR_HIGH_T = 0.65
# The outline must reach at least this high for the line to touch the thoracic curve.
MIN_THORACIC_T = 0.6
# How far from the axis the back can plausibly be (the trunk's half-depth is 0.2-0.3 L).
MAX_REACH_RATIO = 0.7
# Fraction of stations that must find an outline.
MIN_OUTLINE_FRACTION = 0.8
MASK_THRESHOLD = silhouette.INSIDE  # the person pixels, as everywhere the mask is read

# An arm whose centre line comes this close (trunk lengths) to the lumbar outline forms the
# outline there: arms behind the back (hands clasped or on the buttocks) hide the hollow.
# A forearm is ~0.14 trunk lengths thick; arms hanging at the sides lie 0.075-0.13 inside
# the back's outline on the dev photos (their back edge inside the back).
ARM_MARGIN_RATIO = 0.05
# A touching point of the line this close (trunk lengths) to an arm's centre line is the arm:
# hands on the hips put the elbows behind the back, and the line would rest on them.  A point
# on an arm's surface lies about its radius (0.07-0.1, more with a sleeve) from its centre
# line; the touching points of a real back lie >= 0.15 from arms hanging at the sides (dev photos).
ARM_TOUCH_RATIO = 0.12
ARM_SAMPLES_PER_SEGMENT = 12

Problem = Literal["no_landmarks", "no_mask", "no_outline", "irregular", "arms"]


@dataclass(frozen=True, eq=False)
class BackCurve:
    """The measured hollow of the lower back and where it was measured.

    Attributes:
        depth_ratio: depth of the hollow behind the touching line, in trunk lengths
            (>= 0; NaN when not measured).
        upper: (2,) pixel point where the line touches the thoracic curve.
        lower: (2,) pixel point where the line touches the sacral/buttock curve.
        deepest: (2,) pixel point of the outline deepest in front of the line.
        foot: (2,) foot of the perpendicular from ``deepest`` on the line.
        outline: (N, 2) pixel points of the back outline (stations where it was found).
        problem: why nothing was measured, or None: ``no_landmarks`` (hips, shoulders or
            the facing direction not seen), ``no_mask``, ``no_outline`` (the trunk axis is
            not inside the silhouette, or the outline is not found), ``irregular`` (it does
            not look like a back), ``arms`` (an arm lies on the lower back).
    """

    depth_ratio: float
    upper: np.ndarray
    lower: np.ndarray
    deepest: np.ndarray
    foot: np.ndarray
    outline: np.ndarray
    problem: Problem | None = None

    @property
    def known(self) -> bool:
        return self.problem is None and bool(np.isfinite(self.depth_ratio))


_NOWHERE = np.array([np.nan, np.nan])


def _unknown(problem: Problem, outline: np.ndarray | None = None) -> BackCurve:
    empty = np.zeros((0, 2)) if outline is None else outline
    return BackCurve(float("nan"), _NOWHERE, _NOWHERE, _NOWHERE, _NOWHERE, empty, problem)


def sample_mask(mask: np.ndarray, xy: np.ndarray) -> np.ndarray:
    """Bilinear samples of ``mask`` at pixel positions ``xy`` (..., 2); 0 outside the image."""
    h, w = mask.shape[:2]
    x, y = xy[..., 0], xy[..., 1]
    inside = (x >= 0) & (x <= w - 1) & (y >= 0) & (y <= h - 1) & np.isfinite(x) & np.isfinite(y)
    xc = np.clip(np.nan_to_num(x), 0, w - 1)
    yc = np.clip(np.nan_to_num(y), 0, h - 1)
    x0 = np.minimum(np.floor(xc).astype(np.intp), w - 2 if w > 1 else 0)
    y0 = np.minimum(np.floor(yc).astype(np.intp), h - 2 if h > 1 else 0)
    x1, y1 = np.minimum(x0 + 1, w - 1), np.minimum(y0 + 1, h - 1)
    fx, fy = xc - x0, yc - y0
    # Gathered corner values only: converting the whole mask would cost more than the sampling.
    top = mask[y0, x0] * (1 - fx) + mask[y0, x1] * fx
    bottom = mask[y1, x0] * (1 - fx) + mask[y1, x1] * fx
    return np.where(inside, top * (1 - fy) + bottom * fy, 0.0)


def back_outline(
    mask: np.ndarray, axis_points: np.ndarray, back_dir: np.ndarray, reach_px: float
) -> np.ndarray:
    """Distance (pixels) from each axis point to the silhouette's edge towards ``back_dir``.

    The mask is walked outward from the axis point; the edge is where it first drops below
    `MASK_THRESHOLD` (sub-pixel, linearly interpolated).  NaN where the axis point is not
    inside the silhouette or the edge is farther than ``reach_px``.
    """
    step = 1.0  # pixels; the edge itself is interpolated between samples
    # Past the image's diagonal the mask is empty anyway: a trunk measured from wild landmarks
    # (far outside the image) must not size the walk.
    diagonal = float(np.hypot(mask.shape[0], mask.shape[1]))
    reach_px = min(reach_px, diagonal) if np.isfinite(reach_px) else diagonal
    offsets = np.arange(0.0, reach_px + step, step)
    samples = axis_points[:, None, :] + offsets[None, :, None] * back_dir[None, None, :]
    values = sample_mask(mask, samples)  # (stations, steps)
    outside = values < MASK_THRESHOLD
    first = np.where(outside.any(axis=1), outside.argmax(axis=1), -1)
    distances = np.full(len(axis_points), np.nan)
    for i, k in enumerate(first):
        if k <= 0:  # axis outside the silhouette (k == 0) or no edge within reach (k == -1)
            continue
        inner, outer = values[i, k - 1], values[i, k]
        frac = (inner - MASK_THRESHOLD) / (inner - outer) if inner > outer else 0.0
        distances[i] = offsets[k - 1] + frac * step
    return distances


def _upper_hull(s: np.ndarray, d: np.ndarray) -> np.ndarray:
    """Indices of the upper convex hull of points (s, d), s increasing (monotone chain)."""
    hull: list[int] = []
    for i in range(len(s)):
        while len(hull) >= 2:
            a, b = hull[-2], hull[-1]
            cross = (s[b] - s[a]) * (d[i] - d[a]) - (d[b] - d[a]) * (s[i] - s[a])
            if cross >= 0:  # b lies on or below the line a -> i: not on the upper hull
                hull.pop()
            else:
                break
        hull.append(i)
    return np.array(hull, dtype=np.intp)


def _back_run(s: np.ndarray, d: np.ndarray, max_jump_ratio: float) -> slice | None:
    """The stretch of the outline around the lumbar part without jumps, or None.

    Hair hanging down the upper back or a rear thigh below the buttocks make the outline
    jump; the part between the jumps is the back, and it must reach from the sacral curve
    (`LUMBAR_LOW_T`) up to the thoracic curve (`MIN_THORACIC_T`) to carry the line.
    """
    cuts = np.flatnonzero(np.abs(np.diff(d)) > max_jump_ratio) + 1
    bounds = np.concatenate([[0], cuts, [len(s)]])
    centre = int(np.searchsorted(s, (LUMBAR_LOW_T + LUMBAR_HIGH_T) / 2))
    k = int(np.searchsorted(bounds, centre, side="right")) - 1
    start, stop = int(bounds[k]), int(bounds[min(k + 1, len(bounds) - 1)])
    if stop - start < 3 or s[start] > LUMBAR_LOW_T or s[stop - 1] < MIN_THORACIC_T:
        return None
    return slice(start, stop)


@dataclass(frozen=True, eq=False)
class _TrunkFrame:
    """Coordinates along the trunk: ``t`` from the hip midpoint (0) to the shoulders (1) and
    ``d`` towards the back, both in trunk lengths."""

    hip: np.ndarray
    up: np.ndarray
    back: np.ndarray
    length: float

    def to_trunk(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        rel = (points - self.hip) / self.length
        return rel @ self.up, rel @ self.back

    def to_pixel(self, t: float, d: float) -> np.ndarray:
        return self.hip + (t * self.up + d * self.back) * self.length


def _arm_polylines(arms: tuple[np.ndarray, ...], frame: _TrunkFrame) -> list[tuple[np.ndarray, np.ndarray]]:
    """Each arm's centre line, densely sampled, in trunk coordinates (t, d)."""
    f = np.linspace(0.0, 1.0, ARM_SAMPLES_PER_SEGMENT)[None, :, None]
    lines = []
    for arm in arms:
        points = np.asarray(arm, dtype=np.float64)
        if len(points) < 2:
            continue
        along = (points[:-1, None, :] + f * (points[1:, None, :] - points[:-1, None, :])).reshape(-1, 2)
        lines.append(frame.to_trunk(along[np.isfinite(along).all(axis=1)]))
    return lines


def _arm_touched(lines: list[tuple[np.ndarray, np.ndarray]], touches: list[tuple[float, float]]) -> bool:
    """Whether the line rests on an arm: a touching point within `ARM_TOUCH_RATIO` of one."""
    return any(
        t.size and float(np.min(np.hypot(t - ts, d - ds))) < ARM_TOUCH_RATIO
        for t, d in lines
        for ts, ds in touches
    )


def _arm_on_outline(arms: tuple[np.ndarray, ...], frame: _TrunkFrame, s: np.ndarray, d: np.ndarray) -> bool:
    """Whether an arm's centre line lies within `ARM_MARGIN_RATIO` of the lumbar outline."""
    for t, depth in _arm_polylines(arms, frame):
        lumbar = (t >= LUMBAR_LOW_T) & (t <= LUMBAR_HIGH_T) & (t >= s[0]) & (t <= s[-1])
        if np.any(depth[lumbar] >= np.interp(t[lumbar], s, d) - ARM_MARGIN_RATIO):
            return True
    return False


def lumbar_hollow(
    mask: np.ndarray | None,
    hip: np.ndarray,
    shoulder: np.ndarray,
    facing: int,
    *,
    low_t: float = STANDING_LOW_T,
    max_jump_ratio: float = 0.08,
    arms: tuple[np.ndarray, ...] = (),
) -> BackCurve:
    """The depth of the lumbar hollow of the back's outline, in trunk lengths.

    Args:
        mask: (H, W) person-segmentation mask in [0, 1], or None.
        hip, shoulder: (2,) pixel midpoints of the hips and shoulders (the trunk axis).
        facing: +1 the person's front points image-right, -1 image-left.
        low_t: where the outline starts, in trunk lengths above the hips (`STANDING_LOW_T`,
            `LUNGE_LOW_T`).
        max_jump_ratio: an outline stepping more than this (in trunk lengths) between
            neighbouring stations does not look like a back (`BackCurve.problem` is
            ``"irregular"``): loose clothing, an arm or an object behind the back.
        arms: pixel polylines (k, 2) of the arms (shoulder, elbow, wrist; NaN where not
            seen).  An arm lying on the lumbar outline hides it (problem ``"arms"``).
    """
    hip = np.asarray(hip, dtype=np.float64)
    shoulder = np.asarray(shoulder, dtype=np.float64)
    axis = shoulder - hip
    length = float(np.hypot(axis[0], axis[1]))
    if facing == 0 or not (np.isfinite(length) and length >= 4.0):
        return _unknown("no_landmarks")
    if mask is None:
        return _unknown("no_mask")
    up = axis / length
    # The two perpendiculars of the trunk axis; the back is the one pointing against ``facing``.
    back = np.array([up[1], -up[0]])
    if back[0] * facing > 0:
        back = -back
    t = np.linspace(low_t, OUTLINE_HIGH_T, round((OUTLINE_HIGH_T - low_t) * STATIONS_PER_TRUNK) + 1)
    axis_points = hip[None, :] + (t * length)[:, None] * up[None, :]
    d = back_outline(mask, axis_points, back, MAX_REACH_RATIO * length) / length
    found = np.isfinite(d)
    outline = axis_points[found] + (d[found] * length)[:, None] * back[None, :]
    if found.mean() < MIN_OUTLINE_FRACTION:
        return _unknown("no_outline", outline)
    s, d = t[found], d[found]
    run = _back_run(s, d, max_jump_ratio)
    if run is None:
        return _unknown("irregular", outline)
    s, d = s[run], d[run]
    frame = _TrunkFrame(hip, up, back, length)
    if _arm_on_outline(arms, frame, s, d):
        return _unknown("arms", outline)
    hull = _upper_hull(s, d)
    line = np.interp(s, s[hull], d[hull])
    depth = line - d
    lumbar = (s >= LUMBAR_LOW_T) & (s <= LUMBAR_HIGH_T)
    if not lumbar.any():
        return _unknown("no_outline", outline)
    i = int(np.flatnonzero(lumbar)[np.argmax(depth[lumbar])])
    # The hull vertices on either side of the deepest point: where the line touches.
    right = int(np.searchsorted(s[hull], s[i], side="left"))
    right = min(max(right, 1), len(hull) - 1)
    lo, hi = hull[right - 1], hull[right]
    if s[i] == s[hi] and right + 1 < len(hull):
        lo, hi = hull[right], hull[right + 1]
    if _arm_touched(_arm_polylines(arms, frame), [(s[lo], d[lo]), (s[hi], d[hi])]):
        return _unknown("arms", outline)
    pixel = frame.to_pixel
    return BackCurve(
        depth_ratio=float(max(depth[i], 0.0)),
        upper=pixel(s[hi], d[hi]),
        lower=pixel(s[lo], d[lo]),
        deepest=pixel(s[i], d[i]),
        foot=pixel(s[i], line[i]),
        outline=outline,
    )


def back_curve(body: Body, o: Orientation, *, lunge: bool = False) -> BackCurve:
    """`lumbar_hollow` of a pose: its mask, hip and shoulder midpoints and facing direction.

    ``lunge``: the rear thigh extends behind the hips, so the outline starts at the hips.
    """
    return lumbar_hollow(
        body.pose.mask,
        body.mid("hip", o.near),
        body.mid("shoulder", o.near),
        o.facing,
        low_t=LUNGE_LOW_T if lunge else STANDING_LOW_T,
        max_jump_ratio=body.settings.max_lumbar_jump_ratio,
        arms=tuple(
            np.array([body.point(sided(side, part)) for part in ("shoulder", "elbow", "wrist")])
            for side in SIDES
        ),
    )
