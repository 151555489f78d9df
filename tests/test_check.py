"""Checking answers: verdicts, tolerance, follow-through and named mistakes, on hand-worked files."""

from __future__ import annotations

import json
import math
from decimal import Decimal
from fractions import Fraction

import pytest

from solver.checking.checker import CheckPlan
from solver.checking.tolerance import Agreement, Tolerance
from solver.kinds import catalog
from solver.reading.answer_file import parse_answers
from solver.reading.written import plain_number, significant_figures
from tests.conftest import run_solver
from tests.hand import as_answers, dead_unit, decimal_text, hand_sgd

START = (Fraction(1), Fraction(0), Fraction(1), Fraction(0))
ETA = Fraction(1, 100)


@pytest.fixture(scope="module")
def plan():
    return CheckPlan(catalog.load("relu-111-sgd"), Tolerance(4))


def verdicts(plan, text: str) -> dict[str, tuple[str, str | None]]:
    report = plan.check(parse_answers(text.encode(), "answers.toml"), "answers.toml")
    return {r.key: (r.verdict, r.mistake) for r in report.results}


# --- tolerance --------------------------------------------------------------------------------


AGREES, IMPRECISE = Agreement.AGREES, Agreement.IMPRECISE


@pytest.mark.parametrize(
    "written, reference, expected",
    [
        ("1.31", "1.3156", AGREES),        # 2 decimals: within 1.5·10⁻² (0.0056 off)
        ("1", "1.02", IMPRECISE),          # 1 rounded to no places, but one significant figure
        ("1.0583", "1.058327", AGREES),
        ("1.0582", "1.05838", None),       # 1.8 units of the 4th place
        ("0.0391", "0.03916376", AGREES),  # truncated at 4
        ("0.04", "0.03916376", IMPRECISE),  # rounded to 2 places: one significant figure
        ("0.039", "0.03916376", AGREES),
        ("0.35", "0.353553", AGREES),      # √2/4 to 2 places (0.0036 off: the 0.5 % cap is gone)
        ("0.24", "0.2424", AGREES),
        ("4", "3.5", IMPRECISE),           # 3.5 rounds half-up to 4
        ("3", "3.5", IMPRECISE),           # 3.5 truncated
        ("2", "3.5", None),                # neither
        ("1", "0.3", None),                # neither rounds 0.3 to 1
        ("0.0000", "0.00003", IMPRECISE),  # right to 4 places, no significant figure
        ("-3.83", "-3.832752", AGREES),
        ("-3.84", "-3.832752", AGREES),    # 0.0072 off: within 1.5 units of the 2nd place
        ("-3.85", "-3.832752", None),      # 0.0172 off
    ],
)
def test_tolerance_follows_written_precision(written, reference, expected):
    number, decimals = plain_number(written)
    judged = Tolerance(4).judge(Decimal(written), decimals, significant_figures(number), Decimal(reference))
    assert judged is expected


def test_a_problem_may_ask_for_more_figures():
    assert Tolerance(4, min_significant=3).judge(Decimal("0.35"), 2, 2, Decimal("0.353553")) is IMPRECISE
    assert Tolerance(4, min_significant=1).judge(Decimal("4"), 0, 1, Decimal("3.5")) is AGREES


def test_rtol_and_atol_replace_the_rule():
    assert Tolerance(4, rtol=Decimal("0.05")).agrees(Decimal("1"), 0, Decimal("1.02"))
    assert not Tolerance(4, atol=Decimal("0.001")).agrees(Decimal("1.31"), 2, Decimal("1.3156"))


# --- whole files --------------------------------------------------------------------------------


@pytest.mark.parametrize("places, truncate", [(4, False), (4, True), (6, False), (None, False)])
def test_rounded_truncated_and_exact_answers_are_correct(plan, places, truncate):
    text = as_answers(hand_sgd(*START), places, truncate)
    result = verdicts(plan, text)
    assert len(result) == 51
    assert {v for v, _ in result.values()} == {"correct"}


def test_two_decimals_accepted_where_the_rule_allows(plan):
    rows = hand_sgd(*START)
    keys = [("s2", "dL_dW1"), ("s2", "dL_dW2"), ("s3", "dL_dW2"), ("s3", "dL_dW1"), ("s2", "z1"), ("s3", "z2")]
    for truncate in (False, True):
        lines = [f"{s}.{n} = {decimal_text(rows[int(s[1]) - 1][n], 2, truncate)}" for s, n in keys]
        assert {v for v, _ in verdicts(plan, "\n".join(lines)).values()} == {"correct"}, truncate


def test_one_is_imprecise_for_1_02(plan):
    assert verdicts(plan, "s1.W1 = 1")["s1.W1"][0] == "imprecise"
    assert verdicts(plan, "s1.W1 = 2")["s1.W1"][0] == "wrong"


