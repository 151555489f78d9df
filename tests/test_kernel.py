"""The kernel kind: built-ins worked by hand, PSD verdicts against numpy's eigenvalues, kernel SVMs against
scikit-learn's SVC on the precomputed Gram matrix, named mistakes, and bad problem files."""

from __future__ import annotations

import json
import random
from fractions import Fraction

import numpy as np
import pytest
import sympy
from conftest import run_solver

from solver.checking.template import answer_template
from solver.errors import InputError
from solver.kinds import catalog
from solver.maths import gram
from solver.render.terminal import fragments as note_text

KERNEL_BUILTINS = ["kernel-rings", "kernel-line-abs", "kernel-polynomial-valid", "kernel-not-a-kernel", "kernel-xor"]


def value(derivation, key):
    """A key's exact value: a number, a tuple for a vector or matrix (row-major), or a set's members."""
    quantity = derivation.by_key[key.lower()]
    if quantity.is_set:
        return set(quantity.members())
    values = [v.exact for v in quantity.values]
    return values[0] if quantity.is_scalar else tuple(values)


def solve(text: str):
    return catalog.load_text(text.encode(), "test.toml")


@pytest.fixture(scope="module")
def loaded():
    return {name: catalog.load(name) for name in KERNEL_BUILTINS}


# --- the built-ins, worked by hand --------------------------------------------------------------


def test_rings_are_separated_by_the_squared_radius(loaded):
    d = loaded["kernel-rings"]
    # φ = x₁² + x₂²: A(1,0) → 1, B(0,−1) → 1, C(−1,1) → 2, D(3,0) → 9, E(0,3) → 9, F(−2,−2) → 8.
    assert [value(d, f"phi.{p}") for p in "ABCDEF"] == [1, 1, 2, 9, 9, 8]
    # A one-dimensional map: ΣₘΣₙ φₘφₙ = (Σφ)² = 30² = 900, so ‖μ_φ‖ = 30/6 = 5.
    assert value(d, "sum_K") == 900 and value(d, "mean_norm") == 5
    # The threshold lies halfway between C (φ = 2, +1) and F (φ = 8, −1): φ = 5, margin 3, so
    # w = −1/3 and b = 5/3 (f(C) = 1, f(F) = −1).
    assert value(d, "w") == sympy.Rational(-1, 3) and value(d, "b") == sympy.Rational(5, 3)
    assert value(d, "margin") == 3 and value(d, "support_vectors") == {"C", "F"}
    # Q(2, 0) maps to 4, inside the boundary φ = 5: f = −4/3 + 5/3 = 1/3, class +1.
    assert value(d, "phi.Q") == 4 and value(d, "f.Q") == sympy.Rational(1, 3) and value(d, "class.Q") == 1


def test_rings_are_not_separable_in_the_input_space(loaded):
    notes = [note_text(note, loaded["kernel-rings"], 4) for s in loaded["kernel-rings"].sections for note in s.notes]
    assert any("In the input space the points are not linearly separable" in n for n in notes)


def test_points_on_a_line_under_distance_from_c(loaded):
    d = loaded["kernel-line-abs"]
    # φ(x) = |x − 2| on 0, 1, 2, 3, 4, 5 gives 2, 1, 0, 1, 2, 3; the +1 points have φ ≤ 1, the −1
    # points φ ≥ 2: threshold 3/2, margin 1/2, so w = −2, b = 3.
    assert [value(d, f"phi.{p}") for p in "ABCDEF"] == [2, 1, 0, 1, 2, 3]
    assert value(d, "w") == -2 and value(d, "b") == 3 and value(d, "margin") == sympy.Rational(1, 2)
    # Q = 5/2 maps to 1/2: f = −2·½ + 3 = 2, class +1.
    assert value(d, "phi.Q") == sympy.Rational(1, 2) and value(d, "f.Q") == 2 and value(d, "class.Q") == 1


