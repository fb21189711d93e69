"""The nodes of a graph (its sorted lines) that the shapes' paths reach: back from changed triples to the
roots whose footprint holds them (:func:`affected`), and forward from those roots to the lines of their
footprints (:func:`extract`); see :mod:`.footprint` and :mod:`.incremental`.

Both walk many paths at once, a step at a time: the nodes every path is at are grouped by the step
each takes next, so that a step along a predicate's inverse costs one search of the whole text for
all the paths that take it (:meth:`..rdf.sorted_lines.SortedLines.with_objects`), and a forward step only
bisections.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from ..rdf.sorted_lines import FEW_OBJECTS, SortedLines, split
from .footprint import Footprint, Prefix, Step, superclasses


@dataclass
class Walk:
    """Steps taken in ``data``: the lines of each node read (``own``) and those inverse steps went through."""

    data: SortedLines
    own: dict[bytes, list[bytes]] = field(default_factory=dict)
    through: set[bytes] = field(default_factory=set)

    def lines_of(self, node: bytes) -> list[bytes]:
        if node not in self.own:
            self.own[node] = self.data.of_subject(node)
        return self.own[node]

    def neighbours(self, steps: dict[Step, set[bytes]]) -> dict[Step, dict[bytes, set[bytes]]]:
        """For each step and each of its nodes, the nodes the step goes to from it."""
        found = {step: {node: set[bytes]() for node in nodes} for step, nodes in steps.items()}
        for s, p, o in map(split, self._inverse({step[0]: nodes for step, nodes in steps.items() if step[1]})):
            if o in found.get((p, True), {}):
                found[(p, True)][o].add(s)
        for (predicate, inverse), nodes in steps.items():
            for node in [] if inverse else nodes:
                found[(predicate, inverse)][node] = {o for _, p, o in map(split, self.lines_of(node)) if p == predicate}
        return found

    def _inverse(self, wanted: dict[bytes, set[bytes]]) -> list[bytes]:
        """The lines ``<s> p o .`` with ``o`` among ``wanted[p]``: found by their objects, a search each,
        when they are few, else by their predicates (they are kept in :attr:`through`)."""
        objects = set().union(*wanted.values())
        by_predicate = sum(len(nodes) if len(nodes) <= FEW_OBJECTS else 1 for nodes in wanted.values())
        if len(objects) <= by_predicate:
            lines = [x for x in self.data.with_any_predicate(objects) if split(x)[1] in wanted]
        else:
            lines = [x for predicate, nodes in wanted.items() for x in self.data.with_objects(predicate, nodes)]
        self.through.update(lines)
        return lines

    def lines(self) -> set[bytes]:
        """Every line read: the nodes' own, and those of the inverse steps."""
        return self.through.union(*self.own.values())


def affected(fp: Footprint, data: SortedLines, changed: Iterable[bytes]) -> set[bytes]:
    """The roots whose footprint (before or after the change) may hold one of the ``changed`` lines: the
    nodes each is read at, walked back along the prefix it is read at the end of."""
    by_predicate: dict[bytes | None, list[tuple[Prefix, bool]]] = {}
    for prefix, reads in fp.reads.items():
        for predicate, inverse in reads:
            by_predicate.setdefault(predicate, []).append((prefix, inverse))
    left: dict[Prefix, set[bytes]] = {}  # nodes, by the steps still to walk back from them
    for line in changed:
        s, p, o = split(line)
        for prefix, inverse in [*by_predicate.get(p, ()), *by_predicate.get(None, ())]:
            left.setdefault(prefix, set()).add(o if inverse else s)
    walk, roots = Walk(data), left.pop((), set())
    while left:
        back: dict[Step, set[bytes]] = {}
        for prefix, nodes in left.items():
            predicate, inverse = prefix[-1]
            back.setdefault((predicate, not inverse), set()).update(nodes)
        found = walk.neighbours(back)
        after: dict[Prefix, set[bytes]] = {}
        for prefix, nodes in left.items():
            predicate, inverse = prefix[-1]
            reached = after.setdefault(prefix[:-1], set())
            for node in nodes:
                reached |= found[(predicate, not inverse)][node]
        roots |= after.pop((), set())
        left = {prefix: nodes for prefix, nodes in after.items() if nodes}
    return roots


def extract(fp: Footprint, data: SortedLines, roots: set[bytes], hierarchy: list[bytes]) -> set[bytes]:
    """The lines of the footprints of ``roots``: every line of each node reached from a root along the
    prefixes of the shapes that may target it (a class target through the ``rdfs:subClassOf`` lines
    ``hierarchy`` too), and the lines of the inverse steps taken."""
    supers = superclasses(map(split, hierarchy))
    walk = Walk(data)
    at: dict[tuple[int, Prefix], set[bytes]] = {}  # nodes reached, by shape and prefix
    for root in roots:
        own = [split(line) for line in walk.lines_of(root)]
        for i, (targets, _prefixes) in enumerate(fp.shapes):
            if targets.chooses(own, supers):
                at.setdefault((i, ()), set()).add(root)
    longest = max((len(p) for _t, prefixes in fp.shapes for p in prefixes), default=0)
    for length in range(1, longest + 1):
        wanted = [
            (i, prefix)
            for i, (_targets, prefixes) in enumerate(fp.shapes)
            for prefix in prefixes
            if len(prefix) == length and at.get((i, prefix[:-1]))
        ]
        steps: dict[Step, set[bytes]] = {}
        for i, prefix in wanted:
            steps.setdefault(prefix[-1], set()).update(at[(i, prefix[:-1])])
        found = walk.neighbours(steps)
        for i, prefix in wanted:
            reached = set().union(*(found[prefix[-1]][node] for node in at[(i, prefix[:-1])]))
            for node in reached:
                walk.lines_of(node)
            at[(i, prefix)] = reached
    return walk.lines()
