"""Bad ``[vary]`` tables, conditions, rosters and variants directories: exit status 2 and one line saying
where and what, never a traceback and never anything evaluated."""

from __future__ import annotations

import pytest
import sympy

from solver.cli import main
from solver.errors import InputError
from solver.kinds import catalog
from solver.reading.conditions import parse_condition

BASE = (catalog.problems_dir() / "relu-111-sgd.toml").read_text("utf-8").split("\n[vary]")[0].rsplit("\n#", 2)[0]


def _run(capsys, tmp_path, vary: str, *extra: str, base: str = BASE) -> tuple[int, str]:
    problem = tmp_path / "p.toml"
    problem.write_text(base + "\n" + vary + "\n", "utf-8")
    capsys.readouterr()
    status = main(["variants", str(problem), "-o", str(tmp_path / "out"), "--count", "2", *extra])
    return status, capsys.readouterr().err


HOSTILE_VARY = [
    ("", "has no [vary] table"),
    ("[vary]\nmax_places = 6", "vary: names no given to vary"),
    ('[vary]\n"initial.W9" = [1, 2]', 'vary."initial.W9": the problem file has no initial.W9'),
    ('[vary]\n"initial" = [1, 2]', 'vary.initial: initial is a table'),
    ('[vary]\n"network.loss" = [1, 2]', "network.loss is not a number"),
    ('[vary]\n"training.samples[9].x" = [1, 2]', "has no training.samples[9]"),
    ('[vary]\n"training.samples[0].x" = [1, 2]', "indices count from 1"),
    ('[vary]\n"initial..W1" = [1, 2]', "is not a key path"),
    ('[vary]\n"initial.W1" = []', "lists no values"),
    ('[vary]\n"initial.W1" = [1, 1]', "lists a value twice"),
    ('[vary]\n"initial.W1" = ["1/3"]', 'vary."initial.W1"[1]: 1/3 is not a decimal number'),
    ('[vary]\n"initial.W1" = ["sqrt(2)"]', "is not a decimal number"),
    ('[vary]\n"initial.W1" = [0.12345]', "0.12345 has 5 decimal places"),
    ('[vary]\n"initial.W1" = ["__import__(\'os\')"]', "is not allowed"),
    ('[vary]\n"initial.W1" = [true]', "expected a number, got a boolean"),
    ('[vary]\n"initial.W1" = 3', "expected a list of allowed values"),
    ('[vary]\n"initial.W1" = { from = 1, to = 0, step = 0.1 }', '"initial.W1".to: is below from'),
    ('[vary]\n"initial.W1" = { from = 0, to = 1, step = 0 }', '"initial.W1".step: must be positive'),
    ('[vary]\n"initial.W1" = { from = 0, to = 1e9, step = 0.001 }', "the limit is 1000000"),
    ('[vary]\n"initial.W1" = { from = 0, to = 1 }', '"initial.W1".step: is required but missing'),
    ('[vary]\n"initial.W1" = { from = 0, to = 1, step = 0.5, by = 2 }', "unknown key"),
    ('[vary]\n"vary.max_places" = [1, 2]', "cannot vary itself"),
    ('[vary]\nmax_places = 99\n"initial.W1" = [1, 2]', "vary.max_places: 99 is out of range"),
    ('[vary]\nconstruct = "yes"\n"initial.W1" = [1, 2]', "vary.construct: expected true or false"),
    ('[vary]\nconstruct = true\n"initial.W1" = [1]', "backprop problems have no construction"),
    ('[vary]\nrequire = "s1.z1"\n"initial.W1" = [1, 2]', "is not a comparison"),
    ('[vary]\nrequire = ["s1.z9 > 0"]\n"initial.W1" = [1, 2]', "vary.require[1]: no quantity 's1.z9'"),
    ('[vary]\nrequire = ["s1.z1 > 0 and s1.a1 > 0"]\n"initial.W1" = [1, 2]', "is not a comparison"),
    ('[vary]\nrequire = ["s1.z1.__class__ > 0"]\n"initial.W1" = [1, 2]', "no quantity 's1.z1.__class__'"),
    ('[vary]\nrequire = ["__import__(\'os\').system(\'true\') > 0"]\n"initial.W1" = [1, 2]', "no quantity"),
    ('[vary]\nrequire = ["open(1) > 0"]\n"initial.W1" = [1, 2]', "no quantity 'open'"),
    ('[vary]\nrequire = ["s1.z1 in 1"]\n"initial.W1" = [1, 2]', "'in' is not allowed in a condition"),
    ('[vary]\nrequire = [3]\n"initial.W1" = [1, 2]', "vary.require[1]: expected a condition as text"),
    ('[vary]\nrequire = ["s1.z1 > 0"]\n"initial.W1" = [1]', "allows only 1 different problems"),
    ('[vary]\nrequire = ["s1.z1 > 100"]\n"initial.W1" = [1, 2, 3]',
     "most draws were rejected by vary.require[1]: s1.z1 > 100"),
]


