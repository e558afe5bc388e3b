"""Cues in English and Dutch, by message key.

Keys are ``<check id>.<outcome>`` (e.g. ``trunk_upright.leaning_back``) or general
notes (``no_person``, ``turn_sideways``).  The Dutch follows the wording of the
physiotherapy text the exercises come from (``schuttershouding``, ``loodrecht boven je
enkel``, ``navel intrekken``, ``niet doorhangen in je rug``).
"""

from __future__ import annotations

from typing import Literal

Lang = Literal["en", "nl"]
LANGS: tuple[Lang, ...] = ("en", "nl")

MESSAGES: dict[str, dict[Lang, str]] = {
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
    # A posture snapshot is not a stretch to hold (`Assessment.main_cue`: all_good.<exercise>).
    "all_good.standing_posture": {"en": "Good posture.", "nl": "Goede stahouding."},
    # Live window status lines
    "window.camera_lost": {"en": "Camera lost - retrying...", "nl": "Camera kwijt - opnieuw proberen..."},
    "window.paused": {
        "en": "Paused - press space to continue",
        "nl": "Gepauzeerd - druk op spatie om verder te gaan",
    },
    "window.snapshot": {"en": "Snapshot saved", "nl": "Momentopname opgeslagen"},
    # Exercise names
    "kneeling_lunge": {"en": "kneeling lunge", "nl": "schuttershouding"},
    "standing_lunge": {"en": "standing lunge", "nl": "staande uitvalspas"},
    "prone_press_up": {"en": "prone press-up", "nl": "opdrukken in buiklig"},
    "standing_posture": {"en": "standing posture", "nl": "stahouding"},
    "side_view": {"en": "side view", "nl": "zijaanzicht"},
    "front_view": {"en": "front view", "nl": "vooraanzicht"},
    "left": {"en": "left", "nl": "links"},
    "right": {"en": "right", "nl": "rechts"},
    "front_leg": {"en": "front leg", "nl": "voorste been"},
    "hold": {"en": "hold", "nl": "vastgehouden"},
    "easier": {"en": "easier", "nl": "makkelijker"},
    "harder": {"en": "harder", "nl": "moeilijker"},
    # Check names (panel labels)
    "front_knee_over_ankle": {"en": "Front knee over ankle", "nl": "Voorste knie boven enkel"},
    "rear_knee_on_floor": {"en": "Rear knee on floor", "nl": "Achterste knie op de grond"},
    "hip_extension": {"en": "Hip extension", "nl": "Heup gestrekt"},
    "trunk_upright": {"en": "Trunk upright", "nl": "Romp rechtop"},
    "rear_leg_straight": {"en": "Rear leg straight", "nl": "Achterste been gestrekt"},
    "pelvis_on_floor": {"en": "Pelvis on floor", "nl": "Bekken op de grond"},
    "chest_lifted": {"en": "Chest lifted", "nl": "Borst omhoog"},
    "hand_position": {"en": "Hand position", "nl": "Handpositie"},
    "forward_head": {"en": "Head over shoulders", "nl": "Hoofd boven schouders"},
    "plumb_line": {"en": "Plumb line", "nl": "Schietlood"},
    "knee_hyperextension": {"en": "Knees not locked back", "nl": "Knieën niet overstrekt"},
    "shoulders_level": {"en": "Shoulders level", "nl": "Schouders recht"},
    "hips_level": {"en": "Hips level", "nl": "Heupen recht"},
    "hollow_back": {"en": "No hollow back", "nl": "Geen holle rug"},
    # front_knee_over_ankle
    "front_knee_over_ankle.pass": {
        "en": "Front knee is above the ankle.",
        "nl": "Je voorste knie staat loodrecht boven je enkel.",
    },
    "front_knee_over_ankle.knee_ahead": {
        "en": "Front knee is ahead of the ankle: step the front foot further forward.",
        "nl": "Je voorste knie staat voor je enkel: zet je voorste voet verder naar voren.",
    },
    "front_knee_over_ankle.knee_behind": {
        "en": "Front knee is behind the ankle: bring the knee over the ankle.",
        "nl": "Je voorste knie staat achter je enkel: breng je knie loodrecht boven je enkel.",
    },
    # rear_knee_on_floor
    "rear_knee_on_floor.pass": {
        "en": "Rear knee rests on the floor.",
        "nl": "Je achterste knie steunt op de grond.",
    },
    "rear_knee_on_floor.fail": {
        "en": "Rest the rear knee on the floor.",
        "nl": "Laat je achterste knie op de grond steunen.",
    },
    # hip_extension
    "hip_extension.pass": {"en": "Rear hip is extended.", "nl": "Je achterste heup is gestrekt."},
    "hip_extension.fail": {
        "en": "Move the rear knee further back until you feel a stretch at the front of the hip.",
        "nl": "Zet je achterste knie verder naar achter tot je rek voelt aan de voorzijde van je heup.",
    },
    "hip_extension.fail_standing": {
        "en": "Place the rear leg further back until you feel a stretch at the front of that leg.",
        "nl": "Plaats je achterste been verder naar achter tot je een stretch voelt aan de voorzijde ervan.",
    },
    # trunk_upright
    "trunk_upright.pass": {"en": "Trunk is upright.", "nl": "Je romp is rechtop."},
    "trunk_upright.leaning_back": {
        "en": "Don't sag into a hollow back: pull your navel in and bring the trunk upright.",
        "nl": "Niet doorhangen in je rug: trek je navel in en kom rechtop.",
    },
    "trunk_upright.leaning_forward": {
        "en": "Trunk leans forward: bring your chest up over your hips.",
        "nl": "Je romp helt naar voren: breng je borst recht boven je heupen.",
    },
    # rear_leg_straight
    "rear_leg_straight.pass": {"en": "Rear leg is straight.", "nl": "Je achterste been is gestrekt."},
    "rear_leg_straight.fail": {
        "en": "Straighten the rear leg fully.",
        "nl": "Strek je achterste been volledig.",
    },
    # pelvis_on_floor
    "pelvis_on_floor.pass": {
        "en": "Pelvis stays on the floor.",
        "nl": "Je bekken maakt contact met de grond.",
    },
    "pelvis_on_floor.fail": {
        "en": "Keep your pelvis on the floor: bend the elbows or move the hands forward.",
        "nl": "Houd je bekken op de grond: buig je ellebogen of zet je handen meer naar voren.",
    },
    # chest_lifted
    "chest_lifted.pass": {"en": "Chest is lifted.", "nl": "Je borst is omhoog gedrukt."},
    "chest_lifted.fail": {
        "en": "Push your chest up with your hands.",
        "nl": "Duw jezelf met je handen omhoog.",
    },
    # hand_position (informative)
    "hand_position.easier": {
        "en": "Hands far forward: the easier variant.",
        "nl": "Handen ver naar voren: de makkelijkere variant.",
    },
    "hand_position.harder": {
        "en": "Hands under the shoulders: the harder variant.",
        "nl": "Handen onder je schouders: de moeilijkere variant.",
    },
    # forward_head
    "forward_head.pass": {"en": "Head is above the shoulders.", "nl": "Je hoofd staat boven je schouders."},
    "forward_head.fail": {
        "en": "Head pokes forward: pull your chin in and lengthen your neck.",
        "nl": "Je hoofd steekt naar voren: trek je kin in en maak je nek lang.",
    },
    # plumb_line
    "plumb_line.pass": {
        "en": "Shoulder and hip are in line above the ankle.",
        "nl": "Schouder en heup staan in lijn boven je enkel.",
    },
    "plumb_line.fail": {
        "en": "Hips or shoulders drift off the line above the ankle (sway back): stand tall, "
        "navel in lightly.",
        "nl": "Heupen of schouders staan uit de lijn boven je enkel (sway back): sta actief, "
        "buikspieren licht aangespannen.",
    },
    # knee_hyperextension
    "knee_hyperextension.pass": {"en": "Knees are not locked back.", "nl": "Je knieën zijn niet overstrekt."},
    "knee_hyperextension.fail": {
        "en": "Knees are pushed back: unlock them slightly.",
        "nl": "Je knieën zijn overstrekt: ontspan ze een klein beetje.",
    },
    # shoulders_level / hips_level
    "shoulders_level.pass": {"en": "Shoulders are level.", "nl": "Je schouders staan recht."},
    "shoulders_level.fail": {
        "en": "One shoulder is higher: level them.",
        "nl": "Eén schouder staat hoger: breng ze gelijk.",
    },
    "hips_level.pass": {"en": "Hips are level.", "nl": "Je heupen staan recht."},
    "hips_level.fail": {
        "en": "One hip is higher: stand evenly on both feet.",
        "nl": "Eén heup staat hoger: sta gelijkmatig op beide voeten.",
    },
}


def text(key: str, lang: Lang = "en") -> str:
    """The message for ``key`` in ``lang``; an unknown key is returned as-is (never raises)."""
    entry = MESSAGES.get(key)
    if entry is None:
        return key
    return entry.get(lang) or entry["en"]


def _merge_report_messages() -> None:
    from posecheck.report_messages import REPORT_MESSAGES

    for key, entry in REPORT_MESSAGES.items():
        MESSAGES[key] = {"en": entry["en"], "nl": entry["nl"]}


_merge_report_messages()
