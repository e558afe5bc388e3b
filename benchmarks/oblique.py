"""How often the checks can judge real clips and photos seen off side-on:
``python benchmarks/oblique.py ../shared/data``.

For every clip in ``videos/`` (default: the cobra clips ``C1_*``, several filmed at a 3/4
angle) the frames go through exactly what ``posecheck video`` runs per frame
(`posecheck.pipeline.FrameAnalyzer`: smoothing, steady labels, debounced verdicts), and for
every check of the recognised exercise the table gives the share of frames with that exercise
where the check says pass or fail rather than ``unknown`` ("judged"), the same share of the
frames with the whole body in the picture ("of whole": the issue's 85 % target, counting
frames not recognised as the exercise as not judged), the share of judged frames that agree
with the clip's label (C1: ``pelvis_on_floor`` passes), and the share of frames whose view note
is "turn sideways" (`docs/oblique.md`).  The oblique photos (labels.csv ``side_view`` =
``no`` or a note saying oblique / 3/4, categories A, B, C1, C2) are judged like ``posecheck photo``
(their poses cached by `labelled.cached_poses`).

``--no-world`` drops the model's world landmarks first: posecheck then measures every angle
in the image and decides the view from the shoulder/hip width, as before world landmarks were
used -- the "before" column of `docs/angles.md`.

The model's answers are kept in ``--cache DIR`` (landmarks, world landmarks and the
silhouette as a bit mask), so re-running after a change of the measures costs seconds.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import time
from collections import Counter, defaultdict
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.labelled import DEFAULT_CACHE, cached_poses, load_rows, packed_mask, unpacked_mask
from posecheck.assess import assess
from posecheck.config import Settings, load_settings
from posecheck.exercises import EXERCISES
from posecheck.landmarks import BodyPart, Pose, sided
from posecheck.pipeline import FrameAnalyzer
from posecheck.results import TURN_CUES, Assessment
from posecheck.video import Frame

if TYPE_CHECKING:
    from posecheck.estimator import PoseEstimator

EXPECTED_EXERCISE = {
    "A": "kneeling_lunge",
    "B": "standing_lunge",
    "C1": "prone_press_up",
    "C2": "prone_press_up",
}
# What a category's label says of a check, where the check is not a labelled column.
CATEGORY_VERDICTS = {"C1": {"pelvis_on_floor": "pass"}, "C2": {"pelvis_on_floor": "fail"}}
OBLIQUE_NOTE = re.compile(r"oblique|3/4|3-4", re.IGNORECASE)


class CachedEstimator:
    """Replays poses kept from an earlier run, or runs the model and keeps its answers."""

    def __init__(self, path: Path | None, model: str, mode: str) -> None:
        self.path, self.model, self.mode = path, model, mode
        self.poses: list[Pose | None] = []
        self.times: list[float] = []
        self._masks: list[np.ndarray] = []
        self._estimator: PoseEstimator | None = None
        self._index = 0
        if path is not None and path.exists():
            self.poses, self.times, self._masks = load_poses(path)
        else:
            from posecheck.estimator import PoseEstimator

            self._estimator = PoseEstimator(model, mode=mode)  # type: ignore[arg-type]

    @property
    def model_name(self) -> str:
        return self.model

    # The seams `FrameAnalyzer` may call one by one: the whole detection happens in `infer`.
    def prepare(self, image_bgr: np.ndarray) -> np.ndarray:
        return image_bgr

    def infer(self, prepared: np.ndarray, timestamp_s: float) -> Pose | None:
        return self.detect(prepared, timestamp_s)

    def to_pose(self, inference: Any) -> Pose | None:
        return inference  # type: ignore[no-any-return]

    def detect(self, image_bgr: np.ndarray, timestamp_s: float = 0.0) -> Pose | None:
        if self._estimator is None:  # the silhouette is unpacked per frame: a clip's would not fit in memory
            pose, bits = self.poses[self._index], self._masks[self._index]
            self._index += 1
            if pose is None or not bits.size:
                return pose
            return replace(pose, mask=unpacked_mask(bits, pose.image_size))
        pose = self._estimator.detect(image_bgr, timestamp_s)
        self.keep(pose, timestamp_s)
        return pose

    def keep(self, pose: Pose | None, timestamp_s: float) -> None:
        self.poses.append(pose)
        self.times.append(timestamp_s)

    def close(self) -> None:
        if self._estimator is not None:
            self._estimator.close()
            if self.path is not None:
                save_poses(self.path, self.poses, self.times)


def save_poses(path: Path, poses: list[Pose | None], times: list[float]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    found = np.array([p is not None for p in poses])
    first = next((p for p in poses if p is not None), None)
    size = first.image_size if first is not None else (1, 1)

    def stack(get: object, shape: tuple[int, ...]) -> np.ndarray:
        return np.array([get(p) if p is not None else np.full(shape, np.nan) for p in poses])  # type: ignore[operator]

    masks = [
        packed_mask(p.mask) if p is not None and p.mask is not None else np.zeros(0, np.uint8) for p in poses
    ]
    np.savez_compressed(
        path,
        found=found,
        size=np.array(size),
        times=np.array(times, dtype=np.float64),
        xy=stack(lambda p: p.xy, (33, 2)),
        visibility=stack(lambda p: p.visibility, (33,)),
        world=stack(lambda p: p.world if p.world is not None else np.full((33, 3), np.nan), (33, 3)),
        masks=_object_array(masks),
    )


def _object_array(items: list[np.ndarray]) -> np.ndarray:
    """A 1-D object array of ``items`` (np.array would make a 2-D one when all have one length)."""
    out = np.empty(len(items), dtype=object)
    for i, item in enumerate(items):
        out[i] = item
    return out


def load_poses(path: Path) -> tuple[list[Pose | None], list[float], list[np.ndarray]]:
    """The kept poses (without their silhouettes), frame times and silhouettes as bit masks."""
    with np.load(path, allow_pickle=True) as stored:
        width, height = (int(v) for v in stored["size"])
        out: list[Pose | None] = []
        for i, found in enumerate(stored["found"]):
            if not found:
                out.append(None)
                continue
            out.append(
                Pose(
                    xy=stored["xy"][i],
                    visibility=stored["visibility"][i],
                    image_size=(width, height),
                    timestamp_s=float(stored["times"][i]),
                    world=stored["world"][i],
                )
            )
        masks = [np.asarray(bits, dtype=np.uint8).ravel() for bits in stored["masks"]]
        return out, [float(t) for t in stored["times"]], masks


WHOLE_BODY_PARTS: tuple[BodyPart, ...] = ("shoulder", "hip", "knee", "ankle")


def whole_body(pose: Pose | None, settings: Settings) -> bool:
    """The person's whole body is in the picture: a shoulder, hip, knee and ankle (either side)
    seen inside the frame -- the issue's "whole body visible" (close-ups are left out)."""
    if pose is None:
        return False
    width, height = pose.image_size
    inside = (pose.xy >= 0).all(axis=1) & (pose.xy[:, 0] < width) & (pose.xy[:, 1] < height)
    seen = (pose.visibility >= settings.min_visibility) & inside
    return all(seen[sided("left", part)] or seen[sided("right", part)] for part in WHOLE_BODY_PARTS)


