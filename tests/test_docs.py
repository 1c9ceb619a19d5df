"""The README documents every setting and every command."""

from __future__ import annotations

from manage import build_parser
from sinergi.core.settings import ENV_SETTINGS, PROJECT_ROOT

README = (PROJECT_ROOT / "README.md").read_text()


def test_every_environment_setting_is_documented() -> None:
    for spec in ENV_SETTINGS:
        assert f"`{spec.env}`" in README, spec.env


def test_every_command_is_documented() -> None:
    parser = build_parser()
    commands = next(a for a in parser._actions if a.dest == "command").choices
    assert commands
    for name in commands:
        assert f"manage.py {name}" in README, name


def test_readme_starts_with_the_two_commands() -> None:
    first_block = README.split("```")[1]
    assert "make run" in first_block and "make test" in first_block
