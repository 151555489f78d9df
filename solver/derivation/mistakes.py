"""The common wrong ways to carry out each operation, as mistake variants of the step doing it.

One function per operation (an update, a loss, an activation's derivative, a softmax Jacobian entry,
a sum over paths, a margin, …): given the operation's inputs as per-cell formulas, it returns the
:class:`~solver.derivation.model.Mistake` variants of its result.  Every kind that performs an
operation takes its variants from here, so the same slip gets the same id and the same words in a
network, a softmax problem and a computational graph.  Variants are listed in the order a checker
names them when several fit equally well (README, "Named mistakes").
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import sympy

from solver.derivation.builder import Cells, as_matrix
from solver.derivation.model import Mistake

# --- wording, shared by every kind -------------------------------------------------------------

REVERSED_ERROR = "The error was taken as y − ŷ instead of ŷ − y, which flips the sign of the gradient."
GRADIENT_WITHOUT_HALF = "This is the derivative of (ŷ − y)², the loss without its ½; with L = ½(ŷ − y)² the 2 cancels."
LOSS_WITHOUT_HALF = "The ½ of L = ½(ŷ − y)² is missing."
LOSS_WITHOUT_MINUS = "The minus sign of the cross-entropy L = −Σ yₖ log pₖ was lost."
LOG_BASE_10 = "The loss uses the natural logarithm; this value is with log base 10."
DERIVATIVE_NAMES = {
    "sigmoid": "σ′(z) = σ(z)(1 − σ(z))",
    "tanh": "tanh′(z) = 1 − tanh²(z)",
    "relu": "ReLU′(z)",
    "leaky_relu": "LeakyReLU′(z)",
}
NO_DOWNSTREAM_WEIGHT = "A chain-rule factor is missing: the weight the error flows back through."
NO_INPUT = "A chain-rule factor is missing: the input the weight multiplies (x, or the previous layer's output)."
OUTPUT_ERROR = ("This is the output error ŷ − y itself: the chain-rule factors between the output and this "
                "quantity are missing.")
OUTPUT_ERROR_PATTERN = "Every gradient is ŷ − y: the chain-rule factors are missing."
RELU_PRIME_ONE = "ReLU′(0) was taken as 1; at a pre-activation of exactly 0 this problem takes it as 0."
SIGMOID_OF_Z = ("σ′ was taken as z(1 − z) of the pre-activation; it is σ(z)(1 − σ(z)), the output times one "
                "minus the output.")
UPDATED_WEIGHT = ("The backward pass used a weight already updated in this step; it must use the weight before "
                  "the update.")
STALE_WEIGHT = "The forward pass used the parameters from before the previous update instead of the updated ones."
SIGN_FLIPPED = "The update went uphill: it must subtract η·gradient, not add it."
NO_LEARNING_RATE = "The learning rate η was left out of the update."
LEARNING_RATE_TWICE = "The learning rate η was applied twice."
SUM_NOT_MEAN = "The batch gradient is the mean over the samples, not their sum."
DIAGONAL_JACOBIAN = ("The softmax Jacobian's off-diagonal terms were left out: every pᵢ depends on every zⱼ, with "
                     "∂pᵢ/∂zⱼ = −pᵢpⱼ for i ≠ j.")
SHORTCUT_WITHOUT_SUM = "p − y holds only when the labels sum to 1; here ∂L/∂zₖ = pₖ·Σy − yₖ."
SCALED = ("w and b are a multiple of the canonical ones: the same boundary, but the canonical w and b make "
          "yᵢ(w·xᵢ + b) = 1 on the support vectors (the equation of the hyperplane may be scaled; w and b may not).")
FLIPPED = ("w and b point the wrong way (a negative multiple of the canonical ones): the boundary is the same, "
           "but the classes swap sides.")


def variant(id: str, diagnosis: str, cells: Cells, pattern: str = "") -> Mistake:
    """A mistake variant with per-cell formulas (a scalar, a nested list or a Matrix)."""
    return Mistake(id, diagnosis, tuple(as_matrix(cells)), pattern=pattern)


# --- losses and the error at the output -----------------------------------------------------------


def prediction_error(cells: Cells) -> list[Mistake]:
    """ŷ − y (or anything built on it, as δ = ŷ − y): written the other way round."""
    return [variant("target_minus_prediction", REVERSED_ERROR, -as_matrix(cells))]


def squared_error_loss(cells: Cells) -> list[Mistake]:
    """L = ½(ŷ − y)²: without its ½."""
    return [variant("loss_without_half", LOSS_WITHOUT_HALF, 2 * as_matrix(cells))]


def squared_error_gradient(cells: Cells) -> list[Mistake]:
    """∂L/∂ŷ = ŷ − y for L = ½(ŷ − y)²: the derivative of the loss without its ½, and ŷ − y reversed."""
    return [*prediction_error(cells), variant("loss_without_half", GRADIENT_WITHOUT_HALF, 2 * as_matrix(cells))]


def cross_entropy_loss(cells: Cells) -> list[Mistake]:
    """L = −Σ yₖ log pₖ: without its minus sign, or with log₁₀."""
    loss = as_matrix(cells)
    return [variant("loss_without_minus", LOSS_WITHOUT_MINUS, -loss),
            variant("log_base_10", LOG_BASE_10, loss / sympy.log(10))]


def cross_entropy_gradient(cells: Cells) -> list[Mistake]:
    """∂L/∂p = −y/p: the loss's minus sign lost (y/p)."""
    return [variant("loss_without_minus", LOSS_WITHOUT_MINUS + " ∂L/∂pᵢ = −yᵢ/pᵢ.", -as_matrix(cells))]