def test_polynomial_kernel_is_the_dot_product_of_its_map(loaded):
    d = loaded["kernel-polynomial-valid"]
    # (x·y + 1)² on A(1,0), B(0,1), C(1,1), D(2,−1), worked by hand: A·A = 1 → 4, A·B = 0 → 1,
    # A·C = 1 → 4, A·D = 2 → 9, B·B = 1 → 4, B·C = 1 → 4, B·D = −1 → 0, C·C = 2 → 9, C·D = 1 → 4,
    # D·D = 5 → 36.
    K = (4, 1, 4, 9, 1, 4, 4, 0, 4, 4, 9, 4, 9, 0, 4, 36)
    assert value(d, "K") == K
    assert value(d, "K_phi") == K
    assert value(d, "phi.A") == (1, 0, 0, sympy.sqrt(2), 0, 1)
    assert value(d, "psd") == 1
    eigenvalues = np.linalg.eigvalsh(np.array(K, dtype=float).reshape(4, 4))
    assert eigenvalues.min() > 0
    notes = " ".join(note_text(n, d, 4) for s in d.sections for n in s.notes)
    assert "K(x, y) = ⟨φ(x), φ(y)⟩ for every x and y" in notes
    # The pivots multiply to det K (K = L·D·Lᵀ with L unit triangular).
    pivots = value(d, "pivots")
    assert sympy.prod(pivots) == sympy.Matrix(4, 4, K).det()


def test_a_non_kernel_is_refuted_by_a_witness(loaded):
    d = loaded["kernel-not-a-kernel"]
    # K(x, y) = xy − 1 on 1, 2, 3: [[0, 1, 2], [1, 3, 5], [2, 5, 8]]; the first pivot is 0 with a
    # non-zero column below it.
    K = (0, 1, 2, 1, 3, 5, 2, 5, 8)
    assert value(d, "K") == K
    c = [int(v.exact) for v in d.by_key["witness"].values]
    quadratic = sum(c[i] * c[j] * K[3 * i + j] for i in range(3) for j in range(3))
    assert quadratic < 0 and value(d, "cKc") == quadratic and value(d, "psd") == 0
    assert np.linalg.eigvalsh(np.array(K, dtype=float).reshape(3, 3)).min() < 0
    # Cauchy–Schwarz fails already: K(A,B)² = 1 > K(A,A)·K(B,B) = 0.
    assert value(d, "cauchy_schwarz")[1] == -1


def test_xor_kernel_svm(loaded):
    d = loaded["kernel-xor"]
    # The classic answer for (x·y + 1)² on (±1, ±1): every αᵢ = 1/8, b = 0, and f(x) = −x₁x₂
    # (Σᵢ αᵢyᵢ(xᵢ·x + 1)² = −x₁x₂); ‖w‖² = Σαᵢ = 1/2.
    assert [value(d, f"alpha.{p}") for p in "ABCD"] == [sympy.Rational(1, 8)] * 4
    assert value(d, "b") == 0
    assert value(d, "norm_w") == sympy.sqrt(2) / 2 and value(d, "margin") == sympy.sqrt(2)
    assert value(d, "f.Q") == 1 and value(d, "class.Q") == 1  # Q = (2, −1/2): −2·(−1/2) = 1
    assert value(d, "support_vectors") == {"A", "B", "C", "D"}


# --- independent references -------------------------------------------------------------------


def _random_symmetric(rng: random.Random) -> list[list[Fraction]]:
    n = rng.randint(1, 6)
    factors = [[Fraction(rng.randint(-3, 3)) for _ in range(rng.randint(1, 4))] for _ in range(n)]
    K = [[sum((a * b for a, b in zip(factors[i], factors[j])), Fraction(0)) for j in range(n)] for i in range(n)]
    for i in range(n):
        if rng.random() < 0.3:
            K[i][i] += rng.randint(-2, 2)
    if n > 1 and rng.random() < 0.2:
        i, j = rng.sample(range(n), 2)
        K[i][j] += 1
        K[j][i] += 1
    return K


@pytest.mark.parametrize("seed", range(6))
def test_psd_certificate_agrees_with_numpy_eigenvalues(seed):
    rng = random.Random(seed)
    for _ in range(400):
        K = _random_symmetric(rng)
        certificate = gram.certificate(K)
        smallest = np.linalg.eigvalsh(np.array(K, dtype=float)).min()
        scale = max(1.0, float(max(abs(v) for row in K for v in row)))
        if abs(smallest) < 1e-9 * scale:
            continue  # singular to floating point: numpy cannot tell the sign, the exact pivots can
        assert certificate.is_psd == (smallest > 0), (K, certificate)
        if not certificate.is_psd:
            c = certificate.witness
            assert sum(c[i] * c[j] * K[i][j] for i in range(len(K)) for j in range(len(K))) < 0


