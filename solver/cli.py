"""The command line: ``python -m solver COMMAND``.

Exit status: 0 success, 2 bad input or usage (one line saying what and where), 3 an internal
error (a bug: please report it with the output of ``--debug``).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

from solver import __version__
from solver.errors import InputError
from solver.render.escape import error_line, plain_line
from solver.render.output import flush_stdout, refuse_overwriting, silence_stdout

EXIT_OK = 0
EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 3


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line and exit status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise InputError(f"{message} (see `{self.prog} --help`)")


def _number_in(convert, low, high, what: str):
    """An argparse type: ``convert(text)`` within [low, high], else a one-line usage error."""

    def parse(text: str):
        try:
            value = convert(text)
            inside = low <= value <= high
        except (ValueError, ArithmeticError):
            raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}") from None
        if not inside:
            raise argparse.ArgumentTypeError(f"{text} is out of range ({low} to {high})")
        return value

    return parse


_decimals = _number_in(int, 0, 30, "a whole number")
_fraction = _number_in(Decimal, 0, 1, "a number")
_count = _number_in(int, 0, 100_000, "a whole number")
_variants = _number_in(int, 1, 1000, "a whole number")
_budget = _number_in(int, 1, 1_000_000, "a whole number")
_seed = _number_in(int, 0, 2**63 - 1, "a whole number")
_seconds = _number_in(float, 0.1, 3600, "a number of seconds")


def _add_output_options(parser: argparse.ArgumentParser) -> None:
    from solver.render import FORMATS

    parser.add_argument("--format", choices=FORMATS, default="terminal", help="output format (default: terminal)")
    parser.add_argument("--decimals", type=_decimals, default=None, metavar="N",
                        help="decimal places shown, rounded half-up (default: the problem's, else 4)")
    parser.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output (- for it)")
    parser.add_argument("--questions", action="store_true",
                        help="a question sheet: the problem, what to compute and a blank answer table, no answers")
    parser.add_argument("--no-keys", dest="keys", action="store_false",
                        help="leave out the keys (the names an answer file uses) beside each quantity")
    parser.add_argument("--no-pictures", dest="pictures", action="store_false",
                        help="leave the pictures out (html draws them inline; markdown and latex beside -o FILE)")


def program_name() -> str:
    """The program as it was invoked: ``solver`` for the console script, ``python -m solver`` (or
    ``python3 -m solver``…) for the module."""
    name = Path(sys.argv[0]).name if sys.argv and sys.argv[0] else ""
    if name.startswith("solver") and not name.endswith(".py"):
        return name
    interpreter = Path(getattr(sys, "orig_argv", ["python"])[0] or "python").name
    return f"{interpreter if interpreter.startswith('python') else 'python'} -m solver"


def build_parser(prog: str = "python -m solver") -> argparse.ArgumentParser:
    from solver.kinds import KINDS

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--debug", action="store_true", help="show a traceback on errors")
    parser = _Parser(
        prog=prog,
        description="Solve small machine-learning exercises exactly, step by step, and check answers.",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"solver {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True

    commands.add_parser("list", help="list the built-in problems", parents=[common])
    for kind in KINDS.values():
        sub = commands.add_parser(kind.name, help=f"solve a {kind.name} problem: {kind.summary}", parents=[common])
        sub.add_argument("problem", nargs="?", default=kind.default_problem, metavar="PROBLEM",
                         help=f"built-in name or TOML file (default: {kind.default_problem})")
        _add_output_options(sub)
        sub.set_defaults(expected_kind=kind.name)
    solve = commands.add_parser("solve", help="solve a problem of any kind", parents=[common])
    solve.add_argument("problem", metavar="PROBLEM", help="built-in name or TOML file")
    _add_output_options(solve)
    solve.set_defaults(expected_kind=None)
    template = commands.add_parser("template", help="write an answer file with every key, values blank",
                                   parents=[common])
    template.add_argument("problem", metavar="PROBLEM", help="built-in name or TOML file")
    template.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output")

    check = commands.add_parser("check", help="check answer files step by step", parents=[common])
    check.add_argument("problem", metavar="PROBLEM", help="built-in name or TOML file (none with --variants)")
    check.add_argument("answers", nargs="*", metavar="ANSWERS", help="answer files (TOML)")
    check.add_argument("--variants", metavar="DIR",
                       help="grade each file against its student's variant in DIR (written by `variants --roster`)")
    check.add_argument("--format", choices=("terminal", "json", "csv"), default="terminal",
                       help="output format (default: terminal); csv: a row per file, for a spreadsheet")
    check.add_argument("--decimals", type=_decimals, default=None, metavar="N",
                       help="display precision of the problem, used in the tolerance (default: the problem's, else 4)")
    check.add_argument("--rtol", type=_fraction, default=None, metavar="R",
                       help="accept within R × |expected| (replaces the written-precision rule)")
    check.add_argument("--atol", type=_fraction, default=None, metavar="A",
                       help="accept within A (replaces the written-precision rule)")
    check.add_argument("--gradescope", metavar="FILE", help="also write Gradescope's results.json to FILE")
    check.add_argument("--details", action="store_true", help="with several files, show each file's table too")
    check.add_argument("--jobs", type=_count, default=0, metavar="N",
                       help="worker processes grading files in parallel (default: one per core)")
    check.add_argument("--time-limit", type=_seconds, default=10.0, metavar="S",
                       help="seconds one answer file may take before it is reported not graded (default 10)")
    check.add_argument("--memory-limit", type=_count, default=1024, metavar="MB",
                       help="memory one answer file may use, in MB (default 1024)")
    check.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output")

    gradescope = commands.add_parser("gradescope", help="build a Gradescope autograder for a problem",
                                     parents=[common])
    gradescope.add_argument("problem", metavar="PROBLEM", nargs="?", help="built-in name or TOML file")
    gradescope.add_argument("--variants", metavar="DIR",
                            help="instead of PROBLEM: grade each student against their variant in DIR")
    gradescope.add_argument("--metadata", metavar="FILE",
                            help="with --submission --variants: Gradescope's submission_metadata.json")
    gradescope.add_argument("-o", "--output", metavar="ZIP", help="write the autograder zip to ZIP")
    gradescope.add_argument("--bundle", action="store_true",
                            help="ship this package in the zip, as a wheel, instead of installing it from the package index")
    gradescope.add_argument("--submission", metavar="DIR",
                            help="instead: grade the answer file in DIR (what run_autograder does)")
    gradescope.add_argument("--results", metavar="FILE", default="results.json",
                            help="with --submission: where results.json goes (default: results.json)")
    gradescope.set_defaults(decimals=None, rtol=None, atol=None, jobs=1, time_limit=10.0, memory_limit=1024)
    _add_variants_parser(commands, common)
    return parser


def _problem_file(problem: str) -> list:
    """The problem's file as the one input of a solving command, for the check on ``-o``."""
    from solver.kinds import catalog

    if problem == "-":
        return []  # standard input
    return [path for path in (catalog.resolve_file(problem),) if path is not None]
