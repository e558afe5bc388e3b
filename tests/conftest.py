"""Shared fixtures: the ../shared data folder (skip when absent) and one pose estimator per session.

The estimator is session-scoped because loading the model costs about half a second; every model
test reuses it.  Tests that need ../shared/data skip cleanly on a clone without it.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from posecheck.estimator import PoseEstimator

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"

# Every session posecheck runs stores its summary in the history database under
# $XDG_DATA_HOME; tests (and the commands they start) must never write to the real home.
os.environ["XDG_DATA_HOME"] = tempfile.mkdtemp(prefix="posecheck-tests-data-")


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data`` (photos/, videos/, labels.csv), or skip the test when it is absent."""
    if not (SHARED_DATA / "photos").is_dir():
        pytest.skip(f"{SHARED_DATA} is absent")
    return SHARED_DATA


@pytest.fixture(scope="session")
def estimator() -> Iterator[PoseEstimator]:
    """One image-mode estimator with the bundled model, shared by all tests of the session."""
    from posecheck.estimator import PoseEstimator  # lazy: collection stays free of mediapipe

    with PoseEstimator(model="full", mode="image") as pose_estimator:
        yield pose_estimator
