"""The HTML report for a patient: summary sentences, key moments, gaps, transitions, Dutch,
and the page in headless Chromium (visible text, layout width, the embedded video plays).

The model runs once for the module (a batch run of the bundled kneeling-lunge sample, which
writes the MP4, the HTML and the JSON); the Dutch page is rendered again from its JSON.
"""

from __future__ import annotations

import html
import json
import math
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from chromium_probe import CHROMIUM, chromium_command, video_state

from posecheck.report import Report
from posecheck.report_html import (
    blocks,
    fail_events,
    key_moments,
    limit_text,
    summary_sentence,
)
from posecheck.results import Assessment, CheckResult, Threshold
from posecheck.temporal import HoldTimer

REPO = Path(__file__).resolve().parents[1]
FPS = 10.0


def _knee(value: float) -> CheckResult:
    ok = abs(value) <= 12
    cue = "front_knee_over_ankle.pass" if ok else "front_knee_over_ankle.knee_ahead"
    return CheckResult(
        "front_knee_over_ankle", "pass" if ok else "fail", value, "deg", Threshold("max_abs", 12.0), cue
    )


def lunge_report(lang: str = "en") -> Report:
    """2 s standing (walking to the mat), 10 s kneeling lunge with the right leg in front
    whose knee goes past the ankle twice (at 4 and 8 s, 1 s each), 1 s without a person,
    5 s more in good form (the longest hold)."""
    report = Report(source="/videos/ann week 1.mp4", lang=lang, max_transition_s=4.0)
    timer = HoldTimer(target_s=30.0)
    plumb = CheckResult("plumb_line", "fail", 0.3, "ratio", Threshold("max", 0.1), "plumb_line.fail")
    for i in range(int(18 * FPS)):
        t = i / FPS
        if t < 2:
            assessment = Assessment(True, "standing_posture", "side", None, (plumb,))
        elif 12 <= t < 13:
            assessment = Assessment(False, note="no_person")
        else:
            bad = 4 <= t < 5 or 8 <= t < 9
            assessment = Assessment(True, "kneeling_lunge", "side", "right", (_knee(20.0 if bad else 4.0),))
        report.add(assessment, t, timer.update(assessment.all_pass, assessment.front_side, t))
    return report


def test_summary_sentence_in_both_languages() -> None:
    for lang, expected in (
        (
            "en",
            [
                "Kneeling lunge, right leg in front",
                "held 5 s of 30 in good form",
                "went past the ankle 2 times",
            ],
        ),
        (
            "nl",
            [
                "Schuttershouding, rechterbeen voor",
                "5 van de 30 s goed vastgehouden",
                "2 keer voorbij de enkel",
            ],
        ),
    ):
        report = lunge_report(lang)
        summary = report.summary(complete=True)
        (block,) = blocks(report, summary)
        sentence = summary_sentence(report, block, lang)  # type: ignore[arg-type]
        for words in expected:
            assert words in sentence, (words, sentence)


def test_the_walk_to_the_mat_is_not_judged() -> None:
    report = lunge_report()
    summary = report.summary(complete=True)
    assert summary["segments"][0]["transition"] is True
    assert "plumb_line" not in summary["checks"]
    assert [b.exercise for b in blocks(report, summary)] == ["kneeling_lunge"]


def test_key_moments_are_the_middle_of_the_longest_good_and_bad_runs() -> None:
    report = lunge_report()
    moments = {m.kind: m for m in key_moments(report, report.summary(complete=True))}
    assert set(moments) == {"best", "worst"}
    assert 13.0 <= moments["best"].time_s < 18.0  # the longest good run: 13-18 s, after the gap
    assert 4.0 <= moments["worst"].time_s < 5.0


def test_fail_events_count_runs_and_ignore_unseen_frames_inside_one() -> None:
    assert fail_events(["pass", "fail", "fail", "pass", "fail", "unknown", "fail", "pass"]) == 2
    assert fail_events(["pass", None, "pass"]) == 0


def test_limits_in_words() -> None:
    assert limit_text(Threshold("max_abs", 12.0), "deg", "en") == "within ±12°"
    assert limit_text(Threshold("min", 10.0), "deg", "nl") == "minstens 10°"
    assert limit_text(Threshold("max", 0.25), "ratio", "en") == "at most 0.25"
    assert limit_text(Threshold("min", 0.3, prefix="easier if "), "ratio", "en") == ""


def test_plots_do_not_bridge_the_gap_without_a_person() -> None:
    from posecheck.report_html import _series, judged_indices

    report = lunge_report()
    summary = report.summary(complete=True)
    ts, vs, _ = _series(report, "front_knee_over_ankle", judged_indices(report, summary))
    gap = [v for t, v in zip(ts, vs, strict=True) if 12 <= t < 13]
    assert gap and all(math.isnan(v) for v in gap)
    assert all(math.isnan(v) for t, v in zip(ts, vs, strict=True) if t < 2)  # the transition either


def test_page_without_video_says_how_to_get_one(tmp_path: Path) -> None:
    page = lunge_report("nl").write(tmp_path / "r.html", complete=True).read_text(encoding="utf-8")
    assert "<video" not in page and "-o UIT.mp4" in page
    assert 'lang="nl"' in page and "Oefenverslag" in page and "Links tegenover rechts" in page


# ---------------------------------------------------------------------- the real thing


