"""The cases of the issue on judging real student work, each worked by hand."""

from __future__ import annotations

import json

import pytest

from solver.checking.checker import CheckPlan
from solver.checking.tolerance import Tolerance
from solver.kinds import catalog
from solver.reading.answer_file import parse_answers
from tests.conftest import run_solver


def results(problem: str, text: str, tolerance: Tolerance = Tolerance(4)):
    plan = CheckPlan(catalog.load(problem) if isinstance(problem, str) else problem, tolerance)
    report = plan.check(parse_answers(text.encode(), "answers.toml"), "answers.toml")
    return report, {r.key: r for r in report.results}


def verdict(problem: str, line: str) -> tuple[str, str | None]:
    _, found = results(problem, line)
    (result,) = found.values()
    return result.verdict, result.mistake


# --- precision ----------------------------------------------------------------------------------


def test_a_correctly_rounded_answer_is_accepted():
    # the margin of svm-six-points is √2/4 = 0.35355…; to 2 places 0.35, which the old 0.5 % cap refused
    assert verdict("svm-six-points", "margin = 0.35") == ("correct", None)
    # p₂ = e/(e² + e + e^0.1) = 2.71828/11.21251 = 0.24243…
    assert verdict("softmax-ce", "p2 = 0.24") == ("correct", None)


def test_too_few_significant_figures_is_imprecise_and_says_so():
    # s2.b1 of relu-111-sgd is 0.03916376: 0.04 is it to 2 places, but one significant figure
    _, found = results("relu-111-sgd", "s2.b1 = 0.04")
    assert found["s2.b1"].verdict == "imprecise"
    assert "1 significant figure" in found["s2.b1"].reason and "at least 2" in found["s2.b1"].reason
    assert verdict("relu-111-sgd", "s2.b1 = 0.039") == ("correct", None)


HALVES = b"""
kind = "graph"
title = "a sum of 3.5"
[inputs]
a = 1.5
b = 2
[nodes]
c = "a + b"
[derivative]
of = "c"
wrt = "a"
"""


@pytest.mark.parametrize("written, expected", [("4", "imprecise"), ("3", "imprecise"), ("3.5", "correct"),
                                               ("2", "wrong"), ("3.0", "wrong")])
def test_four_for_three_and_a_half(written, expected):
    # 3.5 rounds half-up to 4 and truncates to 3: right to the digit written; 2 is neither, and 3.0
    # claims a tenth it does not have (0.5 off, beyond 1.5 tenths)
    _, found = results(catalog.load_text(HALVES, "halves.toml"), f"c = {written}")
    assert found["c"].verdict == expected


def test_a_problem_sets_the_figures_it_asks_for():
    problem = catalog.load_text(HALVES.replace(b'title = "a sum of 3.5"', b'title = "t"\ntolerance = { min_significant = 1 }'),
                                "halves.toml")
    assert problem.min_significant == 1
    _, found = results(problem, "c = 4", Tolerance(4, min_significant=problem.min_significant))
    assert found["c"].verdict == "correct"


# --- follow-through from what was written ---------------------------------------------------------


def test_the_message_quotes_the_students_own_numbers():
    # s2.W1 written 1.0588 and s2.b1 0.0388 (both slips: 1.058327…, 0.039164); s3.z1 = w₁·3 + b₁ from them is
    # 3·1.0588 + 0.0388 = 3.2152 exactly, which the student wrote
    _, found = results("relu-111-sgd", "s2.W1 = 1.0588\ns2.b1 = 0.0388\ns3.z1 = 3.2152\n")
    z1 = found["s3.z1"]
    assert z1.verdict == "follows_through"
    assert z1.working == "w₁·x + b₁ = 1.0588·3 + 0.0388 = 3.2152"
    assert z1.yours == "3.2152"
    # a wrong value is told what its own inputs give, to the places written
    _, found = results("relu-111-sgd", "s2.W1 = 1.0588\ns2.b1 = 0.0388\ns3.z1 = 3.4\n")
    assert found["s3.z1"].verdict == "wrong"
    assert found["s3.z1"].working == "w₁·x + b₁ = 1.0588·3 + 0.0388 = 3.2"


def test_a_value_worked_from_correct_rounded_values_is_correct():
    # relu-111-sgd-small, update 2: ŷ = 0.5550591…, written 0.5550; L = ½(ŷ − 4)² is 5.9338089 exactly, but
    # from the 0.5550 written, ½(3.445)² = 5.9340125: 2 units of the 4th place off, and right
    _, found = results("relu-111-sgd-small", "s2.yhat = 0.5550\ns2.loss = 5.9340\n")
    assert {r.verdict for r in found.values()} == {"correct"}
    _, found = results("relu-111-sgd-small", "s2.yhat = 0.5550\ns2.loss = 5.9334\n")
    assert found["s2.loss"].verdict == "wrong" and found["s2.loss"].working == "½(ŷ − y)² = ½(0.5550 − 4)² = 5.9340"


# --- formulas as functions --------------------------------------------------------------------------