@pytest.mark.parametrize("vary, message", HOSTILE_VARY, ids=[m for _, m in HOSTILE_VARY])
def test_a_bad_vary_table_is_one_line_and_status_2(capsys, tmp_path, vary, message):
    status, err = _run(capsys, tmp_path, vary)
    assert status == 2, err
    assert err.count("\n") == 1 and err.startswith("solver: error: ") and str(tmp_path / "p.toml") in err
    assert message in err
    assert not (tmp_path / "out").exists()


def test_too_few_nice_variants_name_the_condition_that_rejected_most(capsys, tmp_path):
    vary = '[vary]\n"initial.W1" = [-1, -0.5]\n"initial.b1" = [-0.5, -0.3]'  # w₁·1 + b₁ < 0: a dead ReLU
    status, err = _run(capsys, tmp_path, vary)
    assert status == 2
    assert "only 0 nice variants of the 2 asked for in 4 draws (0% accepted)" in err
    assert "a ReLU input at or within one display unit of 0" not in err  # z₁ < 0 is dead, not borderline
    assert "a gradient is 0 at the display precision (4 of 4 draws, most often at s1.dL_db1)" in err


def test_a_number_varied_twice_is_refused(capsys, tmp_path):
    leaky = (catalog.problems_dir() / "leaky-relu-mse-sgd.toml").read_text("utf-8").split("\n# Variants")[0]
    status, err = _run(capsys, tmp_path, '[vary]\n"initial.W1" = [1, 2]\n"initial.W1[1,2]" = [1, 2]', base=leaky)
    assert status == 2 and "vary: initial.W1[1][2] is varied twice" in err


def test_a_kind_that_cannot_be_built_this_way_is_refused(capsys, tmp_path):
    soft = (catalog.problems_dir() / "svm-soft-margin.toml").read_text("utf-8").split("\n# Variants")[0]
    status, err = _run(capsys, tmp_path, '[vary]\nconstruct = true\n"points[1].x" = [0, 1]', base=soft)
    assert status == 2 and "construct = true builds hard-margin problems" in err


def test_the_output_directory_must_be_new_or_empty(capsys, tmp_path):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "keep.txt").write_text("mine", "utf-8")
    status, err = _run(capsys, tmp_path, '[vary]\n"initial.W1" = [1, 1.1, 1.2]')
    assert status == 2 and "is not empty" in err
    assert (tmp_path / "out" / "keep.txt").read_text("utf-8") == "mine"


HOSTILE_ROSTERS = [
    (b"", "is empty"),
    (b"name,email\nAnn,a@x\n", "has no student_id column"),
    (b"student_id\n", "lists no students"),
    (b"student_id,name\ns1,Ann\ns1,Bob\n", "line 3: student_id 's1' appears twice (also on line 2)"),
    (b"student_id,name\n../../etc/passwd,Eve\n", "line 2: student_id '../../etc/passwd' may hold only"),
    (b"student_id,name\n.hidden,Eve\n", "may hold only"),
    (b"student_id,name\n,Eve\n", "line 2: a row has no student_id"),
    (b"student_id,name\ns1,Ann,extra\n", "line 2: has 3 fields but the header names 2 columns"),
    (b"student_id,name\ns1,\"Ann\n", "not valid CSV"),
    (b"student_id\n\xff\xfe\n", "not valid UTF-8"),
    (b"student_id\ns1\x00\n", "NUL character"),
    (b"student_id,student_id\ns1,s2\n", "names the column 'student_id' twice"),
    (b"student_id,variant\ns1,v01\n", "already has a variant column"),
]


@pytest.mark.parametrize("data, message", HOSTILE_ROSTERS, ids=[m for _, m in HOSTILE_ROSTERS])
def test_a_bad_roster_is_one_line_and_status_2(capsys, tmp_path, data, message):
    roster = tmp_path / "class.csv"
    roster.write_bytes(data)
    status, err = _run(capsys, tmp_path, '[vary]\n"initial.W1" = [1, 1.1, 1.2]', "--roster", str(roster))
    assert status == 2 and err.count("\n") == 1, err
    assert message in err
    assert not (tmp_path / "out").exists()


