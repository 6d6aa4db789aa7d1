"""The ``variatlas`` command line: synthesise, validate, compute, publish and serve.

``commands`` holds the commands (thin: options in, ``variatlas.pipeline`` called, a report
out); ``releases`` those of releases (check, release, diff); ``report`` what they print.
"""

from variatlas.cli import releases as _releases  # noqa: F401  (registers its commands)
from variatlas.cli.commands import app

__all__ = ["app", "main"]


def main() -> None:
    app()
