"""Exceptions of the reuptake package.

Every failure of the C library arrives as a :class:`Error` carrying the library's status code and
its one-line message (the line the CLI prints on stderr). The library classifies each code as
the caller's input (the CLI's exit 2, ``ru_status_is_input_error``) or an internal failure (exit
1); that split is the two subclasses below. Nothing in the package prints or exits.
"""

from __future__ import annotations


class Error(Exception):
    """A reuptake failure: ``code`` is the library status (negative), ``message`` its line."""

    def __init__(self, message: str, code: int = -1, code_name: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.code_name = code_name


class InputError(Error, ValueError):
    """The input was refused (bad regimen, unknown compound, missing value, bad option):
    the CLI's exit 2."""


class InternalError(Error, RuntimeError):
    """The library failed (out of memory, solver failure, knowledge-base error): the CLI's
    exit 1."""


class LibraryNotFoundError(ImportError):
    """libreuptake could not be located or loaded; the message lists every place tried."""
