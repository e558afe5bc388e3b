"""Drawing an `Assessment` on a frame: skeleton, angle arcs, check panel, cue banner, hold timer.

This is the only module that draws (OpenCV + NumPy + Pillow).  It measures nothing and
decides nothing: colours come from each check's ``status``, the words from
`posecheck.messages`, the numbers from ``CheckResult.value``.  The only geometry here is
*where* to put the ink (arc end angles, label positions).

What is drawn:

* **Skeleton** — the person's left limbs orange, right limbs blue, the shoulder and hip
  lines white.  A limb whose landmarks have visibility below ``min_visibility`` (the checks'
  setting), or that the assessment lists as
  ``unseen`` (a misplaced leg), is drawn thin and dark.
* **Measurements** — for every check with ``points``, in the check's status colour
  (green pass, red fail, grey unknown):

  - 3 points (a joint angle, vertex in the middle): an arc at the vertex between the two
    segments.  When the value is the angle past straight (``reference`` past_straight or
    trunk_line: knee hyperextension, hip extension) the arc runs from the extension of the
    first segment instead, with that extension dashed.
  - 2 points (a segment angle): a dashed reference line at the lower point — vertical, or
    horizontal for level/floor checks, as the check's ``reference`` says — and an arc from it
    to the segment.
  - ratio checks and 1-point checks get a ring at their landmarks; the value is in the panel.

* **Panel** (top left, translucent): exercise, front leg and view, then one row per check
  with a status badge (✓ ✗ ?), its label and value.
* **Hold timer** (top right): per side ``12 / 30 s`` with a progress bar.
* **Cue banner** (bottom left, or the corner that hides least of the body): the one most
  important cue, large, as wide as its words and wrapped to the frame width.
* **Status line** (above the banner): e.g. "Camera lost — retrying…".

Scaling: every size is a multiple of ``unit = min(width / 640, height / 480)``, so the layout
designed for 640×480 fills the same share of any frame (1920×1080 → unit 2.25).

Speed: text is rendered with Pillow once per (text, size, colour) into a cached sprite and
alpha-blended into the frame with NumPy on its own small region; translucent boxes blend
only their region.  A frame never goes through a full Pillow conversion.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from posecheck.config import DEFAULT_SETTINGS
from posecheck.landmarks import SKELETON_EDGES, Landmark, Pose
from posecheck.messages import Lang, text
from posecheck.results import Assessment, CheckResult
from posecheck.temporal import HoldState

__all__ = ["HoldInfo", "OverlayRenderer", "font_path", "load_font"]

logger = logging.getLogger(__name__)

# The hold timer's state; any object with ``current_s``, ``side``, ``active``, ``target_s``
# and a per-side mapping ``longest_s`` works.
HoldInfo = HoldState

RGB = tuple[int, int, int]

STATUS_RGB: dict[str, RGB] = {"pass": (40, 200, 80), "fail": (240, 60, 50), "unknown": (160, 160, 160)}
# Lighter shades for text on dark boxes and for values drawn on the video.
STATUS_TEXT_RGB: dict[str, RGB] = {"pass": (90, 230, 120), "fail": (255, 100, 90), "unknown": (190, 190, 190)}
STATUS_BADGE: dict[str, str] = {"pass": "✓", "fail": "✗", "unknown": "?"}
INFO_RGB: RGB = (90, 160, 255)  # badge of an informative check (never fails)
SIDE_RGB: dict[str | None, RGB] = {"left": (255, 150, 30), "right": (70, 170, 255), None: (235, 235, 235)}
WHITE: RGB = (255, 255, 255)
MUTED: RGB = (200, 200, 200)
AMBER: RGB = (255, 190, 40)
PANEL_GREY = 25  # the translucent boxes darken towards this grey level
PANEL_ALPHA = 0.62
# How a value was measured (`CheckResult.reference`) -> the reference the arc starts from.
_FROM_HORIZONTAL = frozenset({"horizontal", "floor_line"})  # 2 points: else from the vertical
_PAST_STRAIGHT = frozenset({"past_straight", "trunk_line"})  # 3 points: else the interior angle

# Landmarks drawn as dots (the face is left out except the ear, which forward_head uses).
_JOINTS = tuple(sorted({lm for edge in SKELETON_EDGES for lm in edge}))
# Where along each bone the cue banner's placement looks for body it would hide.
_BONE_SAMPLES = np.linspace(0.0, 1.0, 5)
_EDGE_ARRAY = np.array(SKELETON_EDGES, dtype=np.intp)  # (n, 2) landmark indices


def _bgr(rgb: RGB) -> tuple[int, int, int]:
    return (rgb[2], rgb[1], rgb[0])


def _side_bgr(*landmarks: Landmark) -> tuple[int, int, int]:
    """The side's colour when all landmarks are on one side of the body, else the neutral one."""
    sides = {lm.name.split("_")[0].lower() for lm in landmarks}
    return _bgr(SIDE_RGB.get(sides.pop() if len(sides) == 1 else None, SIDE_RGB[None]))


_EDGE_BGR = tuple(_side_bgr(a, b) for a, b in SKELETON_EDGES)
_JOINT_BGR = tuple(_side_bgr(lm) for lm in _JOINTS)
_FAINT_BGR = _bgr((70, 70, 70))


def _dim(rgb: RGB, factor: float = 0.55) -> RGB:
    return (int(rgb[0] * factor), int(rgb[1] * factor), int(rgb[2] * factor))


# --------------------------------------------------------------------------- fonts and text


