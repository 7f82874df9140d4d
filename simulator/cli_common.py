"""What every `simsim` command shares: one-line errors with exit status 2, the --set option."""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from typing import Any

import click

EXIT_BAD_INPUT = 2


def reports_bad_input(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn scenario, output and optimisation problems into plain lines on stderr and exit status 2."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from simulator.optimise import OptimisationError
        from simulator.scenario import ScenarioError

        try:
            return command(*args, **kwargs)
        except ScenarioError as exc:
            for problem in exc.problems:
                click.echo(f"error: {problem.line(exc.file)}", err=True)
            sys.exit(EXIT_BAD_INPUT)
        except OptimisationError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(EXIT_BAD_INPUT)

    return wrapper


overrides_option = click.option(
    "--set", "overrides", multiple=True, metavar="PATH=VALUE",
    help="Override one scenario value, e.g. --set run.seed=7 --set territories[0].bim_share=0.3 (repeatable).",
)


class OneLineErrors(click.Group):
    """A command group whose usage errors are one plain line on stderr (exit status 2), like every other bad input."""

    def main(self, *args: Any, **kwargs: Any) -> Any:  # noqa: D102 - click's entry point
        kwargs["standalone_mode"] = False
        try:
            code = super().main(*args, **kwargs)
        except click.UsageError as exc:
            hint = f" (see '{_path(exc.ctx)} --help')"
            click.echo(f"error: {exc.format_message()}{hint}".replace("\n", " "), err=True)
            sys.exit(EXIT_BAD_INPUT)
        except click.ClickException as exc:
            click.echo(f"error: {exc.format_message()}", err=True)
            sys.exit(exc.exit_code)
        except click.Abort:
            click.echo("aborted", err=True)
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)


def _path(ctx: click.Context | None) -> str:
    """The command as the user typed it: `simsim run`, or `python -m simulator run` (click names the root so)."""
    if ctx is None:
        return "simsim"
    names = []
    while ctx.parent is not None:
        names.append(ctx.info_name or "")
        ctx = ctx.parent
    return " ".join([ctx.info_name or "simsim", *reversed(names)])
