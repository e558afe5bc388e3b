"""The leave-one-source-out machinery of benchmarks/labelled.py: a source (repo joined with the
``group=`` of the note) is never split between fitting and judging, and the fitted value is the
centre of the widest optimal plateau."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.labelled import (
    Fitted,
    Outcome,
    Row,
    Sweep,
    balanced_accuracy,
    cross_validate,
    plateau_centre,
    with_sources,
)


def _row(name: str, repo: str, group: str | None = None, label: str = "pass") -> Row:
    return Row(name, "A", frozenset(), {"trunk_upright": label}, repo, group)


ROWS = with_sources(
    [
        _row("a1", "repo/a"),
        _row("a2", "repo/a", "person1", "fail"),
        _row("b1", "repo/b", "person1"),  # one person in two repos: one source
        _row("b2", "repo/b", None, "fail"),
        _row("c1", "repo/c", "person2"),
        _row("c2", "repo/c", "person2", "fail"),
        _row("d1", "repo/d"),
        _row("d2", "repo/d", None, "fail"),
    ]
)


def test_a_group_is_one_source_across_repos_and_the_rest_of_a_repo_another() -> None:
    source = {r.file: r.source for r in ROWS}
    assert source["a2"] == source["b1"]  # one person, photographed in two repos
    assert source["a1"] != source["a2"]
    assert source["b2"] != source["b1"]
    assert source["c1"] == source["c2"] != source["a2"]
    assert source["d1"] == source["d2"] != source["a1"]
    assert len(set(source.values())) == 5


class _RecordingSweep(Sweep):
    """Remembers the sources of every training set it is fitted on."""

    def __init__(self, fitted: Fitted, outcomes: list[dict[str, Outcome]]) -> None:
        super().__init__(fitted, outcomes)
        self.trained_on: list[set[str]] = []

    def fit(self, rows):  # type: ignore[no-untyped-def]
        self.trained_on.append({r.source for r in rows})
        return super().fit(rows)


def test_no_fold_is_fitted_on_the_source_it_is_judged_on() -> None:
    fitted = Fitted("max_trunk_tilt_deg", "trunk_upright", 0.0, 2.0, 3)
    # At grid value v a photo passes when its index is below v: only v = 1 separates here.
    passing = {0.0: set(), 1.0: {"a1", "b1", "c1", "d1"}, 2.0: {r.file for r in ROWS}}
    outcomes = [
        {
            r.file: Outcome(
                True, "kneeling_lunge", {"trunk_upright": ("pass" if r.file in passing[v] else "fail", v)}
            )
            for r in ROWS
        }
        for v in fitted.grid
    ]
    sw = _RecordingSweep(fitted, outcomes)
    result = cross_validate(sw, ROWS)
    folds = sw.trained_on[:-1]  # the last fit is on all the photos
    assert len(folds) == 5
    for held_out, trained in zip(sorted(result.per_source), folds, strict=True):
        assert held_out not in trained
        assert len(trained) == 4
    assert sw.trained_on[-1] == {r.source for r in ROWS}
    assert result.value == 1.0
    assert result.plain == result.cross_validated == 1.0


def test_plateau_centre_is_the_middle_of_the_widest_best_run() -> None:
    grid = np.arange(10.0)
    scores = np.array([0.5, 0.9, 0.9, 0.6, 0.9, 0.9, 0.9, 0.9, 0.7, 0.5])
    assert plateau_centre(grid, scores) == 5.5
    scores[2] = 0.95  # a single better point wins over a wider but lower plateau
    assert plateau_centre(grid, scores) == 2.0


def test_balanced_accuracy_weighs_both_labels_equally() -> None:
    pairs = [("pass", "pass")] * 9 + [("fail", "pass"), ("fail", "fail")]
    value, count = balanced_accuracy(pairs)
    assert count == 11
    assert value == 0.75  # pass recall 1.0, fail recall 0.5 (plain accuracy would be 10/11)
    assert balanced_accuracy([("pass", "unknown")])[0] == 0.0


def test_the_pose_cache_gives_back_the_pose_it_was_given(tmp_path: Path) -> None:
    from benchmarks.labelled import load_pose, save_pose
    from posecheck.synth.body import kneeling_lunge, make_pose

    pose = make_pose(kneeling_lunge("left"), visibility=0.9)
    mask = np.zeros((pose.image_size[1], pose.image_size[0]), np.float32)
    mask[100:300, 200:400] = 1.0
    pose = pose.replace(mask=mask)
    save_pose(tmp_path / "p.npz", pose)
    back = load_pose(tmp_path / "p.npz")
    assert back is not None
    np.testing.assert_array_equal(back.xy, pose.xy)
    np.testing.assert_array_equal(back.visibility, pose.visibility)
    np.testing.assert_array_equal(back.mask, mask)
    assert back.image_size == pose.image_size
    assert back.world is not None and np.allclose(back.world, pose.world, equal_nan=True)  # type: ignore[arg-type]
    save_pose(tmp_path / "none.npz", None)
    assert load_pose(tmp_path / "none.npz") is None


def test_a_cached_pose_with_a_field_pose_no_longer_has_still_loads(tmp_path: Path) -> None:
    """Caches written while `Pose` had ``depth`` (MediaPipe's relative z) load without it."""
    from benchmarks.labelled import load_pose
    from posecheck.synth.body import make_pose, standing

    pose = make_pose(standing())
    old = tmp_path / "old.npz"
    np.savez_compressed(
        old,
        found=np.array(True),
        xy=pose.xy,
        visibility=pose.visibility,
        image_size=np.array(pose.image_size),
        timestamp_s=np.array(0.0),
        depth=np.zeros(len(pose.xy)),
    )
    back = load_pose(old)
    assert back is not None and not hasattr(back, "depth")
    np.testing.assert_array_equal(back.xy, pose.xy)
