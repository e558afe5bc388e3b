"""The overlay renderer: draws what an Assessment says, at any frame size, in any language."""

from __future__ import annotations

import math
from dataclasses import replace
from types import MappingProxyType

import numpy as np
import pytest

from posecheck import render
from posecheck.landmarks import NUM_LANDMARKS, Landmark, Pose
from posecheck.results import Assessment, CheckResult, Threshold
from posecheck.temporal import HoldState

L = Landmark
NAN = float("nan")

# A person facing image-right in a kneeling lunge, left leg in front, on a 640x480 frame.
LUNGE_640: dict[Landmark, tuple[float, float]] = {
    L.NOSE: (330, 95),
    L.LEFT_EAR: (312, 92),
    L.RIGHT_EAR: (308, 92),
    L.LEFT_SHOULDER: (305, 140),
    L.RIGHT_SHOULDER: (300, 138),
    L.LEFT_ELBOW: (320, 200),
    L.RIGHT_ELBOW: (315, 198),
    L.LEFT_WRIST: (345, 245),
    L.RIGHT_WRIST: (340, 243),
    L.LEFT_HIP: (300, 265),
    L.RIGHT_HIP: (295, 263),
    L.LEFT_KNEE: (400, 270),
    L.RIGHT_KNEE: (235, 370),
    L.LEFT_ANKLE: (395, 370),
    L.RIGHT_ANKLE: (140, 375),
    L.LEFT_HEEL: (385, 380),
    L.RIGHT_HEEL: (130, 370),
    L.LEFT_FOOT_INDEX: (425, 382),
    L.RIGHT_FOOT_INDEX: (120, 385),
}

# Standing upright, facing image-right.
STANDING_640: dict[Landmark, tuple[float, float]] = {
    L.NOSE: (335, 70),
    L.LEFT_EAR: (318, 68),
    L.RIGHT_EAR: (314, 68),
    L.LEFT_SHOULDER: (320, 120),
    L.RIGHT_SHOULDER: (315, 118),
    L.LEFT_ELBOW: (322, 185),
    L.RIGHT_ELBOW: (317, 183),
    L.LEFT_WRIST: (326, 245),
    L.RIGHT_WRIST: (321, 243),
    L.LEFT_HIP: (318, 240),
    L.RIGHT_HIP: (313, 238),
    L.LEFT_KNEE: (322, 340),
    L.RIGHT_KNEE: (317, 338),
    L.LEFT_ANKLE: (318, 435),
    L.RIGHT_ANKLE: (313, 433),
    L.LEFT_HEEL: (306, 445),
    L.RIGHT_HEEL: (301, 443),
    L.LEFT_FOOT_INDEX: (345, 447),
    L.RIGHT_FOOT_INDEX: (340, 445),
}


def make_pose(
    points: dict[Landmark, tuple[float, float]] = LUNGE_640,
    size: tuple[int, int] = (640, 480),
    hidden: tuple[Landmark, ...] = (),
) -> Pose:
    """A pose from 640x480 design coordinates, scaled to ``size``; ``hidden`` gets visibility 0.1."""
    xy = np.full((NUM_LANDMARKS, 2), np.nan)
    vis = np.zeros(NUM_LANDMARKS)
    scale = np.array([size[0] / 640, size[1] / 480])
    for landmark, point in points.items():
        xy[landmark] = np.array(point) * scale
        vis[landmark] = 0.1 if landmark in hidden else 0.95
    return Pose(xy, vis, size)


def knee_check(status: str = "pass", value: float = 5.0) -> CheckResult:
    return CheckResult(
        "front_knee_over_ankle",
        status,  # type: ignore[arg-type]
        value,
        "deg",
        Threshold("max_abs", 12.0),
        f"front_knee_over_ankle.{'pass' if status == 'pass' else 'knee_ahead'}",
        points=(L.LEFT_ANKLE, L.LEFT_KNEE),
        reference="vertical",
    )


def rear_leg_check(status: str = "pass", value: float = 150.0) -> CheckResult:
    return CheckResult(
        "rear_leg_straight",
        status,  # type: ignore[arg-type]
        value,
        "deg",
        Threshold("min", 160.0),
        f"rear_leg_straight.{status}",
        points=(L.RIGHT_HIP, L.RIGHT_KNEE, L.RIGHT_ANKLE),
    )


