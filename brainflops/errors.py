"""Typed errors: the library raises these; only the CLI turns them into text and exit codes."""

from __future__ import annotations

from dataclasses import dataclass


class BrainflopsError(Exception):
    """Base class of every error the library raises on purpose."""

    exit_code = 2


@dataclass(frozen=True)
class Problem:
    """One located problem: `path:line:col: message` (line and column are 1-based)."""

    path: str
    message: str
    line: int | None = None
    col: int | None = None

    def render(self) -> str:
        where = self.path
        if self.line is not None:
            where += f":{self.line}"
            if self.col is not None:
                where += f":{self.col}"
        return f"{where}: {self.message}"


class InputError(BrainflopsError):
    """Bad input: an unreadable file, a YAML error, a validation error, an unknown name."""

    def __init__(self, problems: list[Problem] | Problem) -> None:
        self.problems = problems if isinstance(problems, list) else [problems]
        super().__init__("\n".join(p.render() for p in self.problems))

    def __reduce__(self) -> tuple[type[InputError], tuple[list[Problem]]]:
        """Pickled with its problems (a report's worker processes send errors back)."""
        return (type(self), (self.problems,))

    @classmethod
    def at(
        cls, path: str, message: str, line: int | None = None, col: int | None = None
    ) -> InputError:
        return cls(Problem(path, message, line, col))


class CheckFailed(BrainflopsError):
    """A check did not pass (an `expect` mismatch, a stale report): exit code 1."""

    exit_code = 1
