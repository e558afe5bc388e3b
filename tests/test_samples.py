"""The bundled rendered samples: the photo check gives the verdicts their sidecars expect.

Each still in ``samples/`` was rendered from known joint angles (``tools/make_samples.py``);
its sidecar holds the expected exercise, front leg and the verdict of every check the truth
decides.  This runs the real pipeline (model + rules) on them, like ``posecheck photo``.
"""

from __future__ import annotations

import pytest
from sample_sidecars import load_samples

from posecheck.imageio import load_image
from posecheck.pipeline import analyse_photo

SAMPLES = load_samples()
pytestmark = pytest.mark.model


def test_samples_exist() -> None:
    assert len(SAMPLES) >= 22, "samples/ should hold the rendered stills (tools/make_samples.py)"


@pytest.mark.parametrize("sample", SAMPLES, ids=[s.name for s in SAMPLES])
def test_sample_verdicts_match_sidecar(sample, estimator) -> None:
    _, result = analyse_photo(estimator, load_image(sample.image_path))
    assert result.person_found
    assert result.exercise == sample.exercise
    assert result.front_side == sample.front_side
    got = {check.id: check.status for check in result.checks}
    for check_id, wanted in sample.expected.items():
        assert got.get(check_id) == wanted, f"{check_id}: got {got.get(check_id)}, sidecar says {wanted}"
    for check_id, level in sample.expected_levels.items():
        assert result.check(check_id).level == level