def lunge_assessment(*checks: CheckResult) -> Assessment:
    checks = checks or (
        knee_check("pass"),
        rear_leg_check("fail", 150.0),
        CheckResult(
            "rear_knee_on_floor",
            "pass",
            0.08,
            "ratio",
            Threshold("max", 0.25),
            "rear_knee_on_floor.pass",
            points=(L.RIGHT_KNEE,),
            reference="floor",
        ),
        CheckResult(
            "trunk_upright",
            "unknown",
            NAN,
            "deg",
            Threshold("max_abs", 15.0),
            "not_visible",
            points=(L.LEFT_HIP, L.LEFT_SHOULDER),
            reference="vertical",
        ),
    )
    return Assessment(True, "kneeling_lunge", "side", "left", tuple(checks))


def frame(size: tuple[int, int] = (640, 480), level: int = 128) -> np.ndarray:
    return np.full((size[1], size[0], 3), level, dtype=np.uint8)


def colour_mask(image: np.ndarray, rgb: tuple[int, int, int], tolerance: int = 40) -> np.ndarray:
    """Pixels within ``tolerance`` of ``rgb`` (image is BGR)."""
    target = np.array(rgb[::-1], dtype=np.int16)
    return (np.abs(image.astype(np.int16) - target) <= tolerance).all(axis=2)


def near(image: np.ndarray, point: np.ndarray, radius: int) -> np.ndarray:
    x, y = int(point[0]), int(point[1])
    return image[max(y - radius, 0) : y + radius, max(x - radius, 0) : x + radius]


# --------------------------------------------------------------------------- basics


@pytest.mark.parametrize("size", [(640, 480), (1920, 1080), (480, 640)])
def test_returns_a_new_image_of_the_same_shape_and_leaves_the_input_alone(size: tuple[int, int]) -> None:
    image = frame(size)
    before = image.copy()
    hold = HoldState(current_s=12.0, side="left", active=True)
    out = render.OverlayRenderer().draw(image, make_pose(size=size), lunge_assessment(), hold)
    assert out.shape == image.shape
    assert out.dtype == image.dtype
    assert out is not image
    assert np.array_equal(image, before)
    assert not np.array_equal(out, image)


def test_rejects_an_image_that_is_not_bgr_uint8() -> None:
    renderer = render.OverlayRenderer()
    with pytest.raises(ValueError, match=r"\(H, W, 3\) uint8"):
        renderer.draw(np.zeros((480, 640), np.uint8), None, Assessment(False))
    with pytest.raises(ValueError, match="float"):
        renderer.draw(np.zeros((480, 640, 3), np.float32), None, Assessment(False))


def test_panel_is_drawn_top_left_and_can_be_switched_off() -> None:
    image = frame()
    assessment = lunge_assessment()
    with_panel = render.OverlayRenderer().draw(image, None, assessment)
    without = render.OverlayRenderer(show_panel=False).draw(image, None, assessment)
    corner = (slice(15, 60), slice(15, 120))
    assert not np.array_equal(with_panel[corner], image[corner])
    assert np.array_equal(without[corner], image[corner])
    # The panel darkens the frame behind it.
    assert with_panel[corner].mean() < image[corner].mean()


def test_passing_check_is_drawn_green_and_failing_red_at_its_joint() -> None:
    pose = make_pose()
    renderer = render.OverlayRenderer(show_panel=False)
    image = frame(level=0)
    knee = pose[L.LEFT_ANKLE]  # the arc of a 2-point check sits at the lower point
    passing = renderer.draw(image, pose, lunge_assessment(knee_check("pass", 6.0)), cue_key="")
    failing = renderer.draw(image, pose, lunge_assessment(knee_check("fail", 24.0)), cue_key="")
    green, red = render.STATUS_RGB["pass"], render.STATUS_RGB["fail"]
    assert colour_mask(near(passing, knee, 60), green).sum() > 30
    assert colour_mask(near(passing, knee, 60), red).sum() == 0
    assert colour_mask(near(failing, knee, 60), red).sum() > 30
    assert colour_mask(near(failing, knee, 60), green).sum() == 0


