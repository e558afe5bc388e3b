"""The labelled photos of ``../shared/data`` as a benchmark, shared by ``accuracy.py`` and ``calibrate.py``.

* `load_rows` reads ``labels.csv``; `Row.source` is the photo's *source*: its ``group=NAME`` from
  ``note`` where there is one (frames of one video, one person's burst, in whichever repos),
  otherwise its ``repo``.  A source is never split between the photos a threshold is fitted on
  and the photos it is judged on.
* `cached_poses` runs exactly what ``posecheck photo`` runs up to the landmarks (the final
  `Pose` of `pipeline.analyse_photo`, second look included) once per photo and keeps it in a
  compressed ``.npz`` per photo (landmarks, visibility, world landmarks, the segmentation mask
  and any other array field `Pose` gains; a field `Pose` no longer has, such as the ``depth``
  of older caches, is ignored on loading).  The key holds the photo's bytes, the model, the
  mirror/scale/roll/webcam options, the second-look setting, the MediaPipe version and the source of the
  modules the landmarks come from, so a change there recomputes.  Re-scoring then takes
  seconds: `judge` is the pure `assess` on the cached poses.
* `score`, `balanced_accuracy`: the figures; `cross_validate`: leave-one-source-out refitting
  of the thresholds of `FITTED` (`fit_threshold`: maximum balanced accuracy on the training
  sources, then the centre of the widest optimal plateau, so the limit keeps the largest
  margin to both classes).
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import hashlib
import logging
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import TypeVar

import numpy as np

from posecheck.assess import assess
from posecheck.config import Settings
from posecheck.landmarks import Pose
from posecheck.results import Assessment

log = logging.getLogger(__name__)
K = TypeVar("K")

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CACHE = Path("/tmp/calib/cache")
EXPECTED: dict[str, str | None] = {
    "A": "kneeling_lunge",
    "B": "standing_lunge",
    "C1": "prone_press_up",
    "C2": "prone_press_up",
    "D": "standing_posture",
    "N": None,
}
# Label columns that are checks (pass / fail / blank); pelvis_on_floor comes from the category.
LABEL_CHECKS = (
    "front_knee_over_ankle",
    "trunk_upright",
    "rear_leg_straight",
    "hollow_back",
    "forward_head",
    "plumb_line",
)
PELVIS_LABEL = {"C1": "pass", "C2": "fail"}
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".webp"}
# The modules whose code decides the landmarks of a photo: a change in them voids the cache.
POSE_CODE = ("estimator.py", "turns.py", "landmarks.py", "imageio.py")
_GROUP = re.compile(r"group=([^\s;,]+)")


@dataclass(frozen=True)
class Row:
    """One labelled photo."""

    file: str
    category: str
    accept: frozenset[str | None]
    labels: dict[str, str]  # check id -> "pass" / "fail" (judged checks only)
    repo: str
    group: str | None
    source: str = ""

    @property
    def expected(self) -> frozenset[str | None]:
        return frozenset({EXPECTED[self.category], *self.accept})


def load_rows(data: Path) -> list[Row]:
    """The photo rows of ``data/labels.csv`` with their sources."""
    with (data / "labels.csv").open(newline="", encoding="utf-8") as handle:
        records = [r for r in csv.DictReader(handle) if Path(r["file"]).suffix.lower() in IMAGE_SUFFIXES]
    rows = []
    for r in records:
        labels = {c: r[c] for c in LABEL_CHECKS if r.get(c) in ("pass", "fail")}
        if r["category"] in PELVIS_LABEL:
            labels["pelvis_on_floor"] = PELVIS_LABEL[r["category"]]
        group = _GROUP.search(r.get("note", ""))
        accept = frozenset(None if a == "null" else a for a in r["accept"].split("|") if a)
        rows.append(
            Row(r["file"], r["category"], accept, labels, r["repo"], group.group(1) if group else None)
        )
    return with_sources(rows)


def with_sources(rows: Sequence[Row]) -> list[Row]:
    """Each row with its source: its ``group=`` (one person or one video, in whichever repos it
    occurs) where the note names one, otherwise its repo (unknown people from one collection)."""
    return [replace(row, source=f"group={row.group}" if row.group else row.repo) for row in rows]


def labelled_arguments(description: str) -> argparse.ArgumentParser:
    """The command line both scripts share: the data folder, settings, model and cache."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("data", type=Path, help="folder with labels.csv and photos/")
    parser.add_argument("--config", help="settings TOML to use instead of the defaults")
    parser.add_argument("--model", default="full")
    parser.add_argument(
        "--cache", type=Path, default=DEFAULT_CACHE, help="folder for the cached model output"
    )
    return parser


