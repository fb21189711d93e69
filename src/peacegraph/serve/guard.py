"""What the read-only endpoint lets through, decided on the very text that Oxigraph then runs.

There is no second parser to disagree with Oxigraph. The text is read once, here, with the SPARQL
1.1 grammar's own terminals (§19.8), and what this module returns is the text the engine runs:

1. Codepoint escapes (``\\u0022``, ``\\U0001F600``) are replaced first, everywhere, as the grammar
   says (§19.2) and as Oxigraph does. If the result still holds a ``\\u`` or ``\\U`` (an escape that
   spells another escape), the query is refused: the engine would unescape it a second time.
2. The text is split into tokens: whitespace, comments, IRIs, strings, variables, prefixed names,
   words, numbers, punctuation. A comment runs to the next ``\\r`` or ``\\n``.
3. Every comment is replaced by as many spaces: the text that runs has no comments left, so where a
   comment ends cannot be read two ways, and line and column numbers stay those of the user's text.
4. A query is refused if a word, or the prefix of a prefixed name, contains ``service`` in any case
   (Oxigraph reads keywords glued to what follows them: see :func:`_may_hide_service`); the first keyword after the
   prologue must be ``SELECT``, ``ASK``, ``CONSTRUCT`` or ``DESCRIBE`` (updates are refused as such),
   and an empty or comment-only text is a 400.

What is left in the text that runs are strings, IRIs and tokens that the grammar defines without
context. A ``SERVICE`` clause needs the keyword, an IRI or variable and a ``{`` after it; an IRI
cannot contain ``{``, ``<`` or spaces, strings end by the same rules in both readings, and
Oxigraph's habit of reading keywords glued to their neighbours (``SERVICESILENT<…>``) is met by
refusing every word that contains ``service``. The query workers cannot open a network
connection either (``sandbox.py``): a wall behind this one.
"""

from __future__ import annotations

import functools
import re

from ..errors import InputError, RefusedError

# ``peacegraph query`` checks every query here on its quick start: nothing is imported that an ordinary
# query does not use (``typing``, ``dataclasses``, the query module, ``difflib`` for a misspelt keyword).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator

    from pyoxigraph import QueryBoolean, QuerySolutions, QueryTriples, Store

QUERY_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
#: Deepest nesting let through to the parser (brackets, and prefix operators inside them). Oxigraph's
#: parser recurses once or more per level and overflows its stack (SIGSEGV) at about 2,000 nested
#: braces, 3,000 parentheses or 20,000 ``!`` (docs/upstream/oxigraph-deep-nesting.md); a person's
#: query rarely goes past 20.
MAX_NESTING = 256
_OPEN, _CLOSE = frozenset("({["), frozenset(")}]")
#: Prefix operators: each makes the parser recurse once more (``!!!!x``, ``^^^^p``, ``- - -1``).
_PREFIX_OPERATORS = frozenset("!^-+")
#: Most operators, separators and brackets a query may hold in all, its VALUES data aside. Oxigraph
#: builds a long chain (``1+1+…``, ``?s <p> ?o; <p> ?o; …``, ``MINUS{} MINUS{} …``, ``p/p/…``, a
#: SELECT of many ``(… AS ?v)``) as a tree as deep as the chain is long, and recursing down it
#: overflows the stack (SIGSEGV) at about 2,600 links (docs/upstream/oxigraph-deep-nesting.md). Long
#: lists of values (VALUES, IN) are flat: VALUES data is not counted.
MAX_LINKS = 2000
#: Every level of nesting is one of these characters: a query with fewer cannot be too deep.
_NESTING_CHARACTERS = "({[!^-+"
UPDATE_KEYWORDS = frozenset(
    ("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH", "USING")
)