def test_an_early_slip_is_marked_once_and_followed_through(plan):
    # DESIGN.md's example: s2.b1 written 0.0389 (exact 0.039164); everything after is worked from it
    rows = hand_sgd(*START, slips={"s2.b1": Fraction("0.0389")})
    result = verdicts(plan, as_answers(rows, 4))
    wrong = [k for k, (v, _) in result.items() if v == "wrong"]
    assert wrong == ["s2.b1"]
    assert result["s3.z1"][0] == "follows_through"
    assert result["s3.a1"][0] == "follows_through" and result["s3.dL_db2"][0] == "follows_through"
    assert result["s2.W1"][0] == "correct"
    assert {v for v, _ in result.values()} == {"correct", "follows_through", "wrong"}


def test_design_example_carries_the_calculator_digits(plan):
    # s3.z1 = 3 × 1.058328 + 0.0389: the student's s2.W1 is carried at full precision
    result = verdicts(plan, "s2.W1 = 1.0583\ns2.b1 = 0.0389\ns3.z1 = 3.2138\n")
    assert result["s3.z1"][0] == "follows_through"


def test_the_report_marks_the_first_wrong_step(plan):
    rows = hand_sgd(*START, slips={"s1.dL_dW2": Fraction(-3), "s3.z1": Fraction(9)})
    report = plan.check(parse_answers(as_answers(rows, 4).encode(), "a.toml"), "a.toml")
    assert report.first_wrong.key == "s1.dL_dW2"
    # the two slips are the only answers not accepted: what follows each is worked from it
    assert [r.key for r in report.results if not r.accepted] == ["s1.dL_dW2", "s3.z1"]


# --- named mistakes ----------------------------------------------------------------------------

ROWS = hand_sgd(*START)
R1, R2, R3 = ROWS
PREVIOUS = {1: {"W1": START[0], "b1": START[1], "W2": START[2], "b2": START[3]}, 2: R1, 3: R2}


def _planted():
    """(key, value, mistake id): one wrong value per mistake, worked out here by hand."""
    w1, b1, w2 = R1["W1"], R1["b1"], R1["W2"]  # parameters going into update 2
    x, y = 2, 4
    return [
        ("s2.W1", w1 + ETA * R2["dL_dW1"], "update_sign_flipped"),
        ("s2.W1", w1 - R2["dL_dW1"], "learning_rate_missing"),
        ("s2.W1", w1 - ETA**2 * R2["dL_dW1"], "learning_rate_twice"),
        ("s2.b1", b1 - ETA * R2["dL_db2"], "swapped_gradient"),
        ("s2.dL_dW1", R2["delta1"], "missing_factor"),               # the input left out
        ("s2.dL_da1", R2["delta2"], "missing_factor"),               # the downstream weight left out
        ("s2.dL_da1", R2["delta2"] * (w2 - ETA * R2["dL_dW2"]), "updated_weight_in_backward"),
        ("s2.z1", START[0] * x + START[1], "stale_weight"),
        ("s2.loss", (R2["yhat"] - y) ** 2, "loss_without_half"),
        ("s2.dL_dyhat", 2 * (R2["yhat"] - y), "loss_without_half"),
        ("s2.dL_dyhat", y - R2["yhat"], "target_minus_prediction"),
    ]


@pytest.mark.parametrize("key, value, mistake", _planted())
def test_each_planted_mistake_is_named(plan, key, value, mistake):
    result = verdicts(plan, f"{key} = {decimal_text(value, 4)}")
    assert result[key] == ("wrong", mistake)


def one_one_one(activations: str, start: str, samples: str, extra: str = "") -> bytes:
    """A 1-1-1 problem with half_mse, η = 0.1; the rest as given."""
    w1, b1, w2, b2 = start.split()
    return f"""
kind = "backprop"
title = "t"
[network]
layers = [1, 1, 1]
activations = {activations}
loss = "half_mse"
[initial]
W1 = {w1}
b1 = {b1}
W2 = {w2}
b2 = {b2}
[training]
learning_rate = 0.1
samples = {samples}
{extra}
""".encode()


def test_activation_derivative_left_out_is_named():
    # tanh hidden layer, x = 1, y = 0, w₁ = 0.5, w₂ = 1: ŷ = a₁ = tanh(0.5), ∂L/∂a₁ = ŷ − y = tanh(0.5),
    # and δ₁ = tanh(0.5)·(1 − tanh²(0.5)); written without the factor 1 − a₁², δ₁ is tanh(0.5)
    text = one_one_one('["tanh", "identity"]', "0.5 0 1 0", "[{ x = 1, y = 0 }]")
    plan = CheckPlan(catalog.load_text(text, "tanh.toml"), Tolerance(4))
    right = math.tanh(0.5) * (1 - math.tanh(0.5) ** 2)
    assert verdicts(plan, f"s1.delta1 = {right:.4f}") == {"s1.delta1": ("correct", None)}
    assert verdicts(plan, f"s1.delta1 = {math.tanh(0.5):.4f}") == {"s1.delta1": ("wrong", "missing_factor")}


