"""Human labels for the properties the pages show, both ways round (``schema:author`` reads
"Signed by" from a document and "Signed" from an organization)."""

from __future__ import annotations

import re

from ..rdf.namespaces import DCTERMS, OA, OWL, PG, PROV, RDF, RDFS, SCHEMA, SKOS

FORWARD: dict[str, str] = {
    RDF + "type": "Type",
    SCHEMA + "name": "Name",
    SCHEMA + "alternateName": "Also known as",
    SCHEMA + "description": "Description",
    SCHEMA + "author": "Authors and signatories",
    SCHEMA + "datePublished": "Date",
    SCHEMA + "startDate": "Starts",
    SCHEMA + "endDate": "Ends",
    SCHEMA + "location": "Place",
    SCHEMA + "attendee": "Attendees",
    SCHEMA + "organizer": "Organized by",
    SCHEMA + "superEvent": "Part of",
    SCHEMA + "subjectOf": "Reported in",
    SCHEMA + "mentions": "Mentions",
    SCHEMA + "citation": "Cites",
    SCHEMA + "about": "About",
    SCHEMA + "recipient": "Addressed to",
    SCHEMA + "item": "Signatory",
    SCHEMA + "position": "Rank",
    SCHEMA + "appearance": "In document",
    SCHEMA + "text": "Quote",
    SCHEMA + "containedInPlace": "Contained in",
    SCHEMA + "memberOf": "Member of",
    SCHEMA + "member": "Members",
    SCHEMA + "jobTitle": "Job title",
    SCHEMA + "affiliation": "Affiliated with",
    SCHEMA + "roleName": "Role",
    SCHEMA + "identifier": "Identifier",
    SCHEMA + "url": "Web address",
    SCHEMA + "inLanguage": "Language",
    SCHEMA + "encoding": "Source text",
    SCHEMA + "sha256": "SHA-256",
    SCHEMA + "contentSize": "Size",
    SCHEMA + "encodingFormat": "Format",
    SCHEMA + "inDefinedTermSet": "In term set",
    PG + "copiedTo": "Copied to",
    PG + "printedVariant": "Printed variants (as a source spells it)",
    PG + "printedName": "Name as printed",
    PG + "signature": "Signatures",
    PG + "stance": "Stance",
    PG + "evidence": "Evidence",
    PG + "target": "Targets",
    PG + "point": "Point",
    PG + "holdsRole": "Roles",
    PG + "roleIn": "In",
    OWL + "sameAs": "Same as",
    OWL + "deprecated": "Deprecated",
    SKOS + "prefLabel": "Label",
    SKOS + "altLabel": "Also known as",
    SKOS + "definition": "Definition",
    SKOS + "broader": "Broader topic",
    SKOS + "narrower": "Narrower topics",
    SKOS + "inScheme": "In scheme",
    SKOS + "topConceptOf": "Top topic of",
    SKOS + "hasTopConcept": "Top topics",
    RDFS + "label": "Label",
    RDFS + "comment": "Note",
    OA + "hasSource": "Source",
    OA + "hasSelector": "Selectors",
    OA + "exact": "Exact text",
    OA + "prefix": "Text before",
    OA + "suffix": "Text after",
    OA + "start": "From character",
    OA + "end": "To character",
    DCTERMS + "isReplacedBy": "Replaced by",
    DCTERMS + "replaces": "Replaces",
    PROV + "wasQuotedFrom": "Quoted from",
}

INVERSE: dict[str, str] = {
    SCHEMA + "author": "Author or signatory of",
    SCHEMA + "attendee": "Attended",
    SCHEMA + "organizer": "Organized",
    SCHEMA + "superEvent": "Sub-events",
    SCHEMA + "subjectOf": "Reports on",
    SCHEMA + "mentions": "Mentioned in",
    SCHEMA + "citation": "Cited by",
    SCHEMA + "about": "Subject of",
    SCHEMA + "recipient": "Received",
    SCHEMA + "item": "Signature in",
    SCHEMA + "appearance": "Positions in this document",
    SCHEMA + "containedInPlace": "Contains",
    SCHEMA + "memberOf": "Members",
    SCHEMA + "member": "Member of",
    SCHEMA + "location": "Located here",
    SCHEMA + "affiliation": "Affiliated people",
    SCHEMA + "inDefinedTermSet": "Terms",
    PG + "copiedTo": "Copied on",
    PG + "target": "Targeted by",
    PG + "roleIn": "Roles held here",
    PG + "stance": "Positions with this stance",
    SKOS + "broader": "Narrower topics",
    SKOS + "narrower": "Broader topic",
    SKOS + "inScheme": "Concepts",
    SKOS + "topConceptOf": "Top topics",
    SKOS + "hasTopConcept": "Top topic of",
    DCTERMS + "isReplacedBy": "Replaces",
    DCTERMS + "replaces": "Replaced by",
    OWL + "sameAs": "Same as",
    PROV + "wasQuotedFrom": "Quoted in",
}


def _words(iri: str) -> str:
    local = re.split(r"[/#]", iri)[-1]
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", local).replace("_", " ").replace("-", " ")
    return spaced[:1].upper() + spaced[1:].lower()


def forward(iri: str) -> str:
    """How a property reads from its subject."""
    return FORWARD.get(iri) or _words(iri)


def inverse(iri: str) -> str:
    """How a property reads from its object."""
    return INVERSE.get(iri) or f"{_words(iri)} (of)"
