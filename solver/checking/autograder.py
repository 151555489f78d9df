"""``python -m solver gradescope PROBLEM -o autograder.zip``: a Gradescope autograder for a problem.

The zip holds, at its root, ``setup.sh`` (run once when Gradescope builds the image: a Python of
at least 3.11 in a virtual environment, and this package at its own version — from the package
index, or from a wheel inside the zip with ``--bundle``), ``run_autograder`` (run for each
submission: grades the answer file in ``submission/`` into ``results/results.json``) and the
problem file.  Both scripts take the root from ``AUTOGRADER_ROOT`` (default ``/autograder``), so
an autograder can be tried anywhere.  The zip is byte-identical from run to run.
"""

from __future__ import annotations

import io
import json
import sys
import zipfile
from pathlib import Path

import solver
from solver.checking.wheel import DISTRIBUTION, STAMP, build_wheel, wheel_name
from solver.errors import InputError
from solver.kinds import catalog

PROBLEM_FILE = "problem.toml"
VENV = "mlsolver-venv"

SETUP = """\
#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image:
# it installs {distribution} {version} in a virtual environment, {source}.
set -euo pipefail
ROOT="${{AUTOGRADER_ROOT:-/autograder}}"
SOURCE="$ROOT/source"

good_python() {{ "$1" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; }}
PYTHON=""
for candidate in python3 python3.13 python3.12 python3.11; do
    if command -v "$candidate" >/dev/null && good_python "$candidate"; then PYTHON="$candidate"; break; fi
done
if [ -z "$PYTHON" ]; then
    # an older base image (Ubuntu 22.04 has Python 3.10): install 3.11 beside it
    apt-get update && apt-get install -y python3.11 python3.11-venv
    PYTHON=python3.11
fi
if ! "$PYTHON" -m venv "$ROOT/{venv}"; then
    apt-get update && apt-get install -y "python3-venv" || apt-get install -y "$PYTHON-venv"
    "$PYTHON" -m venv "$ROOT/{venv}"
fi
"$ROOT/{venv}/bin/python" -m pip install --disable-pip-version-check --no-input {requirement}
"$ROOT/{venv}/bin/python" -m solver --version
"""

RUN = """\
#!/usr/bin/env bash
# Gradescope runs this for each submission: it grades the answer file in submission/ against
# problem.toml with {distribution} {version}, into results/results.json.
set -u
ROOT="${{AUTOGRADER_ROOT:-/autograder}}"
PYTHON="$ROOT/{venv}/bin/python"
[ -x "$PYTHON" ] || PYTHON=python3
mkdir -p "$ROOT/results"
exec "$PYTHON" -m solver gradescope "$ROOT/source/{problem}" --submission "$ROOT/submission" \\
    --results "$ROOT/results/results.json"
"""


def scripts(bundle: bool) -> dict[str, str]:
    """``setup.sh`` and ``run_autograder``, for the running version."""
    version = solver.__version__
    if bundle:
        requirement, source = f'"$SOURCE/{wheel_name()}"', "from the wheel inside the autograder zip"
    else:
        requirement, source = f'"{DISTRIBUTION}=={version}"', "from the package index"
    values = {"distribution": DISTRIBUTION, "version": version, "venv": VENV, "problem": PROBLEM_FILE,
              "requirement": requirement, "source": source}
    return {"setup.sh": SETUP.format(**values), "run_autograder": RUN.format(**values)}


def build_autograder(problem: str, bundle: bool) -> bytes:
    """The autograder zip for a problem (solved first, so that a broken problem fails here, not on Gradescope)."""
    source, _ = catalog.read_problem(problem)
    catalog.load(problem)
    _, path = catalog.resolve(problem)
    entries = [(name, text.encode(), 0o755) for name, text in scripts(bundle).items()]
    entries.append((PROBLEM_FILE, path.read_bytes(), 0o644))
    if bundle:
        name, data = build_wheel()
        entries.append((name, data, 0o644))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data, mode in entries:
            entry = zipfile.ZipInfo(name, STAMP)
            entry.external_attr = (0o100000 | mode) << 16
            entry.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(entry, data)
    return buffer.getvalue()


def write_autograder(problem: str, output: str, bundle: bool) -> None:
    """Write the zip to ``output``, never over the problem file itself."""
    _, path = catalog.resolve(problem)
    target = Path(output)
    if target.exists() and path.exists() and target.resolve() == path.resolve():
        raise InputError("is the problem file; the autograder would overwrite it", source=output)
    data = build_autograder(problem, bundle)
    try:
        target.write_bytes(data)
    except OSError as error:
        raise InputError(f"cannot write: {error.strerror}", source=output) from None


# --- grading one submission -----------------------------------------------------------------------


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") or part == "__MACOSX" for part in path.relative_to(root).parts)


def answer_files(submission: Path) -> list[Path]:
    """The answer files (``*.toml``) of a submission folder, at any depth, hidden ones left out."""
    if not submission.is_dir():
        return []
    return sorted(p for p in submission.rglob("*.toml") if not _hidden(p, submission))


def submission_problem(submission: Path) -> str | None:
    """Why a submission cannot be graded (no answer file, or several), or None."""
    files = answer_files(submission)
    if not files:
        return "no answer file (.toml) in the submission: upload the answer file you filled in"
    if len(files) > 1:
        names = ", ".join(str(f.relative_to(submission)) for f in files[:5])
        return f"{len(files)} answer files in the submission ({names}): submit only one"
    return None


def grade_submission(args) -> int:
    """Grade the one answer file of a submission folder into Gradescope's results.json (always
    written, also when there is no answer file or it cannot be read) and show the report."""
    from solver.checking.batch import grade_files
    from solver.checking.check_command import batch_options, build_plan
    from solver.checking.check_report import file_table, print_renderables
    from solver.checking.gradescope import gradescope_results
    from solver.checking.grading import Grader
    from solver.checking.results import FileReport
    from solver.render.output import write_text

    plan = build_plan(args)
    submission = Path(args.submission)
    why = submission_problem(submission)
    if why is None:
        answer = str(answer_files(submission)[0])
        report = grade_files(plan, [answer], batch_options(args))[0]
    else:
        report = FileReport(str(submission), error=why)
    graded = Grader(plan).grade(report)
    write_text(args.results, json.dumps(gradescope_results(plan.derivation, graded), ensure_ascii=False,
                                        indent=2) + "\n")
    if report.error is not None:
        sys.stdout.write(f"not graded: {report.file}: {report.error}\n")
        return 0
    print_renderables(sys.stdout, [file_table(graded)])
    return 0