def test_a_roster_that_is_not_a_file_is_refused(capsys, tmp_path):
    status, err = _run(capsys, tmp_path, '[vary]\n"initial.W1" = [1, 1.1, 1.2]', "--roster", str(tmp_path))
    assert status == 2 and "is a directory" in err


@pytest.mark.parametrize("setup, message", [
    (lambda d: None, "is not a directory written by"),
    (lambda d: d.mkdir(), "roster.csv: no such file"),
    (lambda d: (d.mkdir(), (d / "roster.csv").write_text("student_id\ns1\n")), "has no variant column"),
    (lambda d: (d.mkdir(), (d / "roster.csv").write_text("student_id,variant\ns1,../x\n")), "not a variant id"),
    (lambda d: (d.mkdir(), (d / "roster.csv").write_text("student_id,variant\ns1,v01\n")),
     "there is no v01/problem.toml"),
])
def test_check_against_a_bad_variants_directory(capsys, tmp_path, setup, message):
    directory = tmp_path / "out"
    setup(directory)
    answers = tmp_path / "s1.toml"
    answers.write_text('s1.z1 = "1"\n', "utf-8")
    capsys.readouterr()
    assert main(["check", "--variants", str(directory), str(answers)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err


def test_check_without_answer_files_says_what_it_needs(capsys):
    assert main(["check", "relu-111-sgd"]) == 2
    assert "at least one answer file" in capsys.readouterr().err


# --- conditions: comparisons in the safe syntax, over keys -----------------------------------------

Z, W, C = sympy.Symbol("s1.z1"), sympy.Symbol("s1.W1[1,2]"), sympy.Symbol("class.Q")
QUANTITIES = {"s1.z1": sympy.Matrix([[Z]]), "s1.w1": sympy.Matrix([[sympy.Symbol("a"), W]]),
              "class.q": sympy.Matrix([[C]])}


@pytest.mark.parametrize("text, links", [
    ("s1.z1 > 0", [(Z, ">", 0)]),
    ("0 < S1.Z1 <= 1/2", [(0, "<", Z), (Z, "<=", sympy.Rational(1, 2))]),
    ("abs(s1.z1 - 1) ≥ 0.25", [(sympy.Abs(Z - 1), ">=", sympy.Rational(1, 4))]),
    ("s1.W1[1, 2] != s1.W1[2]", [(W, "!=", W)]),
    ("class.Q == 1", [(C, "==", 1)]),
])
def test_a_condition_reads_keys_with_dots_brackets_and_keywords(text, links):
    assert list(parse_condition(text, QUANTITIES).links) == links


@pytest.mark.parametrize("text, message", [
    ("s1.w1 > 0", "s1.w1 is 1×2: name one element, such as s1.w1[1]"),
    ("s1.w1[3] > 0", "has 2 elements"),
    ("s1.z2 > 0", "no quantity 's1.z2' in this problem; did you mean 's1.z1'?"),
    ("s1.z1 > k0_", "no quantity 'k0_'"),
    ("s1.z1 = 1", "not a valid expression"),
    ("s1.z1", "is not a comparison"),
    ("s1.z1 > 0 or s1.z1 < 0", "is not a comparison"),
    ("(s1.z1 > 0) > 0", "comparisons are not allowed"),
    ("lambda: 1 > 0", "is not a comparison"),
    ("s1.z1 > " + "1" * 70, "more than 60 digits"),
    ("s1.z1 > 9**9**9", "too large"),
    ("x" * 600, "the limit is 500"),
])
def test_a_bad_condition_says_why(text, message):
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)").replace("*", r"\*")
                       .replace("?", r"\?").replace("[", r"\[")):
        parse_condition(text, QUANTITIES)


@pytest.mark.parametrize("argv", [["gradescope", "-o", "x.zip"],
                                  ["gradescope", "relu-111-sgd", "--variants", "d", "-o", "x.zip"]])
def test_the_autograder_takes_a_problem_or_variants_not_both(capsys, argv):
    assert main(argv) == 2
    assert "give a PROBLEM, or --variants DIR" in capsys.readouterr().err


@pytest.mark.parametrize("metadata", ['{"users": [', '[1, 2]', '{"users": "s1"}', '{"users": [{"sid": true}]}', "\x00"])
def test_unreadable_submission_metadata_gives_no_ids(tmp_path, metadata):
    from solver.checking.autograder import gradescope_users

    path = tmp_path / "submission_metadata.json"
    path.write_text(metadata, "utf-8")
    assert gradescope_users(str(path)) == []
    assert gradescope_users(str(tmp_path / "absent.json")) == []
