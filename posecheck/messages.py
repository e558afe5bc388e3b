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