def test_unknown_check_without_value_draws_no_arc_but_is_listed() -> None:
    pose = make_pose()
    unknown = CheckResult(
        "trunk_upright",
        "unknown",
        NAN,
        "deg",
        Threshold("max_abs", 15.0),
        "not_visible",
        points=(L.LEFT_HIP, L.LEFT_SHOULDER),
        reference="vertical",
    )
    image = frame(level=0)
    bare = render.OverlayRenderer(show_panel=False).draw(image, pose, lunge_assessment(), cue_key="")
    drawn = render.OverlayRenderer(show_panel=False).draw(
        image, pose, lunge_assessment(knee_check(), rear_leg_check("fail"), unknown), cue_key=""
    )
    grey = render.STATUS_RGB["unknown"]
    assert (
        colour_mask(near(drawn, pose[L.LEFT_HIP], 40), grey, 10).sum()
        == colour_mask(near(bare, pose[L.LEFT_HIP], 40), grey, 10).sum()
    )
    panel = render.OverlayRenderer().draw(image, pose, lunge_assessment(unknown), cue_key="")
    assert colour_mask(panel[:200, :300], grey, 10).sum() > 20  # its grey badge


def test_skeleton_sides_have_two_colours_and_hidden_limbs_are_not_drawn_bright() -> None:
    image = frame(level=0)
    renderer = render.OverlayRenderer(show_panel=False)
    empty = Assessment(True, "kneeling_lunge", "side", "left")
    out = renderer.draw(image, make_pose(), empty, cue_key="")
    left_shin = (make_pose()[L.LEFT_KNEE] + make_pose()[L.LEFT_ANKLE]) / 2
    right_thigh = (make_pose()[L.RIGHT_HIP] + make_pose()[L.RIGHT_KNEE]) / 2
    orange, blue = render.SIDE_RGB["left"], render.SIDE_RGB["right"]
    assert colour_mask(near(out, left_shin, 6), orange).sum() > 5
    assert colour_mask(near(out, right_thigh, 6), blue).sum() > 5
    assert colour_mask(near(out, left_shin, 6), blue).sum() == 0

    hidden = renderer.draw(image, make_pose(hidden=(L.LEFT_KNEE,)), empty, cue_key="")
    assert colour_mask(near(hidden, left_shin, 6), orange).sum() == 0


def test_landmarks_the_assessment_calls_unseen_are_drawn_as_hidden() -> None:
    """A misplaced leg (`metrics.misplaced_leg`) is ignored by the checks, so it is drawn
    exactly as if the model had not seen it."""
    image = frame(level=0)
    renderer = render.OverlayRenderer()
    leg = (L.RIGHT_KNEE, L.RIGHT_ANKLE, L.RIGHT_HEEL, L.RIGHT_FOOT_INDEX)
    assessment = lunge_assessment()
    as_seen = renderer.draw(image, make_pose(), assessment)
    ignored = renderer.draw(image, make_pose(), replace(assessment, unseen=leg))
    not_seen = renderer.draw(image, make_pose(hidden=leg), assessment)
    assert not np.array_equal(ignored, as_seen)
    np.testing.assert_array_equal(ignored, not_seen)


def test_pose_from_a_smaller_analysis_image_is_scaled_to_the_frame() -> None:
    image = frame((1280, 960), level=0)
    out = render.OverlayRenderer(show_panel=False).draw(
        image, make_pose(size=(640, 480)), Assessment(True), cue_key=""
    )
    knee = make_pose(size=(1280, 960))[L.LEFT_KNEE]
    assert colour_mask(near(out, knee, 8), render.SIDE_RGB["left"], 60).sum() > 5


# --------------------------------------------------------------------------- text


def test_non_ascii_text_renders_with_its_own_glyphs() -> None:
    image = frame()
    renderer = render.OverlayRenderer(lang="nl")
    with_umlaut = renderer.draw(image, None, Assessment(False), status_line="Knieën")
    plain = renderer.draw(image, None, Assessment(False), status_line="Knieen")
    assert not np.array_equal(with_umlaut, plain)
    # ë is a real glyph, not the font's "missing glyph" box.
    size = 40
    umlaut = render._sprite("ë", size, (255, 255, 255))
    missing = render._sprite("\U000f0000", size, (255, 255, 255))
    assert umlaut.cover.sum() > 0
    assert umlaut.cover.shape != missing.cover.shape or not np.allclose(umlaut.cover, missing.cover)
    for glyph in ("✓", "✗", "°"):
        drawn = render._sprite(glyph, size, (255, 255, 255))
        assert drawn.cover.sum() > 0
        assert drawn.cover.shape != missing.cover.shape or not np.allclose(drawn.cover, missing.cover)


def test_language_changes_the_words(monkeypatch: pytest.MonkeyPatch) -> None:
    image = frame()
    english = render.OverlayRenderer(lang="en").draw(image, make_pose(), lunge_assessment())
    dutch = render.OverlayRenderer(lang="nl").draw(image, make_pose(), lunge_assessment())
    assert not np.array_equal(english[:200, :350], dutch[:200, :350])

    asked: list[tuple[str, str]] = []
    real_text = render.text

    def spy(key: str, lang: str = "en") -> str:
        asked.append((key, lang))
        return real_text(key, lang)  # type: ignore[arg-type]

    monkeypatch.setattr(render, "text", spy)
    render.OverlayRenderer(lang="nl").draw(image, make_pose(), lunge_assessment())
    assert ("kneeling_lunge", "nl") in asked
    assert ("rear_leg_straight", "nl") in asked
    assert ("rear_leg_straight.fail", "nl") in asked  # the cue: the failing check
    assert all(lang == "nl" for _, lang in asked)


def test_no_person_shows_the_banner_and_no_panel(monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str] = []
    real_text = render.text
    monkeypatch.setattr(render, "text", lambda key, lang="en": asked.append(key) or real_text(key, lang))
    image = frame()
    out = render.OverlayRenderer().draw(image, None, Assessment(person_found=False))
    assert "no_person" in asked
    height = image.shape[0]
    assert not np.array_equal(out[height - 60 :], image[height - 60 :])  # the banner
    assert np.array_equal(out[:120, :200], image[:120, :200])  # no panel