@pytest.mark.parametrize("seed", range(4))
def test_formula_kernels_psd_verdict_matches_eigenvalues(seed):
    rng = random.Random(100 + seed)
    n = rng.randint(2, 5)
    xs = rng.sample(range(-4, 5), n)
    k = rng.randint(-3, 3)
    text = f'''kind = "kernel"
title = "random"
points = [{", ".join(f'{{ name = "P{i}", x = {x} }}' for i, x in enumerate(xs))}]
kernel = "x*y + ({k})"
'''
    d = solve(text)
    K = np.array([[x * y + k for y in xs] for x in xs], dtype=float)
    smallest = np.linalg.eigvalsh(K).min()
    if abs(smallest) > 1e-9:
        assert value(d, "psd") == (1 if smallest > 0 else 0)


def _svm_problem(points, labels, kernel: str, queries=()) -> str:
    rows = ", ".join(f'{{ name = "P{i}", x = [{p[0]}, {p[1]}], y = {y} }}' for i, (p, y) in enumerate(zip(points, labels)))
    text = f'kind = "kernel"\ntitle = "random SVM"\npoints = [{rows}]\n'
    if queries:
        text += "queries = [" + ", ".join(f'{{ name = "Q{i}", x = [{q[0]}, {q[1]}] }}' for i, q in enumerate(queries)) + "]\n"
    return text + f"kernel = {kernel}\n"


@pytest.mark.parametrize("seed", range(5))
def test_kernel_svm_matches_scikit_learn(seed):
    from sklearn.svm import SVC

    rng = random.Random(seed)
    while True:
        points = rng.sample([(a, b) for a in range(-2, 3) for b in range(-2, 3)], 5)
        labels = [rng.choice((-1, 1)) for _ in points]
        if len(set(labels)) == 2:
            break
    queries = [(rng.randint(-3, 3), rng.randint(-3, 3)) for _ in range(2)]
    d = solve(_svm_problem(points, labels, '{ type = "polynomial", degree = 2, c = 1 }', queries))
    K = np.array([[(a[0] * b[0] + a[1] * b[1] + 1) ** 2 for b in points] for a in points], dtype=float)
    svc = SVC(kernel="precomputed", C=1e8, tol=1e-10).fit(K, labels)
    alpha_y = np.zeros(len(points))
    alpha_y[svc.support_] = svc.dual_coef_[0]
    ours = np.array([float(value(d, f"alpha.P{i}")) * labels[i] for i in range(len(points))])
    assert np.allclose(ours, alpha_y, atol=1e-4 * max(1, np.abs(alpha_y).max()))
    assert float(value(d, "b")) == pytest.approx(svc.intercept_[0], abs=1e-4)
    decisions = svc.decision_function(K)
    assert [float(value(d, f"f.P{i}")) for i in range(len(points))] == pytest.approx(list(decisions), abs=1e-4)
    Kq = np.array([[(q[0] * p[0] + q[1] * p[1] + 1) ** 2 for p in points] for q in queries], dtype=float)
    assert [float(value(d, f"f.Q{i}")) for i in range(len(queries))] == pytest.approx(list(svc.decision_function(Kq)),
                                                                                   abs=1e-4)


def test_rbf_kernel_svm_matches_scikit_learn_to_60_digit_values():
    from sklearn.svm import SVC

    points, labels = [(0, 0), (1, 1), (1, 0), (0, 1)], [-1, -1, 1, 1]
    d = solve(_svm_problem(points, labels, '{ type = "rbf", gamma = 1 }'))
    X = np.array(points, dtype=float)
    K = np.exp(-((X[:, None, :] - X[None, :, :]) ** 2).sum(axis=2))
    svc = SVC(kernel="precomputed", C=1e8, tol=1e-12).fit(K, labels)
    assert [float(d.by_key[f"f.p{i}"].values[0].approx) for i in range(4)] == pytest.approx(
        list(svc.decision_function(K)), abs=1e-5)
    assert d.by_key["k"].values[1].exact == sympy.exp(-2)  # K(P0, P1) = e^(−‖(0,0) − (1,1)‖²)
    notes = " ".join(note_text(n, d, 4) for s in d.sections for n in s.notes)
    assert "60-digit" in notes


