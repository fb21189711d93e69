"""How record types map to classes: ours (``pg:``) and schema.org's, in one table per kind."""

from __future__ import annotations

from typing import Final

#: Record ``type`` → (our class, schema.org class or None).
DOCUMENT_CLASSES: Final = {
    "statement-of-principles": ("StatementOfPrinciples", None),
    "joint-statement": ("JointStatement", None),
    "letter": ("Letter", "Message"),
    "statement": ("Statement", None),
    "timeline": ("Timeline", "BlogPosting"),
    "resolution": ("Resolution", "Legislation"),
    "communique": ("Communique", None),
    "report": ("Report", "Report"),
    "press-release": ("PressRelease", None),
    "interview": ("Interview", None),
    "article": ("Article", "Article"),
    "draft-resolution": ("DraftResolution", None),
    "agreement": ("Agreement", None),
    "other": (None, None),
}

ORGANIZATION_CLASSES: Final = {
    "government": ("Government", "GovernmentOrganization"),
    "intergovernmental": ("IntergovernmentalOrganization", None),
    "un-body": ("UnitedNationsBody", None),
    "diplomatic-group": ("DiplomaticGroup", None),
    "civil-society": ("CivilSocietyOrganization", "NGO"),
    "political": ("PoliticalOrganization", None),
    "armed-group": ("ArmedGroup", None),
    "media": ("MediaOrganization", "NewsMediaOrganization"),
    "local-council": ("LocalCouncil", "GovernmentOrganization"),
    "local-administration": ("LocalAdministration", "GovernmentOrganization"),
    "humanitarian": ("HumanitarianOrganization", "NGO"),
    "negotiating-body": ("NegotiatingBody", None),
    "other": (None, None),
}

PLACE_CLASSES: Final = {
    "country": (None, "Country"),
    "city": (None, "City"),
    "governorate": ("Governorate", "AdministrativeArea"),
    "region": ("Region", None),
    "area": (None, None),
    "road": (None, None),
    "other": (None, None),
}

EVENT_CLASSES: Final = {
    "series": ("EventSeries", "EventSeries"),
    "meeting": ("Meeting", None),
    "conference": ("Conference", None),
    "negotiation-round": ("NegotiationRound", None),
    "council-session": ("CouncilSession", None),
    "task-force-meeting": ("TaskForceMeeting", None),
    "bilateral-meeting": ("BilateralMeeting", None),
    "telephone-call": ("TelephoneCall", None),
    "congress": ("Congress", None),
    "interview": ("InterviewEvent", None),
    "briefing": ("Briefing", None),
    "ceasefire": ("Ceasefire", None),
    "military-operation": ("MilitaryOperation", None),
    "attack": ("Attack", None),
    "humanitarian-operation": ("HumanitarianOperation", None),
    "evacuation": ("Evacuation", None),
    "visit": ("Visit", None),
    "conflict": ("Conflict", None),
    "opening": ("Opening", None),
    "other": (None, None),
}

#: The stances a position can take; each is a concept ``pg:<stance>`` defined in the ontology.
STANCES: Final = (
    "supports",
    "opposes",
    "calls-for",
    "demands",
    "recommends",
    "conditions",
    "commits-to",
    "condemns",
    "welcomes",
    "rejects",
    "warns-against",
    "acknowledges",
    "proposes",
    "asserts",
)