class Tally:
    """Per check: frames judged / with the exercise, and agreement with the label.

    ``judged`` counts over the frames with the exercise recognised; ``whole_judged`` over
    the frames with the whole body in the picture (the issue's measure: pass or fail rather
    than ``unknown`` or no exercise at all, on >= 85 % of them).
    """

    def __init__(self) -> None:
        self.frames = 0
        self.whole = 0
        self.whole_expected: Counter[str | None] = Counter()  # whole-body frames per expected exercise
        self.whole_with_exercise = 0
        self.with_exercise = 0
        self.turn_sideways = 0
        self.present: Counter[str] = Counter()
        self.judged: Counter[str] = Counter()
        self.whole_judged: Counter[str] = Counter()
        self.agree: Counter[str] = Counter()
        self.labelled: Counter[str] = Counter()

    def add(
        self, assessment: Assessment, expected: str | None, labels: dict[str, str], whole: bool = True
    ) -> None:
        self.frames += 1
        self.whole += whole
        self.whole_expected[expected] += whole
        if any(c.cue in TURN_CUES for c in assessment.checks) or assessment.note in TURN_CUES:
            self.turn_sideways += 1
        if assessment.exercise is None or assessment.exercise != expected:
            return
        self.with_exercise += 1
        self.whole_with_exercise += whole
        for check in assessment.checks:
            if check.informative:
                continue
            self.present[check.id] += 1
            if check.status != "unknown":
                self.judged[check.id] += 1
                self.whole_judged[check.id] += whole
                label = labels.get(check.id)
                if label:
                    self.labelled[check.id] += 1
                    self.agree[check.id] += check.status == label

    def rows(self, name: str) -> list[str]:
        out = []
        for check in sorted(self.present):
            judged = self.judged[check] / self.present[check]
            # over the whole-body frames of the exercises that have this check
            frames = sum(
                n
                for exercise, n in self.whole_expected.items()
                if exercise in EXERCISES and check in {c.id for c in EXERCISES[exercise].checks}
            )
            whole = f"{self.whole_judged[check] / frames:8.0%}" if frames else f"{'-':>8}"
            agree = f"{self.agree[check]}/{self.labelled[check]}" if self.labelled[check] else "-"
            out.append(f"{name:<34} {check:<22} {judged:8.0%} {whole} {agree:>10}")
        if not out:
            out.append(f"{name:<34} {'(no exercise)':<22} {'-':>8} {'-':>8} {'-':>10}")
        return out

    def summary(self, what: str) -> str:
        """Frames with the whole body and with the exercise, and "turn sideways"."""
        share = self.whole_with_exercise / self.whole if self.whole else float("nan")
        return (
            f"{'':<34} ({what}: {self.frames}; whole body {self.whole / max(self.frames, 1):.0%}; with exercise"
            f" {self.with_exercise / max(self.frames, 1):.0%} of all, {share:.0%} of whole body;"
            f" turn sideways {self.turn_sideways / max(self.frames, 1):.0%})"
        )