def _add_variants_parser(commands, common: argparse.ArgumentParser) -> None:
    from solver.teaching.sheets import SHEET_FORMATS

    variants = commands.add_parser("variants", parents=[common],
                                   help="nice-number variants of a problem, with question sheets and answer keys")
    variants.add_argument("problem", metavar="PROBLEM", help="built-in name or TOML file with a [vary] table")
    variants.add_argument("-o", "--output", metavar="DIR", required=True,
                          help="a new (or empty) directory to write the variants into")
    variants.add_argument("--count", type=_variants, default=10, metavar="N", help="variants to draw (default 10)")
    variants.add_argument("--seed", type=_seed, default=0, metavar="S",
                          help="seed of the draws: the same seed gives the same variants (default 0)")
    variants.add_argument("--format", choices=SHEET_FORMATS, default="markdown",
                          help="format of the question sheets and worked solutions (default: markdown)")
    variants.add_argument("--roster", metavar="FILE.csv",
                          help="a class list with a student_id column: give each student a variant")
    variants.add_argument("--assignment", metavar="NAME",
                          help="the assignment's name, hashed with each student id (default: the problem's name)")
    variants.add_argument("--budget", type=_budget, default=None, metavar="N",
                          help="most draws to solve (default: 50 per variant, at least 500)")


def _load(problem: str, expected_kind: str | None):
    from solver.kinds import catalog

    derivation = catalog.load(problem)
    if expected_kind is not None and derivation.kind != expected_kind:
        raise InputError(
            f"is a {derivation.kind} problem; use `{program_name()} {derivation.kind}` or `solve`",
            source=problem,
        )
    return derivation


def cmd_list(args: argparse.Namespace) -> int:
    from solver.kinds import catalog
    from solver.render.rich_output import console_width

    problems = catalog.builtins()
    sys.stdout.write(listing([(p.name, p.kind, plain_line(p.title)) for p in problems], console_width(sys.stdout)))
    return EXIT_OK


