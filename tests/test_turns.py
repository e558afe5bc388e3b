"""The second look at badly fitting photos (`posecheck.turns`), without MediaPipe.

Turning (or zooming out) an image and mapping a pose back are checked pixel by pixel; `silhouette_fit` on a
rasterised forward-kinematics body whose legs are right, then moved off the body; and
`detect_best` with a stand-in model that only finds the right pose in one turned image.
"""

from __future__ import annotations

import numpy as np
import pytest
from test_rules import prone_pose

from posecheck.landmarks import NUM_LANDMARKS, Landmark, Pose
from posecheck.synth.body import prone_press_up
from posecheck.turns import (
    TURNS,
    Turn,
    detect_best,
    pose_turned_back,
    silhouette_fit,
    turn_image,
    zoom_out_margin,
)

L = Landmark
WIDTH, HEIGHT = 64, 48
# The rasterised mannequin is thicker under the belly than its skeleton explains, so the right
# skeleton scores ~0.9 here (0.93-1.0 on real photos); the tests retry below this instead.
MIN_FIT = 0.85


def marked_image(x: int, y: int) -> np.ndarray:
    image = np.zeros((HEIGHT, WIDTH, 3), np.uint8)
    image[y, x] = 255
    return image


def pose_at(xy: np.ndarray, image_size: tuple[int, int], mask: np.ndarray | None = None) -> Pose:
    return Pose(xy=xy, visibility=np.linspace(0.0, 1.0, NUM_LANDMARKS), image_size=image_size, mask=mask)


@pytest.mark.parametrize("turn", TURNS)
def test_pose_turned_back_lands_on_the_same_pixel(turn: Turn) -> None:
    x, y = 41, 7
    turned = turn_image(marked_image(x, y), turn)
    assert turned.flags.c_contiguous
    rows, columns = np.nonzero(turned[..., 0])
    assert rows.size == 1
    # every landmark on the marked pixel's centre in the turned image
    found = np.tile([columns[0] + 0.5, rows[0] + 0.5], (NUM_LANDMARKS, 1))
    back = pose_turned_back(pose_at(found, (turned.shape[1], turned.shape[0])), turn, (WIDTH, HEIGHT))
    assert back.image_size == (WIDTH, HEIGHT)
    np.testing.assert_allclose(back.xy, np.tile([x + 0.5, y + 0.5], (NUM_LANDMARKS, 1)))


@pytest.mark.parametrize("turn", TURNS)
def test_mask_turned_back_matches_the_image(turn: Turn) -> None:
    image = marked_image(3, 40)[..., 0].astype(np.float32) / 255.0
    turned = turn_image(image, turn)
    xy = np.zeros((NUM_LANDMARKS, 2))
    back = pose_turned_back(
        pose_at(xy, (turned.shape[1], turned.shape[0]), mask=turned), turn, (WIDTH, HEIGHT)
    )
    assert back.mask is not None
    np.testing.assert_array_equal(back.mask, image)


def test_a_mirror_swaps_left_and_right_but_not_the_nose() -> None:
    xy = np.zeros((NUM_LANDMARKS, 2))
    xy[L.LEFT_WRIST] = (10.0, 20.0)
    xy[L.RIGHT_WRIST] = (50.0, 30.0)
    xy[L.NOSE] = (5.0, 5.0)
    seen = pose_at(xy, (WIDTH, HEIGHT))
    back = pose_turned_back(seen, "mirror", (WIDTH, HEIGHT))
    # what the model called the left wrist in the mirror is the person's right wrist
    np.testing.assert_allclose(back.xy[L.RIGHT_WRIST], (WIDTH - 10.0, 20.0))
    np.testing.assert_allclose(back.xy[L.LEFT_WRIST], (WIDTH - 50.0, 30.0))
    np.testing.assert_allclose(back.xy[L.NOSE], (WIDTH - 5.0, 5.0))
    assert back.visibility[L.RIGHT_WRIST] == seen.visibility[L.LEFT_WRIST]
    assert back.visibility[L.NOSE] == seen.visibility[L.NOSE]


def legs_moved_onto_the_arms(pose: Pose) -> Pose:
    """The failure seen on real cobras: the model draws both legs along the arms."""
    xy = pose.xy.copy()
    for side in ("LEFT", "RIGHT"):
        for leg, arm in (("HIP", "SHOULDER"), ("KNEE", "ELBOW"), ("ANKLE", "WRIST"), ("HEEL", "WRIST")):
            xy[L[f"{side}_{leg}"]] = xy[L[f"{side}_{arm}"]]
        xy[L[f"{side}_FOOT_INDEX"]] = xy[L[f"{side}_INDEX"]]
    return pose.replace(xy=xy)


def legs_off_the_body(pose: Pose) -> Pose:
    """Legs drawn below the floor, outside the silhouette."""
    xy = pose.xy.copy()
    for side in ("LEFT", "RIGHT"):
        for part in ("KNEE", "ANKLE", "HEEL", "FOOT_INDEX"):
            xy[L[f"{side}_{part}"], 1] += 150.0
    return pose.replace(xy=xy)


def test_silhouette_fit_is_high_for_the_right_skeleton_and_low_for_misplaced_legs() -> None:
    good = prone_pose(prone_press_up())
    assert silhouette_fit(good) >= MIN_FIT
    assert silhouette_fit(legs_moved_onto_the_arms(good)) < 0.5  # the real legs are unexplained
    assert silhouette_fit(legs_off_the_body(good)) < 0.5  # the drawn legs are outside


