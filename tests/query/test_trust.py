"""What a SPARQL user relies on in the real dataset: dates that compare, positions' own dates and
originals, names with languages, issuers told from signatories."""

from __future__ import annotations

from pyoxigraph import Store

from ..conftest import select

ID = "https://w3id.org/peacegraph/id/"
PREFIXES = """
PREFIX pg: <https://w3id.org/peacegraph/ontology#>
PREFIX schema: <https://schema.org/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""


def _rows(st: Store, query: str) -> list[tuple[str | None, ...]]:
    return select(st, PREFIXES + query)


def _count(st: Store, query: str) -> int:
    return int(_rows(st, query)[0][0] or 0)


def test_every_date_has_bounds_that_a_typed_filter_compares(real_store: Store) -> None:
    unbounded = _rows(
        real_store,
        """SELECT ?x WHERE {
             { ?x schema:datePublished|schema:startDate ?d FILTER NOT EXISTS { ?x pg:earliestDate ?e } }
             UNION { ?x schema:datePublished|schema:endDate ?d FILTER NOT EXISTS { ?x pg:latestDate ?l } }
             UNION { ?x pg:earliestDate ?e ; pg:latestDate ?l FILTER (DATATYPE(?e) != xsd:date || ?l < ?e) } }""",
    )
    assert unbounded == []


def test_a_period_asks_certainly_or_possibly_and_coarse_dates_are_not_lost(real_store: Store) -> None:
    window = 'BIND ("2015-10-01"^^xsd:date AS ?from) BIND ("2016-02-29"^^xsd:date AS ?until)'
    typed = _count(
        real_store,
        f"""SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {{ {window} ?e a pg:Event ; schema:startDate ?s
             FILTER (DATATYPE(?s) = xsd:date && ?s >= ?from && ?s <= ?until) }}""",
    )
    certainly = _count(
        real_store,
        f"""SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {{ {window} ?e a pg:Event ; pg:earliestDate ?a ; pg:latestDate ?b
             FILTER (?a >= ?from && ?b <= ?until) }}""",
    )
    possibly = _count(
        real_store,
        f"""SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {{ {window} ?e a pg:Event ; pg:earliestDate ?a ; pg:latestDate ?b
             FILTER (?b >= ?from && ?a <= ?until) }}""",
    )
    assert typed < certainly < possibly  # month-dated events count; an event dated only "2016" only possibly
    # dated "2016", but the source places it between its entries of 17 May and 12 September 2016
    election = f"<{ID}event/coalition-general-assembly-2016-interim-government-election>"
    bounds = f"SELECT ?d ?a ?b WHERE {{ {election} schema:startDate ?d ; pg:earliestDate ?a ; pg:latestDate ?b }}"
    assert _rows(real_store, bounds) == [("2016", "2016-05-17", "2016-09-12")]


def test_every_quoted_position_has_its_own_date_never_the_quoting_page(real_store: Store) -> None:
    assert (
        _rows(real_store, "SELECT ?p WHERE { ?p a pg:QuotedPosition FILTER NOT EXISTS { ?p schema:datePublished ?d } }")
        == []
    )
    slaughter = _rows(
        real_store,
        f"SELECT ?d WHERE {{ <{ID}position/peace-process-timeline-slaughter-no-kill-zones> schema:datePublished ?d }}",
    )
    assert slaughter == [("2012-02",)]


def test_positions_quoted_second_hand_link_their_original_both_ways(real_store: Store) -> None:
    linked = _count(
        real_store,
        """SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE {
             ?p a pg:QuotedPosition ; prov:wasQuotedFrom ?o ; schema:isBasedOn ?o ;
             schema:appearance ?page . ?o a pg:Document FILTER (?o != ?page) }""",
    )
    assert linked >= 100
    issg = _rows(
        real_store,
        """SELECT ?p ?o WHERE { ?p a pg:Position ; schema:author <https://w3id.org/peacegraph/id/organization/issg> .
             OPTIONAL { ?p prov:wasQuotedFrom ?o } }""",
    )
    unlinked = [p for p, o in issg if o is None]
    assert len(issg) == 25
    assert unlinked == []
    # pg:target never names the original, which is schema:isBasedOn.
    assert _rows(real_store, "SELECT ?p WHERE { ?p pg:target ?o ; prov:wasQuotedFrom ?o }") == []


def test_names_and_labels_have_languages(real_store: Store) -> None:
    untagged = _rows(
        real_store,
        """SELECT ?x ?n WHERE { ?x schema:name|schema:alternateName|rdfs:label ?n
             FILTER (LANG(?n) = "" && NOT EXISTS { ?x a pg:SourceText }
                     && NOT EXISTS { ?x <http://www.w3.org/2002/07/owl#deprecated> true }) }""",
    )
    assert untagged == []
    french = _rows(
        real_store,
        f"SELECT ?n WHERE {{ <{ID}place/centre-de-conferences-ministerielles> rdfs:label ?n "
        'FILTER (LANG(?n) = "fr") }',
    )
    assert french == [("Centre de Conférences ministérielles",)]
    arabic = _rows(
        real_store, f'SELECT ?n WHERE {{ <{ID}person/riyad-hijab> schema:alternateName ?n FILTER (LANG(?n) = "ar") }}'
    )
    assert len(arabic) == 1
    unlabelled = _rows(
        real_store,
        "SELECT ?x WHERE { { ?x a pg:Person } UNION { ?x a pg:Organization } FILTER NOT EXISTS { ?x rdfs:label ?l } }",
    )
    assert unlabelled == []


def test_the_issuer_of_the_ministers_statement_is_told_from_its_signatories(real_store: Store) -> None:
    statement = f"<{ID}document/small-group-ministers-statement-2019-11-14>"
    assert _rows(real_store, f"SELECT ?i WHERE {{ {statement} pg:issuer ?i }}") == [
        (f"{ID}organization/small-group-on-syria",)
    ]
    signatories = _rows(real_store, f"SELECT ?s WHERE {{ {statement} pg:signatory ?s }}")
    assert len(signatories) == 7
    assert (f"{ID}organization/small-group-on-syria",) not in signatories


def test_roles_of_one_office_have_distinct_periods(real_store: Store) -> None:
    periods = _rows(
        real_store,
        f"""SELECT ?who ?start ?end WHERE {{ VALUES ?who {{ <{ID}person/hillary-clinton> <{ID}person/john-kerry> }}
             ?who pg:holdsRole ?r . ?r schema:startDate ?start ; schema:endDate ?end ; schema:description ?note
             FILTER CONTAINS(?note, "general knowledge") }}""",
    )
    assert periods == [
        (f"{ID}person/hillary-clinton", "2009-01-21", "2013-02-01"),
        (f"{ID}person/john-kerry", "2013-02-01", "2017-01-20"),
    ]
