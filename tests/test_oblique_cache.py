"""benchmarks/oblique.py keeps a clip's poses and silhouettes between runs: a second run reads back
what the first wrote, including clips where every frame's silhouette has the same size (where
``np.array(list, dtype=object)`` used to make a 2-D array that ``np.unpackbits`` refused)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.oblique import load_poses, save_poses
from posecheck.landmarks import Pose


def test_kept_poses_and_silhouettes_read_back(tmp_path: Path) -> None:
    mask = np.zeros((4, 8), np.float32)
    mask[1, 2] = mask[3, 7] = 1.0
    pose = Pose(xy=np.full((33, 2), 3.0), visibility=np.ones(33), image_size=(8, 4), mask=mask)
    for kept in ([pose, None, pose], [pose, pose, pose]):  # with a frame without a person, and without
        path = tmp_path / f"clip{len(kept)}{kept[1] is None}.npz"
        save_poses(path, kept, [0.0, 0.1, 0.2])
        poses, times, masks = load_poses(path)
        assert times == [0.0, 0.1, 0.2] and (poses[1] is None) == (kept[1] is None)
        assert poses[0] is not None and np.allclose(poses[0].xy, 3.0)
        for i in (0, 2):
            bits = np.unpackbits(masks[i])[: 4 * 8].reshape(4, 8)
            assert np.array_equal(bits, mask >= 0.5)