def test_a_formula_right_only_at_these_numbers_is_wrong():
    # ∂L/∂p₂ = −y₂/p₂ is 0 here (y₂ = 0), and so is 5y₂/p₂: as functions of the labels they differ
    _, found = results("softmax-ce", 'dL_dp2 = "5*y2/p2"\ndL_dp1 = "-y1/p1"\ndL_dz1 = "p1 - 1"\n')
    assert (found["dL_dp2"].verdict, found["dL_dp2"].mistake) == ("wrong", "equal_only_at_these_numbers")
    assert "only at this problem's values" in found["dL_dp2"].diagnosis
    assert found["dL_dp1"].verdict == "correct"
    assert found["dL_dz1"].mistake == "equal_only_at_these_numbers"  # y₁ = 1 here, not in general


def test_formulas_in_a_network_are_compared_as_functions_too():
    # relu-111-sgd, update 1: w₂ = 1, so ∂L/∂a₁ = δ₂·w₂ equals δ₂ here, but not as a function of w₂
    _, found = results("relu-111-sgd", 's1.dL_da1 = "delta2"\ns1.dL_dW2 = "delta2*a1"\ns2.dL_dW1 = "delta1*x"\n')
    assert (found["s1.dL_da1"].verdict, found["s1.dL_da1"].mistake) == ("wrong", "equal_only_at_these_numbers")
    assert found["s1.dL_dW2"].verdict == "correct" and found["s2.dL_dW1"].verdict == "correct"


def test_vector_and_matrix_formulas_in_a_graph():
    text = "\n".join([
        'local.dz_dx = "W1"',
        'local.dR_dh = "transpose(r)"',
        'local.dS_dy = "y - s"',           # a column for the row (y − s)ᵀ: the same vector
        'local.dh_dz = "h*(1 - h)"',       # the diagonal Jacobian by its diagonal, element by element
        'path1.dE_dx = "transpose(y - s)"',
        'local.dy_dh = "W1"',              # 3×2 for a 2×3
    ])
    _, found = results("graph-skip", text)
    for key in ("local.dz_dx", "local.dR_dh", "local.dS_dy", "local.dh_dz", "path1.dE_dx"):
        assert found[key].verdict == "correct", found[key]
    assert found["local.dy_dh"].verdict == "invalid" and "3×2" in found["local.dy_dh"].reason


def test_a_diagonal_jacobian_answered_by_its_diagonal():
    # σ′(z) at z = (1.5, 0.5, −1.5): σ(1.5)(1 − σ(1.5)) = 0.8176·0.1824 = 0.1491, σ′(0.5) = 0.2350
    _, found = results("graph-skip", "local.dh_dz = [0.1491, 0.2350, 0.1491]\n")
    assert found["local.dh_dz"].verdict == "correct"
    _, found = results("graph-skip", "local.dh_dz = [0.1491, 0.2350, 0.2]\n")
    assert found["local.dh_dz"].verdict == "wrong"


# --- mistakes are evidence ---------------------------------------------------------------------------


def test_an_indistinguishable_variant_is_never_named():
    # relu-111-sgd-small, update 2: z₁ > 0, so δ₁ without ReLU′ is δ₁ itself; a wrong δ₁ is not blamed on it
    _, found = results("relu-111-sgd-small", "s2.delta1 = -0.5\n")
    assert found["s2.delta1"].verdict == "wrong"
    assert found["s2.delta1"].mistake != "missing_factor" and "missing_factor" not in found["s2.delta1"].also


def test_the_json_report_carries_mistakes_also_and_patterns(tmp_path):
    # relu-111-sgd: every update with ŷ − y as the gradient (update 1: ŷ = 1, y = 3, so ŷ − y = −2;
    # W₁ ← 1 − 0.01·(−2) = 1.02 is right there, as ∂L/∂w₁ = −2 too; b₁ ← 0.02 likewise); update 2 from them
    path = tmp_path / "a.toml"
    path.write_text("s2.dL_dW2 = -1.8788\ns2.dL_dW1 = -1.8788\ns2.dL_da1 = -1.8788\n")
    result = run_solver("check", "relu-111-sgd", str(path), "--format", "json")
    assert result.returncode == 1
    report = json.loads(result.stdout)["files"][0]
    wrong = [r for r in report["results"] if r["verdict"] == "wrong"]
    assert {r["mistake"] for r in wrong} == {"output_error_as_gradient"}
    assert all(isinstance(r["also"], list) for r in wrong)
    assert [p["mistake"] for p in report["patterns"]] == ["output_error_as_gradient"]
    assert report["patterns"][0]["keys"] == ["s2.dL_dW2", "s2.dL_da1", "s2.dL_dW1"]
    terminal = run_solver("check", "relu-111-sgd", str(path), env={"COLUMNS": "200"})
    assert "Every gradient is ŷ − y" in terminal.stdout


# --- values a formula cannot be worked from ------------------------------------------------------------


