"""What a user is told when a command fails: one line per error, however the error came about.

``cli.py`` turns these into click's exceptions; the quick start of ``peacegraph query`` (``entry.py``)
prints them itself, in the very words and layout click uses.
"""

from __future__ import annotations

from .errors import MultiInputError, PeacegraphError

TYPE_CHECKING = False  # the quick start of a query says its errors with this module: typing is not imported
if TYPE_CHECKING:
    from typing import Final

#: Longer messages are cut: a message is one line a person reads, not a dump of the input.
MAX_MESSAGE: Final = 1000
#: Errors listed from one run; the rest are counted (like a compiler's or a linter's cap).
MAX_ERRORS: Final = 50


def one_line(text: str) -> str:
    """``text`` as one printable line: line breaks become spaces, control characters are escaped."""
    flat = "".join(
        c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in " ".join(text.splitlines())
    )
    return flat if len(flat) <= MAX_MESSAGE else flat[: MAX_MESSAGE - 1] + "…"


class Failure:
    """An input error as a user reads it: the errors listed first (one per line), then the message."""

    __slots__ = ("listed", "message")

    def __init__(self, listed: tuple[str, ...], message: str) -> None:
        self.listed = listed
        self.message = message


def failure(error: PeacegraphError) -> Failure:
    """Several input errors are listed, at most :data:`MAX_ERRORS` of them, and the message counts them."""
    if not isinstance(error, MultiInputError):
        return Failure((), one_line(str(error)))
    listed = [one_line(str(each)) for each in error.errors[:MAX_ERRORS]]
    if len(error.errors) > MAX_ERRORS:
        listed.append(f"and {len(error.errors) - MAX_ERRORS} more")
    count = len(error.errors)
    return Failure(tuple(listed), f"{count} error{'s' if count != 1 else ''} (listed above, by file and line)")