_FONT_FILES = {False: "DejaVuSans.ttf", True: "DejaVuSans-Bold.ttf"}


def font_path(bold: bool = False) -> Path | None:
    """A TrueType font with Latin-1, ° and the ✓ ✗ glyphs: DejaVu Sans.

    Looks in Debian's ``fonts-dejavu-core`` location, then in matplotlib's bundled fonts
    (matplotlib is a dependency, so that copy is always there).
    """
    name = _FONT_FILES[bold]
    candidates = [Path("/usr/share/fonts/truetype/dejavu") / name]
    spec = find_spec("matplotlib")
    for location in (spec.submodule_search_locations or []) if spec else []:
        candidates.append(Path(location) / "mpl-data" / "fonts" / "ttf" / name)
    return next((path for path in candidates if path.is_file()), None)


@lru_cache(maxsize=64)
def load_font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """DejaVu Sans at ``size`` pixels (cached); Pillow's default font if none is found."""
    path = font_path(bold)
    if path is None:
        logger.warning("DejaVu Sans not found; overlay text falls back to Pillow's default font")
        return ImageFont.load_default(size)
    return ImageFont.truetype(str(path), size)


@dataclass(frozen=True)
class _Sprite:
    """A rendered text, blended as ``frame * keep + colour * (1 - keep)`` over its ink box.

    ``width`` and ``height`` are the text's layout box (advance width, ascent + descent);
    the arrays cover only the inked part of it, starting at (``dx``, ``dy``).
    """

    width: int
    height: int
    dx: int
    dy: int
    keep: np.ndarray  # (h, w) float32: share of the frame that shows through
    cover: np.ndarray  # (h, w) float32: 1 - keep
    colour: np.ndarray  # (h, w, 3) uint8 BGR: the ink (fill, or black where outline)


