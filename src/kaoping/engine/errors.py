"""The engine's one error family, and the ``Problem`` each error carries.

    KaopingError             anything the engine refuses, always with a list of problems
    ├── SchemeError          a scheme file that is not valid (YAML, structure or meaning)
    └── InputError           records or units that do not fit the scheme

Every problem names its place (file and line, or sheet and cell, or a JSON path), what was
expected and what was found, so that a user can fix every problem in one pass.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["KaopingError", "SchemeError", "InputError", "Problem"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong, and where."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


class KaopingError(Exception):
    """Base of every error the engine raises; ``problems`` lists them all."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class SchemeError(KaopingError):
    """The scheme file is not valid."""


class InputError(KaopingError):
    """The units or records do not fit the scheme."""