def test_silhouette_fit_without_mask_is_nan_and_with_an_empty_mask_zero() -> None:
    good = prone_pose(prone_press_up())
    assert np.isnan(silhouette_fit(prone_pose(prone_press_up(), with_mask=False)))
    assert good.mask is not None
    assert silhouette_fit(good.replace(mask=np.zeros_like(good.mask))) == 0.0


class TurnedModel:
    """Stand-in for the pose model: finds `truth` only in the image turned by `works_on`,
    a version with misplaced legs everywhere else; records the image shapes it was given."""

    def __init__(
        self, truth: Pose, works_on: Turn, bad: Pose | None, others: dict[Turn, Pose] | None = None
    ) -> None:
        self.truth, self.works_on, self.bad = truth, works_on, bad
        self.others = others or {}  # what it finds in these turns instead of `bad`
        self.calls: list[Turn] = []

    def __call__(self, image: np.ndarray) -> Pose | None:
        turn = next(t for t in TURNS if np.array_equal(image, turn_image(self.original, t)))
        self.calls.append(turn)
        found = self.truth if turn == self.works_on else self.others.get(turn, self.bad)
        return None if found is None else seen_in_turned_image(found, turn)

    @property
    def original(self) -> np.ndarray:
        # a distinct image per turn: a gradient with no symmetry
        width, height = self.truth.image_size
        return (np.arange(width * height, dtype=np.uint32).reshape(height, width) % 251).astype(np.uint8)


def seen_in_turned_image(pose: Pose, turn: Turn) -> Pose:
    """What the model would report for `pose` in the turned image (the inverse of turning back)."""
    width, height = pose.image_size
    if turn == "zoomed_out":
        margin = zoom_out_margin(width, height)
        mask = None if pose.mask is None else np.pad(pose.mask, margin)
        return pose.replace(
            xy=pose.xy + margin, image_size=(width + 2 * margin, height + 2 * margin), mask=mask
        )
    inverse: dict[Turn, Turn] = {
        "none": "none",
        "mirror": "mirror",
        "clockwise": "counterclockwise",
        "counterclockwise": "clockwise",
    }
    turned_size = (width, height) if turn in ("none", "mirror") else (height, width)
    return pose_turned_back(pose, inverse[turn], turned_size)


def test_zooming_out_adds_room_of_repeated_edge_pixels() -> None:
    image = np.arange(WIDTH * HEIGHT, dtype=np.uint32).reshape(HEIGHT, WIDTH)
    margin = zoom_out_margin(WIDTH, HEIGHT)
    assert margin == round(0.25 * WIDTH)  # a quarter of the long side on each side
    zoomed = turn_image(image, "zoomed_out")
    assert zoomed.shape == (HEIGHT + 2 * margin, WIDTH + 2 * margin)
    np.testing.assert_array_equal(zoomed[margin : margin + HEIGHT, margin : margin + WIDTH], image)
    np.testing.assert_array_equal(zoomed[0, : margin + 1], np.full(margin + 1, image[0, 0]))  # a corner
    np.testing.assert_array_equal(zoomed[margin + 5, :margin], np.full(margin, image[5, 0]))  # an edge
    colour = turn_image(np.zeros((HEIGHT, WIDTH, 3), np.uint8), "zoomed_out")
    assert colour.shape == (HEIGHT + 2 * margin, WIDTH + 2 * margin, 3)


@pytest.mark.parametrize("works_on", ["mirror", "clockwise", "counterclockwise", "zoomed_out"])
def test_detect_best_keeps_the_turn_that_fits(works_on: Turn) -> None:
    truth = prone_pose(prone_press_up())
    model = TurnedModel(truth, works_on, bad=legs_moved_onto_the_arms(truth))
    best = detect_best(model, model.original, min_fit=MIN_FIT)
    assert best is not None
    assert model.calls == list(TURNS)
    np.testing.assert_allclose(best.xy, truth.xy, atol=1e-9)
    assert best.image_size == truth.image_size


def test_detect_best_prefers_a_skeleton_the_model_saw_over_an_equal_fit_it_guessed() -> None:
    truth = prone_pose(prone_press_up())
    guessed = truth.replace(visibility=np.full(NUM_LANDMARKS, 0.2))  # the same points, unseen
    assert silhouette_fit(guessed) == silhouette_fit(truth)
    model = TurnedModel(truth, "zoomed_out", bad=legs_moved_onto_the_arms(truth), others={"mirror": guessed})
    best = detect_best(model, model.original, min_fit=MIN_FIT)
    assert best is not None
    np.testing.assert_allclose(best.visibility, truth.visibility)


def test_detect_best_stops_after_one_look_when_the_fit_is_good() -> None:
    truth = prone_pose(prone_press_up())
    model = TurnedModel(truth, "none", bad=None)
    assert detect_best(model, model.original, min_fit=MIN_FIT) is not None
    assert model.calls == ["none"]


def test_detect_best_never_retries_at_zero_and_finds_nobody_in_an_empty_photo() -> None:
    truth = prone_pose(prone_press_up())
    bad = legs_moved_onto_the_arms(truth)
    model = TurnedModel(truth, "clockwise", bad=bad)
    kept = detect_best(model, model.original, min_fit=0.0)
    assert kept is not None and model.calls == ["none"]
    np.testing.assert_allclose(kept.xy, bad.xy)
    nobody = TurnedModel(truth, "none", bad=None)
    nobody.works_on = "nowhere"  # type: ignore[assignment]
    assert detect_best(nobody, nobody.original, min_fit=MIN_FIT) is None
    assert nobody.calls == list(TURNS)
