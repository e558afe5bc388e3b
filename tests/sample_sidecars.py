"""Load the sidecars of the rendered samples in ``samples/`` (written by ``tools/make_samples.py``).

Shared by the render tests and the verdict tests: each still's sidecar holds the true joint
angles, the camera and the expected verdict of every check the truth decides.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

SAMPLES_DIR = Path(__file__).resolve().parents[1] / "samples"
CLIPS = ("kneeling_lunge", "press_up")


@dataclass(frozen=True)
class Sample:
    """One still and its sidecar."""

    sidecar_path: Path

    @cached_property
    def data(self) -> dict[str, Any]:
        return json.loads(self.sidecar_path.read_text(encoding="utf-8"))

    @property
    def name(self) -> str:
        return self.sidecar_path.stem

    @property
    def image_path(self) -> Path:
        return self.sidecar_path.parent / self.data["image"]

    @property
    def exercise(self) -> str:
        return self.data["exercise"]

    @property
    def front_side(self) -> str | None:
        return self.data["front_side"]

    @property
    def facing(self) -> str:
        return self.data["facing"]

    @property
    def facing_sign(self) -> int:
        return 1 if self.facing == "right" else -1

    @property
    def true_angles(self) -> dict[str, float]:
        """`posecheck.synth.accuracy.measure_angles` of the exact side view (degrees)."""
        return self.data["true_angles"]

    @property
    def true_measures(self) -> dict[str, float]:
        return self.data["true_measures"]

    @property
    def expected(self) -> dict[str, str]:
        """check id -> "pass"/"fail" for every check the truth decides."""
        return self.data["expected"]

    @property
    def expected_levels(self) -> dict[str, str]:
        return self.data.get("expected_levels", {})

    def read_bgr(self) -> Any:
        import cv2

        image = cv2.imread(str(self.image_path), cv2.IMREAD_COLOR)
        if image is None:
            raise FileNotFoundError(self.image_path)
        return image


def load_samples(samples_dir: Path = SAMPLES_DIR) -> list[Sample]:
    """Every still's sidecar (clips excluded), sorted by name; [] when there are none."""
    return [Sample(path) for path in sorted(samples_dir.glob("*.json")) if path.stem not in CLIPS]


def load_clip(name: str, samples_dir: Path = SAMPLES_DIR) -> dict[str, Any]:
    """The sidecar of a clip: ``fps``, ``camera`` and per-frame truth under ``frames``."""
    return json.loads((samples_dir / f"{name}.json").read_text(encoding="utf-8"))
