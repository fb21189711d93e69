"""Checks that need every record at once, after each reference is known to resolve.

No event is part of itself, no place inside itself, no topic broader than itself, no organization a
member of itself, whether directly or round a circle of records; and
no Wikidata item is the link of two records, since ``owl:sameAs`` would make them one thing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from ..errors import InputError, raise_all
from . import model as r


def check(corpus: r.Corpus) -> None:
    """Refuse, naming the file and line, every record that breaks one of the rules above."""
    raise_all(list(problems(corpus)))


def problems(corpus: r.Corpus) -> Iterator[InputError]:
    """Each record that breaks one of the rules above, as an error naming the file and line."""
    yield from _check_chains(corpus, "event", "super_event", lambda e: e.super_event)
    yield from _check_chains(corpus, "place", "contained_in", lambda p: p.contained_in)
    yield from _check_chains(corpus, "topic", "broader", lambda t: t.broader)
    yield from _check_memberships(corpus)
    yield from _check_wikidata_links(corpus)


def _fail(record: r.Record, field: str, message: str) -> InputError:
    where = record.where(field)
    return InputError(message, where.file, where.line)


def _circle(prefix: str, keys: Iterable[str]) -> str:
    return " → ".join(f"{prefix}:{key}" for key in keys)


def _check_chains(
    corpus: r.Corpus, prefix: str, field: str, parent: Callable[[Any], r.Ref | None]
) -> Iterator[InputError]:
    """Following ``field`` from any record never comes back to a record already passed."""
    table = corpus.table(prefix)
    cleared: set[str] = set()
    for record in table.values():
        path: dict[str, r.Record] = {}
        current: r.Record | None = record
        while current is not None and current.key not in cleared:
            if current.key in path:
                keys = list(path)
                yield _chain_error(prefix, field, [path[key] for key in keys[keys.index(current.key) :]])
                break
            path[current.key] = current
            ref = parent(current)
            current = table.get(ref.key) if ref is not None else None
        cleared.update(path)


def _chain_error(prefix: str, field: str, circle: list[r.Record]) -> InputError:
    first = circle[0]
    if len(circle) == 1:
        return _fail(first, field, f"{prefix}:{first.key} is its own {field}")
    keys = [record.key for record in circle] + [first.key]
    return _fail(first, field, f"{field} goes round in a circle: {_circle(prefix, keys)}")


@dataclass(frozen=True)
class _Edge:
    member: str
    record: r.Membership
    index: int


def _member_edges(corpus: r.Corpus) -> dict[str, list[_Edge]]:
    """The organizations each organization has as members, with the record and list item saying so."""
    edges: dict[str, list[_Edge]] = {}
    for membership in corpus.memberships:
        for index, member in enumerate(membership.members):
            if member.prefix == "org":
                edges.setdefault(membership.group.key, []).append(_Edge(member.key, membership, index))
    return edges


def _check_memberships(corpus: r.Corpus) -> Iterator[InputError]:
    edges = _member_edges(corpus)
    selves = False
    for group, found in edges.items():
        for edge in found:
            if edge.member == group:
                selves = True
                yield _fail(edge.record, f"members.{edge.index}", f"org:{group} is a member of itself")
    if selves:
        return  # a circle of one; the walk below would report it again
    done: set[str] = set()
    for group in edges:
        if group not in done:
            circle = _walk_members(group, edges, done)
            if circle:
                yield circle
                return


def _walk_members(start: str, edges: dict[str, list[_Edge]], done: set[str]) -> InputError | None:
    """Depth first from ``start``, without recursion; an edge back to the current path is a circle."""
    path = [start]
    pending: list[Iterator[_Edge]] = [iter(edges.get(start, ()))]
    while pending:
        edge = next(pending[-1], None)
        if edge is None:
            done.add(path.pop())
            pending.pop()
        elif edge.member in path:
            keys = [*path[path.index(edge.member) :], edge.member]
            return _fail(
                edge.record, f"members.{edge.index}", f"membership goes round in a circle: {_circle('org', keys)}"
            )
        elif edge.member not in done:
            path.append(edge.member)
            pending.append(iter(edges.get(edge.member, ())))
    return None


def _check_wikidata_links(corpus: r.Corpus) -> Iterator[InputError]:
    """A QID is the link (``wikidata:``) of one record at most."""
    linked: dict[str, tuple[str, r.Record]] = {}
    for prefix in ("doc", "org", "person", "place", "event", "topic"):
        for record in corpus.table(prefix).values():
            qid = getattr(record, "wikidata", None)
            if qid is None:
                continue
            first_prefix, first = linked.setdefault(qid, (prefix, record))
            if first is not record:
                where = first.where("wikidata")
                message = f"{qid} is already the Wikidata link of {first_prefix}:{first.key} ({where})"
                yield _fail(record, "wikidata", message)