def test_linear_kernel_on_xor_is_not_separable():
    d = solve(_svm_problem([(1, 1), (-1, -1), (1, -1), (-1, 1)], [-1, -1, 1, 1], '"linear"'))
    notes = " ".join(note_text(n, d, 4) for s in d.sections for n in s.notes)
    assert "No hyperplane in the feature space separates the classes" in notes
    assert "alpha.p0" not in d.by_key


def test_map_without_its_root_two_is_not_the_kernel():
    d = solve('kind = "kernel"\ntitle = "t"\npoints = [{ x = [1, 2] }, { x = [0, 1] }]\n'
              'feature_map = ["x1^2", "x1*x2", "x2^2"]\nkernel = { type = "polynomial", degree = 2 }\n')
    notes = " ".join(note_text(n, d, 4) for s in d.sections for n in s.notes)
    assert "K(x, y) ≠ ⟨φ(x), φ(y)⟩ in general" in notes
    # (x·y)² at (1,2), (1,2) is 25; without the √2 the map gives 1 + 4 + 16 = 21.
    assert value(d, "K")[0] == 25 and value(d, "K_phi")[0] == 21


# --- checking answers ---------------------------------------------------------------------------


def _answers(derivation) -> str:
    """Every step's value written to 8 places (sets as names)."""
    lines = []
    for step in derivation.steps:
        text = lambda v: format(round(v.approx, 8), "f")
        if step.is_set:
            lines.append(f"{step.key} = {json.dumps(list(step.members()))}")
        elif step.is_equation:
            continue
        elif step.is_scalar:
            lines.append(f'{step.key} = "{text(step.values[0])}"')
        elif step.is_vector:
            lines.append(f"{step.key} = [{', '.join(json.dumps(text(v)) for v in step.values)}]")
        else:
            rows = ", ".join("[" + ", ".join(json.dumps(text(v)) for v in r) + "]" for r in step.rows())
            lines.append(f"{step.key} = [{rows}]")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("problem", KERNEL_BUILTINS)
def test_every_key_of_a_builtin_checks_correct(problem, loaded, tmp_path):
    answers = tmp_path / "answers.toml"
    answers.write_text(_answers(loaded[problem]), encoding="utf-8")
    result = run_solver("check", problem, str(answers), "--format", "json")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr
    verdicts = {r["key"]: r["verdict"] for r in json.loads(result.stdout)["files"][0]["results"]}
    # Every answered key is correct; only the equations, which the file leaves out, are missing.
    equations = {s.key for s in loaded[problem].steps if s.is_equation}
    assert {k for k, v in verdicts.items() if v == "missing"} == equations
    assert {v for k, v in verdicts.items() if k not in equations} == {"correct"}
    template = answer_template(loaded[problem])
    for step in loaded[problem].steps:
        assert step.key in template


def _diagnosed(problem: str, answers: str, tmp_path) -> dict[str, str | None]:
    path = tmp_path / "answers.toml"
    path.write_text(answers, encoding="utf-8")
    result = run_solver("check", problem, str(path), "--format", "json")
    results = json.loads(result.stdout)["files"][0]["results"]
    return {r["key"]: r.get("mistake") for r in results if r["verdict"] != "missing"}


def test_kernel_mistakes_are_named(tmp_path):
    found = _diagnosed("kernel-polynomial-valid", (
        'phi.C = [1, 1, 1, 1, 1, 1]\n'        # the √2 left out of every cross term: φ(C) = (1, 1, 1, 1, 1, 1)
        '"K[2,4]" = 1\n'                      # (B·D + 1)² = 0; without multinomials 1 + (0 − 1) + 0 + 1 + 0 = 1
        '"K[1,2]" = 4\n'                      # K(A, A) = 4 for K(A, B) = 1
    ), tmp_path)
    assert found == {"phi.C": "missing_sqrt2", "K[2,4]": "missing_sqrt2", "K[1,2]": "same_point_kernel"}
    found = _diagnosed("kernel-polynomial-valid", 'mean_norm = 9.85\n', tmp_path)   # √97 without the ¼
    assert found == {"mean_norm": "sum_instead_of_mean"}
    found = _diagnosed("kernel-polynomial-valid", 'mean_norm = 1.82\n', tmp_path)   # ¼·√(4 + 4 + 9 + 36)
    assert found == {"mean_norm": "same_point_kernel"}
    found = _diagnosed("kernel-xor", 'f.Q = 1\n"f.A" = -1\nmargin = 2.83\n', tmp_path)
    assert found["margin"] == "margin_as_width"