def without_world(pose: Pose | None) -> Pose | None:
    return replace(pose, world=None) if pose is not None else None


def run_clip(path: Path, args: argparse.Namespace, settings: Settings, expected: str | None) -> Tally:
    import cv2

    cache = Path(args.cache) / f"{path.stem}_step{args.step}.npz" if args.cache else None
    estimator = CachedEstimator(cache, args.model, "video")
    replaying = estimator._estimator is None
    analyzer = FrameAnalyzer(estimator, settings)
    tally = Tally()
    capture = None if replaying else cv2.VideoCapture(str(path))
    fps = (capture.get(cv2.CAP_PROP_FPS) if capture is not None else 0.0) or 30.0
    index = 0
    try:
        while True:
            if replaying:
                if index >= len(estimator.poses):
                    break
                image: np.ndarray = np.zeros((1, 1, 3), np.uint8)
            else:
                ok, image = capture.read()  # type: ignore[union-attr]
                if not ok:
                    break
                if index % args.step:
                    index += 1
                    continue
            t = index / fps if not replaying else estimator.times[index]
            raw = estimator.detect(image, t)
            if args.no_world:
                raw = without_world(raw)
            frame = Frame(image=image, timestamp_s=t, index=index)
            analysis = analyzer.judge(frame, raw)
            tally.add(
                analysis.assessment,
                expected,
                CATEGORY_VERDICTS.get(path.stem.split("_")[0], {}),
                whole_body(analysis.pose, settings),
            )
            index += 1
    finally:
        if capture is not None:
            capture.release()
        estimator.close()
    return tally


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path, help="folder with labels.csv, photos/ and videos/")
    parser.add_argument("--clips", nargs="*", default=None, help="clip names in videos/ (default: C1_*)")
    parser.add_argument("--step", type=int, default=2, help="judge every STEP-th frame of a clip")
    parser.add_argument("--config", help="settings TOML to evaluate instead of the defaults")
    parser.add_argument("--model", default="full")
    parser.add_argument("--cache", help="folder keeping the model's answers between runs")
    parser.add_argument(
        "--photo-cache",
        type=Path,
        default=DEFAULT_CACHE,
        help="folder of the photos' cached poses (accuracy.py's)",
    )
    parser.add_argument("--no-photos", action="store_true", help="the clips only")
    parser.add_argument("--no-world", action="store_true", help="drop the world landmarks (the old way)")
    args = parser.parse_args()
    settings = load_settings(args.config)
    started = time.perf_counter()

    print(f"{'clip / photo':<34} {'check':<22} {'judged':>8} {'of whole':>8} {'agree':>10}")
    names = args.clips or sorted(p.name for p in (args.data / "videos").glob("C1_*.mp4"))
    for name in names:
        path = args.data / "videos" / name
        expected = EXPECTED_EXERCISE.get(path.stem.split("_")[0])
        tally = run_clip(path, args, settings, expected)
        for line in tally.rows(path.stem):
            print(line)
        print(tally.summary("frames"))

    if args.no_photos:
        print(f"({time.perf_counter() - started:.0f} s)")
        return 0
    with (args.data / "labels.csv").open(newline="", encoding="utf-8") as handle:
        oblique = {
            r["file"]
            for r in csv.DictReader(handle)
            if r["category"] in EXPECTED_EXERCISE
            and (r["side_view"] == "no" or OBLIQUE_NOTE.search(r["note"]))
        }
    rows = [r for r in load_rows(args.data) if r.file in oblique]
    poses = cached_poses(rows, args.data, settings, model=args.model, cache=args.photo_cache)
    photos = Tally()
    per_photo: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        pose = poses.get(row.file)
        assessment = assess(without_world(pose) if args.no_world else pose, settings)
        photos.add(
            assessment,
            EXPECTED_EXERCISE[row.category],
            {**row.labels, **CATEGORY_VERDICTS.get(row.category, {})},
            whole_body(pose, settings),
        )
        per_photo[row.file] = [f"{c.id}={c.status}" for c in assessment.checks if not c.informative] or [
            f"exercise={assessment.exercise}"
        ]
    for line in photos.rows(f"{len(per_photo)} oblique photos"):
        print(line)
    print(photos.summary("photos"))
    for name, results in per_photo.items():
        print(f"  {Path(name).name}: {' '.join(results)}")
    print(f"({time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