#: The characters of names beyond ASCII (SPARQL 1.1 §19.8: PN_CHARS_BASE, and what PN_CHARS adds).
_WIDE_BASE = (
    "\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_WIDE_JOINERS = r"\u00b7\u0300-\u036f\u203f-\u2040"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_ECHAR = r"\\[tbnrf\\\"']"


def _token_pattern(wide: str, joiners: str) -> re.Pattern[str]:
    """The tokens of a query, names having the letters ``A-Za-z`` + ``wide`` and ``joiners`` inside them.

    Compiling the classes of every letter beyond ASCII takes Python's regular expression compiler
    about 10 ms (it visits each character of each range), more than the rest of a small query's start.
    On a text that is all ASCII a class only ever meets ASCII characters, so the same expression with
    the ASCII part of each class reads it identically: that one is compiled at once, the whole one
    only for a query that needs it (see :func:`tokens`).
    """
    chars_base = "A-Za-z" + wide
    chars_u = chars_base + "_"
    chars = chars_u + r"\-0-9" + joiners
    pn_prefix = rf"[{chars_base}](?:[{chars}.]*[{chars}])?"
    pn_local = rf"(?:[{chars_u}:0-9]|{_PLX})(?:(?:[{chars}.:]|{_PLX})*(?:[{chars}:]|{_PLX}))?"
    varname = rf"[{chars_u}0-9][{chars_u}0-9{joiners}]*"
    return re.compile(
        "|".join(
            (
                r"(?P<ws>[ \t\r\n]+)",
                r"(?P<comment>#[^\r\n]*)",
                r"(?P<iri><[^<>\"{}|^`\\\x00-\x20]*>)",
                rf"(?P<string>'''(?:(?:'|'')?(?:[^'\\]|{_ECHAR}))*'''"
                rf'|"""(?:(?:"|"")?(?:[^"\\]|{_ECHAR}))*"""'
                rf"|'(?:[^'\\\n\r]|{_ECHAR})*'"
                rf'|"(?:[^"\\\n\r]|{_ECHAR})*")',
                r"(?P<unclosed>['\"])",  # a quote that starts no whole string: a syntax error, found in one pass
                rf"(?P<var>[?$]{varname})",
                rf"(?P<bnode>_:[{chars_u}0-9](?:[{chars}.]*[{chars}])?)",
                rf"(?P<pname>(?:{pn_prefix})?:(?:{pn_local})?)",
                r"(?P<lang>@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*)",
                r"(?P<word>[A-Za-z_][A-Za-z0-9_]*)",
                r"(?P<number>[0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?)",
                r"(?P<punct>\^\^|\|\||&&|!=|<=|>=|.)",
            )
        ),
        re.DOTALL,
    )


#: The tokens of a text that is all ASCII (most queries).
ASCII_TOKEN = _token_pattern("", "")


@functools.cache
def wide_token() -> re.Pattern[str]:
    """The tokens of any text: names with every letter SPARQL allows in them."""
    return _token_pattern(_WIDE_BASE, _WIDE_JOINERS)


_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


class Token:
    """One token of a query (made once per token of every query: slots, nothing more)."""

    __slots__ = ("kind", "start", "text")

    def __init__(self, kind: str, text: str, start: int) -> None:
        self.kind = kind
        self.text = text
        self.start = start


class CheckedQuery:
    """What :func:`check` found of a query that may run."""

    __slots__ = ("form", "ordered", "text", "volatile")

    def __init__(self, text: str, form: str, ordered: bool, volatile: bool = False) -> None:
        self.text = text  # the text to run: the user's, with codepoint escapes replaced and comments blanked
        self.form = form  # one of QUERY_FORMS
        self.ordered = ordered  # the solutions have an ORDER BY at the top level
        self.volatile = volatile  # calls a function whose value changes from run to run (NOW, RAND, …)


def syntax_position(text: str, offset: int) -> str:
    """Where ``offset`` is in ``text``, as an error names it (lines and columns from 1)."""
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return f"SPARQL syntax error at line {line}, column {column}"


def unescape_codepoints(text: str) -> str:
    """``text`` with every ``\\uXXXX`` and ``\\UXXXXXXXX`` replaced by its character (SPARQL 1.1 §19.2)."""

    def char(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            raise InputError(f"{match.group(0)} is not a character (SPARQL syntax error)")
        return chr(code)

    result = _CODEPOINT.sub(char, text)
    if "\\u" in result or "\\U" in result:
        raise InputError("the query spells an escape sequence with escape sequences; write the character itself")
    return result


def tokens(text: str) -> Iterator[Token]:
    for match in (ASCII_TOKEN if text.isascii() else wide_token()).finditer(text):
        kind = match.lastgroup
        assert kind is not None
        yield Token(kind, match.group(), match.start())


def _blank(token: Token) -> str:
    return " " * len(token.text) if token.kind == "comment" else token.text


def _may_hide_service(token: Token) -> bool:
    """Whether Oxigraph might read the keyword SERVICE in this token.

    Oxigraph's parser matches keywords by their letters alone, with no word boundary after them:
    it reads ``SERVICESILENT<…>``, ``SERVICEx:y {…}``, ``service:x {…}`` (with a ``:`` prefix) and
    ``?s ?p trueSERVICE<…>{…}`` as SERVICE clauses. So a word, or the part of a prefixed name
    before its colon, that contains ``service`` in any case is refused. The local part of a
    prefixed name (``schema:serviceType``) is safe: it is read whole, as one name.
    """
    if token.kind == "word":
        return "service" in token.text.lower()
    if token.kind in ("pname", "bnode"):
        return "service" in token.text.split(":", 1)[0].lower()
    return False


#: The built-in functions whose value differs from one evaluation to the next (SPARQL 1.1 §17.4): an
#: answer that uses one must not be kept for the next client. ``STRUUID`` contains ``UUID``.
VOLATILE_FUNCTIONS = ("NOW", "RAND", "UUID", "BNODE")
_VOLATILE_NAMES = re.compile("|".join(VOLATILE_FUNCTIONS))


def _may_be_volatile(token: Token) -> bool:
    """Whether Oxigraph might read a call of a volatile function in this token.

    A built-in function's name is a keyword: a ``word`` token. As with SERVICE, Oxigraph reads
    keywords glued to their neighbours, so a word (or a prefixed name's prefix) that merely
    contains one of the names counts: at worst an answer is not kept that could have been.
    """
    if token.kind == "word":
        text = token.text.upper()
    elif token.kind in ("pname", "bnode"):
        text = token.text.split(":", 1)[0].upper()
    else:
        return False
    return any(name in text for name in VOLATILE_FUNCTIONS)


def _first_keyword(significant: list[Token]) -> Token | None:
    """The first word after the prologue (``BASE <iri>``, ``PREFIX p: <iri>``)."""
    i = 0
    while i < len(significant):
        word = significant[i].text.upper() if significant[i].kind == "word" else None
        if word == "BASE":
            i += 2
        elif word == "PREFIX":
            i += 3
        else:
            return significant[i]
    return None


def _ordered(significant: list[Token]) -> bool:
    depth = 0
    for token in significant:
        if token.text == "{":
            depth += 1
        elif token.text == "}":
            depth -= 1
        elif depth == 0 and token.kind == "word" and token.text.upper() == "ORDER":
            return True
    return False


def run(st: Store, text: str) -> QuerySolutions | QueryBoolean | QueryTriples:
    """Check ``text`` as the endpoint does, then run it: the CLI and the endpoint say the same of the same query."""
    from ..query import store

    return store.run(st, check(text).text)


def too_deep(significant: list[Token]) -> Token | None:
    """The token where the query first nests deeper than :data:`MAX_NESTING`, if it does.

    Each open bracket is a level; a run of prefix operators counts one level per operator, within
    the bracket it stands in (a token that is neither ends the run). Conservative: a binary ``-``
    counts as well, but only until its operand.
    """
    runs = [0]  # per open bracket: the prefix operators in a row just before the current token
    operators = 0  # the sum of runs
    for token in significant:
        text = token.text if token.kind == "punct" else ""
        if text in _OPEN:
            runs.append(0)
        elif text in _CLOSE:
            if len(runs) > 1:
                operators -= runs.pop()
            operators -= runs[-1]
            runs[-1] = 0
            continue
        elif text in _PREFIX_OPERATORS:
            runs[-1] += 1
            operators += 1
        else:
            operators -= runs[-1]
            runs[-1] = 0
            continue
        if len(runs) - 1 + operators > MAX_NESTING:
            return token
    return None


def too_long(significant: list[Token]) -> Token | None:
    """The token past which the query holds more than :data:`MAX_LINKS` operators, separators and
    brackets (``punct`` and ``word`` tokens), if it does. What stands in a VALUES data block
    (``VALUES ?x { … }``, up to its first ``}``) is not counted: only terms may stand there."""
    links = 0
    values = False  # between the keyword VALUES and its data block's "{"
    data = False  # in a VALUES data block
    for token in significant:
        if data:
            data = token.text != "}"
            continue
        if token.kind == "word" and token.text.upper() == "VALUES":
            values = True
        elif values and token.text == "{":
            values, data = False, True
        if token.kind in ("punct", "word"):
            links += 1
            if links > MAX_LINKS:
                return token
    return None


def check(text: str) -> CheckedQuery:
    """The text to run if the endpoint may run it; else :class:`RefusedError` or :class:`InputError`."""
    unescaped = unescape_codepoints(text)
    all_tokens = []
    for token in tokens(unescaped):
        if token.kind == "unclosed":
            raise InputError(f"{syntax_position(unescaped, token.start)}: this string is not closed")
        all_tokens.append(token)
    significant = [t for t in all_tokens if t.kind not in ("ws", "comment")]
    # Each check below looks at every token in Python; first, in C, whether the text could hold what
    # it looks for at all (case is mapped character by character: a token's letters are the text's).
    if "service" in unescaped.lower() and any(_may_hide_service(t) for t in significant):
        raise RefusedError("SERVICE is refused: this endpoint queries only its own data")
    deep = len(unescaped) > MAX_NESTING and sum(map(unescaped.count, _NESTING_CHARACTERS)) > MAX_NESTING
    past = too_deep(significant) if deep else None
    if past is not None:
        where = syntax_position(unescaped, past.start)
        raise InputError(f"{where}: the query nests deeper than {MAX_NESTING} levels (brackets and operators)")
    past = too_long(significant) if len(significant) > MAX_LINKS else None  # fewer tokens: none too many
    if past is not None:
        where = syntax_position(unescaped, past.start)
        raise InputError(
            f"{where}: the query holds more than {MAX_LINKS:,} operators, separators and brackets; "
            "split it, or give long lists of values in VALUES"
        )
    first = _first_keyword(significant)
    if first is None:
        raise InputError("the query is empty: write SELECT, ASK, CONSTRUCT or DESCRIBE")
    keyword = first.text.upper() if first.kind == "word" else ""
    if keyword == "LOAD":
        raise RefusedError("LOAD is refused: this endpoint is read-only and fetches nothing")
    if keyword in UPDATE_KEYWORDS:
        raise RefusedError("updates are refused: this endpoint is read-only")
    if keyword not in QUERY_FORMS:
        import difflib

        where = syntax_position(unescaped, first.start)
        close = difflib.get_close_matches(keyword, QUERY_FORMS, n=1, cutoff=0.7)
        meant = f"; did you mean {close[0]}?" if close else ""
        raise InputError(
            f"{where}: a query starts with SELECT, ASK, CONSTRUCT or DESCRIBE, not {first.text[:40]!r}{meant}"
        )
    run = "".join(_blank(t) for t in all_tokens)
    volatile = bool(_VOLATILE_NAMES.search(unescaped.upper())) and any(_may_be_volatile(t) for t in significant)
    return CheckedQuery(text=run, form=keyword, ordered=_ordered(significant), volatile=volatile)