def test_a_support_vector_set_is_not_excused_by_coarse_alphas(tmp_path):
    # kernel-rings: α_C = α_F = 1/18, SV = {C, F}. Written 0.06 each (imprecise, no slip), b is carried from
    # C's margin, which puts C alone on it by the student's own numbers; leaving F out is still wrong.
    def verdict(sv: str) -> tuple[str, str | None]:
        path = tmp_path / "answers.toml"
        path.write_text(f'alpha.C = 0.06\nalpha.F = 0.06\nsupport_vectors = "{sv}"\n', encoding="utf-8")
        result = run_solver("check", "kernel-rings", str(path), "--format", "json")
        found = {r["key"]: r for r in json.loads(result.stdout)["files"][0]["results"]}
        return found["support_vectors"]["verdict"], found["support_vectors"].get("mistake")

    assert verdict("C, F") == ("correct", None)
    assert verdict("C") == ("wrong", "missing_support_vector")
    assert verdict("F") == ("wrong", "missing_support_vector")


def test_messages_quote_matrices_by_rows_and_only_values_the_student_wrote(tmp_path):
    # kernel-xor: K = (x·y + 1)² is 9 on the diagonal and 1 off it. K written all ones is a slip; the
    # pivots [9, 0, 0, 0] are 9 exactly, then 0 from the student's own K (whose pivots are [1, 0, 0, 0]).
    path = tmp_path / "answers.toml"
    path.write_text("K = [[1, 1, 1, 1], [1, 1, 1, 1], [1, 1, 1, 1], [1, 1, 1, 1]]\npivots = [9, 0, 0, 0]\n",
                    encoding="utf-8")
    result = run_solver("check", "kernel-xor", str(path), "--format", "json")
    found = {r["key"]: r for r in json.loads(result.stdout)["files"][0]["results"]}
    assert found["K"]["verdict"] == "wrong"
    assert found["K"]["from_your_values"] == "[[9, 1, 1, 1], [1, 9, 1, 1], [1, 1, 9, 1], [1, 1, 1, 9]]"
    assert found["pivots"]["verdict"] == "follows_through"
    assert found["pivots"]["from_your_values"] == "[9, 0, 0, 0]"  # not [1, 0, 0, 0]: the 9 was written


# --- bad problem files ---------------------------------------------------------------------------

BASE = '''kind = "kernel"
title = "bad"
points = [{ name = "A", x = [1, 0], y = 1 }, { name = "B", x = [0, 1], y = -1 }]
feature_map = ["x1^2", "x2^2"]
'''