# --- the model output, cached per photo ---------------------------------------------------------


def code_version() -> str:
    import mediapipe

    digest = hashlib.sha256(mediapipe.__version__.encode())
    for name in POSE_CODE:
        digest.update((ROOT / "posecheck" / name).read_bytes())
    return digest.hexdigest()


def render_code_version() -> str:
    """A digest of the renderer's code (`posecheck/synth`): the mannequin benchmarks add it to
    each render's cache key, so that a render drawn differently (a body shape's default, the
    kinematics, the look) is run through the model again instead of answered from the cache."""
    digest = hashlib.sha256()
    for path in sorted((ROOT / "posecheck" / "synth").glob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def packed_mask(mask: np.ndarray) -> np.ndarray:
    """A person-segmentation mask as one bit a pixel (person or not), for caches of many poses."""
    return np.packbits(np.asarray(mask) >= 0.5)


def unpacked_mask(bits: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """`packed_mask`'s bits back as a (height, width) 0/1 mask; ``size`` is (width, height)."""
    width, height = size
    return np.unpackbits(bits)[: width * height].reshape(height, width)


def save_pose(path: Path, pose: Pose | None) -> None:
    arrays: dict[str, np.ndarray] = {"found": np.array(pose is not None)}
    if pose is not None:
        for f in dataclasses.fields(pose):
            value = getattr(pose, f.name)
            if value is None:
                continue
            if f.name == "mask":  # float16 keeps 0/1 exact and compresses far better
                value = value.astype(np.float16)
            arrays[f.name] = np.asarray(value)
    tmp = path.with_suffix(".tmp.npz")
    np.savez_compressed(tmp, **arrays)  # type: ignore[arg-type]
    tmp.replace(path)


def load_pose(path: Path) -> Pose | None:
    with np.load(path) as saved:
        if not bool(saved["found"]):
            return None
        known = {f.name for f in dataclasses.fields(Pose)}
        values = {name: saved[name] for name in saved.files if name in known}
    values["image_size"] = tuple(int(v) for v in values["image_size"])
    values["timestamp_s"] = float(values.get("timestamp_s", 0.0))
    if "mask" in values:
        values["mask"] = values["mask"].astype(np.float32)
    return Pose(**values)


def cached_poses(
    rows: Sequence[Row],
    data: Path,
    settings: Settings,
    *,
    model: str = "full",
    cache: Path = DEFAULT_CACHE,
    mirror: bool = False,
    scale: float = 1.0,
    roll: float = 0.0,
    webcam: bool = False,
) -> dict[str, Pose | None]:
    """The final pose of `pipeline.analyse_photo` for every row, from the cache where it has it.

    The model runs only for photos the cache lacks.  A photo that cannot be read is left out.
    """
    options = (
        f"{model}|{mirror}|{scale:g}" + (f"|roll{roll:g}" if roll else "") + ("|webcam" if webcam else "")
    )

    def image(row: Row) -> np.ndarray | None:
        from posecheck.errors import PosecheckError
        from posecheck.imageio import load_image

        try:
            loaded = load_image(data / row.file)
        except PosecheckError as error:
            log.warning("skip %s: %s", row.file, error)
            return None
        return _transformed(loaded, mirror, scale, roll, webcam)

    items = [
        (row.file, (data / row.file).read_bytes() + options.encode(), partial(image, row)) for row in rows
    ]
    return cached_detections(items, settings, model=model, cache=cache)


def cached_detections(
    items: Iterable[tuple[K, bytes, Callable[[], np.ndarray | None]]],
    settings: Settings,
    *,
    model: str = "full",
    cache: Path = DEFAULT_CACHE,
    prefix: str = "",
) -> dict[K, Pose | None]:
    """What ``posecheck photo`` finds (`turns.detect_best`) with ``model`` in each (name,
    identity, image maker), from ``cache`` where it has it.  The key joins the identity bytes
    (which name the image, the model and any transformation), the second-look setting and
    `code_version`.  The model runs only for images the cache lacks; an image maker that
    returns None leaves its item out."""
    cache.mkdir(parents=True, exist_ok=True)
    options = f"|{settings.min_photo_silhouette_fit:g}|{code_version()}".encode()
    poses: dict[K, Pose | None] = {}
    estimator = None
    try:
        for name, identity, make_image in items:
            path = cache / f"{prefix}{hashlib.sha256(identity + options).hexdigest()[:32]}.npz"
            if path.exists():
                poses[name] = load_pose(path)
                continue
            image = make_image()
            if image is None:
                continue
            from posecheck.turns import detect_best

            if estimator is None:
                from posecheck.estimator import PoseEstimator

                estimator = PoseEstimator(model, mode="image")
            log.info("model: %s", name)
            pose = detect_best(estimator.detect, image, settings.min_photo_silhouette_fit)
            save_pose(path, pose)
            poses[name] = pose
    finally:
        if estimator is not None:
            estimator.close()
    return poses


# A cheap webcam: long side at most this many pixels, soft focus (Gaussian sigma in pixels),
# underexposed (gamma), and strong JPEG compression.
WEBCAM_LONG_SIDE = 640
WEBCAM_BLUR_SIGMA = 1.0
WEBCAM_GAMMA = 1.4
WEBCAM_JPEG_QUALITY = 50


def _transformed(image: np.ndarray, mirror: bool, scale: float, roll: float, webcam: bool) -> np.ndarray:
    """The photo as another camera would give it: mirrored, resized by ``scale``, turned ``roll``
    degrees counterclockwise about its centre (a camera not held level; edges repeated), and as
    a cheap webcam's picture."""
    import cv2

    from posecheck.turns import turn_image

    if mirror:
        image = turn_image(image, "mirror")
    if scale != 1.0:
        image = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    if roll:
        height, width = image.shape[:2]
        turn = cv2.getRotationMatrix2D((width / 2, height / 2), roll, 1.0)
        image = cv2.warpAffine(image, turn, (width, height), borderMode=cv2.BORDER_REPLICATE)
    if webcam:
        factor = WEBCAM_LONG_SIDE / max(image.shape[:2])
        if factor < 1.0:
            image = cv2.resize(image, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
        image = cv2.GaussianBlur(image, (0, 0), WEBCAM_BLUR_SIGMA)
        image = np.clip(255.0 * (image / 255.0) ** WEBCAM_GAMMA, 0, 255).astype(np.uint8)
        _, encoded = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, WEBCAM_JPEG_QUALITY])
        image = np.asarray(cv2.imdecode(encoded, cv2.IMREAD_COLOR))
    return image


# --- verdicts and scores -----------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """What posecheck said about one photo: the exercise and each check's (status, value)."""

    person_found: bool
    exercise: str | None
    checks: dict[str, tuple[str, float]]

    @classmethod
    def of(cls, assessment: Assessment) -> Outcome:
        checks: dict[str, tuple[str, float]] = {c.id: (c.status, c.value) for c in assessment.checks}
        return cls(assessment.person_found, assessment.exercise, checks)


def judge(rows: Iterable[Row], poses: dict[str, Pose | None], settings: Settings) -> dict[str, Outcome]:
    """`assess` (recognition, then the exercise's checks) on every cached pose."""
    return {row.file: Outcome.of(assess(poses[row.file], settings)) for row in rows if row.file in poses}


def exercise_right(row: Row, outcome: Outcome) -> bool:
    return outcome.exercise in row.expected


def check_pair(row: Row, outcome: Outcome, check_id: str) -> tuple[str, str] | None:
    """(label, verdict) of a labelled check on a photo recognised as an exercise that has it.

    ``unknown`` is a verdict (and a wrong one).  pelvis_on_floor is judged on every C1/C2
    photo: not recognised as a press-up counts as ``unknown``.
    """
    label = row.labels.get(check_id)
    if label is None:
        return None
    got = outcome.checks.get(check_id)
    if got is None:
        return (label, "unknown") if check_id == "pelvis_on_floor" else None
    return label, got[0]


def balanced_accuracy(pairs: Iterable[tuple[str, str]]) -> tuple[float, int]:
    """Mean per-label recall over the labels present (plain accuracy with one label), and the count."""
    by_label: dict[str, list[bool]] = defaultdict(list)
    for label, verdict in pairs:
        by_label[label].append(label == verdict)
    count = sum(len(v) for v in by_label.values())
    if not count:
        return float("nan"), 0
    return float(np.mean([np.mean(v) for v in by_label.values()])), count


def objective_pairs(
    rows: Iterable[Row], outcomes: dict[str, Outcome], objective: str
) -> list[tuple[str, str]]:
    """(label, verdict) pairs of ``objective``: a check id, or "exercise" (right / wrong)."""
    pairs = []
    for row in rows:
        outcome = outcomes.get(row.file)
        if outcome is None:
            continue
        if objective == "exercise":
            pairs.append(("right", "right" if exercise_right(row, outcome) else "wrong"))
        else:
            pair = check_pair(row, outcome, objective)
            if pair is not None:
                pairs.append(pair)
    return pairs


def score(rows: Iterable[Row], outcomes: dict[str, Outcome], objective: str) -> tuple[float, int]:
    """Balanced accuracy of a check (plain accuracy for "exercise") and the number of photos."""
    return balanced_accuracy(objective_pairs(rows, outcomes, objective))


# --- fitting thresholds, and leave-one-source-out ---------------------------------------------


@dataclass(frozen=True)
class Fitted:
    """A threshold that can be fitted from the labels: the setting, what it is judged by, where
    to look, and whether ``config.py`` takes the fitted value (``adopted``) or keeps a
    physically motivated default because fitting did not carry over to unseen sources."""

    setting: str
    objective: str  # a check id, or "exercise"
    low: float
    high: float
    steps: int = 41
    categories: tuple[str, ...] = ()  # only photos of these label categories can change (all if empty)
    adopted: bool = False
    elsewhere: str = ""  # where config.py's value is fitted instead (a script), if not on the photos

    @property
    def grid(self) -> np.ndarray:
        return np.linspace(self.low, self.high, self.steps)

    def relevant(self, rows: Iterable[Row]) -> list[Row]:
        """The photos whose verdict on the objective this setting can change."""
        return [
            r
            for r in rows
            if (self.objective == "exercise" or self.objective in r.labels)
            and (not self.categories or r.category in self.categories)
        ]


# Every threshold calibrate.py fits; accuracy.py's leave-one-source-out figures refit the adopted
# ones in every fold (the others are defaults set without the labels, the same in every fold).
FITTED: tuple[Fitted, ...] = (
    # Decide kneeling vs standing lunge only: photos of the two lunge categories.  Both are set
    # from PRODUCT.md and the knee's size, not fitted: one photo would place the gap limit.
    Fitted("max_rear_knee_height_ratio", "exercise", 0.04, 0.5, 47, ("A", "B")),
    Fitted("max_rear_knee_gap_ratio", "exercise", 0.0, 0.4, 41, ("A", "B")),
    Fitted("max_shin_tilt_deg", "front_knee_over_ankle", 6.0, 26.0),
    Fitted("max_trunk_tilt_deg", "trunk_upright", 6.0, 30.0, 49),
    Fitted("min_rear_knee_angle_deg", "rear_leg_straight", 130.0, 170.0),
    # Fitted on rendered mannequins with a known pelvis lift instead (5 real upward dogs cannot place it).
    Fitted("max_pelvis_gap_ratio", "pelvis_on_floor", 0.02, 0.14, 49, elsewhere="pelvis_mannequin.py"),
    Fitted("max_neck_tilt_deg", "forward_head", 5.0, 45.0),
    Fitted("max_plumb_offset_ratio", "plumb_line", 0.02, 0.2, 37, adopted=True),
)


def plateau_centre(grid: np.ndarray, scores: np.ndarray) -> float:
    """The centre of the widest run of grid points that reach the best score."""
    best = np.nanmax(scores)
    on = np.isclose(scores, best)
    runs, start = [], None
    for i, flag in enumerate([*on, False]):
        if flag and start is None:
            start = i
        elif not flag and start is not None:
            runs.append((grid[i - 1] - grid[start], start, i - 1))
            start = None
    _, first, last = max(runs)
    return float((grid[first] + grid[last]) / 2)


@dataclass
class Sweep:
    """Each row's outcome at every grid value of one fitted setting (computed once, then sliced)."""

    fitted: Fitted
    outcomes: list[dict[str, Outcome]]

    def scores(self, rows: Sequence[Row]) -> np.ndarray:
        return np.array([score(rows, o, self.fitted.objective)[0] for o in self.outcomes])

    def fit(self, rows: Sequence[Row]) -> float:
        return plateau_centre(self.fitted.grid, self.scores(rows))

    def at(self, value: float) -> dict[str, Outcome]:
        return self.outcomes[int(np.argmin(np.abs(self.fitted.grid - value)))]


def sweep(fitted: Fitted, rows: Sequence[Row], poses: dict[str, Pose | None], settings: Settings) -> Sweep:
    """Judge the rows the objective looks at, at every grid value of ``fitted.setting``."""
    relevant = fitted.relevant(rows)
    outcomes = [judge(relevant, poses, replace(settings, **{fitted.setting: float(v)})) for v in fitted.grid]
    return Sweep(fitted, outcomes)


@dataclass(frozen=True)
class CrossValidated:
    """One fitted threshold: its value on all sources, the plain and the cross-validated score."""

    fitted: Fitted
    value: float
    plain: float
    cross_validated: float
    count: int
    per_source: dict[str, float]  # held-out source -> the value fitted without it


def cross_validate(sw: Sweep, rows: Sequence[Row]) -> CrossValidated:
    """Leave one source out: fit on the others, judge the source left out; pool the verdicts."""
    objective = sw.fitted.objective
    sources = sorted({r.source for r in rows})
    held_out_pairs: list[tuple[str, str]] = []
    per_source: dict[str, float] = {}
    for source in sources:
        test = [r for r in rows if r.source == source]
        if not objective_pairs(test, sw.outcomes[0], objective):
            continue  # nothing of this objective in that source
        value = sw.fit([r for r in rows if r.source != source])
        per_source[source] = value
        held_out_pairs += objective_pairs(test, sw.at(value), objective)
    value = sw.fit(rows)
    plain, count = score(rows, sw.at(value), objective)
    cv, _ = balanced_accuracy(held_out_pairs)
    return CrossValidated(sw.fitted, value, plain, cv, count, per_source)


def fold_settings(train: Sequence[Row], sweeps: Sequence[Sweep], settings: Settings) -> Settings:
    """``settings`` with every swept threshold fitted on the rows ``train``."""
    return replace(settings, **{sw.fitted.setting: sw.fit(train) for sw in sweeps})