def softmax_cross_entropy_gradient(p: sympy.Basic, y: sympy.Basic, cells: sympy.Basic,
                                   labels_sum_to_one: bool) -> list[Mistake]:
    """∂L/∂zₖ = pₖ − yₖ (or pₖ·Σy − yₖ): reversed, through the Jacobian's diagonal only, or without Σy."""
    mistakes = [*prediction_error(cells), variant("diagonal_jacobian", DIAGONAL_JACOBIAN, -y * (1 - p))]
    if not labels_sum_to_one:
        mistakes.append(variant("shortcut_without_sum", SHORTCUT_WITHOUT_SUM, p - y))
    return mistakes


def output_error(cells: Cells) -> list[Mistake]:
    """A gradient (or an update's gradient) written as the output error ŷ − y, every factor after it left out."""
    return [variant("output_error_as_gradient", OUTPUT_ERROR, cells, pattern=OUTPUT_ERROR_PATTERN)]


# --- the chain rule ------------------------------------------------------------------------------


def activation_derivative(activation: str, upstream: Cells, derivative: Cells, *, relu_at_one: Cells | None = None,
                          pre_activation: Cells | None = None) -> list[Mistake]:
    """upstream ⊙ f′(z): f′(0) taken as 1 for a ReLU, f′ left out, or σ′ taken as z(1 − z).

    ``relu_at_one`` is the result with ReLU′(0) = 1 (given only when the problem takes it otherwise);
    ``pre_activation`` is z, for σ′(z) written as z(1 − z).  f′ left out is named only where f′ is not 1.
    """
    up, slope = as_matrix(upstream), as_matrix(derivative)
    times = lambda u, d: sympy.Matrix(*u.shape, [x * t for x, t in zip(u, d)])  # noqa: E731
    mistakes = []
    if relu_at_one is not None:
        mistakes.append(variant("relu_prime_zero_as_one", RELU_PRIME_ONE, relu_at_one))
    if any(d != 1 for d in slope):
        name = DERIVATIVE_NAMES.get(activation, "f′(z)")
        mistakes.append(variant("missing_factor", f"A chain-rule factor is missing: the derivative of the activation, "
                                                  f"{name}.", up))
    if activation == "sigmoid" and pre_activation is not None:
        z = as_matrix(pre_activation)
        mistakes.append(variant("sigmoid_prime_of_z", SIGMOID_OF_Z, times(up, z.applyfunc(lambda v: v * (1 - v)))))
    return mistakes


def sigmoid_prime_of_z(cells: Cells) -> list[Mistake]:
    """σ′ written as z(1 − z), with ``cells`` the result computed that way."""
    return [variant("sigmoid_prime_of_z", SIGMOID_OF_Z, cells)]


def missing_downstream_weight(cells: Cells) -> list[Mistake]:
    """A backward step without the weight the error flows back through (``cells``: the result without it)."""
    return [variant("missing_factor", NO_DOWNSTREAM_WEIGHT, cells)]


def missing_input(cells: Cells) -> list[Mistake]:
    """A weight's gradient without the input the weight multiplies (``cells``: δ alone)."""
    return [variant("missing_factor", NO_INPUT, cells)]


def missing_paths(total: Cells, terms: Sequence[tuple[str, Cells]]) -> list[Mistake]:
    """A sum over paths (or over the units a unit feeds) with one term left out, for each term."""
    whole = as_matrix(total)
    if len(terms) < 2:
        return []
    return [variant("missing_path", f"{what} was left out: the derivative sums the chain rule over every path "
                                     "from the output to the variable.", whole - as_matrix(term))
            for what, term in terms]


def reuse_counted_once(name: str, uses: int, node: str, cells: Cells) -> list[Mistake]:
    """A quantity used several times in one formula differentiated for one use only."""
    return [variant("reuse_counted_once", f"{name} is used {uses} times in {node}; its local derivative adds one "
                                          "term per use, and this counts only one.", cells)]


# --- the softmax Jacobian -------------------------------------------------------------------------


def softmax_jacobian_entry(pi: sympy.Basic, pj: sympy.Basic, on_diagonal: bool) -> list[Mistake]:
    """∂pᵢ/∂zⱼ = pᵢ(δᵢⱼ − pⱼ): the cases swapped, the off-diagonal taken as 0, its sign lost."""
    if on_diagonal:
        return [variant("jacobian_cases_swapped", "On the diagonal ∂pᵢ/∂zᵢ = pᵢ(1 − pᵢ); −pᵢ² is the formula for "
                                                  "i ≠ j.", -pi**2)]
    return [
        variant("diagonal_jacobian", DIAGONAL_JACOBIAN, sympy.S.Zero),
        variant("sign_flipped", "The sign is flipped: ∂pᵢ/∂zⱼ = −pᵢpⱼ for i ≠ j.", pi * pj),
        variant("jacobian_cases_swapped", "Off the diagonal ∂pᵢ/∂zⱼ = −pᵢpⱼ; pᵢ(1 − pⱼ) is the diagonal formula.",
                pi * (1 - pj)),
    ]