BAD = [
    ('feature_map = ["x1^2", "x2^2"]', 'feature_map = ["__import__(\'os\').system(\'true\')"]', "feature_map[1]"),
    ('feature_map = ["x1^2", "x2^2"]', 'feature_map = ["z1^2"]', "unknown name 'z1'"),
    ('feature_map = ["x1^2", "x2^2"]', 'feature_map = []', "feature_map"),
    ('feature_map = ["x1^2", "x2^2"]', 'feature_map = [1]', "feature_map[1]"),
    ('feature_map = ["x1^2", "x2^2"]', 'kernel = { type = "polynomial", degree = 100 }', "kernel.degree"),
    ('feature_map = ["x1^2", "x2^2"]', 'kernel = { type = "rbf", gamma = -1 }', "kernel.gamma"),
    ('feature_map = ["x1^2", "x2^2"]', 'kernel = { type = "rbf", gamma = "sqrt(2)" }', "kernel.gamma"),
    ('feature_map = ["x1^2", "x2^2"]', 'kernel = { type = "polinomial", degree = 2 }', "did you mean 'polynomial'"),
    ('feature_map = ["x1^2", "x2^2"]', 'kernel = { formula = "x1*y3" }', "kernel.formula"),
    ('feature_map = ["x1^2", "x2^2"]', 'kernel = "exp(x1*y1)^exp(99)"', "kernel.formula"),
    ('feature_map = ["x1^2", "x2^2"]', '', "give a feature_map, a kernel, or both"),
    ('x = [1, 0], y = 1 }', 'x = [1, 0], y = 1, z = 2 }', "points[1].z"),
    ('x = [1, 0], y = 1 }', 'x = [10000000, 0], y = 1 }', "points[1].x"),
    ('x = [1, 0], y = 1 }', 'x = ["sqrt(2)", 0], y = 1 }', "points[1].x"),
    ('x = [0, 1], y = -1 }', 'x = [0, 1] }', "points[2].y"),
    ('x = [0, 1], y = -1 }', 'x = [0, 1, 2], y = -1 }', "points[2].x"),
    ('{ name = "B", x = [0, 1], y = -1 }', '{ name = "a", x = [0, 1], y = -1 }', "names are case-insensitive"),
    ('y = -1 }', 'y = 1 }', "same label"),
]


@pytest.mark.parametrize("old, new, expected", BAD, ids=[b[2] for b in BAD])
def test_bad_files_exit_2_with_one_line_naming_the_key(old, new, expected, tmp_path):
    assert old in BASE
    path = tmp_path / "bad.toml"
    path.write_text(BASE.replace(old, new, 1), encoding="utf-8")
    result = run_solver("kernel", str(path))
    assert result.returncode == 2, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and expected in lines[0] and "bad.toml" in lines[0], result.stderr


def test_too_many_points_is_refused():
    rows = ", ".join(f'{{ x = {i} }}' for i in range(13))
    with pytest.raises(InputError, match="limit is 12"):
        solve(f'kind = "kernel"\ntitle = "t"\npoints = [{rows}]\nkernel = "linear"\n')


@pytest.mark.parametrize("kernel", ['"(x1*y1 + x2*y2 + 1)^1000"', '"exp(x1*y1)"'])
def test_absurd_gram_entries_are_refused_quickly(kernel, tmp_path):
    path = tmp_path / "huge.toml"
    path.write_text('kind = "kernel"\ntitle = "t"\npoints = [{ x = [1000000, 0], y = 1 }, { x = [0, 1000000], y = -1 }, '
                    f'{{ x = [1000000, 1000000], y = -1 }}]\nkernel = {kernel}\n', encoding="utf-8")
    result = run_solver("kernel", str(path), timeout=60)
    assert result.returncode == 2 and "huge.toml: kernel" in result.stderr and len(result.stderr.splitlines()) == 1


def test_readme_example_of_a_kernel_file_solves():
    from conftest import ROOT

    blocks = [b.split("\n```")[0] for b in (ROOT / "README.md").read_text(encoding="utf-8").split("```toml\n")[1:]]
    examples = [b for b in blocks if 'kind = "kernel"' in b]
    assert len(examples) == 1
    d = solve(examples[0])
    assert value(d, "f.Q") == 1 and value(d, "b") == 0


@pytest.mark.parametrize("problem", ["kernel-rings", "kernel-xor"])
def test_output_is_the_same_whatever_the_hash_seed(problem):
    outputs = {run_solver("kernel", problem, "--format", fmt, env={"PYTHONHASHSEED": seed}).stdout
               for seed in ("1", "2") for fmt in ("json",)}
    assert len(outputs) == 1


def test_an_asymmetric_kernel_is_not_a_kernel():
    d = solve('kind = "kernel"\ntitle = "t"\npoints = [{ name = "A", x = 1 }, { name = "B", x = 2 }]\n'
              'kernel = "x*y + x"\n')
    # K(A, B) = 1·2 + 1 = 3 but K(B, A) = 2·1 + 2 = 4.
    assert value(d, "K") == (2, 3, 4, 6)
    notes = " ".join(note_text(n, d, 4) for s in d.sections for n in s.notes)
    assert "K is not symmetric: K(A, B) ≠ K(B, A)" in notes and "psd" not in d.by_key