def listing(rows: list[tuple[str, str, str]], width: int) -> str:
    """Name, kind and title, one line each (as programs expect), each line cut to ``width`` at a
    word of the title, with "…" where the title goes on."""
    names = max(len(name) for name, _, _ in rows)
    kinds = max(len(kind) for _, kind, _ in rows)
    out = []
    for name, kind, title in rows:
        line = f"{name.ljust(names)}  {kind.ljust(kinds)}  {title}".rstrip()
        if len(line) > width:
            cut = line[: max(width - 1, names)]
            cut = cut[: cut.rfind(" ")] if " " in cut[names + kinds + 4:] else cut
            line = cut.rstrip(" ,;:(") + "…"
        out.append(line)
    return "\n".join(out) + "\n"


def cmd_solve(args: argparse.Namespace) -> int:
    from solver.render import emit
    from solver.render.options import RenderOptions
    from solver.render.output import output_stream

    refuse_overwriting(args.output, _problem_file(args.problem))
    derivation = _load(args.problem, args.expected_kind)
    decimals = derivation.decimals if args.decimals is None else args.decimals
    beside = args.output if args.output not in (None, "-") else None
    options = RenderOptions(decimals, keys=args.keys, questions=args.questions, pictures=args.pictures,
                            pictures_beside=beside)
    with output_stream(args.output) as stream:
        emit(args.format, derivation, options, stream)
    return EXIT_OK


def cmd_template(args: argparse.Namespace) -> int:
    from solver.checking.template import answer_template
    from solver.render.output import write_text

    refuse_overwriting(args.output, _problem_file(args.problem))
    write_text(args.output, answer_template(_load(args.problem, None)))
    return EXIT_OK


def cmd_variants(args: argparse.Namespace) -> int:
    from solver.teaching.variants_command import run_variants

    return run_variants(args)


def cmd_check(args: argparse.Namespace) -> int:
    from solver.checking.check_command import run_check

    return run_check(args)


def cmd_gradescope(args: argparse.Namespace) -> int:
    from solver.checking import autograder

    if (args.problem is None) == (args.variants is None):
        raise InputError("give a PROBLEM, or --variants DIR (a directory written by `variants --roster`)")
    if args.submission is not None:
        return autograder.grade_submission(args)
    if args.output is None:
        raise InputError("give the zip to write with -o, e.g. -o autograder.zip")
    autograder.write_autograder(args.problem, args.output, args.bundle, args.variants)
    return EXIT_OK


_COMMANDS = {
    "list": cmd_list,
    "solve": cmd_solve,
    "template": cmd_template,
    "check": cmd_check,
    "gradescope": cmd_gradescope,
    "variants": cmd_variants,
}


def _command(name: str):
    return _COMMANDS.get(name, cmd_solve)  # every other command is a kind's


def _check_command_name(argv: list[str], parser: argparse.ArgumentParser) -> None:
    """A mistyped command is refused with the nearest one: ``bakprop`` — did you mean ``backprop``?"""
    import difflib

    from solver.kinds import KINDS

    command = next((a for a in argv if not a.startswith("-")), None)
    names = [*_COMMANDS, *KINDS]
    if command is None or command in names:
        return
    close = difflib.get_close_matches(command, names, n=1, cutoff=0.5)
    hint = f"; did you mean `{close[0]}`?" if close else f" (commands: {', '.join(names)})"
    raise InputError(f"unknown command {command!r}{hint} (see `{parser.prog} --help`)")


def _parse(parser: argparse.ArgumentParser, argv: list[str]) -> argparse.Namespace:
    """Parse ``argv``, taking answer files wherever they stand: ``check P --format csv a.toml b.toml``.

    argparse gives a ``*`` positional its (maybe empty) share at the first run of positionals, so
    files after an option would be left over; they are the command's answer files.
    """
    args, extra = parser.parse_known_args(argv)
    files = [a for a in extra if not a.startswith("-")]
    if files and isinstance(getattr(args, "answers", None), list):
        args.answers.extend(files)
        extra = [a for a in extra if a.startswith("-")]
    if extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the exit status.  No arguments print the help."""
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv
    try:
        parser = build_parser(program_name())
        if not [a for a in argv if a != "--debug"]:
            sys.stdout.write(parser.format_help())
            return EXIT_OK
        _check_command_name(argv, parser)
        args = _parse(parser, argv)
        status = _command(args.command)(args)
        flush_stdout()
        return status
    except InputError as error:
        if debug:
            raise
        _report(f"solver: error: {error}")
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # written to stdout outside an output stream (argparse's help, say)
        silence_stdout()
        _report("solver: error: standard output: cannot write: the reader closed the pipe")
        return EXIT_BAD_INPUT
    except Exception as error:  # a bug: say so in one line, traceback on request
        if debug:
            raise
        _report(f"solver: internal error: {type(error).__name__}: {error} (rerun with --debug)")
        return EXIT_INTERNAL


def _report(line: str) -> None:
    """One line on standard error, whatever the message quotes."""
    try:
        sys.stderr.write(error_line(line) + "\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass
