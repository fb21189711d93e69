"""`peacegraph draft` through the real CLI: the genre (small synthetic fixtures), the formats it
reads, what it refuses, determinism, and the review notes that `check` lists and `release` refuses."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from peacegraph.cli import main
from tests.conftest import SEEDS

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "draft"


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    target = tmp_path / "seeds"
    shutil.copytree(SEEDS, target)
    return target


def draft(seeds: Path, source: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["draft", str(source), "--collection", str(seeds), *args])


def drafted(seeds: Path, result: Result) -> dict:  # type: ignore[type-arg]
    assert result.exit_code == 0, result.output
    path = Path(re.search(r"drafted (\S+\.yaml)", result.output).group(1))  # type: ignore[union-attr]
    return yaml.safe_load(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def build(seeds: Path, tmp_path: Path) -> Result:
    return CliRunner().invoke(main, ["build", "--collection", str(seeds), "--out", str(tmp_path / "out"), "--quiet"])


def test_pull_quote_statement_without_date(seeds: Path, tmp_path: Path) -> None:
    records = drafted(seeds, draft(seeds, FIXTURES / "pull-quote-statement.txt"))
    doc = records["documents"][0]
    assert doc["title"] == "Syrian Civil Society Calls for Action on Detainees Ahead of the Geneva Talks"
    assert "date" not in doc  # April 24-25, 2018 is the date of the talks, not of the statement
    assert any(note.startswith("no date of issue stated") and "2018-04-24" in note for note in doc["review"])
    assert doc["type"] == "joint-statement"
    assert doc["signatories"][:3] == ["org:baytna-syria", "org:kesh-malek", "org:syrian-network-for-human-rights"]
    new = {o["key"]: o for o in records["organizations"] + records["people"]}
    assert doc["signatories"][3:] == [
        "org:hope-bridges-association-for-relief",
        "org:families-for-freedom",
        "person:amal-haddad",
    ]
    assert new["hope-bridges-association-for-relief"]["alternate_names"] == [
        "Hope Bridges Association for Relief (HBAR)",
        "HBAR",
    ]
    assert new["families-for-freedom"]["name"] == "Families for Freedom"
    assert new["families-for-freedom"]["alternate_names"] == ["Families for Freedom, London"]
    assert new["amal-haddad"]["alternate_names"] == ["Dr. Amal Haddad"]
    assert all(record["review"] for record in new.values())
    assert doc["cites"] == ["doc:unscr-2254"]
    assert "person:geir-pedersen" in doc["mentions"]
    points = {p["point"]: p for p in records["positions"] if "point" in p}
    assert points["1"]["quote"]["text"] == "the immediate release of all arbitrarily detained women and children"
    assert points["3"]["quote"]["text"] == "a mechanism to reveal the fate of the missing"
    stances = {p["stance"] for p in records["positions"]}
    assert {"welcomes", "rejects", "condemns", "calls-for"} <= stances
    assert build(seeds, tmp_path).exit_code == 0


def test_letter_with_addressee_dateline_page_break_and_copy(seeds: Path, tmp_path: Path) -> None:
    records = drafted(seeds, draft(seeds, FIXTURES / "letter-to-envoy.md"))
    doc = records["documents"][0]
    assert doc["type"] == "letter"
    assert str(doc["date"]) == "2019-05-12"  # not 30 October 2019, the meeting it mentions
    assert doc["recipients"] == ["person:geir-pedersen"]
    assert doc["copied_to"] == ["org:un-security-council"]
    assert doc["signatories"] == [
        "org:syrian-womens-network",
        "org:women-now-for-development",
        "org:zenobia-syrian-womens-association",
    ]
    assert doc["cites"] == ["doc:unscr-2254", "doc:geneva-communique-2012"]
    assert any(note.startswith("no title printed") for note in doc["review"])
    assert build(seeds, tmp_path).exit_code == 0


def test_same_source_and_records_give_the_same_bytes(tmp_path: Path) -> None:
    outputs = []
    for run in ("a", "b"):
        copy = tmp_path / run / "seeds"
        shutil.copytree(SEEDS, copy)
        result = draft(copy, FIXTURES / "pull-quote-statement.txt", "--key", "detainees-statement")
        assert result.exit_code == 0, result.output
        outputs.append(
            {p.name: p.read_bytes() for p in [*copy.glob("*.txt"), copy / "records" / "detainees-statement.yaml"]}
        )
    assert outputs[0] == outputs[1]
    copy = tmp_path / "b" / "seeds"
    first = draft(copy, FIXTURES / "letter-to-envoy.md")
    written = {p: p.read_bytes() for p in (copy / "records").glob("letter-to*.yaml")}
    assert len(written) == 1
    again = draft(copy, FIXTURES / "letter-to-envoy.md", "--force")  # over its own record file: the same
    assert (first.exit_code, again.exit_code) == (0, 0), again.output
    assert {p: p.read_bytes() for p in (copy / "records").glob("letter-to*.yaml")} == written


def test_pdf_with_a_text_layer(seeds: Path, tmp_path: Path) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    pdf = tmp_path / "statement.pdf"
    page = canvas.Canvas(str(pdf), pagesize=A4)
    lines = (FIXTURES / "pull-quote-statement.txt").read_text(encoding="utf-8").split("\n")
    y = 800
    for line in lines:
        for chunk in [line[i : i + 90] for i in range(0, max(len(line), 1), 90)]:
            page.drawString(40, y, chunk)
            y -= 14
            if y < 60:
                page.showPage()
                y = 800
    page.save()
    records = drafted(seeds, draft(seeds, pdf))
    doc = records["documents"][0]
    assert doc["title"].startswith("Syrian Civil Society Calls for Action")
    assert len(doc["signatories"]) == 6
    assert build(seeds, tmp_path).exit_code == 0


def test_pdf_without_a_text_layer_is_refused(seeds: Path, tmp_path: Path) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    pdf = tmp_path / "scan.pdf"
    page = canvas.Canvas(str(pdf), pagesize=A4)
    page.rect(40, 40, 500, 700, fill=1)  # a page with only a drawing, as a scan has only an image
    page.save()
    result = draft(seeds, pdf)
    assert result.exit_code == 2
    assert "no text layer" in result.output
    assert "no OCR" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_html_main_content_without_navigation(seeds: Path, tmp_path: Path) -> None:
    body = (FIXTURES / "pull-quote-statement.txt").read_text(encoding="utf-8")
    paragraphs = "".join(f"<p>{p}</p>\n" for p in body.split("\n\n")[2:-1])
    signed = "".join(f"<li>{name}</li>" for name in body.split("\n\n")[-1].split("\n")[1:] if name)
    html = tmp_path / "page.html"
    html.write_text(
        "<html><head><title>Detainees statement</title></head><body>"
        "<nav><a href='/'>Home</a> | <a href='/donate'>Donate now to our appeal</a></nav>"
        "<article><h1>Syrian Civil Society Calls for Action on Detainees Ahead of the Geneva Talks</h1>"
        f"{paragraphs}<h2>Signed by:</h2><ul>{signed}</ul><p>CC:<br>UN Security Council</p></article>"
        "<footer>Copyright 2018 Example Network. All rights reserved.</footer></body></html>",
        encoding="utf-8",
    )
    records = drafted(seeds, draft(seeds, html))
    text = (seeds / records["documents"][0]["source"]).read_text(encoding="utf-8")
    assert "Donate now" not in text
    assert "All rights reserved" not in text
    assert "tens of thousands of Syrians remain in detention" in text
    doc = records["documents"][0]
    assert doc["title"] == "Syrian Civil Society Calls for Action on Detainees Ahead of the Geneva Talks"
    assert len(doc["signatories"]) == 6
    assert doc["copied_to"] == ["org:un-security-council"]
    assert build(seeds, tmp_path).exit_code == 0


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.txt", b"  \n\n", "empty"),
        ("binary.txt", b"\x00\x01\x02PK\x03\x04", "binary"),
        ("latin1.txt", "Déclaration commune".encode("latin-1"), "not valid UTF-8"),
        ("notes.docx", b"PK\x03\x04", "cannot draft a .docx file"),
        ("broken.pdf", b"%PDF-1.4 this is not a PDF", "PDF"),
    ],
)
def test_unusable_files_are_refused_in_one_line(
    seeds: Path, tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    source = tmp_path / name
    source.write_bytes(content)
    before = sorted(p.name for p in seeds.rglob("*"))
    result = draft(seeds, source)
    assert result.exit_code == 2
    assert message in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert sorted(p.name for p in seeds.rglob("*")) == before


def test_oversized_and_special_files_are_refused(seeds: Path, tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    with big.open("wb") as handle:
        handle.truncate(33 * 2**20)
    assert "larger than the limit" in draft(seeds, big).output
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    result = draft(seeds, fifo)
    assert result.exit_code == 2
    assert "not a regular file" in result.output


def test_curated_source_and_existing_record_file_need_force(seeds: Path) -> None:
    curated = seeds / "001_5f9df1488fb20d37.txt"
    refused = draft(seeds, curated)
    assert refused.exit_code == 2
    assert "already the source of the curated doc:civil-society-letter-to-issg-2017-03-22" in refused.output
    copy = seeds.parent / "copy.txt"
    shutil.copy(curated, copy)  # the same text from elsewhere is the same text
    assert "already the source" in draft(seeds, copy).output
    actors = seeds / "records" / "actors.yaml"
    kept = actors.read_bytes()
    existing = draft(seeds, FIXTURES / "letter-to-envoy.md", "--record-file", str(actors))
    assert existing.exit_code == 2
    assert "record file exists" in existing.output
    assert actors.read_bytes() == kept
    forced = draft(seeds, curated, "--force", "--key", "letter-again")
    assert forced.exit_code == 0, forced.output
    again = draft(seeds, curated, "--force", "--key", "letter-again")  # replaces its own record file
    assert again.exit_code == 0, again.output
    elsewhere = draft(
        seeds, FIXTURES / "letter-to-envoy.md", "--record-file", str(seeds.parent / "review" / "letter.yaml")
    )
    assert elsewhere.exit_code == 0, elsewhere.output
    assert (seeds.parent / "review" / "letter.yaml").exists()
    assert draft(seeds, curated, "--force", "--key", "Bad Key").exit_code == 2
    taken = draft(seeds, FIXTURES / "letter-to-envoy.md", "--key", "unscr-2254")
    assert taken.exit_code == 2
    assert "doc:unscr-2254 is already curated" in taken.output


def test_review_notes_are_warnings_and_block_a_release(seeds: Path, tmp_path: Path) -> None:
    records = drafted(seeds, draft(seeds, FIXTURES / "letter-to-envoy.md", "--key", "women-letter"))
    notes = sum(len(r.get("review", ())) for items in records.values() for r in items)
    check = CliRunner().invoke(main, ["check", "--collection", str(seeds)])
    assert check.exit_code == 0
    reviews = [line for line in check.output.splitlines() if ": review: " in line]
    assert len(reviews) == notes
    assert re.match(r"warning: .*women-letter\.yaml:\d+: review: doc:women-letter: ", reviews[0])
    out = tmp_path / "out"
    assert build(seeds, tmp_path).exit_code == 0
    assert "no title printed" not in (out / "peacegraph.nt").read_text(encoding="utf-8")  # never RDF
    before = (seeds / "release.yaml").read_bytes()
    release = CliRunner().invoke(
        main,
        [
            "release",
            "0.2.0",
            "--collection",
            str(seeds),
            "--out",
            str(out),
            "--since",
            str(out),
            "--changelog",
            str(tmp_path / "CL.md"),
        ],
    )
    assert release.exit_code == 2
    assert "open review note(s)" in release.output
    assert "women-letter.yaml" in release.output
    assert (seeds / "release.yaml").read_bytes() == before
    assert not (tmp_path / "CL.md").exists()
    record_file = seeds / "records" / "women-letter.yaml"
    reviewed = re.sub(r"(?m)^  review:\n(?:  - .*\n)+", "", record_file.read_text(encoding="utf-8"))
    record_file.write_text(reviewed, encoding="utf-8")
    check = CliRunner().invoke(main, ["check", "--collection", str(seeds)])
    assert ": review: " not in check.output


_PIECES = [
    "Joint Statement",
    "Signatories:",
    "Sincerely,",
    "Signed by: Baytna Syria, Kesh Malek and Mazaya",
    "CC: UN Special Envoy",
    "1. ",
    "2) ",
    "a) ",
    "(1) ",
    "(2) ",
    "We call on the Security Council to act.",
    "We condemn the sieges; we urge you to",
    "resolution 2254",
    "S/RES/2254 (2015)",
    "UNSCR-",
    "2016-05-17: Meeting",
    "posted 2016-10-14",
    "Wednesday, March 22, 2017",
    "April 24\u201325, 2018",
    "31 February 2019",
    "\u201cA pull quote.\u201d",
    "Your Excellencies,",
    "To the members of the ISSG",
    "Small Group",
    "\u00e9",
    "\u0627\u0644\u0633\u0644\u0627\u0645",
    "Baytna Syria",
    "Damascus",
    "Geneva Communiqu\u00e9",
    "Staffan de Mistura",
    "UN",
    "US",
    "Local Council of Jasim",
    "\n1. ",
    "\n\u2022 ",
    "CC:\n\n",
    "## Signed by:\n",
    "\t",
    "\f",
    "-\n",
    "\n",
    "\n\n",
    " ",
    ":",
    "(",
    ")",
    ".",
]


@settings(
    max_examples=int(os.environ.get("PEACEGRAPH_EXAMPLES", "15")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(pieces=st.lists(st.sampled_from(_PIECES) | st.text(max_size=12), min_size=1, max_size=60))
def test_any_text_is_drafted_or_refused_in_one_line(
    tmp_path_factory: pytest.TempPathFactory, pieces: list[str]
) -> None:
    """Whatever the text, `draft` either writes records that load, or refuses in one line; never a traceback."""
    work = tmp_path_factory.mktemp("any")
    seeds = work / "seeds"
    shutil.copytree(SEEDS, seeds)  # the real records: a gazetteer and signatories to resolve against
    source = work / "statement.txt"
    source.write_text("".join(pieces), encoding="utf-8", errors="surrogatepass")
    result = draft(seeds, source, "--key", "any-statement")
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    if result.exit_code == 0:
        check = CliRunner().invoke(main, ["check", "--collection", str(seeds)])
        assert check.exit_code == 0, check.output
    else:
        assert result.exit_code == 2
        assert len(result.output.strip().splitlines()) == 1


def test_open_letter_with_bullets_numeric_date_and_a_contact_line(seeds: Path, tmp_path: Path) -> None:
    records = drafted(seeds, draft(seeds, FIXTURES / "open-letter-idlib.md"))
    doc = records["documents"][0]
    assert doc["title"] == "OPEN LETTER ON THE PROTECTION OF CIVILIANS IN IDLIB"
    assert str(doc["date"]) == "2019-03-18"  # not 17 September 2018, the date of the agreement it mentions
    assert doc["type"] == "letter"
    assert doc["recipients"] == ["person:geir-pedersen"]
    new = {o["key"]: o for o in records["organizations"]}
    assert doc["signatories"] == [
        "org:baytna-syria",
        "org:kesh-malek",
        "org:idlib-health-directorate",
        "org:radio-fresh",
    ]
    assert new["radio-fresh"]["type"] == "media"
    stances = [p["stance"] for p in records["positions"]]
    assert {"demands", "warns-against"} <= set(stances)
    assert build(seeds, tmp_path).exit_code == 0


def test_pdf_signatory_list_across_a_page_break(seeds: Path, tmp_path: Path) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    names = [f"Local Council of Town {chr(65 + i // 26)}{chr(65 + i % 26)}" for i in range(70)]
    pdf = tmp_path / "long.pdf"
    page = canvas.Canvas(str(pdf), pagesize=A4)
    lines = [
        "Statement on Local Councils",
        "",
        "2 February 2019",
        "",
        "We call on all parties to protect local councils.",
        "",
        "Signatories:",
        "",
    ]
    lines += [f"{n}. {name}" for n, name in enumerate(names, start=1)]
    y = 800
    for line in lines:
        if y < 60:
            page.showPage()
            y = 800
        page.drawString(40, y, line)
        y -= 14
    page.save()
    records = drafted(seeds, draft(seeds, pdf))
    doc = records["documents"][0]
    printed = {o["key"]: o["name"] for o in records["organizations"]}
    assert [printed[ref.split(":")[1]] for ref in doc["signatories"]] == names
    assert {o["type"] for o in records["organizations"]} == {"local-council"}
    assert doc["type"] == "joint-statement"
    assert build(seeds, tmp_path).exit_code == 0


def test_signatories_printed_first_in_one_line(seeds: Path, tmp_path: Path) -> None:
    source = tmp_path / "first.txt"
    source.write_text(
        "Statement on Idlib\n\nSigned by: Baytna Syria, Kesh Malek and Mazaya\n\n"
        "We call on the Security Council to protect the civilians of Idlib from airstrikes.\n",
        encoding="utf-8",
    )
    records = drafted(seeds, draft(seeds, source))
    doc = records["documents"][0]
    assert doc["title"] == "Statement on Idlib"
    assert doc["signatories"] == ["org:baytna-syria", "org:kesh-malek", "org:mazaya"]
    [position] = records["positions"]
    assert position["stance"] == "calls-for"
    assert "topic:protection-of-civilians" in position["topics"]
    assert build(seeds, tmp_path).exit_code == 0


def test_names_in_arabic_script_get_a_key_to_replace(seeds: Path, tmp_path: Path) -> None:
    source = tmp_path / "arabic.txt"
    source.write_text(
        "بيان مشترك\n\n12 May 2019\n\nWe call on the Security Council to protect civilians in Idlib.\n\n"
        "Signatories:\n1. بيتنا سوريا\n2. Kesh Malek\n",
        encoding="utf-8",
    )
    records = drafted(seeds, draft(seeds, source))
    doc = records["documents"][0]
    assert doc["key"] == "document-2019-05-12"
    [new] = records["organizations"]
    assert re.fullmatch(r"organization-[0-9a-f]{8}", new["key"])
    assert any("digest" in note for note in new["review"])
    assert doc["signatories"] == [f"org:{new['key']}", "org:kesh-malek"]
    assert build(seeds, tmp_path).exit_code == 0
