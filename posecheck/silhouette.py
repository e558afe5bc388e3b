"""The person-segmentation mask (`Pose.mask`) read column by column: where the body ends at
the bottom, and where it meets the floor at a hand or a foot; and whether a point lies on the
body at all.  Pure numpy."""

from __future__ import annotations

import numpy as np

INSIDE = 0.5  # mask value from which a pixel belongs to the person


def bottom(mask: np.ndarray, x: float) -> float:
    """Image y of the lowest person pixel in column ``x`` (NaN when the column is empty)."""
    column = round(x)
    if not 0 <= column < mask.shape[1]:
        return float("nan")
    rows = np.flatnonzero(mask[:, column] >= INSIDE)
    return float(rows.max()) if rows.size else float("nan")


# A point in the image: x, y.
Point = tuple[float, float] | np.ndarray


def near_body(mask: np.ndarray, point: Point, radius: float) -> bool:
    """Whether a person pixel lies within ``radius`` pixels of ``point`` (image x, y).

    True where the mask cannot tell: a point outside the picture or not finite.
    """
    height, width = mask.shape[:2]
    x, y = float(point[0]), float(point[1])
    if not (0.0 <= x < width and 0.0 <= y < height):
        return True
    if mask[int(y), int(x)] >= INSIDE:  # on the body: the usual answer, without a search
        return True
    reach = max(float(radius), 0.0)
    left, top = max(0, int(x - reach)), max(0, int(y - reach))
    rows, columns = np.nonzero(mask[top : int(y + reach) + 1, left : int(x + reach) + 1] >= INSIDE)
    return bool((((columns + left - x) ** 2 + (rows + top - y) ** 2) <= reach * reach).any())


def gap_under(mask: np.ndarray, x: float, a: Point, b: Point) -> float:
    """Pixels of background in column ``x`` between the lowest person pixel and the floor line
    through the contacts ``a`` and ``b`` (image x, y; level through ``a`` when they share a
    column): negative where the silhouette reaches below the line, NaN for an empty column."""
    dx = b[0] - a[0]
    slope = (b[1] - a[1]) / dx if abs(dx) >= 1 else 0.0
    return float(a[1] + (x - a[0]) * slope - bottom(mask, x))


def floor_contact(
    mask: np.ndarray, x: float, towards_x: float, reach: float, min_y: float = -np.inf
) -> tuple[float, float]:
    """Column and lowest person pixel of the silhouette at a hand or foot at image ``x``.

    The mask often misses a bare foot or hand on a floor of its own colour; then the nearest
    column the mask covers, up to ``reach`` pixels towards the body (``towards_x``), stands in.
    A column whose lowest person pixel lies above ``min_y`` shows something else over the foot
    (a hand on the knee above a heel the mask misses) and does not count.
    """
    step = 1.0 if towards_x >= x else -1.0
    columns = min(reach, mask.shape[1]) if np.isfinite(reach) else 0.0  # never past the image
    for shift in range(int(columns) + 1):
        lowest = bottom(mask, x + step * shift)
        if lowest >= min_y:
            return x + step * shift, lowest
    return x, float("nan")
