"""`posecheck.memory`: the allocator setting that keeps a live session's memory flat."""

from __future__ import annotations

import ctypes
import sys

import pytest

from posecheck import memory


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc setting")
def test_release_big_buffers_takes_effect_on_linux() -> None:
    assert memory.release_big_buffers() is True


def test_release_big_buffers_is_harmless_without_glibc(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_libc(name: str) -> ctypes.CDLL:
        raise OSError(f"{name}: cannot open shared object file")

    monkeypatch.setattr(memory.sys, "platform", "linux")
    monkeypatch.setattr(memory.ctypes, "CDLL", no_libc)
    assert memory.release_big_buffers() is False
    monkeypatch.setattr(memory.sys, "platform", "darwin")
    assert memory.release_big_buffers() is False


def test_live_asks_for_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """The live command sets it before anything else (it fails here on the missing camera)."""
    from posecheck.cli import main

    calls: list[bool] = []
    monkeypatch.setattr(memory, "release_big_buffers", lambda: calls.append(True) or True)
    code = main(["live", "--camera", "/nonexistent/clip.mp4", "--no-window"])
    assert code != 0 and calls == [True]