def test_a_formula_undefined_on_the_students_values_is_judged_not_a_crash():
    # softmax-ce with p₁ written 0: −y₁/p₁ and log(p₁) have no value from it.  The exact p₁ is
    # e²/(e² + e + e^0.1) = 7.3891/11.2125 = 0.6590, so ∂L/∂p₁ = −1/0.6590 = −1.5174 and L = −log 0.6590 = 0.4170
    _, found = results("softmax-ce", "p1 = 0\nloss = 1\ndL_dp1 = -1\n")
    assert [found[k].verdict for k in ("p1", "loss", "dL_dp1")] == ["wrong"] * 3
    assert found["dL_dp1"].yours is None and "has no value from your own values" in found["dL_dp1"].reason
    assert found["dL_dp1"].formula == "−y₁/p₁"
    # the exact values are still right, whatever was written before them
    _, found = results("softmax-ce", "p1 = 0\nloss = 0.4170\ndL_dp1 = -1.5174\n")
    assert (found["loss"].verdict, found["dL_dp1"].verdict) == ("correct", "correct")
    # svm-six-points: ‖w‖ written 0, so 1/‖w‖ has no value; the margin √2/4 = 0.3536 is still right
    _, found = results("svm-six-points", "norm_w = 0\nmargin = 0.3536\nwidth = 2\n")
    assert (found["margin"].verdict, found["width"].verdict) == ("correct", "wrong")
    assert "2/‖w‖ has no value" in found["width"].reason
    # a formula answer worked on those values: compared as a function, so still right
    _, found = results("softmax-ce", 'p1 = 0\ndL_dp1 = "-y1/p1"\n')
    assert found["dL_dp1"].verdict == "correct"
    # kernel-xor with K written all ones: M (from K's rows and the labels) is singular, so its α have no value
    # there; α_A = 1/8 = 0.125 is still right, 0.2 wrong
    _, found = results("kernel-xor", "K = [[1, 1, 1, 1], [1, 1, 1, 1], [1, 1, 1, 1], [1, 1, 1, 1]]\n"
                                     "alpha.A = 0.125\nalpha.B = 0.2\n")
    assert (found["alpha.A"].verdict, found["alpha.B"].verdict) == ("correct", "wrong")
    assert "has no value from your own values" in found["alpha.B"].reason
    # a wrong one is told so as a function, not that it was compared with a value
    _, found = results("softmax-ce", 'p1 = 0\ndL_dp1 = "y1/p1"\n')
    assert found["dL_dp1"].verdict == "wrong"
    assert found["dL_dp1"].reason == "as a function of the problem's givens, this is not −y₁/p₁"


def test_every_key_of_every_built_in_answered_with_one_number_is_graded():
    # zeros divide and take logarithms of zero, −1 takes roots and logarithms of negatives: every key is judged
    for name in catalog.builtin_names():
        plan = CheckPlan(catalog.load(name), Tolerance(4))
        for value in ("0", "-1", "1"):
            text = "".join(f'"{c.step.key}" = {value}\n' for c in plan.steps)
            report = plan.check(parse_answers(text.encode(), "answers.toml"), "answers.toml")
            assert report.error is None and len(report.results) == len(plan.steps), (name, value)


def test_the_command_line_reports_an_undefined_step_in_its_row(tmp_path):
    path = tmp_path / "zero.toml"
    path.write_text("p1 = 0\nloss = 1\ndL_dp1 = -1\n")
    result = run_solver("check", "softmax-ce", str(path), env={"COLUMNS": "200"})
    assert result.returncode == 1 and "not graded" not in result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert "−y₁/p₁ has no value from your own values" in result.stdout


def test_the_class_summary_counts_each_named_mistake_once_per_file(tmp_path):
    # relu-111-sgd: a.toml is the ŷ − y pattern above (three answers, one mistake); b.toml and c.toml update
    # w₁ the wrong way: 1 + 0.01·(−2) = 0.98 for 1 − 0.01·(−2) = 1.02 (c.toml twice, also b₁ = 0 + 0.01·(−2))
    (tmp_path / "a.toml").write_text("s2.dL_dW2 = -1.8788\ns2.dL_dW1 = -1.8788\ns2.dL_da1 = -1.8788\n")
    (tmp_path / "b.toml").write_text("s1.W1 = 0.98\n")
    (tmp_path / "c.toml").write_text("s1.W1 = 0.98\ns1.b1 = -0.02\n")
    result = run_solver("check", "relu-111-sgd", *(str(tmp_path / f"{n}.toml") for n in "abc"),
                        env={"COLUMNS": "160"})
    table = result.stdout[result.stdout.index("Most common mistakes"):result.stdout.index("Keys most often")]
    rows = {line.split()[1]: line.split()[3] for line in table.splitlines() if "/3" in line}
    assert rows == {"update_sign_flipped": "2/3", "output_error_as_gradient": "1/3"}
    assert "s1.W1, s1.b1" in table


def test_a_value_written_in_thousands_is_told_its_own_value_in_whole_units():
    # relu-111-sgd, update 1: ŷ = z₂ = w₂·a₁ + b₂ = 1; "1e3" is written to the thousands, but z₂ is shown as 1, not 0
    _, found = results("relu-111-sgd", "s1.yhat = 1e3\n")
    assert found["s1.yhat"].verdict == "wrong" and found["s1.yhat"].yours == "1"