def chromium(profile: Path, *args: str) -> str:
    """Headless Chromium's output (`chromium_probe.chromium_command`, scrollbars hidden)."""
    command = [*chromium_command(profile), "--hide-scrollbars", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=True).stdout


PROBE = """<script>
window.addEventListener('load', () => {
  const out = document.createElement('pre'); out.id = 'probe';
  out.hidden = true;  // neither in the layout nor in innerText
  out.textContent = JSON.stringify({width: document.documentElement.scrollWidth, text: document.body.innerText});
  document.body.appendChild(out);
});
</script>"""


def probe(page: Path, tmp_path: Path) -> dict[str, Any]:
    """What Chromium shows of ``page`` in a 1280 px window: its text and its width."""
    probed = page.with_name(f"probe-{page.name}")
    probed.write_text(page.read_text(encoding="utf-8") + PROBE, encoding="utf-8")
    dom = chromium(
        tmp_path / "profile",
        "--window-size=1280,1000",
        "--virtual-time-budget=3000",
        "--dump-dom",
        probed.as_uri(),
    )
    found = re.search(r'<pre id="probe"[^>]*>(.*?)</pre>', dom, re.S)
    assert found is not None, dom[-2000:]
    return json.loads(html.unescape(found.group(1)))  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The bundled kneeling-lunge sample through ``--out-dir`` (MP4, HTML, JSON) in English,
    and with ``-o``/``--report`` in Dutch."""
    out = tmp_path_factory.mktemp("report")
    sample = str(REPO / "samples" / "kneeling_lunge.mp4")
    for argv in (
        ["--out-dir", str(out)],
        ["-o", str(out / "nl.mp4"), "--report", str(out / "nl.html"), "--lang", "nl"],
    ):
        done = subprocess.run(
            [sys.executable, "-m", "posecheck", "video", sample, *argv, "--no-history", "--quiet"],
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
            cwd=REPO,
        )
        assert done.returncode == 0, done.stderr
    return {"en": out / "kneeling_lunge.html", "nl": out / "nl.html"}


@pytest.mark.model
@pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (Debian package: chromium)")
@pytest.mark.parametrize("lang", ["en", "nl"])
def test_report_in_chromium_reads_well_and_its_video_plays(
    pages: dict[str, Path], lang: str, tmp_path: Path
) -> None:
    seen = probe(pages[lang], tmp_path)
    words = {
        "en": [
            "Exercise report",
            "Exercises done",
            "Kneeling lunge, left leg in front",
            "held",
            "of 30 in good form",
            "Front knee over ankle",
            "within ±12°",
            "Key moments",
            "Best moment",
            "moving between exercises",
        ],
        "nl": [
            "Oefenverslag",
            "Gedane oefeningen",
            "Schuttershouding, linkerbeen voor",
            "goed vastgehouden",
            "Voorste knie boven enkel",
            "binnen ±12°",
            "Belangrijke momenten",
            "Beste moment",
            "bewegen tussen oefeningen",
        ],
    }[lang]
    for text in words:
        assert text in seen["text"], text
    for english in ("median value", "pass if", "front_knee_over_ankle"):
        assert english not in seen["text"]
    assert seen["width"] <= 1280  # nothing wider than the page
    video = pages[lang].with_name("kneeling_lunge.mp4" if lang == "en" else "nl.mp4")
    assert _codec(video) == "h264"
    playing = video_state(pages[lang], tmp_path)  # the page's own <video>, by its relative path
    assert playing["error"] is None, playing
    assert playing["readyState"] >= 2 and playing["currentTime"] > 0.1
    assert playing["duration"] == pytest.approx(7.0, abs=0.2)


def _codec(video: Path) -> str:
    import av

    with av.open(str(video)) as container:
        return str(container.streams.video[0].codec_context.name)


@pytest.mark.model
@pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (Debian package: chromium)")
@pytest.mark.parametrize("lang", ["en", "nl"])
def test_report_fits_a_phone(pages: dict[str, Path], lang: str, tmp_path: Path) -> None:
    """The page in a 390 px wide frame (headless Chromium makes no window under 500 px):
    nothing sticks out sideways."""
    wrapper = pages[lang].with_name(f"phone-{lang}.html")
    wrapper.write_text(
        f'<!DOCTYPE html><html><body style="margin:0"><iframe id="f" src="{pages[lang].name}" width="390" '
        'height="800" style="border:0"></iframe><pre id="probe"></pre><script>'
        "document.getElementById('f').addEventListener('load', (e) => {"
        " const d = e.target.contentDocument;"
        " document.getElementById('probe').textContent = JSON.stringify({width: d.documentElement.scrollWidth,"
        " text: d.body.innerText}); });</script></body></html>",
        encoding="utf-8",
    )
    dom = chromium(
        tmp_path / "profile",
        "--allow-file-access-from-files",
        "--window-size=500,900",
        "--virtual-time-budget=5000",
        "--dump-dom",
        wrapper.as_uri(),
    )
    found = re.search(r'<pre id="probe"[^>]*>(.*?)</pre>', dom, re.S)
    assert found is not None and found.group(1), dom[-2000:]
    seen = json.loads(html.unescape(found.group(1)))
    assert seen["width"] <= 390
    assert {"en": "Left against right", "nl": "Links tegenover rechts"}[lang] in seen["text"]
