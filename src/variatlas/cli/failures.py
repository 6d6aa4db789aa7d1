"""No traceback for a user: a command that fails says so in one sentence and exits non-zero.

Errors a user can mend (a file that cannot be read, a folder that is not what the command
needs, a broken indicator file) are said as they are, exit code 1; anything else is a bug in
variatlas and says so, with what to do. ``--debug`` (or ``VARIATLAS_DEBUG=1``) shows the trace.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from typing import Any, TypeVar

import typer

from variatlas.cli.report import errors

F = TypeVar("F", bound=Callable[..., Any])
DEBUG = {"on": os.environ.get("VARIATLAS_DEBUG", "") not in ("", "0")}


def user_errors() -> tuple[type[BaseException], ...]:
    """Exceptions whose message is written for the user."""
    from variatlas.contract import RefusedFile
    from variatlas.documents import DocumentError, PlaceholderError
    from variatlas.folders import FolderRefused
    from variatlas.indicators.model import CatalogueError
    from variatlas.pipeline import InputRefused
    from variatlas.publish.atlas import AssetsMissing
    from variatlas.publish.pdf import PdfUnavailable
    from variatlas.publish.releases import ReleaseNotFound
    from variatlas.results import ResultsMissing
    from variatlas.workers import WorkersInvalid

    return (
        RefusedFile,
        CatalogueError,
        DocumentError,
        PlaceholderError,
        InputRefused,
        AssetsMissing,
        PdfUnavailable,
        ResultsMissing,
        FolderRefused,
        WorkersInvalid,
        ReleaseNotFound,
    )


def _sentence(error: BaseException) -> str:
    text = " ".join(str(error).split()) or type(error).__name__
    return text[0].upper() + text[1:] if text else text


def reported(command: F) -> F:
    """Run a command so that a failure is one sentence and an exit code, never a trace."""

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except (typer.Exit, typer.Abort, typer.BadParameter):
            raise
        except KeyboardInterrupt:
            errors.print("[red]Stopped.[/red]")
            raise typer.Exit(130) from None
        except Exception as error:
            if DEBUG["on"]:
                raise
            name = command.__name__
            if isinstance(error, user_errors()):
                errors.print(f"[red]{_sentence(error)}[/red]")
            elif isinstance(error, (OSError, MemoryError)):
                errors.print(
                    f"[red]variatlas {name} stopped: {_sentence(error)}. Mend the cause and run "
                    "it again.[/red]"
                )
            else:
                errors.print(
                    f"[red]variatlas {name} failed: {type(error).__name__}: {_sentence(error)}. "
                    "This is a fault in variatlas: run it again with --debug to see where, and "
                    "report it.[/red]"
                )
            raise typer.Exit(1) from None

    return run  # type: ignore[return-value]
