"""peacegraph's exceptions. The CLI turns them into one-line messages and exit codes."""

from __future__ import annotations

TYPE_CHECKING = False  # nothing is imported for an annotation: the quick start of a query imports this module
if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path


class PeacegraphError(Exception):
    """Base class of every error peacegraph reports to a user."""


class InputError(PeacegraphError):
    """Bad input: a record, a seed text or an argument that cannot be used (exit code 2)."""

    def __init__(self, message: str, file: Path | str | None = None, line: int | None = None):
        self.message = message
        self.file = file
        self.line = line
        super().__init__(str(self))

    def __reduce__(self) -> tuple[type[InputError], tuple[str, Path | str | None, int | None], dict[str, object]]:
        return type(self), (self.message, self.file, self.line), self.__dict__  # sent whole from another process

    def __str__(self) -> str:
        if self.file is None:
            return self.message
        where = f"{self.file}:{self.line}" if self.line else f"{self.file}"
        return f"{where}: {self.message}"


class MultiInputError(InputError):
    """Every input error one pass found, sorted by file and line; it stands for the first of them."""

    errors: list[InputError]

    def __init__(self, errors: Sequence[InputError]):
        flat = [one for error in errors for one in (error.errors if isinstance(error, MultiInputError) else [error])]
        self.errors = sorted(flat, key=_order)
        first = self.errors[0]
        super().__init__(first.message, first.file, first.line)

    def __reduce__(self) -> tuple[type[MultiInputError], tuple[list[InputError]], dict[str, object]]:  # type: ignore[override]
        return type(self), (self.errors,), self.__dict__

    def __str__(self) -> str:
        first = super().__str__()
        more = len(self.errors) - 1
        return first if not more else f"{first} (and {more} more error{'s' if more > 1 else ''})"


def _order(error: InputError) -> tuple[str, int, str]:
    return (str(error.file or ""), error.line or 0, error.message)


def raise_all(errors: Sequence[InputError]) -> None:
    """Raise the errors found, if any: one as itself, several as :class:`MultiInputError`."""
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise MultiInputError(errors)


class RemoteError(PeacegraphError):
    """A SPARQL endpoint is unreachable, refuses, or answers wrongly (exit code 2)."""


class RefusedError(PeacegraphError):
    """A request the read-only endpoint will not run: an update, ``LOAD`` or ``SERVICE``."""


class QueryLimitError(PeacegraphError):
    """A query hit a limit of the endpoint (time or result size); nothing partial is returned."""


class QueryTimeoutError(QueryLimitError):
    """A query ran past the time limit and was stopped."""


class ResultTooLargeError(QueryLimitError):
    """A query's result is larger than the size limit."""


class NotAcceptableError(PeacegraphError):
    """No representation the client accepts exists for this result."""