def test_relu_prime_at_zero_taken_as_one_is_named():
    plan = CheckPlan(catalog.load_text(dead_unit(w2=2), "dead.toml"), Tolerance(4))
    # ŷ = 0, δ₂ = −1, ∂L/∂a₁ = −2; with ReLU′(0) = 1 the student writes δ₁ = −2 instead of 0
    assert verdicts(plan, "s1.delta1 = -2") == {"s1.delta1": ("wrong", "relu_prime_zero_as_one")}


def test_sum_instead_of_mean_is_named():
    # one batch of (1, 3) and (2, 4) with w = 1, b = 0: ŷ = 1 and 2, so ∂L/∂b₂ is −2 for each sample;
    # the batch mean is −2 and the sum −4
    text = one_one_one('["relu", "identity"]', "1 0 1 0", "[{ x = 1, y = 3 }, { x = 2, y = 4 }]",
                       'mode = "minibatch"\nbatch_size = 2')
    plan = CheckPlan(catalog.load_text(text, "batch.toml"), Tolerance(4))
    assert verdicts(plan, "s1.dL_db2 = -2") == {"s1.dL_db2": ("correct", None)}
    assert verdicts(plan, "s1.dL_db2 = -4") == {"s1.dL_db2": ("wrong", "sum_instead_of_mean")}


# --- what students write -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "line, verdict",
    [
        ('s2.b1 = "0.02 - 0.01*(-1.9164)"', "correct"),
        ('s2.dL_dW1 = "delta1*x"', "correct"),
        ('s1.W1 = "51/50"', "correct"),
        ('s1.W1 = "102/100"', "correct"),
        ('s1.w1 = 1.02', "correct"),
        ('S1.W1 = 1.02', "correct"),
        ("s1.W1 = 1.02e0", "correct"),
        ("s1.W1 = '\\frac{51}{50}'", "correct"),
        ('s1.W1 = "\\\\frac{51}{50}"', "correct"),
        ('s1.W1 = "\\frac{51}{50}"', "invalid"),
        ("s1.W1 = nan", "invalid"),
        ("s1.W1 = inf", "invalid"),
        ('s1.W1 = ""', "invalid"),
        ('s1.W1 = "   "', "invalid"),
        ('s1.W1 = "abc"', "invalid"),
        ('s1.W1 = "1/0"', "invalid"),
        ('s1.W1 = "nan"', "invalid"),
        ("s1.W1 = true", "invalid"),
        ("s1.W1 = [1, 2]", "invalid"),
        ('s1.W1 = "__import__(\'os\').system(\'true\')"', "invalid"),
        ("s1.nothing = 1", "invalid"),
    ],
)
def test_what_students_write(plan, line, verdict):
    (result,) = verdicts(plan, line).values()
    assert result[0] == verdict, line


def test_vectors_and_matrices_whole_or_by_element():
    # leaky-relu-mse-sgd by hand: z₁ = xW₁ + b₁ = [0.8, 0], ŷ = [0.4, −0.06], δ₂ = ŷ − y = [−0.6, −0.06],
    # ∂L/∂a₁ = δ₂W₂ᵀ = [−0.288, −0.204], δ₁ = [−0.288, 0.1·(−0.204)] (LeakyReLU′(0) = slope), and
    # W₁ − 0.1·xᵀδ₁ with x = [1, 2, −1]:
    plan = CheckPlan(catalog.load("leaky-relu-mse-sgd"), Tolerance(4))
    text = "\n".join([
        "s1.W1 = [[0.2288, -0.39796], [0.1576, 0.30408], [-0.3288, 0.19796]]",
        '"s1.W1[3,2]" = 0.19796',
        's1."W1[1,1]" = 9',
        "s1.z1 = [0.8, 0]",
        '"s1.z1[2]" = 0',
        "s1.b1 = [[0.1288, 0.002]]",
        "s1.b2 = [1, 2, 3]",
        '"s1.W1[4,1]" = 1',
    ])
    result = verdicts(plan, text)
    assert result["s1.W1"][0] == "correct"
    assert result["s1.W1[3,2]"][0] == "correct"
    assert result["s1.W1[1,1]"][0] == "wrong"
    assert result["s1.z1"][0] == "correct" and result["s1.z1[2]"][0] == "correct"
    assert result["s1.b1"][0] == "imprecise"  # 0.002 for 0.00204: one significant figure
    assert result["s1.b2"][0] == "invalid"  # three values for a 1×2 vector
    assert result["s1.W1[4,1]"][0] == "invalid"


