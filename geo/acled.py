"""The crosswalk from the atlas's event kinds to ACLED's event type and sub-event type.

A researcher comparing the atlas with ACLED needs to know which of ACLED's categories each
of the atlas's events would fall in. The build writes both onto every event
(``acled_event_type``, ``acled_sub_event_type``), and the table and downloads carry them.

Source: ACLED Codebook (Armed Conflict Location & Event Data, 2023 and 2024 editions,
section "Event Types and Sub-Event Types"; acleddata.com/knowledge-base), and ACLED's note
"ACLED introduces new event types and sub-event types" (14 March 2019,
https://www.acleddata.com/2019/03/14/acled-introduces-new-event-types-and-sub-event-types/).
The codebook's six event types and their sub-event types are ``ACLED_TYPES`` below.

How each kind maps, and why (the codebook's wording in brief):

- ``strike`` (state air, missile or drone strike): Explosions/Remote violence, Air/drone
  strike. A strike by ground-launched missiles or rockets is "Shelling/artillery/missile
  attack"; an event says so with ``acled_sub_event_type``.
- ``shelling`` (mortar, rocket or artillery fire across the border): Explosions/Remote
  violence, Shelling/artillery/missile attack.
- ``bombing``: Explosions/Remote violence, Remote explosive/landmine/IED; a suicide
  attack sets ``acled_sub_event_type = "Suicide bomb"``, a thrown grenade "Grenade".
- ``attack``: ACLED separates violence between armed, organised groups (Battles, Armed
  clash: an ambush of border guards or police by militants is a battle, since the target is
  armed) from violence by an armed group against unarmed people (Violence against
  civilians, Attack: guards firing on fuel carriers or traders, gunmen killing labourers).
  The atlas decides by the ``target``: a target naming armed forces (guards, police,
  soldiers, the IRGC, Basij, FC, Levies, a post or a convoy) is a battle, any other an attack
  on civilians. An event may say otherwise with ``acled_sub_event_type``.
- ``clash`` (exchange of fire): Battles, Armed clash.
- ``shoot-down``: Strategic developments, Disrupted weapons use (ACLED codes drones and
  missiles shot down or intercepted there).
- ``abduction``: Violence against civilians, Abduction/forced disappearance (ACLED keeps
  abductions of off-duty or captured personnel there as well).
- ``release`` (captives freed, rescued, recovered or handed over): Strategic developments,
  Agreement when they were handed over (the codebook lists prisoner releases and exchanges
  under Agreement); a rescue by force sets ``acled_sub_event_type = "Armed clash"``.
- ``protest``: Protests, Peaceful protest.
- ``crackdown`` (force used against protesters): Protests, Excessive force against
  protesters.
- ``closure``, ``reopening``, ``border``, ``diplomatic``: Strategic developments, Other, the
  codebook's place for "contextually important" non-violent developments. ACLED does not
  code such steps systematically, so most will have no counterpart in ACLED at all.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

# The codebook's event types and their sub-event types.
ACLED_TYPES: dict[str, tuple[str, ...]] = {
    "Battles": ("Armed clash", "Government regains territory", "Non-state actor overtakes territory"),
    "Explosions/Remote violence": ("Chemical weapon", "Air/drone strike", "Suicide bomb",
                                   "Shelling/artillery/missile attack", "Remote explosive/landmine/IED",
                                   "Grenade"),
    "Violence against civilians": ("Sexual violence", "Attack", "Abduction/forced disappearance"),
    "Protests": ("Peaceful protest", "Protest with intervention", "Excessive force against protesters"),
    "Riots": ("Violent demonstration", "Mob violence"),
    "Strategic developments": ("Agreement", "Arrests", "Change to group/activity",
                               "Disrupted weapons use", "Headquarters or base established",
                               "Looting/property destruction", "Non-violent transfer of territory",
                               "Other"),
}
# Sub-event type -> its event type (each sub-event type belongs to one event type).
EVENT_TYPE_OF: dict[str, str] = {sub: etype for etype, subs in ACLED_TYPES.items() for sub in subs}

# Atlas kind -> (event type, sub-event type), the default for the kind.
KIND_TO_ACLED: dict[str, tuple[str, str]] = {
    "strike": ("Explosions/Remote violence", "Air/drone strike"),
    "attack": ("Violence against civilians", "Attack"),  # on armed targets: Battles (below)
    "bombing": ("Explosions/Remote violence", "Remote explosive/landmine/IED"),
    "clash": ("Battles", "Armed clash"),
    "shelling": ("Explosions/Remote violence", "Shelling/artillery/missile attack"),
    "shoot-down": ("Strategic developments", "Disrupted weapons use"),
    "abduction": ("Violence against civilians", "Abduction/forced disappearance"),
    "release": ("Strategic developments", "Agreement"),
    "protest": ("Protests", "Peaceful protest"),
    "crackdown": ("Protests", "Excessive force against protesters"),
    "closure": ("Strategic developments", "Other"),
    "reopening": ("Strategic developments", "Other"),
    "border": ("Strategic developments", "Other"),
    "diplomatic": ("Strategic developments", "Other"),
}
ATTACK_ON_ARMED = ("Battles", "Armed clash")
# A target that is an armed force: an attack on it is a battle in ACLED's terms.
ARMED_TARGET = re.compile(
    r"\b(guards?|police(?:men)?|policemen|officers?|soldiers?|troops|army|forces?|irgc|basij|"
    r"revolutionary guards?|frontier corps|fc|levies|personnel|military|checkpoints?|posts?|"
    r"convoy|camp|garrison|headquarters|patrol|sepah)\b", re.I)


def acled_types(props: Mapping[str, Any]) -> tuple[str, str]:
    """(ACLED event type, sub-event type) of an atlas event.

    ``acled_sub_event_type`` in the event wins (it must be one of the codebook's); else the
    kind's default, with an ``attack`` on an armed target a battle (``ARMED_TARGET``).
    Raises ValueError for an unknown kind or sub-event type.
    """
    given = props.get("acled_sub_event_type")
    if isinstance(given, str) and given:
        if given not in EVENT_TYPE_OF:
            raise ValueError(f"acled_sub_event_type {given!r} is not one of ACLED's sub-event types "
                             f"({', '.join(EVENT_TYPE_OF)})")
        return EVENT_TYPE_OF[given], given
    kind = str(props.get("kind"))
    if kind not in KIND_TO_ACLED:
        raise ValueError(f"kind {kind!r} has no ACLED crosswalk (kinds: {', '.join(KIND_TO_ACLED)})")
    if kind == "attack" and ARMED_TARGET.search(str(props.get("target") or "")):
        return ATTACK_ON_ARMED
    return KIND_TO_ACLED[kind]
