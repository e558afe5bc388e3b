"""The pure core imports neither OpenCV nor MediaPipe (nor the drawing libraries).

Checked in a fresh interpreter so modules imported by other tests in this session cannot
hide (or fake) an import.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

PURE_CORE = (
    "posecheck.landmarks",
    "posecheck.geometry",
    "posecheck.sagittal",
    "posecheck.metrics",
    "posecheck.rules",
    "posecheck.recognition",
    "posecheck.config",
    "posecheck.temporal",
    "posecheck.turns",
    "posecheck.lumbar",
    "posecheck.silhouette",
    "posecheck.assess",
    "posecheck.results",
    "posecheck.messages",
    "posecheck.exercises",
    "posecheck.synth.body",
    "posecheck.voice",
    "posecheck.mismatch",
    "posecheck.routine",
)
HEAVY = ("cv2", "mediapipe", "matplotlib", "PIL")


def loaded_heavy_modules(modules: tuple[str, ...]) -> list[str]:
    """Import ``modules`` in a subprocess; return which of `HEAVY` ended up in sys.modules."""
    code = (
        "import importlib, json, sys\n"
        f"for name in {list(modules)!r}:\n"
        "    importlib.import_module(name)\n"
        f"print(json.dumps(sorted(m for m in {list(HEAVY)!r} if m in sys.modules)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_pure_core_imports_no_heavy_module() -> None:
    assert loaded_heavy_modules(PURE_CORE) == []


@pytest.mark.parametrize("module", PURE_CORE)
def test_each_core_module_alone(module: str) -> None:
    assert loaded_heavy_modules((module,)) == []


def test_the_probe_sees_an_adapter_import() -> None:
    """Control: the same probe reports cv2 and PIL for the drawing adapter, so it can fail."""
    pytest.importorskip("cv2")
    pytest.importorskip("PIL")
    assert {"cv2", "PIL"} <= set(loaded_heavy_modules(("posecheck.render",)))