# --- the command --------------------------------------------------------------------------------


def write(tmp_path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_check_command_exit_codes_and_json(tmp_path):
    good = write(tmp_path, "good.toml", as_answers(hand_sgd(*START), 4))
    slip = write(tmp_path, "slip.toml", as_answers(hand_sgd(*START, slips={"s2.b1": Fraction("0.0389")}), 4))
    result = run_solver("check", "relu-111-sgd", good)
    assert result.returncode == 0, result.stderr
    assert "Score 51/51" in result.stdout
    result = run_solver("check", "relu-111-sgd", good, slip, "--format", "json")
    assert result.returncode == 1
    document = json.loads(result.stdout)
    assert document["problem"] == "relu-111-sgd"
    files = document["files"]
    assert [f["file"] for f in files] == [good, slip]
    assert files[0]["score"] == files[0]["max_score"] == 51
    for entry in files[1]["results"]:
        assert {"key", "verdict", "given", "expected"} <= entry.keys()
        assert entry["verdict"] in ("correct", "follows_through", "imprecise", "wrong", "invalid", "missing")
    b1 = next(r for r in files[1]["results"] if r["key"] == "s2.b1")
    assert b1["verdict"] == "wrong" and b1["given"] == "0.0389" and b1["expected"] == "0.0392"


def test_unreadable_answer_file_is_exit_2_with_one_line(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_bytes(b"s1.z1 = 1\ns1.a1 = \"\xff\"\n")
    bad = str(bad)
    result = run_solver("check", "relu-111-sgd", bad)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "bad.toml: line 2" in result.stderr
    good = write(tmp_path, "good.toml", "s1.z1 = 1\n")
    result = run_solver("check", "relu-111-sgd", good, bad, "--format", "json")
    assert result.returncode == 2
    assert json.loads(result.stdout)["files"][0]["score"] == 1


def test_many_files_give_a_summary(tmp_path):
    paths = [write(tmp_path, f"s{i}.toml", f"s1.z1 = {i}\n") for i in range(3)]
    result = run_solver("check", "relu-111-sgd", *paths, env={"COLUMNS": "250"})
    assert result.returncode == 1
    assert "Class summary" in result.stdout
    for path in paths:
        assert path.split("/")[-1] in result.stdout


def test_template_filled_in_is_all_correct(tmp_path):
    template = run_solver("template", "relu-111-sgd").stdout
    values = {f"s{k}.{name}": decimal_text(v, 4) for k, row in enumerate(hand_sgd(*START), 1) for name, v in row.items()}
    filled = "\n".join(
        f"{line.split(' = ')[0]} = {values[line.split(' = ')[0]]}" if " = " in line and not line.startswith("#") else line
        for line in template.splitlines()
    )
    result = run_solver("check", "relu-111-sgd", write(tmp_path, "filled.toml", filled), "--format", "json")
    assert result.returncode == 0
    assert json.loads(result.stdout)["files"][0]["score"] == 51


def test_gradescope_results_follow_the_published_format(tmp_path):
    answers = write(tmp_path, "a.toml", as_answers(hand_sgd(*START, slips={"s2.b1": Fraction("0.0389")}), 4))
    target = tmp_path / "results.json"
    result = run_solver("check", "relu-111-sgd", answers, "--gradescope", str(target))
    assert result.returncode == 1
    results = json.loads(target.read_text())
    assert isinstance(results["score"], float) and results["score"] == 50.0
    assert results["visibility"] in ("hidden", "after_due_date", "after_published", "visible")
    assert results["stdout_visibility"] in ("hidden", "after_due_date", "after_published", "visible")
    assert len(results["tests"]) == 51
    for test in results["tests"]:
        assert set(test) <= {"score", "max_score", "status", "name", "name_format", "number", "output",
                             "output_format", "tags", "visibility", "extra_data"}
        assert isinstance(test["name"], str) and isinstance(test["output"], str)
        assert isinstance(test["score"], float) and test["max_score"] == 1.0
        assert test["status"] in ("passed", "failed")
        assert test["output_format"] in ("text", "html", "simple_format", "md", "ansi")
    assert sum(t["score"] for t in results["tests"]) == results["score"]
    failed = [t for t in results["tests"] if t["status"] == "failed"]
    assert [t["name"].split(":")[0] for t in failed] == ["s2.b1"]
    assert run_solver("check", "relu-111-sgd", answers, answers, "--gradescope", str(target)).returncode == 2