def test_cue_key_overrides_the_main_cue_and_an_empty_key_hides_the_banner(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    asked: list[str] = []
    real_text = render.text
    monkeypatch.setattr(render, "text", lambda key, lang="en": asked.append(key) or real_text(key, lang))
    image = frame()
    render.OverlayRenderer().draw(image, make_pose(), lunge_assessment(), cue_key="turn_sideways")
    assert "turn_sideways" in asked
    assert "rear_leg_straight.fail" not in asked
    out = render.OverlayRenderer(show_panel=False).draw(image, None, lunge_assessment(), cue_key="")
    assert np.array_equal(out[-60:], image[-60:])


def test_long_cue_is_wrapped_within_the_frame() -> None:
    lines = render._wrap("word " * 60, 26, True, 600)
    assert len(lines) > 1
    font = render.load_font(26, True)
    assert all(font.getlength(line) <= 600 for line in lines)
    out = render.OverlayRenderer().draw(frame(), None, Assessment(False), cue_key="word " * 60)
    assert out.shape == (480, 640, 3)


def test_status_line_is_drawn() -> None:
    image = frame()
    plain = render.OverlayRenderer().draw(image, None, Assessment(False))
    with_status = render.OverlayRenderer().draw(
        image, None, Assessment(False), status_line="Camera lost — retrying…"
    )
    assert not np.array_equal(plain, with_status)
    assert colour_mask(with_status, render.AMBER, 10).sum() > 500


def test_font_with_check_marks_is_found() -> None:
    path = render.font_path()
    assert path is not None and path.is_file()
    assert render.font_path(bold=True) is not None


# --------------------------------------------------------------------------- hold timer


def test_hold_timer_is_drawn_top_right_with_a_progress_bar() -> None:
    image = frame(level=0)
    renderer = render.OverlayRenderer(show_panel=False)
    assessment = lunge_assessment()
    none = renderer.draw(image, None, assessment, None, cue_key="")
    hold = HoldState(
        current_s=15.0, side="left", active=True, longest_s=MappingProxyType({"left": 15.0, "right": 31.0})
    )
    drawn = renderer.draw(image, None, assessment, hold, cue_key="")
    corner = (slice(0, 140), slice(440, 640))
    assert np.array_equal(none[corner], image[corner])
    assert colour_mask(drawn[corner], render.AMBER, 30).sum() > 100  # the current side's bar
    assert colour_mask(drawn[corner], render.STATUS_TEXT_RGB["pass"], 30).sum() > 100  # right side done


def test_hold_without_side_shows_one_row() -> None:
    image = frame(level=0)
    posture = Assessment(True, "standing_posture", "side", None)
    hold = HoldState(current_s=3.0, side=None, active=True, longest_s=MappingProxyType({"none": 3.0}))
    out = render.OverlayRenderer(show_panel=False).draw(
        image, make_pose(STANDING_640), posture, hold, cue_key=""
    )
    assert out.shape == image.shape


# --------------------------------------------------------------------------- mirror


def test_mirror_flips_the_frame_and_the_skeleton_but_not_the_text() -> None:
    image = frame(level=0)
    image[:, :320] = 90  # a frame that is not symmetric
    pose = make_pose()
    empty = Assessment(True)  # no checks and no cue: only the skeleton is drawn
    plain = render.OverlayRenderer(show_panel=False).draw(image, pose, empty)
    mirrored = render.OverlayRenderer(show_panel=False, mirror=True).draw(image, pose, empty)
    assert np.abs(mirrored[:, ::-1].astype(int) - plain.astype(int)).mean() < 1.0

    # Text stays readable: the banner of a mirrored frame equals the plain one's banner.
    cue = Assessment(False)
    plain_banner = render.OverlayRenderer().draw(frame(), None, cue)
    mirrored_banner = render.OverlayRenderer(mirror=True).draw(frame(), None, cue)
    assert np.array_equal(plain_banner, mirrored_banner)


# --------------------------------------------------------------------------- measurement geometry


def test_joint_arc_spans_the_interior_angle_or_the_angle_past_straight() -> None:
    hip, knee, ankle = np.array([0.0, 0.0]), np.array([0.0, 100.0]), np.array([60.0, 180.0])
    interior = 180 - math.degrees(math.atan2(60, 80))
    _, _, sweep, reference, _ = render.OverlayRenderer._joint_arc(hip, knee, ankle, past_straight=False)
    assert abs(abs(sweep) - interior) < 0.5
    assert reference is None
    # The same joint measured as "degrees past straight" (hip extension, hyperextension).
    _, _, sweep, reference, _ = render.OverlayRenderer._joint_arc(hip, knee, ankle, past_straight=True)
    assert abs(abs(sweep) - (180 - interior)) < 0.5
    assert reference is not None


@pytest.mark.parametrize(
    ("points", "value", "measured_from", "reference"),
    [
        (((100, 200), (110, 100)), 5.7, "vertical", (0, -1)),  # shin vs vertical
        (((100, 200), (300, 190)), 2.9, "horizontal", (1, 0)),  # line vs horizontal
        (((300, 200), (100, 150)), 14.0, "floor_line", (-1, 0)),  # trunk above the floor
        (((100, 200), (180, 120)), 45.0, "floor_line", (1, 0)),  # 45°: no guessing, the check says
        (((100, 200), (180, 120)), 45.0, "vertical", (0, -1)),
    ],
)
def test_segment_arc_starts_from_the_reference_the_check_was_measured_from(
    points: tuple[tuple[float, float], tuple[float, float]],
    value: float,
    measured_from: str,
    reference: tuple[float, float],
) -> None:
    p, q = (np.array(point, dtype=float) for point in points)
    horizontal = measured_from in ("horizontal", "floor_line")
    vertex, _, sweep, ref, _ = render.OverlayRenderer._segment_arc(p, q, horizontal=horizontal)
    assert ref is not None
    assert np.allclose(ref, reference)
    assert np.allclose(vertex, p)  # the lower point
    assert abs(abs(sweep) - value) < 1.0


# --------------------------------------------------------------------------- layout


def test_no_exercise_shows_only_the_banner() -> None:
    image = frame()
    out = render.OverlayRenderer().draw(image, make_pose(STANDING_640), Assessment(True, None, "front"))
    assert np.array_equal(out[15:60, 15:120], image[15:60, 15:120])
    assert not np.array_equal(out[-60:], image[-60:])


def test_banner_moves_above_a_body_lying_at_the_bottom_of_the_frame() -> None:
    # A prone press-up filling the bottom strip of the frame.
    lying = {landmark: (x, 330 + 0.3 * y) for landmark, (x, y) in LUNGE_640.items()}
    image = frame(level=0)
    renderer = render.OverlayRenderer()
    assessment = Assessment(True, "prone_press_up", "side", None, note="turn_sideways")

    def accent_rows(out: np.ndarray) -> np.ndarray:
        """Rows where the banner's accent bar (amber for a note) is drawn at the left edge."""
        return np.flatnonzero(colour_mask(out[:, :20], render.AMBER, 10).any(axis=1))

    lying_rows = accent_rows(renderer.draw(image, make_pose(lying), assessment))
    assert len(lying_rows) and lying_rows.max() < 240  # above the body, under the panel
    # A standing person: the banner stays at the bottom, over the feet, not over the head.
    standing_rows = accent_rows(render.OverlayRenderer().draw(image, make_pose(STANDING_640), assessment))
    assert len(standing_rows) and standing_rows.min() > 300
    # Back at the bottom once the body leaves the bottom strip (e.g. kneels up, smaller).
    high = {landmark: (x, 40 + 0.6 * y) for landmark, (x, y) in STANDING_640.items()}
    back_rows = accent_rows(renderer.draw(image, make_pose(high), assessment))
    assert len(back_rows) and back_rows.min() > 300


def _accent_columns(out: np.ndarray, rgb: tuple[int, int, int]) -> np.ndarray:
    """Columns where the banner's accent bar (a solid bar in the cue's colour) is drawn."""
    return np.flatnonzero(colour_mask(out[-80:], rgb, 10).sum(axis=0) >= 20)


def test_a_short_cue_banner_is_as_wide_as_its_words() -> None:
    out = render.OverlayRenderer().draw(
        frame(level=0), None, Assessment(True, None, None, None, note="all_good")
    )
    shaded = (out[-40:].max(axis=2) > 0).any(axis=0)  # the banner lightens the black frame
    assert 100 < shaded.sum() < 0.7 * out.shape[1]


def test_a_short_banner_moves_to_the_corner_where_it_hides_no_feet() -> None:
    assessment = Assessment(True, None, None, None, note="all_good")
    image = frame(level=0)
    # Standing at the left edge: the home corner (bottom left) would cover the feet.
    at_left = {landmark: (x - 220, y) for landmark, (x, y) in STANDING_640.items()}
    columns = _accent_columns(
        render.OverlayRenderer().draw(image, make_pose(at_left), assessment), render.STATUS_RGB["pass"]
    )
    assert len(columns) and columns.min() > 300
    # Standing at the right edge: it stays at home.
    at_right = {landmark: (x + 220, y) for landmark, (x, y) in STANDING_640.items()}
    columns = _accent_columns(
        render.OverlayRenderer().draw(image, make_pose(at_right), assessment), render.STATUS_RGB["pass"]
    )
    assert len(columns) and columns.max() < 40


@pytest.mark.parametrize("lang", ["en", "nl"])
@pytest.mark.parametrize("size", [(640, 480), (1280, 720)])
def test_every_routine_instruction_is_shown_whole(lang: str, size: tuple[int, int]) -> None:
    """The routine's setup instructions are the longest cues.  The banner shows them without the
    step's name (the status line carries it): on a 640x480 picture the Dutch kneeling-lunge one
    took four lines and the banner's three cut it ("... voorste knie loodrec…").  The banner now
    takes a fourth line, and a longer text shrinks its font (at most a quarter) until it fits:
    checked here on the whole instruction, the step's name included (five lines at full size)."""
    from posecheck.exercises import EXERCISES
    from posecheck.voice import Utterance

    layout = render._layout(*size)
    for exercise in EXERCISES:
        words = Utterance(
            f"routine.setup.{exercise}", 0.0, "routine", (("side", "routine.side.left"),)
        ).words(lang)  # type: ignore[arg-type]
        font_size, lines = render._cue_lines(words, layout)
        assert len(lines) <= 4
        assert " ".join(lines) == words, exercise
        assert font_size >= 0.75 * layout.cue_size


def test_a_cue_that_fits_keeps_its_size_and_one_too_long_is_cut() -> None:
    layout = render._layout(640, 480)
    size, lines = render._cue_lines("Trunk leans forward: bring your chest up over your hips.", layout)
    assert size == layout.cue_size and len(lines) <= 2
    size, lines = render._cue_lines("word " * 200, layout)
    assert size == round(0.75 * layout.cue_size) and len(lines) == 4 and lines[-1].endswith("…")
