"""The gazetteer: every curated name, longest first, on word boundaries, acronyms only in capitals."""

from __future__ import annotations

from peacegraph.draft.gazetteer import Gazetteer
from peacegraph.records import model as r


def _gazetteer() -> Gazetteer:
    return Gazetteer(
        {
            "United States": {r.Ref("org", "government-of-united-states")},
            "US": {r.Ref("org", "government-of-united-states")},
            "International Syria Support Group": {r.Ref("org", "issg")},
            "Syria": {r.Ref("place", "syria")},
            "Damascus": {r.Ref("place", "damascus"), r.Ref("org", "government-of-syria")},
            "Syrian Women's Network": {r.Ref("org", "syrian-womens-network")},
        }
    )


def test_longest_match_first_with_offsets_across_line_breaks() -> None:
    text = "Members of the International \nSyria Support Group met in Syria."
    found = _gazetteer().find(text)
    assert [(text[m.start : m.end], m.refs) for m in found] == [
        ("International \nSyria Support Group", (r.Ref("org", "issg"),)),
        ("Syria", (r.Ref("place", "syria"),)),
    ]


def test_acronyms_match_only_in_capitals_and_words_only_whole() -> None:
    found = _gazetteer().find("Tell us what the US said; Syrians and Syria\u2019s future.")
    assert [m.name for m in found] == ["US", "Syria"]


def test_curly_quotes_and_ambiguous_names() -> None:
    found = _gazetteer().find("The Syrian Women\u2019s Network in Damascus")
    assert [m.refs[0].key for m in found] == ["syrian-womens-network", "government-of-syria"]
    assert found[1].ambiguous
    assert not found[0].ambiguous
