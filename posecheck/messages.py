"""Texts in English and Dutch, by message key.

Here: the general notes (``no_person``, ``turn_sideways``), window status lines, words of
the panel and the routine's general words; the reports' general texts come from
`posecheck.report_messages`.  Each exercise's own texts (its name, its checks' labels and
cues, keys ``<check id>.<outcome>`` such as ``trunk_upright.leaning_back``, its routine setup
``routine.setup.<id>``, its ``mismatch.<id>`` note, and per check ``measure.<check id>`` and
``event.<check id>`` for the HTML report) live in its module (`posecheck.exercises`); `text`
finds both.  The Dutch follows the wording of the
physiotherapy text the exercises come from (``schuttershouding``, ``loodrecht boven je
enkel``, ``navel intrekken``, ``niet doorhangen in je rug``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

Lang = Literal["en", "nl"]
LANGS: tuple[Lang, ...] = ("en", "nl")
# One text in every language.
Texts = Mapping[Lang, str]

MESSAGES: dict[str, Texts] = {
    # General
    "no_person": {
        "en": "No person found: step into view.",
        "nl": "Geen persoon gevonden: ga in beeld staan.",
    },
    "no_exercise": {
        "en": "No known exercise recognised.",
        "nl": "Geen bekende oefening herkend.",
    },
    "turn_sideways": {
        "en": "Turn sideways to the camera for this check.",
        "nl": "Draai je zijwaarts naar de camera voor deze controle.",
    },
    "turn_more_sideways": {
        "en": "Turn a little more sideways to the camera for this check.",
        "nl": "Draai je iets meer zijwaarts naar de camera voor deze controle.",
    },
    "face_camera": {
        "en": "Face the camera for this check.",
        "nl": "Draai je met je gezicht naar de camera voor deze controle.",
    },
    "not_visible": {
        "en": "Body part not visible: move so your whole body is in the picture.",
        "nl": "Lichaamsdeel niet zichtbaar: zorg dat je hele lichaam in beeld is.",
    },
    "all_good": {"en": "Good form - hold it.", "nl": "Goede houding - vasthouden."},
    # Live window status lines
    "window.camera_lost": {"en": "Camera lost - retrying...", "nl": "Camera kwijt - opnieuw proberen..."},
    "window.paused": {
        "en": "Paused - press space to continue",
        "nl": "Gepauzeerd - druk op spatie om verder te gaan",
    },
    "window.snapshot": {"en": "Snapshot saved", "nl": "Momentopname opgeslagen"},
    "window.voice_on": {"en": "voice on (v)", "nl": "stem aan (v)"},
    # The live baseline of hollow_back (key b, --baseline)
    "window.baseline_recording": {
        "en": "Baseline: stand relaxed, sideways to the camera - {seconds} s",
        "nl": "Nulmeting: sta ontspannen, zijwaarts naar de camera - {seconds} s",
    },
    "window.baseline_set": {"en": "neutral {value} (b)", "nl": "nulstand {value} (b)"},
    "window.baseline_failed": {
        "en": "no neutral: side-on, press b",
        "nl": "geen nulstand: zijwaarts, druk b",
    },
    "window.voice_off": {"en": "voice off (v)", "nl": "stem uit (v)"},
    "window.exercise": {"en": "exercise: {name} (e)", "nl": "oefening: {name} (e)"},
    "auto": {"en": "auto", "nl": "automatisch"},
    # Spoken cues (posecheck/voice.py); {n} is a number
    "voice.good_hold": {"en": "Good, hold.", "nl": "Goed, vasthouden."},
    "voice.seconds": {"en": "{n} seconds.", "nl": "{n} seconden."},
    "voice.done_switch": {"en": "Done. Switch legs.", "nl": "Klaar. Wissel van been."},
    "voice.done": {"en": "Done.", "nl": "Klaar."},
    "voice.count": {"en": "{n}", "nl": "{n}"},
    "voice.go": {"en": "Go.", "nl": "Start."},
    "voice.snapshot": {"en": "Photo.", "nl": "Foto."},
    # posecheck routine (posecheck/routine.py); each exercise's setup words are in its module
    "routine.side.left": {"en": "left leg in front", "nl": "linkerbeen voor"},
    "routine.side.right": {"en": "right leg in front", "nl": "rechterbeen voor"},
    "routine.wrong_side.left": {"en": "Put your left leg in front.", "nl": "Zet je linkerbeen voor."},
    "routine.wrong_side.right": {"en": "Put your right leg in front.", "nl": "Zet je rechterbeen voor."},
    "routine.get_ready": {"en": "Get ready.", "nl": "Maak je klaar."},
    "routine.hold_goal": {
        "en": "Hold {n} seconds in good form",
        "nl": "Houd {n} seconden vast in goede houding",
    },
    "routine.reps_goal": {"en": "{n} repetitions", "nl": "{n} herhalingen"},
    "routine.rest": {"en": "Rest.", "nl": "Rust."},
    "routine.switch_legs": {"en": "Rest. Switch legs.", "nl": "Rust. Wissel van been."},
    "routine.next": {"en": "Rest. Next: {exercise}.", "nl": "Rust. Hierna: {exercise}."},
    "routine.skip": {"en": "n: next step", "nl": "n: volgende stap"},
    "routine.finished": {"en": "Routine done. Well done.", "nl": "Routine klaar. Goed gedaan."},
    "routine.summary_side": {
        "en": "{exercise}, {side}: {n} seconds.",
        "nl": "{exercise}, {side}: {n} seconden.",
    },
    "routine.summary_hold": {"en": "{exercise}: {n} seconds.", "nl": "{exercise}: {n} seconden."},
    "routine.summary_reps": {
        "en": "{exercise}: {n} repetitions.",
        "nl": "{exercise}: {n} herhalingen.",
    },
    "window.snapshot_failed": {
        "en": "Snapshot NOT saved - see the terminal",
        "nl": "Momentopname NIET opgeslagen - zie de terminal",
    },
    "side_view": {"en": "side view", "nl": "zijaanzicht"},
    "front_view": {"en": "front view", "nl": "vooraanzicht"},
    "left": {"en": "left", "nl": "links"},
    "right": {"en": "right", "nl": "rechts"},
    "front_leg": {"en": "front leg", "nl": "voorste been"},
    "hold": {"en": "hold", "nl": "vastgehouden"},
    "easier": {"en": "easier", "nl": "makkelijker"},
    "harder": {"en": "harder", "nl": "moeilijker"},
}


def _exercise_texts() -> Mapping[str, Texts]:
    from posecheck.exercises import EXERCISE_MESSAGES  # lazy: the exercises import this module

    return EXERCISE_MESSAGES


def lookup(key: str) -> Texts | None:
    """The texts of ``key`` (general or an exercise's), or None when there are none."""
    entry = MESSAGES.get(key)
    return entry if entry is not None else _exercise_texts().get(key)


def text(key: str, lang: Lang = "en") -> str:
    """The message for ``key`` in ``lang``; an unknown key is returned as-is (never raises:
    the registry refuses an exercise with a missing text, so this happens only for a typo)."""
    entry = lookup(key)
    if entry is None:
        return key
    return entry.get(lang) or entry["en"]


def _merge_report_messages() -> None:
    from posecheck.report_messages import REPORT_MESSAGES

    for key, entry in REPORT_MESSAGES.items():
        MESSAGES[key] = {"en": entry["en"], "nl": entry["nl"]}


_merge_report_messages()
