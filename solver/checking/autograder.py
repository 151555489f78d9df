"""``python -m solver gradescope PROBLEM -o autograder.zip``: a Gradescope autograder for a problem.

The zip holds, at its root, ``setup.sh`` (run once when Gradescope builds the image: a Python of
at least 3.11 in a virtual environment, and this package at its own version — from the package
index, or from a wheel inside the zip with ``--bundle``), ``run_autograder`` (run for each
submission: grades the answer file in ``submission/`` into ``results/results.json``) and the
problem file.  Both scripts take the root from ``AUTOGRADER_ROOT`` (default ``/autograder``), so
an autograder can be tried anywhere.  The zip is byte-identical from run to run.

Built from a variants directory (``gradescope --variants DIR``), the zip holds ``variants/roster.csv``
and each variant's ``variants/<variant>/problem.toml`` instead of one problem file, and
``run_autograder`` grades each submission against its student's variant: the student is found by
the ids Gradescope gives in ``submission_metadata.json`` (``sid``, then ``id``, then ``email``),
else by a ``student`` key in the answer file.
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
from solver.reading.roster import read_assignment

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
# {against} with {distribution} {version}, into results/results.json.
set -u
ROOT="${{AUTOGRADER_ROOT:-/autograder}}"
PYTHON="$ROOT/{venv}/bin/python"
[ -x "$PYTHON" ] || PYTHON=python3
mkdir -p "$ROOT/results"
exec "$PYTHON" -m solver gradescope {graded} --submission "$ROOT/submission" \\
    --results "$ROOT/results/results.json"
"""

#: What ``run_autograder`` grades against: the problem file, or the variants and their roster.
GRADED_PROBLEM = '"$ROOT/source/{problem}"'
GRADED_VARIANTS = '--variants "$ROOT/source/{variants}" \\\n    --metadata "$ROOT/submission_metadata.json"'
VARIANTS_FOLDER = "variants"


def scripts(bundle: bool, variants: bool = False) -> dict[str, str]:
    """``setup.sh`` and ``run_autograder``, for the running version (grading variants, or one problem)."""
    version = solver.__version__
    if bundle:
        requirement, source = f'"$SOURCE/{wheel_name()}"', "from the wheel inside the autograder zip"
    else:
        requirement, source = f'"{DISTRIBUTION}=={version}"', "from the package index"
    values = {"distribution": DISTRIBUTION, "version": version, "venv": VENV, "problem": PROBLEM_FILE,
              "requirement": requirement, "source": source}
    if variants:
        values["graded"] = GRADED_VARIANTS.format(variants=VARIANTS_FOLDER)
        values["against"] = f"its student's variant in {VARIANTS_FOLDER}/ (by roster.csv)"
    else:
        values["graded"], values["against"] = GRADED_PROBLEM.format(**values), PROBLEM_FILE
    return {"setup.sh": SETUP.format(**values), "run_autograder": RUN.format(**values)}


def build_autograder(problem: str | None, bundle: bool, variants: str | None = None) -> bytes:
    """The autograder zip for a problem, or for a variants directory (every problem solved first, so
    that a broken one fails here, not on Gradescope)."""
    entries = [(name, text.encode(), 0o755) for name, text in scripts(bundle, variants is not None).items()]
    if variants is not None:
        entries += _variant_entries(variants)
    else:
        catalog.read_problem(problem)
        catalog.load(problem)
        _, path = catalog.resolve(problem)
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


def _variant_entries(directory: str) -> list[tuple[str, bytes, int]]:
    """``variants/roster.csv`` and the problem file of every variant a student has."""
    assignment = read_assignment(directory)
    entries = [(f"{VARIANTS_FOLDER}/roster.csv", (assignment.directory / "roster.csv").read_bytes(), 0o644)]
    for variant in sorted(set(assignment.variant_of.values())):
        path = assignment.directory / variant / PROBLEM_FILE
        catalog.load(str(path))
        entries.append((f"{VARIANTS_FOLDER}/{variant}/{PROBLEM_FILE}", path.read_bytes(), 0o644))
    return entries


def write_autograder(problem: str | None, output: str, bundle: bool, variants: str | None = None) -> None:
    """Write the zip to ``output``, never over the problem file itself."""
    target = Path(output)
    if problem is not None:
        _, path = catalog.resolve(problem)
        if target.exists() and path.exists() and target.resolve() == path.resolve():
            raise InputError("is the problem file; the autograder would overwrite it", source=output)
    data = build_autograder(problem, bundle, variants)
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
    from solver.checking.variant_check import course_title
    from solver.render.escape import json_document
    from solver.render.output import write_text

    submission = Path(args.submission)
    why = submission_problem(submission)
    answer = str(answer_files(submission)[0]) if why is None else None
    title = None
    if args.variants:
        plan, why, matched = _variant_plan(args, answer, why)
        title = None if matched else course_title(plan.derivation.title)
    else:
        plan = build_plan(args)
    if why is None:
        report = grade_files(plan, [answer], batch_options(args))[0]
    else:
        report = FileReport(str(submission), error=why)
    graded = Grader(plan).grade(report)
    results = gradescope_results(plan.derivation, graded, title)
    write_text(args.results, json_document(json.dumps(results, ensure_ascii=False, indent=2)) + "\n")
    if report.error is not None:
        sys.stdout.write(f"not graded: {report.file}: {report.error}\n")
        return 0
    print_renderables(sys.stdout, [file_table(graded)])
    return 0


# --- grading a submission against its student's variant -------------------------------------------

#: The ids of a Gradescope user tried against the roster, in this order.
METADATA_IDS = ("sid", "id", "email")
MAX_METADATA_BYTES = 1 << 20


def gradescope_users(metadata: str | None) -> list[str]:
    """Every id of the submitters in Gradescope's ``submission_metadata.json`` (none if it cannot be read)."""
    if metadata is None:
        return []
    path = Path(metadata)
    try:
        if not path.is_file() or path.stat().st_size > MAX_METADATA_BYTES:
            return []
        document = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return []
    users = document.get("users") if isinstance(document, dict) else None
    ids = []
    for user in users if isinstance(users, list) else []:
        if isinstance(user, dict):
            ids += [str(user[k]).strip() for k in METADATA_IDS if isinstance(user.get(k), str | int)
                    and not isinstance(user.get(k), bool)]
    return ids


def _variant_plan(args, answer: str | None, why: str | None):
    """The plan of the submitter's variant, why the submission cannot be graded (or None), and whether
    the submitter was found on the roster (if not, the plan is the first variant's, for its keys)."""
    from solver.checking.check_command import build_plan
    from solver.checking.variant_check import student_of

    assignment = read_assignment(args.variants)
    candidates = gradescope_users(args.metadata)
    if answer is not None:
        candidates.append(student_of(answer))
    student = next((c for c in candidates if c in assignment.variant_of), None)
    fallback = min(assignment.variant_of.values())
    if student is None:
        if why is None:
            tried = ", ".join(repr(c[:64]) for c in candidates) or "none"
            why = (f"this submission's student is not on the roster (ids tried: {tried}): ask your teacher, or "
                   "write student = \"<your id>\" in the answer file")
        return build_plan(args, str(assignment.directory / fallback / PROBLEM_FILE)), why, False
    return build_plan(args, str(assignment.problem(student))), why, True