def through_softmax_jacobian(diagonal_only: Cells) -> list[Mistake]:
    """A gradient through the softmax Jacobian with only its diagonal terms (``diagonal_only``: that result)."""
    return [variant("diagonal_jacobian", DIAGONAL_JACOBIAN, diagonal_only)]


# --- gradient descent ----------------------------------------------------------------------------


def parameter_update(old: Cells, rate: sympy.Basic, gradient: Cells, others: Iterable[tuple[str, Cells]] = (),
                     output_error_cells: Cells | None = None, gradient_name: str = "the gradient") -> list[Mistake]:
    """θ ← θ − η·∂L/∂θ: uphill, without η, with η twice, another's gradient, or ŷ − y as the gradient.

    ``others`` are (name, cells) of the other parameters' gradients of the same shape.
    """
    theta, grad = as_matrix(old), as_matrix(gradient)
    mistakes = [
        variant("update_sign_flipped", SIGN_FLIPPED, theta + rate * grad),
        variant("learning_rate_missing", NO_LEARNING_RATE, theta - grad),
        variant("learning_rate_twice", LEARNING_RATE_TWICE, theta - rate**2 * grad),
    ]
    mistakes += [variant("swapped_gradient", f"The update used {name} instead of {gradient_name}: the gradient of "
                         "another parameter.", theta - rate * as_matrix(cells)) for name, cells in others]
    if output_error_cells is not None:
        mistakes.append(variant("output_error_as_gradient", "The update used the output error ŷ − y as "
                                f"{gradient_name}: the chain-rule factors are missing.",
                                theta - rate * as_matrix(output_error_cells), pattern=OUTPUT_ERROR_PATTERN))
    return mistakes


def batch_mean(total: Cells) -> list[Mistake]:
    """A batch's mean gradient or loss: the sum instead."""
    return [variant("sum_instead_of_mean", SUM_NOT_MEAN, total)]


def stale_weight(cells: Cells) -> list[Mistake]:
    """A forward step computed with the parameters before the previous update."""
    return [variant("stale_weight", STALE_WEIGHT, cells)]


def updated_weight_in_backward(cells: Cells) -> list[Mistake]:
    """A backward step computed with a weight already updated in this step."""
    return [variant("updated_weight_in_backward", UPDATED_WEIGHT, cells)]


# --- support vector machines ---------------------------------------------------------------------


def margin(norm: sympy.Basic) -> list[Mistake]:
    """The margin 1/‖w‖: the width 2/‖w‖ given instead."""
    return [variant("margin_as_width", "This is the width 2/‖w‖ between the two margin planes; the margin is the "
                                       "distance from the boundary to the nearest point, 1/‖w‖.", 2 / norm)]


def width(norm: sympy.Basic) -> list[Mistake]:
    """The width 2/‖w‖: the margin 1/‖w‖ given instead."""
    return [variant("width_as_margin", "This is the margin 1/‖w‖; the width between the two margin planes "
                                       "w·x + b = ±1 is twice that, 2/‖w‖.", 1 / norm)]


def decision_value(bare: sympy.Basic, value: sympy.Basic) -> list[Mistake]:
    """f(P) = w·P + b: b left out, or the hyperplane's orientation flipped (−f)."""
    return [variant("missing_bias", "b was left out: f(P) = w·P + b.", bare),
            variant("hyperplane_flipped", FLIPPED, -value)]


def class_sign(value: sympy.Basic) -> list[Mistake]:
    """The class sign f(Q): the other class, as from a hyperplane pointing the wrong way."""
    return [variant("hyperplane_flipped", FLIPPED, -value)]


def support_vector_set(which: str) -> list[Mistake]:
    """A set of points: one missing, or one put in that does not belong."""
    return [
        Mistake("missing_support_vector", f"A point is missing: {which}.", set_difference="missing"),
        Mistake("extra_support_vector", f"A point is listed that does not belong: {which}.", set_difference="extra"),
    ]


def hyperplane_scale() -> list[Mistake]:
    """w at another scale than the canonical one: a positive multiple, or a negative one (classes swapped)."""
    return [Mistake("scaled_hyperplane", SCALED, scaled=True, scale_sign=1),
            Mistake("hyperplane_flipped", FLIPPED, scaled=True, scale_sign=-1)]


def offset_scale(flipped: sympy.Basic, scaled: sympy.Basic) -> list[Mistake]:
    """b at a negative scale (``flipped``: −b), or at the scale of the student's own w (``scaled``)."""
    return [variant("hyperplane_flipped", FLIPPED, flipped), variant("scaled_hyperplane", SCALED, scaled)]
