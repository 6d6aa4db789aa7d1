"""The documentation cannot drift from the code (in the datasette manner): every command and
option of ``variatlas`` is in docs/cli.md, and docs/cli.md names no option that does not exist."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import typer.main

from variatlas.cli import app

DOCS = Path(__file__).resolve().parents[1] / "docs"
GROUP = typer.main.get_command(app)
COMMANDS: dict[str, Any] = {
    **GROUP.commands,  # type: ignore[attr-defined]
    "": GROUP,
}


def _sections() -> dict[str, str]:
    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    parts = re.split(r"^## variatlas ?(\S*)\s*$", text, flags=re.MULTILINE)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def _options(command: Any) -> set[str]:
    return {
        opt
        for param in command.params
        if param.param_type_name == "option"
        for opt in (*param.opts, *param.secondary_opts)
        if opt.startswith("--")
    }


def test_every_command_has_a_section() -> None:
    assert set(_sections()) == set(COMMANDS)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_option_is_documented_and_every_documented_option_exists(name: str) -> None:
    documented = set(re.findall(r"`(--[a-z][a-z-]*)", _sections()[name]))
    assert documented == _options(COMMANDS[name])


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_option_has_help(name: str) -> None:
    for param in COMMANDS[name].params:
        if param.param_type_name == "option":
            assert param.help, (name, param.name)