@lru_cache(maxsize=4096)
def _sprite(label: str, size: int, rgb: RGB, bold: bool = False, outline: int = 0) -> _Sprite:
    """``label`` rendered in ``rgb`` (with a black outline of ``outline`` px), cached."""
    font = load_font(size, bold)
    ascent, descent = font.getmetrics() if hasattr(font, "getmetrics") else (size, size // 4)
    width = math.ceil(font.getlength(label)) + 2 * outline + 2
    height = ascent + descent + 2 * outline
    origin = (outline + 1, outline)
    fill = Image.new("L", (width, height), 0)
    ImageDraw.Draw(fill).text(origin, label, font=font, fill=255, anchor="la")
    fill_cover = np.asarray(fill, dtype=np.float32) / 255.0
    keep = 1.0 - fill_cover
    if outline:
        edge = Image.new("L", (width, height), 0)
        ImageDraw.Draw(edge).text(
            origin, label, font=font, fill=255, anchor="la", stroke_width=outline, stroke_fill=255
        )
        keep = keep * (1.0 - np.asarray(edge, dtype=np.float32) / 255.0)
    cover = 1.0 - keep
    # Premultiplied fill over black outline, un-premultiplied by the total coverage.
    share = np.divide(fill_cover, cover, out=np.zeros_like(cover), where=cover > 1e-4)
    colour = share[..., None] * np.array(_bgr(rgb), dtype=np.float32) + 0.5
    # Blend only the inked box: less work per frame for every text.
    rows, cols = np.flatnonzero(cover.any(axis=1)), np.flatnonzero(cover.any(axis=0))
    if len(rows) == 0:
        rows, cols = np.array([0]), np.array([0])
    box = (slice(rows[0], rows[-1] + 1), slice(cols[0], cols[-1] + 1))
    return _Sprite(
        width,
        height,
        int(cols[0]),
        int(rows[0]),
        np.ascontiguousarray(keep[box], dtype=np.float32),
        np.ascontiguousarray(cover[box], dtype=np.float32),
        np.ascontiguousarray(colour[box].astype(np.uint8)),
    )


def _blit(image: np.ndarray, sprite: _Sprite, x: int, y: int) -> None:
    """Blend ``sprite`` into ``image`` with its layout box's top-left corner at (x, y), clipped."""
    height, width = image.shape[:2]
    x, y = x + sprite.dx, y + sprite.dy
    ink_h, ink_w = sprite.keep.shape
    x0, y0 = max(x, 0), max(y, 0)
    x1, y1 = min(x + ink_w, width), min(y + ink_h, height)
    if x0 >= x1 or y0 >= y1:
        return
    rows, cols = slice(y0 - y, y1 - y), slice(x0 - x, x1 - x)
    keep, cover, colour = sprite.keep, sprite.cover, sprite.colour
    if (y1 - y0, x1 - x0) != keep.shape:
        keep, cover = np.ascontiguousarray(keep[rows, cols]), np.ascontiguousarray(cover[rows, cols])
        colour = np.ascontiguousarray(colour[rows, cols])
    region = image[y0:y1, x0:x1]
    region[...] = cv2.blendLinear(np.ascontiguousarray(region), colour, keep, cover)


@lru_cache(maxsize=512)
def _wrap(words: str, size: int, bold: bool, max_width: int) -> tuple[str, ...]:
    """Greedy word wrap of ``words`` to ``max_width`` pixels."""
    font = load_font(size, bold)
    lines: list[str] = []
    line = ""
    for word in words.split():
        candidate = f"{line} {word}" if line else word
        if line and font.getlength(candidate) > max_width:
            lines.append(line)
            line = word
        else:
            line = candidate
    if line:
        lines.append(line)
    return tuple(lines)


@lru_cache(maxsize=1024)
def _fit(label: str, size: int, bold: bool, max_width: int) -> str:
    """``label`` shortened with an ellipsis to fit ``max_width`` pixels."""
    font = load_font(size, bold)
    if font.getlength(label) <= max_width:
        return label
    while label and font.getlength(label + "…") > max_width:
        label = label[:-1]
    return label.rstrip() + "…"


# --------------------------------------------------------------------------- layout


@dataclass(frozen=True)
class _Layout:
    """Sizes in pixels for one frame size (all multiples of ``unit``)."""

    width: int
    height: int
    unit: float

    def px(self, value: float, minimum: int = 1) -> int:
        return max(minimum, round(value * self.unit))

    @property
    def limb(self) -> int:
        return self.px(3, 2)

    @property
    def dot(self) -> int:
        return self.px(3.5, 2)

    @property
    def arc(self) -> int:
        return self.px(3, 2)

    @property
    def margin(self) -> int:
        return self.px(8, 3)

    @property
    def pad(self) -> int:
        return self.px(8, 3)

    @property
    def accent(self) -> int:
        """Width of the cue banner's accent bar."""
        return self.px(8, 3)

    @property
    def title_size(self) -> int:
        return self.px(20, 12)

    @property
    def text_size(self) -> int:
        return self.px(17, 11)

    @property
    def small_size(self) -> int:
        return self.px(15, 10)

    @property
    def value_size(self) -> int:
        return self.px(18, 11)

    @property
    def cue_size(self) -> int:
        return self.px(26, 13)


@lru_cache(maxsize=16)
def _layout(width: int, height: int) -> _Layout:
    return _Layout(width, height, min(width / 640.0, height / 480.0))


# The cue banner holds at most this many lines (the cues said during an exercise take 1-3 at
# 640x480; the routine's setup instructions, said before it, up to 5); a longer cue first shrinks
# its font, down to this fraction of the cue size, and only then is cut short.
_CUE_MAX_LINES = 4
_CUE_MIN_SCALE = 0.75


def _cue_lines(words: str, layout: _Layout) -> tuple[int, list[str]]:
    """The font size and the lines of a cue banner at most as wide as the picture allows."""
    max_width = layout.width - 2 * layout.pad - layout.accent - 2 * layout.margin
    size = layout.cue_size
    smallest = round(size * _CUE_MIN_SCALE)
    lines = list(_wrap(words, size, True, max_width))
    while len(lines) > _CUE_MAX_LINES and size > smallest:
        size = max(smallest, size - 1)
        lines = list(_wrap(words, size, True, max_width))
    if len(lines) > _CUE_MAX_LINES:
        keep = _CUE_MAX_LINES - 1
        lines = [*lines[:keep], _fit(" ".join(lines[keep:]), size, True, max_width)]
    return size, lines


def _shade(image: np.ndarray, box: tuple[int, int, int, int], alpha: float = PANEL_ALPHA) -> None:
    """Darken ``box`` (x0, y0, x1, y1) towards the panel grey, clipped to the image."""
    height, width = image.shape[:2]
    x0, y0, x1, y1 = box
    x0, y0, x1, y1 = max(x0, 0), max(y0, 0), min(x1, width), min(y1, height)
    if x0 >= x1 or y0 >= y1:
        return
    region = image[y0:y1, x0:x1]
    colour = np.full_like(region, PANEL_GREY)
    region[...] = cv2.addWeighted(region, 1.0 - alpha, colour, alpha, 0.0)


def _dashed_line(
    image: np.ndarray,
    start: np.ndarray,
    end: np.ndarray,
    bgr: tuple[int, int, int],
    *,
    thickness: int,
    dash: int,
) -> None:
    length = float(np.hypot(*(end - start)))
    if not math.isfinite(length) or length < 1:
        return
    step = (end - start) / length
    position = 0.0
    while position < length:
        a = start + step * position
        b = start + step * min(position + dash, length)
        cv2.line(image, _pt(a), _pt(b), bgr, thickness, cv2.LINE_AA)
        position += 2 * dash


def _pt(xy: np.ndarray) -> tuple[int, int]:
    return (round(float(xy[0])), round(float(xy[1])))


def _direction_deg(vector: np.ndarray) -> float:
    """Screen direction of ``vector`` in OpenCV's ellipse convention (clockwise from +x)."""
    return math.degrees(math.atan2(float(vector[1]), float(vector[0])))


def _unit(vector: np.ndarray) -> np.ndarray | None:
    norm = float(np.hypot(*vector))
    return vector / norm if math.isfinite(norm) and norm > 1e-9 else None


def _format_value(check: CheckResult) -> str:
    if not math.isfinite(check.value):
        return ""
    if check.unit == "deg":
        return f"{check.value:.0f}°"
    if math.isfinite(check.baseline):  # a change from the person's own neutral
        return f"{check.value:+.2f}"
    return f"{check.value:.2f}"


def _label(key: str, lang: Lang) -> str:
    """The panel label of a check; a check without a message reads "Hollow back", not "hollow_back"."""
    words = text(key, lang)
    return words.replace("_", " ").capitalize() if words == key else words


def _per_side(value: Any, key: str, default: float = 0.0) -> float:
    """``value[key]`` for a per-side mapping, ``value`` itself for a plain number."""
    if isinstance(value, Mapping):
        return float(value.get(key, default))
    return float(value) if value is not None else default


# --------------------------------------------------------------------------- renderer


class OverlayRenderer:
    """Draws skeleton, measurements, check panel, hold timer and cue on a frame.

    Args:
        lang: language of all words on the overlay (``"en"`` or ``"nl"``).
        show_panel: draw the panel listing the checks (the cue, hold timer and
            measurements are drawn either way).
        mirror: show the frame flipped left-right, as a mirror (nicer to face in a live
            window).  The landmarks are flipped with it; text is not.  The person's
            "left" stays their left.
        min_visibility: a landmark below this visibility is drawn as hidden (the checks'
            own threshold, `posecheck.config.Settings.min_visibility`).
    """

    def __init__(
        self,
        lang: Lang = "en",
        show_panel: bool = True,
        mirror: bool = False,
        min_visibility: float = DEFAULT_SETTINGS.min_visibility,
    ) -> None:
        self.lang: Lang = lang
        self.min_visibility = min_visibility
        self.show_panel = show_panel
        self.mirror = mirror
        # The corner the cue banner sits in (`_banner_place`); kept between frames so the
        # banner does not hop about.
        self._banner_corner: tuple[str, str] = ("bottom", "left")

    def draw(
        self,
        image_bgr: np.ndarray,
        pose: Pose | None,
        assessment: Assessment,
        hold: HoldInfo | None = None,
        *,
        cue_key: str | None = None,
        status_line: str | None = None,
        tags: Sequence[str] = (),
    ) -> np.ndarray:
        """Return a new annotated copy of ``image_bgr`` ((H, W, 3) uint8, BGR).

        Args:
            pose: the landmarks (in the pixels of ``image_bgr``, or of an image of the
                same aspect at ``pose.image_size``); None when no person was found.
            assessment: what to show; drawing follows it and never re-judges.
            hold: the hold timer state (`posecheck.temporal.HoldState`); None hides it.
            cue_key: message key of the cue to show instead of ``assessment.main_cue()``
                (the live loop passes a rate-limited cue).
            status_line: a one-line message shown prominently, e.g. "Camera lost — retrying…".
            tags: short words shown small in the bottom-right corner (live: "voice on (v)",
                the chosen exercise).
        """
        if image_bgr.ndim != 3 or image_bgr.shape[2] != 3 or image_bgr.dtype != np.uint8:
            raise ValueError(
                f"draw() needs an (H, W, 3) uint8 BGR image, got shape {image_bgr.shape} "
                f"dtype {image_bgr.dtype}"
            )
        canvas = np.ascontiguousarray(image_bgr[:, ::-1] if self.mirror else image_bgr).copy()
        height, width = canvas.shape[:2]
        layout = _layout(width, height)

        if pose is not None:
            xy = self._to_canvas(pose.xy, pose.image_size, width, height)
            visibility = pose.visibility
            if assessment.unseen:  # drawn as hidden: the checks ignored them too
                visibility = visibility.copy()
                visibility[list(assessment.unseen)] = 0.0
            self._draw_skeleton(canvas, xy, visibility, layout)
            for check in assessment.checks:
                if check.reference == "back_line":
                    drawn = np.array(check.drawn, dtype=np.float64).reshape(-1, 2)
                    self._draw_back_line(
                        canvas, check, self._to_canvas(drawn, pose.image_size, width, height), layout
                    )
                else:
                    self._draw_measurement(canvas, check, xy, visibility, layout)

        boxes_bottom = 0
        # Without an exercise or checks the panel would only repeat the cue banner.
        if self.show_panel and assessment.person_found and (assessment.exercise or assessment.checks):
            boxes_bottom = self._draw_panel(canvas, assessment, layout)
        if hold is not None and assessment.person_found:
            boxes_bottom = max(boxes_bottom, self._draw_hold(canvas, hold, assessment, layout, layout.margin))

        key = cue_key if cue_key is not None else assessment.main_cue()
        status_bottom = height
        if key:
            weights = (
                self._banner_weights(xy, visibility, assessment, self.min_visibility)
                if pose is not None
                else None
            )
            top, bottom = self._draw_cue(canvas, key, assessment, layout, upper=boxes_bottom, weights=weights)
            status_bottom = top if bottom >= height - layout.margin else height
        if status_line:
            self._draw_status(canvas, status_line, layout, status_bottom)
        if tags:
            self._draw_tags(canvas, " · ".join(tags), layout)
        return canvas

    # ----------------------------------------------------------------- coordinates

    def _to_canvas(
        self, points: np.ndarray, pose_size: tuple[int, int], width: int, height: int
    ) -> np.ndarray:
        """Pose pixels (landmarks, drawn points) in canvas pixels: rescaled to the frame,
        flipped when mirrored."""
        xy = points.copy()
        pose_width, pose_height = pose_size
        if (pose_width, pose_height) != (width, height):
            xy *= np.array([width / pose_width, height / pose_height])
        if self.mirror:
            xy[:, 0] = width - 1 - xy[:, 0]
        return xy

    def _seen(self, xy: np.ndarray, visibility: np.ndarray, landmarks: Sequence[Landmark]) -> bool:
        return all(visibility[lm] >= self.min_visibility and np.isfinite(xy[lm]).all() for lm in landmarks)

    # ----------------------------------------------------------------- skeleton

    def _draw_skeleton(self, canvas: np.ndarray, xy: np.ndarray, vis: np.ndarray, layout: _Layout) -> None:
        # Every frame of a video goes through here: one polylines call per colour instead of
        # a line call per bone keeps the Python work (which holds the GIL) small.
        finite = np.isfinite(xy).all(axis=1)
        seen = finite & (vis >= self.min_visibility)
        pixels = np.rint(np.where(finite[:, None], xy, 0.0)).astype(np.int32)
        bones: dict[tuple[int, int, int], list[np.ndarray]] = {}
        faint: list[np.ndarray] = []
        for (a, b), colour in zip(SKELETON_EDGES, _EDGE_BGR, strict=True):
            if finite[a] and finite[b]:
                (bones.setdefault(colour, []) if seen[a] and seen[b] else faint).append(pixels[[a, b]])
        if faint:
            cv2.polylines(canvas, faint, False, _FAINT_BGR, max(1, layout.limb // 2), cv2.LINE_AA)
        for colour, lines in bones.items():
            cv2.polylines(canvas, lines, False, colour, layout.limb, cv2.LINE_AA)
        ring = max(1, layout.dot // 3)
        for lm, colour in zip(_JOINTS, _JOINT_BGR, strict=True):
            if seen[lm]:
                centre = (int(pixels[lm, 0]), int(pixels[lm, 1]))
                cv2.circle(canvas, centre, layout.dot, colour, -1, cv2.LINE_AA)
                cv2.circle(canvas, centre, layout.dot, (255, 255, 255), ring, cv2.LINE_AA)

    # ----------------------------------------------------------------- measurements

    def _draw_back_line(
        self, canvas: np.ndarray, check: CheckResult, points: np.ndarray, layout: _Layout
    ) -> None:
        """``hollow_back``: the dashed line touching the back at the thoracic and sacral curves,
        the depth of the hollow behind it as a solid bar, and its value beside the bar."""
        if check.status == "unknown" or len(points) != 4 or not np.isfinite(points).all():
            return
        upper, lower, deepest, foot = points
        bgr = _bgr(STATUS_RGB.get(check.status, STATUS_RGB["unknown"]))
        overhang = 0.12 * (upper - lower)
        _dashed_line(
            canvas,
            lower - overhang,
            upper + overhang,
            bgr,
            thickness=max(1, layout.arc - 1),
            dash=layout.px(5, 3),
        )
        for touch in (upper, lower):
            cv2.circle(canvas, _pt(touch), layout.dot, bgr, -1, cv2.LINE_AA)
        cv2.line(canvas, _pt(deepest), _pt(foot), bgr, layout.arc, cv2.LINE_AA)
        cv2.circle(canvas, _pt(deepest), layout.dot, bgr, -1, cv2.LINE_AA)
        label = _format_value(check)
        text_rgb = STATUS_TEXT_RGB.get(check.status, STATUS_TEXT_RGB["unknown"])
        sprite = _sprite(label, layout.value_size, text_rgb, True, layout.px(2.2, 1))
        # Beside the bar, on the far side of the line (away from the body).
        along = upper - lower
        outward = _unit(foot - deepest)
        if outward is None:  # no hollow: the bar has no length, the normal of the line stands in
            outward = _unit(np.array([-along[1], along[0]]))
        if outward is None:
            return
        ink_h, ink_w = sprite.keep.shape
        centre = foot + outward * (0.5 * (ink_w * abs(outward[0]) + ink_h * abs(outward[1])) + layout.px(6))
        x = int(np.clip(centre[0] - ink_w / 2, 0, canvas.shape[1] - ink_w)) - sprite.dx
        y = int(np.clip(centre[1] - ink_h / 2, 0, canvas.shape[0] - ink_h)) - sprite.dy
        _blit(canvas, sprite, x, y)

    def _draw_measurement(
        self, canvas: np.ndarray, check: CheckResult, xy: np.ndarray, vis: np.ndarray, layout: _Layout
    ) -> None:
        if not check.points or not self._seen(xy, vis, check.points):
            return
        if check.status == "unknown" and not math.isfinite(check.value):
            return  # nothing measured: the panel says why
        rgb = INFO_RGB if check.informative else STATUS_RGB.get(check.status, STATUS_RGB["unknown"])
        if check.unit != "deg" or len(check.points) == 1:
            for lm in check.points:
                cv2.circle(canvas, _pt(xy[lm]), layout.dot * 3, _bgr(rgb), layout.arc, cv2.LINE_AA)
            return
        points = [xy[lm] for lm in check.points]
        if len(points) == 3:
            geometry = self._joint_arc(*points, past_straight=check.reference in _PAST_STRAIGHT)
        else:
            geometry = self._segment_arc(points[0], points[1], horizontal=check.reference in _FROM_HORIZONTAL)
        if geometry is None:
            return
        vertex, start_deg, sweep_deg, reference, span = geometry
        radius = int(np.clip(0.38 * span, 16 * layout.unit, 48 * layout.unit))
        bgr = _bgr(rgb)
        if reference is not None:
            end = vertex + reference * max(radius * 1.7, 0.7 * span)
            _dashed_line(canvas, vertex, end, bgr, thickness=max(1, layout.arc - 1), dash=layout.px(5, 3))
        self._arc(canvas, vertex, radius, start_deg, sweep_deg, bgr=bgr, thickness=layout.arc)
        label = _format_value(check)
        if not label:
            return
        text_rgb = STATUS_TEXT_RGB.get(check.status, STATUS_TEXT_RGB["unknown"])
        sprite = _sprite(label, layout.value_size, text_rgb, True, layout.px(2.2, 1))
        # Inside a wide wedge the label sits on its bisector; a narrow wedge has no room, so
        # the label goes just outside it, beyond the reference line.
        if abs(sweep_deg) >= 50:
            middle = math.radians(start_deg + sweep_deg / 2)
        else:
            middle = math.radians(start_deg - math.copysign(25.0, sweep_deg or 1.0))
        cos, sin = math.cos(middle), math.sin(middle)
        ink_h, ink_w = sprite.keep.shape
        # Far enough along ``middle`` that the ink box clears the arc.
        reach = radius + 0.5 * (ink_w * abs(cos) + ink_h * abs(sin)) + layout.px(4)
        centre_x, centre_y = vertex[0] + cos * reach, vertex[1] + sin * reach
        x = int(np.clip(centre_x - ink_w / 2, 0, canvas.shape[1] - ink_w)) - sprite.dx
        y = int(np.clip(centre_y - ink_h / 2, 0, canvas.shape[0] - ink_h)) - sprite.dy
        _blit(canvas, sprite, x, y)

    @staticmethod
    def _joint_arc(
        a: np.ndarray, b: np.ndarray, c: np.ndarray, *, past_straight: bool
    ) -> tuple[np.ndarray, float, float, np.ndarray | None, float] | None:
        """Arc at vertex ``b``: interior angle a-b-c, or the angle past straight (measured
        from the extension of a->b, drawn dashed)."""
        to_a, to_c = _unit(a - b), _unit(c - b)
        if to_a is None or to_c is None:
            return None
        span = min(float(np.hypot(*(a - b))), float(np.hypot(*(c - b))))
        reference = None
        first = to_a
        if past_straight:
            first = -to_a
            reference = first
        start = _direction_deg(first)
        sweep = (_direction_deg(to_c) - start + 180) % 360 - 180
        return b, start, sweep, reference, span

    @staticmethod
    def _segment_arc(
        p: np.ndarray, q: np.ndarray, *, horizontal: bool
    ) -> tuple[np.ndarray, float, float, np.ndarray | None, float] | None:
        """Arc at the lower point from the vertical (or horizontal) to the segment."""
        lower, upper = (p, q) if p[1] >= q[1] else (q, p)
        along = _unit(upper - lower)
        if along is None:
            return None
        span = float(np.hypot(*(upper - lower)))
        reference = np.array([math.copysign(1.0, along[0]), 0.0]) if horizontal else np.array([0.0, -1.0])
        start = _direction_deg(reference)
        sweep = (_direction_deg(along) - start + 180) % 360 - 180
        return lower, start, sweep, reference, span

    @staticmethod
    def _arc(
        canvas: np.ndarray,
        centre: np.ndarray,
        radius: int,
        start_deg: float,
        sweep_deg: float,
        *,
        bgr: tuple[int, int, int],
        thickness: int,
    ) -> None:
        """An arc with a translucent filled wedge, clockwise from ``start_deg`` by ``sweep_deg``."""
        cx, cy = _pt(centre)
        lo, hi = sorted((start_deg, start_deg + sweep_deg))
        height, width = canvas.shape[:2]
        x0, y0 = max(cx - radius - 1, 0), max(cy - radius - 1, 0)
        x1, y1 = min(cx + radius + 2, width), min(cy + radius + 2, height)
        if x0 < x1 and y0 < y1:
            region = canvas[y0:y1, x0:x1]
            wedge = region.copy()
            cv2.ellipse(wedge, (cx - x0, cy - y0), (radius, radius), 0, lo, hi, bgr, -1, cv2.LINE_AA)
            cv2.addWeighted(wedge, 0.35, region, 0.65, 0.0, dst=region)
        cv2.ellipse(canvas, (cx, cy), (radius, radius), 0, lo, hi, bgr, thickness, cv2.LINE_AA)

    # ----------------------------------------------------------------- panel

    def _header_lines(self, assessment: Assessment) -> tuple[str, str]:
        if assessment.exercise is None:
            title = text("no_exercise", self.lang)
        else:
            name = text(assessment.exercise, self.lang)
            title = name[:1].upper() + name[1:]
        details = []
        if assessment.front_side is not None:
            details.append(f"{text('front_leg', self.lang)}: {text(assessment.front_side, self.lang)}")
        if assessment.view is not None:
            details.append(text(f"{assessment.view}_view", self.lang))
        return title, " · ".join(details)

    def _draw_panel(self, canvas: np.ndarray, assessment: Assessment, layout: _Layout) -> int:
        """The check panel, top left; returns its bottom edge."""
        title, details = self._header_lines(assessment)
        max_text = int(canvas.shape[1] * 0.55)
        title_sprite = _sprite(_fit(title, layout.title_size, True, max_text), layout.title_size, WHITE, True)
        detail_sprite = (
            _sprite(_fit(details, layout.small_size, False, max_text), layout.small_size, MUTED)
            if details
            else None
        )
        rows = []
        for check in assessment.checks:
            rgb = INFO_RGB if check.informative else STATUS_RGB.get(check.status, STATUS_RGB["unknown"])
            text_rgb = INFO_RGB if check.informative else STATUS_TEXT_RGB.get(check.status, MUTED)
            badge = "i" if check.informative else STATUS_BADGE.get(check.status, "?")
            value = text(check.level, self.lang) if check.level else _format_value(check)
            label = _fit(_label(check.id, self.lang), layout.text_size, False, max_text)
            rows.append(
                (
                    badge,
                    rgb,
                    _sprite(label, layout.text_size, WHITE),
                    _sprite(value, layout.text_size, text_rgb, True) if value else None,
                )
            )

        pad = layout.pad
        badge_d = round(layout.text_size * 1.15)
        gap = layout.px(7)
        row_h = round(layout.text_size * 1.55)
        label_w = max((r[2].width for r in rows), default=0)
        value_w = max((r[3].width for r in rows if r[3] is not None), default=0)
        body_w = badge_d + gap + label_w + (gap * 2 + value_w if value_w else 0)
        header_w = max(title_sprite.width, detail_sprite.width if detail_sprite else 0)
        panel_w = pad * 2 + max(body_w, header_w)
        header_h = title_sprite.height + (detail_sprite.height if detail_sprite else 0)
        panel_h = pad * 2 + header_h + (layout.px(6) + row_h * len(rows) if rows else 0)
        x0 = y0 = layout.margin
        _shade(canvas, (x0, y0, x0 + panel_w, y0 + panel_h))

        y = y0 + pad
        _blit(canvas, title_sprite, x0 + pad, y)
        y += title_sprite.height
        if detail_sprite is not None:
            _blit(canvas, detail_sprite, x0 + pad, y)
            y += detail_sprite.height
        if rows:
            y += layout.px(6)
            cv2.line(
                canvas, (x0 + pad, y - layout.px(3)), (x0 + panel_w - pad, y - layout.px(3)), (90, 90, 90), 1
            )
        badge_size = round(layout.text_size * 0.95)
        for badge, rgb, label_sprite, value_sprite in rows:
            centre = (x0 + pad + badge_d // 2, y + row_h // 2)
            cv2.circle(canvas, centre, badge_d // 2, _bgr(rgb), -1, cv2.LINE_AA)
            glyph = _sprite(badge, badge_size, WHITE, True)
            _blit(canvas, glyph, centre[0] - glyph.width // 2, centre[1] - glyph.height // 2)
            text_y = y + (row_h - label_sprite.height) // 2
            _blit(canvas, label_sprite, x0 + pad + badge_d + gap, text_y)
            if value_sprite is not None:
                _blit(canvas, value_sprite, x0 + panel_w - pad - value_sprite.width, text_y)
            y += row_h
        return y0 + panel_h

    # ----------------------------------------------------------------- hold timer

    def _draw_hold(
        self, canvas: np.ndarray, hold: HoldInfo, assessment: Assessment, layout: _Layout, top: int
    ) -> int:
        """The hold timer, top right; returns its bottom edge."""
        side = getattr(hold, "side", None)
        active = bool(getattr(hold, "active", side is not None))
        target = float(getattr(hold, "target_s", 30.0)) or 30.0
        current = float(getattr(hold, "current_s", 0.0))
        longest = getattr(hold, "longest_s", {})
        now_side = side if active else assessment.front_side
        keys: tuple[str | None, ...] = ("left", "right") if now_side is not None else (None,)

        size = layout.text_size
        pad = layout.pad
        title = _sprite(text("hold", self.lang).capitalize(), layout.small_size, MUTED)
        rows = []
        for key in keys:
            is_now = key == now_side
            seconds = current if (is_now and active) else _per_side(longest, key or "none")
            if is_now and not active:
                seconds = 0.0
            reached = seconds >= target
            bright = is_now
            colour = STATUS_TEXT_RGB["pass"] if reached else (AMBER if bright else MUTED)
            if not bright and not reached:
                colour = _dim(colour, 0.75)
            name = text(key, self.lang) if key else ""
            numbers = f"{math.floor(seconds + 1e-6)} / {target:.0f} s" + (" ✓" if reached else "")
            rows.append((name, numbers, seconds / target, colour, bright, key))

        name_w = max(_sprite(r[0], size, WHITE).width for r in rows) if keys != (None,) else 0
        numbers_w = max(_sprite(r[1], size, WHITE, True).width for r in rows)
        bar_w = layout.px(110)
        box_w = pad * 2 + max(title.width, name_w + (layout.px(14) if name_w else 0) + numbers_w, bar_w)
        bar_w = box_w - 2 * pad
        bar_h = layout.px(9, 4)
        row_h = _sprite("0", size, WHITE).height + bar_h + layout.px(6)
        box_h = pad * 2 + title.height + row_h * len(rows)
        x0 = canvas.shape[1] - layout.margin - box_w
        _shade(canvas, (x0, top, x0 + box_w, top + box_h))
        _blit(canvas, title, x0 + pad, top + pad)
        y = top + pad + title.height
        for name, numbers, fraction, colour, bright, key in rows:
            if name:
                side_rgb = SIDE_RGB.get(key, WHITE)
                _blit(canvas, _sprite(name, size, side_rgb if bright else _dim(side_rgb, 0.7)), x0 + pad, y)
            number_sprite = _sprite(numbers, size, colour, True)
            _blit(canvas, number_sprite, x0 + box_w - pad - number_sprite.width, y)
            bar_y = y + number_sprite.height + layout.px(2)
            cv2.rectangle(canvas, (x0 + pad, bar_y), (x0 + pad + bar_w, bar_y + bar_h), (70, 70, 70), -1)
            filled = round(bar_w * min(max(fraction, 0.0), 1.0))
            if filled > 0:
                cv2.rectangle(canvas, (x0 + pad, bar_y), (x0 + pad + filled, bar_y + bar_h), _bgr(colour), -1)
            if bright and key is not None:
                best = _per_side(longest, key) / target
                if best > fraction + 1e-6:
                    bx = x0 + pad + round(bar_w * min(best, 1.0))
                    cv2.line(
                        canvas, (bx, bar_y - 1), (bx, bar_y + bar_h + 1), (235, 235, 235), max(1, bar_h // 4)
                    )
            y += row_h
        return top + box_h

    # ----------------------------------------------------------------- cue and status

    def _cue_colour(self, key: str, assessment: Assessment) -> RGB:
        if key.startswith("all_good"):
            return STATUS_RGB["pass"]
        for check in assessment.checks:
            if check.cue == key:
                return STATUS_RGB.get(check.status, STATUS_RGB["unknown"])
        return AMBER

    @staticmethod
    def _banner_weights(
        xy: np.ndarray, vis: np.ndarray, assessment: Assessment, min_visibility: float
    ) -> np.ndarray:
        """(n, 3) rows of x, y, weight: points along the visible bones (weight 1 each) and the
        measured joints (weight 3), i.e. what the banner should not hide."""
        weight = np.zeros(len(xy))
        for check in assessment.checks:
            weight[list(check.points)] = 3.0
        seen = (vis >= min_visibility) & np.isfinite(xy).all(axis=1)
        measured = seen & (weight > 0)
        bones = _EDGE_ARRAY[seen[_EDGE_ARRAY].all(axis=1)]
        start, end = xy[bones[:, 0]], xy[bones[:, 1]]
        along = (start[:, None] + _BONE_SAMPLES[None, :, None] * (end - start)[:, None]).reshape(-1, 2)
        return np.concatenate(
            [np.column_stack([xy[measured], weight[measured]]), np.column_stack([along, np.ones(len(along))])]
        )

    def _banner_place(
        self, weights: np.ndarray | None, box: tuple[int, int], upper: int, layout: _Layout
    ) -> tuple[int, int]:
        """Top-left corner of the banner: a corner of the frame below the top boxes or at the
        bottom, whichever hides least of the body.

        The bottom left is its home; it moves only to a corner that hides clearly less (under
        half), and stays there until home is about as good again, so it does not hop about
        from frame to frame.
        """
        box_w, box_h = box
        left, right = layout.margin, layout.width - layout.margin - box_w
        bottom, top = layout.height - layout.margin - box_h, upper + layout.margin
        corners = {("bottom", "left"): (left, bottom)}
        if right > left:
            corners[("bottom", "right")] = (right, bottom)
        if top + box_h <= bottom:
            corners[("top", "left")] = (left, top)
            if right > left:
                corners[("top", "right")] = (right, top)
        home = ("bottom", "left")
        if weights is None or not len(weights):
            self._banner_corner = home
            return corners[home]

        def hidden(corner: tuple[str, str]) -> float:
            x0, y0 = corners[corner]
            m = layout.margin
            inside = (
                (weights[:, 0] >= x0 - m)
                & (weights[:, 0] <= x0 + box_w + m)
                & (weights[:, 1] >= y0 - m)
                & (weights[:, 1] <= y0 + box_h + m)
            )
            return float(weights[inside, 2].sum())

        current = self._banner_corner if self._banner_corner in corners else home
        cost = {corner: hidden(corner) for corner in corners}
        best = min(corners, key=lambda c: (cost[c], c != current, c != home))
        if current != home and cost[home] <= cost[current] + 1:
            current = home
        elif cost[best] + 2 <= cost[current] and 2 * cost[best] <= cost[current]:
            current = best
        self._banner_corner = current
        return corners[current]

    def _draw_cue(
        self,
        canvas: np.ndarray,
        key: str,
        assessment: Assessment,
        layout: _Layout,
        *,
        upper: int,
        weights: np.ndarray | None,
    ) -> tuple[int, int]:
        """The cue banner, as wide as its words, in the corner that hides least of the body
        (`_banner_place`); returns its top and bottom."""
        pad, accent = layout.pad, layout.accent
        size, lines = _cue_lines(text(key, self.lang), layout)
        sprites = [_sprite(line, size, WHITE, True) for line in lines]
        line_h = sprites[0].height if sprites else size
        box_w = accent + 2 * pad + max((sprite.width for sprite in sprites), default=0)
        box_h = pad * 2 + line_h * len(sprites)
        x0, top = self._banner_place(weights, (box_w, box_h), upper, layout)
        _shade(canvas, (x0, top, x0 + box_w, top + box_h), 0.72)
        cv2.rectangle(
            canvas, (x0, top), (x0 + accent, top + box_h), _bgr(self._cue_colour(key, assessment)), -1
        )
        y = top + pad
        for sprite in sprites:
            _blit(canvas, sprite, x0 + accent + pad, y)
            y += line_h
        return top, top + box_h

    def _draw_tags(self, canvas: np.ndarray, words: str, layout: _Layout) -> None:
        height, width = canvas.shape[:2]
        sprite = _sprite(_fit(words, layout.small_size, False, width // 2), layout.small_size, WHITE)
        pad = layout.pad // 2
        x0 = width - layout.margin - sprite.width - 2 * pad
        y0 = height - layout.margin - sprite.height - 2 * pad
        _shade(canvas, (x0, y0, width - layout.margin, height - layout.margin))
        _blit(canvas, sprite, x0 + pad, y0 + pad)

    def _draw_status(self, canvas: np.ndarray, message: str, layout: _Layout, bottom: int) -> None:
        width = canvas.shape[1]
        size = layout.text_size
        pad = layout.pad
        sprite = _sprite(_fit(message, size, True, width - 4 * pad), size, (20, 20, 20), True)
        box_w, box_h = sprite.width + 2 * pad, sprite.height + pad
        x0 = (width - box_w) // 2
        y0 = bottom - layout.margin - box_h
        cv2.rectangle(canvas, (x0, y0), (x0 + box_w, y0 + box_h), _bgr(AMBER), -1)
        _blit(canvas, sprite, x0 + pad, y0 + pad // 2)
