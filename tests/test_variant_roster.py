"""A class round trip: a roster gets variants, 30 students answer their own, ``check --variants`` grades them.

Answers are written from each variant's solved JSON, and the planted mistakes are computed here
with fractions from those values (w ← w + η·∂L/∂w for a flipped sign, b − ∂L/∂b without the rate),
so a file graded against any variant but its student's own could not score full marks.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from fractions import Fraction
from pathlib import Path

import pytest

from solver.cli import main
from tests.test_variants import solved_json

STUDENTS = [f"s{1000 + n}" for n in range(30)]
VARIANTS = 5


def _roster(tmp_path: Path) -> Path:
    path = tmp_path / "class.csv"
    rows = ["student_id,name,section"] + [f'{s},"Student {s}, Jr",{n % 3}' for n, s in enumerate(STUDENTS)]
    path.write_text("\n".join(rows) + "\n", "utf-8")
    return path


@pytest.fixture(scope="module")
def classroom(tmp_path_factory):
    root = tmp_path_factory.mktemp("class")
    out = root / "out"
    assert main(["variants", "relu-111-sgd", "--count", str(VARIANTS), "-o", str(out),
                 "--roster", str(_roster(root)), "--assignment", "hw3"]) == 0
    return out


def _assigned(out: Path) -> dict[str, dict]:
    with (out / "roster.csv").open(encoding="utf-8", newline="") as handle:
        return {row["student_id"]: row for row in csv.DictReader(handle)}


def test_every_student_gets_the_variant_of_the_documented_hash(classroom):
    ids = sorted(p.name for p in classroom.iterdir() if p.is_dir())
    rows = _assigned(classroom)
    assert list(rows) == STUDENTS
    for student, row in rows.items():
        digest = hashlib.sha256(f"hw3\x00{student}".encode()).digest()
        assert row["variant"] == ids[int.from_bytes(digest[:8], "big") % len(ids)]
        assert row["name"] == f"Student {student}, Jr"  # the roster's other columns are kept
    assert len({row["variant"] for row in rows.values()}) > 1


def _answers(solved: dict) -> dict[str, str]:
    return {step["key"]: step["value"] for step in solved["steps"]}


def _value(solved: dict, key: str) -> Fraction:
    for quantity in solved["givens"] + solved["steps"]:
        if quantity["key"] == key:
            return Fraction(quantity["value"])
    raise KeyError(key)


def _planted(solved: dict, n: int) -> tuple[str, str, str] | None:
    """(key, value, mistake id) planted in student n's file, computed from the variant's own values."""
    eta = _value(solved, "eta")
    if n % 3 == 1:
        return "s1.W1", str(_value(solved, "s0.W1") + eta * _value(solved, "s1.dL_dW1")), "update_sign_flipped"
    if n % 3 == 2:
        return "s1.b2", str(_value(solved, "s0.b2") - _value(solved, "s1.dL_db2")), "learning_rate_missing"
    return None


def test_thirty_students_are_graded_against_their_own_variants(classroom, tmp_path, capsys):
    rows = _assigned(classroom)
    files, planted = [], {}
    for n, student in enumerate(STUDENTS):
        solved = solved_json(classroom / rows[student]["variant"] / "problem.toml")
        answers = _answers(solved)
        mistake = _planted(solved, n)
        if mistake is not None:
            key, value, planted[student] = mistake
            answers[key] = value
        lines = [f'{key} = "{value}"' for key, value in answers.items()]
        if n % 5 == 0:  # named inside the file instead of by the file's name
            path = tmp_path / f"upload-{n}.toml"
            lines.insert(0, f'student = "{student}"')
        else:
            path = tmp_path / f"{student}.toml"
        path.write_text("\n".join(lines) + "\n", "utf-8")
        files.append(str(path))
    capsys.readouterr()
    status = main(["check", "--variants", str(classroom), *files, "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    assert status == 1  # some answers are wrong
    assert len(report["files"]) == len(STUDENTS)
    for student, graded in zip(STUDENTS, report["files"]):
        assert graded["student"] == student and graded["variant"] == rows[student]["variant"]
        wrong = [r for r in graded["results"] if r["verdict"] != "correct"]
        if student in planted:
            assert [(r["verdict"], r.get("mistake")) for r in wrong] == [("wrong", planted[student])], student
            assert graded["score"] == graded["max_score"] - 1
        else:
            assert wrong == [] and graded["score"] == graded["max_score"] == 51


def test_a_student_not_on_the_roster_is_reported_and_the_others_graded(classroom, tmp_path, capsys):
    rows = _assigned(classroom)
    solved = solved_json(classroom / rows[STUDENTS[0]]["variant"] / "problem.toml")
    good = tmp_path / f"{STUDENTS[0]}.toml"
    good.write_text("".join(f'{k} = "{v}"\n' for k, v in _answers(solved).items()), "utf-8")
    stranger = tmp_path / "nobody.toml"
    stranger.write_text(good.read_text("utf-8"), "utf-8")
    capsys.readouterr()
    assert main(["check", "--variants", str(classroom), str(good), str(stranger), "--format", "json"]) == 2
    captured = capsys.readouterr()
    files = json.loads(captured.out)["files"]
    assert files[0]["score"] == 51 and files[1]["error"].startswith("student 'nobody' is not in")
    assert captured.err.count("\n") == 1 and "nobody.toml" in captured.err


def test_the_assignment_name_changes_who_gets_which_variant(classroom, tmp_path):
    out = tmp_path / "again"
    assert main(["variants", "relu-111-sgd", "--count", str(VARIANTS), "-o", str(out),
                 "--roster", str(_roster(tmp_path)), "--assignment", "hw4"]) == 0
    before = {s: r["variant"] for s, r in _assigned(classroom).items()}
    after = {s: r["variant"] for s, r in _assigned(out).items()}
    assert before != after
    assert (out / "index.csv").read_text("utf-8") == (classroom / "index.csv").read_text("utf-8")


def test_roster_csv_keeps_quoted_fields(classroom):
    text = (classroom / "roster.csv").read_text("utf-8")
    first = next(csv.reader(io.StringIO(text)))
    assert first == ["student_id", "name", "section", "variant"]
    assert '"Student s1000, Jr"' in text


# --- Gradescope: the autograder picks each submitter's variant ----------------------------------


def test_the_variants_autograder_grades_each_submitter_against_their_variant(classroom, tmp_path):
    from tests.test_gradescope import lay_out, run_autograder

    archive = tmp_path / "autograder.zip"
    assert main(["gradescope", "--variants", str(classroom), "-o", str(archive)]) == 0
    import zipfile

    names = zipfile.ZipFile(archive).namelist()
    rows = _assigned(classroom)
    used = sorted({row["variant"] for row in rows.values()})
    assert names == ["setup.sh", "run_autograder", "variants/roster.csv",
                     *(f"variants/{v}/problem.toml" for v in used)]  # no answer keys in the zip
    student = STUDENTS[3]
    solved = solved_json(classroom / rows[student]["variant"] / "problem.toml")
    answers = "".join(f'{k} = "{v}"\n' for k, v in _answers(solved).items())

    def grade(metadata: dict, text: str) -> dict:
        root = lay_out(tmp_path / str(len(list(tmp_path.iterdir()))), archive, {"hw3.toml": text})
        (root / "submission_metadata.json").write_text(json.dumps(metadata), "utf-8")
        result = run_autograder(root)
        assert result.returncode == 0, result.stderr
        return json.loads((root / "results" / "results.json").read_text("utf-8"))

    by_sid = grade({"users": [{"email": "a@b.c", "id": 99, "sid": student, "name": "A"}]}, answers)
    assert by_sid["score"] == 51.0 and f"(variant {rows[student]['variant']})" in by_sid["output"]
    by_key = grade({"users": [{"email": "a@b.c", "id": 99}]}, f'student = "{student}"\n' + answers)
    assert by_key["score"] == 51.0
    stranger = grade({"users": [{"email": "who@b.c", "id": 12}]}, answers)
    assert stranger["score"] == 0 and "not on the roster (ids tried: '12', 'who@b.c', 'hw3')" in stranger["output"]
    assert "(variant" not in stranger["output"]  # graded against no variant, so none is named
    assert all(t["output"].startswith("**not graded**: ") and "not on the roster" in t["output"]
               for t in stranger["tests"])
