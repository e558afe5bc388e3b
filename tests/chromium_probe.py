"""Headless Chromium as a test instrument: does a video (or a page's ``<video>``) play?

`video_state` loads a video in a ``<video>`` element (or the first ``<video>`` of an HTML page),
waits until it can play through, plays it for a moment, and returns what the browser reports:
``readyState`` (4 = enough data to play), ``duration`` in seconds, ``currentTime`` after
playing, the decoded size, and the media error if there was one.  Chromium refuses MPEG-4 Part 2
(``mp4v``) with "DEMUXER_ERROR_NO_SUPPORTED_STREAMS" and plays H.264, which is why the tests ask.

Skip the tests that use it when `CHROMIUM` is None (``.ci/run`` installs the Debian package).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

_PROBE = """<script>
(() => {
  const v = document.querySelector('video');
  const out = document.createElement('pre'); out.id = 'probe'; document.body.appendChild(out);
  let done = false;
  function report(stage) {
    if (done) return; done = true;
    out.textContent = JSON.stringify({stage, readyState: v.readyState, duration: v.duration,
      currentTime: v.currentTime, width: v.videoWidth, height: v.videoHeight,
      error: v.error ? v.error.code + ' ' + v.error.message : null});
  }
  v.muted = true; v.preload = 'auto';
  v.addEventListener('error', () => report('error'));
  v.addEventListener('canplaythrough', () => {
    v.play().then(() => setTimeout(() => report('played'), 300)).catch(() => report('play refused'));
  }, {once: true});
  setTimeout(() => report('timeout'), 8000);
  if (v.readyState === 0) v.load();
})();
</script>"""


def chromium_command(profile: Path) -> list[str]:
    return [
        str(CHROMIUM),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--autoplay-policy=no-user-gesture-required",
        f"--user-data-dir={profile}",
    ]


def video_state(target: Path, workdir: Path) -> dict[str, Any]:
    """What Chromium reports for ``target``: an .mp4 (wrapped in a page) or an .html page with a
    ``<video>``.  The probe page is written next to ``target`` so relative sources resolve."""
    if target.suffix.lower() == ".html":
        page = target.read_text(encoding="utf-8")
    else:
        page = f'<!doctype html><html><body><video src="{target.name}"></video></body></html>'
    probe = target.with_name(f"{target.stem}.probe.html")
    probe.write_text(page.replace("</body>", _PROBE + "</body>") if "</body>" in page else page + _PROBE)
    dom = subprocess.run(
        [
            *chromium_command(workdir / "chromium-profile"),
            "--dump-dom",
            "--virtual-time-budget=10000",
            probe.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    found = dom.split('<pre id="probe">', 1)[1].split("</pre>", 1)[0]
    return dict(json.loads(found))
