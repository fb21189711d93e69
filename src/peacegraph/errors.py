"""peacegraph's exceptions. The CLI turns them into one-line messages and exit codes."""

from __future__ import annotations

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

    def __str__(self) -> str:
        if self.file is None:
            return self.message
        where = f"{self.file}:{self.line}" if self.line else f"{self.file}"
        return f"{where}: {self.message}"


class MultipleInputError(PeacegraphError):
    """Several mistakes in the input, all found in one pass; each is an :class:`InputError`."""

    def __init__(self, errors: list[InputError]):
        self.errors = errors
        super().__init__("\n".join(str(error) for error in errors))


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
