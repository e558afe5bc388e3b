"""Texts in English and Dutch, by message key.

Here: the general notes (``no_person``, ``turn_sideways``), window status lines and words of
the panel.  Each exercise's own texts (its name, its checks' labels and cues, keys
``<check id>.<outcome>`` such as ``trunk_upright.leaning_back``) live in its module
(`posecheck.exercises`); `text` finds both.  The Dutch follows the wording of the
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
    # A fixed exercise (--exercise, the e key, a routine step) that the pose clearly is not
    "mismatch.kneeling_lunge": {
        "en": "This does not look like a kneeling lunge.",
        "nl": "Dit lijkt niet op een schuttershouding.",
    },
    "mismatch.standing_lunge": {
        "en": "This does not look like a standing lunge.",
        "nl": "Dit lijkt niet op een staande uitvalspas.",
    },
    "mismatch.prone_press_up": {
        "en": "This does not look like a prone press-up.",
        "nl": "Dit lijkt niet op opdrukken in buiklig.",
    },
    "mismatch.standing_posture": {
        "en": "This does not look like standing upright.",
        "nl": "Dit lijkt niet op rechtop staan.",
    },
    # posecheck routine (posecheck/routine.py)
    "routine.setup.kneeling_lunge": {
        "en": "Kneeling lunge, {side}. Place the camera at hip height, about three metres to your side. "
        "Kneel on the back knee, front knee above the ankle.",
        "nl": "Schuttershouding, {side}. Zet de camera op heuphoogte, ongeveer drie meter naast je. "
        "Kniel op je achterste knie, voorste knie loodrecht boven je enkel.",
    },
    "routine.setup.standing_lunge": {
        "en": "Standing lunge, {side}. Place the camera at hip height, about three metres to your side. "
        "Step the back leg far back and keep it straight.",
        "nl": "Staande uitvalspas, {side}. Zet de camera op heuphoogte, ongeveer drie meter naast je. "
        "Zet je achterste been ver naar achter en houd het gestrekt.",
    },
    "routine.setup.prone_press_up": {
        "en": "Prone press-up. Place the camera low, at floor level, about three metres to your side. "
        "Lie on your belly, hands beside your shoulders.",
        "nl": "Opdrukken in buiklig. Zet de camera laag, op de grond, ongeveer drie meter naast je. "
        "Ga op je buik liggen, handen naast je schouders.",
    },
    "routine.setup.standing_posture": {
        "en": "Standing posture. Place the camera at hip height, about three metres to your side. "
        "Stand tall, sideways to the camera.",
        "nl": "Stahouding. Zet de camera op heuphoogte, ongeveer drie meter naast je. "
        "Sta rechtop, zijwaarts naar de camera.",
    },
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
    # Exercise names
    "kneeling_lunge": {"en": "kneeling lunge", "nl": "schuttershouding"},
    "standing_lunge": {"en": "standing lunge", "nl": "staande uitvalspas"},
    "prone_press_up": {"en": "prone press-up", "nl": "opdrukken in buiklig"},
    "standing_posture": {"en": "standing posture", "nl": "stahouding"},
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
