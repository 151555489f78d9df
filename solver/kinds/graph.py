"""Computational graphs: the derivative of an output as the sum, over every path, of local derivatives.

A problem file declares inputs (scalars, vectors, matrices) and named nodes, each a formula of
inputs and other nodes read through the project's parser.  The derivation computes every node
(the forward pass), writes the local derivative of each edge on a path from the output down to
the variable (∂z/∂x = W₁, ∂h/∂z = diag(σ′(z))), the product along each path, and their sum, with
the result also written as a course simplifies it: (y − s) + W₁ᵀ(σ′(z) ⊙ r) + ….  Every value is
its formula's, element by element: a node's from its formula, an edge's from the Jacobian as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sympy

from solver.derivation import mistakes as variants
from solver.derivation.builder import Builder, cells_of
from solver.derivation.model import GRADIENT, HAND_WORKED, KINK, Derivation, Mistake, Quantity, Step, Value
from solver.errors import InputError
from solver.kinds import COMMON_KEYS
from solver.kinds.graph_figure import picture
from solver.maths import functions as fn
from solver.maths.display import product_of, sum_of
from solver.maths.evaluate import tree_size
from solver.maths.functions import relu, transpose
from solver.maths.matrix_calculus import Calculus, Unsupported, cells
from solver.maths.notation import Notation, partial, subscript
from solver.maths.notation import name as letter_name
from solver.reading.expression_parser import CONSTANTS, FORMULA_FUNCTIONS, FUNCTIONS, parse_formula
from solver.reading.problem_file import Doc

Shape = tuple[int, int]

NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,15}\Z")
RESERVED = {*FORMULA_FUNCTIONS, *FUNCTIONS, *CONSTANTS}
MAX_NAMES = 32
MAX_SIZE = 8
MAX_PATHS = 64
MAX_VARIABLES = 4
#: Largest formula (in tree nodes) of one element of a path's product or of the sum over paths.
MAX_FORMULA_NODES = 4_000


# --- reading the problem file ------------------------------------------------------------------


@dataclass(frozen=True)
class Graph:
    """A graph problem as read from its file: inputs with exact values, node formulas (as text), the question."""

    inputs: dict[str, sympy.Matrix]
    formulas: dict[str, str]
    shapes: dict[str, Shape]
    output: str
    variables: tuple[str, ...]


def _check_name(doc: Doc, name: str) -> None:
    if not NAME.match(name):
        raise doc.error("a name is a letter, then letters, digits or _ (at most 16)", name)
    if name in RESERVED:
        raise doc.error(f"{name!r} is the name of a function or constant", name)


def _input_value(doc: Doc, name: str, declared: Shape | None) -> sympy.Matrix:
    """A number, a flat list (a column vector unless declared a row) or a list of rows."""
    values = doc.numbers(name, max_items=MAX_SIZE)
    if not isinstance(values, list):
        matrix = sympy.Matrix([[values]])
    elif all(isinstance(v, list) for v in values):
        if not values or len({len(row) for row in values}) != 1 or not values[0]:
            raise doc.error("a matrix is a list of rows of equal length", name)
        matrix = sympy.Matrix(values)
    elif not any(isinstance(v, list) for v in values) and values:
        matrix = sympy.Matrix(values)
        if declared is not None and declared[0] == 1:
            matrix = matrix.T
    else:
        raise doc.error("mixes numbers and rows; write a matrix as a list of rows", name)
    if declared is not None and matrix.shape != declared:
        rows, cols = matrix.shape
        raise doc.error(f"declared {declared[0]}×{declared[1]} in [shapes], but the value is {rows}×{cols}", name)
    return matrix


def _declared_shapes(doc: Doc) -> dict[str, Shape]:
    if not doc.has("shapes"):
        return {}
    table = doc.table("shapes")
    shapes = {}
    for name, value in table.data.items():
        if (not isinstance(value, list) or len(value) != 2
                or not all(isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= MAX_SIZE for v in value)):
            raise table.error(f"expected [rows, columns], each 1 to {MAX_SIZE}", name)
        shapes[name] = (value[0], value[1])
    return shapes


def read_graph(doc: Doc) -> Graph:
    """The inputs, node formulas, declared shapes and the derivative asked for."""
    doc.only_keys([*COMMON_KEYS, "inputs", "nodes", "shapes", "derivative"])
    shapes = _declared_shapes(doc)
    inputs_doc, nodes_doc = doc.table("inputs"), doc.table("nodes")
    if len(inputs_doc.data) + len(nodes_doc.data) > MAX_NAMES:
        raise doc.error(f"at most {MAX_NAMES} inputs and nodes in all")
    if not nodes_doc.data:
        raise nodes_doc.error("needs at least one node")
    inputs = {}
    for name in inputs_doc.data:
        _check_name(inputs_doc, name)
        inputs[name] = _input_value(inputs_doc, name, shapes.get(name))
    formulas = {}
    for name in nodes_doc.data:
        _check_name(nodes_doc, name)
        if name in inputs:
            raise nodes_doc.error(f"{name!r} is already an input", name)
        formulas[name] = nodes_doc.text(name)
    for group, names in (("inputs", inputs), ("nodes", formulas)):
        seen: dict[str, str] = {}
        for name in names:
            if name.lower() in seen:
                raise InputError(f"{name!r} and {seen[name.lower()]!r} differ only in case "
                                 "(keys are not case-sensitive)", path=f"{group}.{name}")
            seen[name.lower()] = name
    for name in shapes:
        if name not in inputs and name not in formulas:
            raise InputError("is neither an input nor a node", path=f"shapes.{name}")

    question = doc.table("derivative")
    question.only_keys(["of", "wrt"])
    output = question.text("of")
    if output not in formulas:
        raise question.error(f"{output!r} is not a node (nodes: {', '.join(formulas)})", "of")
    wrt = question.raw("wrt")
    variables = [wrt] if isinstance(wrt, str) else wrt
    if not isinstance(variables, list) or not variables or not all(isinstance(v, str) for v in variables):
        raise question.error("expected a name, or a list of names, of inputs or nodes", "wrt")
    if len(variables) > MAX_VARIABLES or len(set(variables)) != len(variables):
        raise question.error(f"expected 1 to {MAX_VARIABLES} different names", "wrt")
    for variable in variables:
        if variable not in inputs and variable not in formulas:
            raise question.error(f"{variable!r} is neither an input nor a node", "wrt")
        if variable == output:
            raise question.error(f"the derivative of {output} with respect to itself is asked for", "wrt")
    return Graph(inputs, formulas, shapes, output, tuple(variables))


# --- the graph's structure ---------------------------------------------------------------------


def _references(formula: sympy.Basic, symbols: dict[sympy.Symbol, str]) -> list[str]:
    """The names a formula uses, in the order they first appear."""
    names = []
    for node in sympy.preorder_traversal(formula):
        if node in symbols and symbols[node] not in names:
            names.append(symbols[node])
    return names


def dependencies(graph: Graph) -> dict[str, list[str]]:
    """Each node's parents (the names its formula uses), read with placeholder symbols to learn the order."""
    placeholders = {n: sympy.Symbol(n) for n in (*graph.inputs, *graph.formulas)}
    back = {s: n for n, s in placeholders.items()}
    parents = {}
    for node, text in graph.formulas.items():
        try:
            parents[node] = _references(parse_formula(text, placeholders), back)
        except InputError as error:
            raise error.within(f"nodes.{node}") from None
    return parents


def evaluation_order(graph: Graph, parents: dict[str, list[str]]) -> list[str]:
    """The nodes ordered so that each comes after the nodes it uses (file order where free); refuses cycles."""
    order: list[str] = []
    state: dict[str, str] = {}

    def visit(node: str, trail: list[str]) -> None:
        if state.get(node) == "done":
            return
        if state.get(node) == "open":
            cycle = trail[trail.index(node):] + [node]
            raise InputError(f"the nodes form a cycle: {' → '.join(cycle)}", path=f"nodes.{node}")
        state[node] = "open"
        for parent in parents[node]:
            if parent in graph.formulas:
                visit(parent, trail + [node])
        state[node] = "done"
        order.append(node)

    for node in graph.formulas:
        visit(node, [])
    return order


def paths(parents: dict[str, list[str]], output: str, variable: str) -> list[list[str]]:
    """Every path from ``output`` down to ``variable``, as lists of names, shortest first."""
    found: list[list[str]] = []

    def walk(node: str, trail: list[str]) -> None:
        if node == variable:
            found.append(trail)
            if len(found) > MAX_PATHS:
                raise InputError(f"more than {MAX_PATHS} paths lead from {output} to {variable}",
                                 path="derivative.wrt")
            return
        for parent in parents.get(node, ()):
            walk(parent, trail + [parent])

    walk(output, [output])
    return sorted(found, key=len)


def notation_of(name: str) -> Notation:
    """How a node or input is written: W1 as W₁, h as h, loss as loss."""
    match = re.fullmatch(r"([A-Za-z]+?)_?(\d*)", name)
    if match and (len(match.group(1)) == 1 or match.group(1) in ("alpha", "delta", "eta", "sigma", "xi", "lambda")):
        return letter_name(match.group(1), match.group(2) or None)
    if match:
        base, digits = match.groups()
        return Notation(base + subscript(digits), rf"\mathrm{{{base}}}" + (f"_{{{digits}}}" if digits else ""), name)
    return Notation(name, rf"\mathrm{{{name.replace('_', '-')}}}", name)


# --- writing the derivation --------------------------------------------------------------------


def _route(names: list[str], notations: dict[str, Notation]) -> str:
    return " ← ".join(notations[n].text for n in names)


def _path_notation(derivative: Notation, k: int) -> Notation:
    return Notation(f"{derivative.text} [path {k}]", rf"\left.{derivative.latex}\right|_{{\text{{path }}{k}}}",
                    f"{derivative.plain}_path{k}")


class _Writer:
    """Writes the forward pass, the local derivatives and each derivative's paths into a builder."""

    def __init__(self, graph: Graph, b: Builder) -> None:
        self.graph = graph
        self.b = b
        self.quantities: dict[str, Quantity] = {}
        self.env: dict[sympy.Symbol, sympy.Matrix] = {}
        self.notations: dict[str, Notation] = {}

    def _remember(self, name: str, quantity: Quantity) -> None:
        self.quantities[name] = quantity
        self.notations[name] = quantity.notation
        self.env[quantity.symbol] = cells_of(quantity)

    def givens(self) -> None:
        self.b.section("Given")
        for name, value in self.graph.inputs.items():
            self._remember(name, self.b.given(f"input.{name}", notation_of(name), value))

    def forward(self, order: list[str]) -> None:
        self.b.section("Forward pass")
        kinks = _relu_arguments(self.graph)
        for node in order:
            symbols = {n: q.symbol for n, q in self.quantities.items()}
            try:
                formula = parse_formula(self.graph.formulas[node], symbols)
                values = cells(formula, self.env)
            except InputError as error:
                raise error.within(f"nodes.{node}") from None
            rows, cols = values.shape
            if rows > MAX_SIZE or cols > MAX_SIZE:
                raise InputError(f"is {rows}×{cols}; at most {MAX_SIZE}×{MAX_SIZE}", path=f"nodes.{node}")
            declared = self.graph.shapes.get(node)
            if declared is not None and declared != values.shape:
                raise InputError(f"is {rows}×{cols}, but [shapes] declares it {declared[0]}×{declared[1]}",
                                 path=f"nodes.{node}")
            loss = variants.squared_error_loss(values) if _is_half_square(formula) else []
            self._remember(node, self.b.step(node, notation_of(node), formula, values, mistakes=loss,
                                             tags=[KINK] if node in kinks else []))

    def edges(self, all_paths: list[list[str]]) -> dict[tuple[str, str], Step]:
        """The local derivative of every edge on some path, in the order of the forward pass."""
        position = {name: i for i, name in enumerate(self.quantities)}
        pairs = {(path[i], path[i + 1]) for path in all_paths for i in range(len(path) - 1)}
        calculus = Calculus(self.env)
        self.b.section("Local derivatives, one per edge", "(local, along its edge)")
        steps = {}
        for child, parent in sorted(pairs, key=lambda e: (position[e[0]], position[e[1]])):
            steps[(child, parent)] = self._edge(calculus, child, parent)
        return steps

    def _edge(self, calculus: Calculus, child: str, parent: str) -> Step:
        node, var = self.quantities[child], self.quantities[parent]
        if not (node.is_scalar or node.is_vector) or not (var.is_scalar or var.is_vector):
            big = node if not (node.is_scalar or node.is_vector) else var
            raise InputError(f"a path passes through {big.key}, a {big.shape[0]}×{big.shape[1]} matrix; "
                             "derivatives are taken through scalars and vectors only", path="derivative.wrt")
        try:
            formula = calculus.jacobian(node.formula, var.symbol)
        except Unsupported as reason:
            raise InputError(f"cannot write ∂{child}/∂{parent} as a formula: {reason}",
                             path=f"nodes.{child}") from None
        notation = partial(node.notation, var.notation)
        values = cells(formula, self.env, known={node.formula: cells_of(node)})
        mistakes = self._reuse_mistakes(node, var)
        if _is_half_square(node.formula):
            mistakes += variants.squared_error_gradient(values)
        if any(p.args[0].func is fn.sigmoid for p in formula.atoms(fn.prime)):
            as_of_z = cells(formula, self.env, slopes={fn.sigmoid: lambda t: t * (1 - t)})
            mistakes += variants.sigmoid_prime_of_z(as_of_z)
        return self.b.step(f"local.d{child}_d{parent}", notation, formula, values, mistakes=mistakes)

    def _reuse_mistakes(self, node: Step, var: Quantity) -> list[Mistake]:
        """A parent used more than once in a formula: its local derivative counted for one use only."""
        uses = sum(1 for n in sympy.preorder_traversal(node.formula) if n == var.symbol)
        if uses < 2:
            return []
        # the later uses become a constant copy of the parent, with the same values
        frozen = sympy.Symbol(f"{var.key}.frozen", commutative=var.symbol.is_commutative)
        env = {**self.env, frozen: cells_of(var)}
        one_use = Calculus(env).jacobian(_keep_first(node.formula, var.symbol, frozen), var.symbol)
        return variants.reuse_counted_once(var.key, uses, node.key, cells(one_use, env))

    def derivative(self, variable: str, found: list[list[str]], edges: dict[tuple[str, str], Step]) -> None:
        """The paths from the output to ``variable``, each one's product, and their sum."""
        out, var = self.quantities[self.graph.output], self.quantities[variable]
        calculus = Calculus(self.env)
        notation = partial(out.notation, var.notation)
        paths_text = f"{len(found)} path{'s' if len(found) > 1 else ''}"
        self.b.section(f"∂{self.graph.output}/∂{variable}: the sum over {paths_text}")
        products, gradients, rows = [], [], []
        for k, path in enumerate(found, start=1):
            chain = [edges[(path[i], path[i + 1])] for i in range(len(path) - 1)]
            cells_product = cells_of(chain[0])
            for edge in chain[1:]:
                cells_product = cells_product * cells_of(edge)
            _refuse_if_too_large(cells_product, f"the product along path {k} ({_route(path, self.notations)})")
            formula = product_of([e.symbol for e in chain])
            written = calculus.chain([e.formula for e in chain])
            step = self.b.step(f"path{k}.d{self.graph.output}_d{variable}", _path_notation(notation, k), formula,
                               cells_product, expanded=None if written == formula else written)
            products.append(step)
            gradients.append(calculus.gradient([e.formula for e in reversed(chain)]))
            rows.append((str(k), _route(path, self.notations), Value(step)))
        self._total(variable, products, gradients, found)
        self.b.table(f"Paths from {variable} to {self.graph.output}", ("Path", "Route", "Product"), rows)

    def _total(self, variable: str, products: list[Step], gradients: list[sympy.Basic],
               found: list[list[str]]) -> None:
        """The sum of the paths: the gradient, shaped like the variable, when the output is a scalar."""
        out, var = self.quantities[self.graph.output], self.quantities[variable]
        column = var.shape[1] == 1
        as_gradient = out.is_scalar and column and not var.is_scalar
        shaped = (lambda m: m.T) if as_gradient else (lambda m: m)
        total = sum((cells_of(p) for p in products), sympy.zeros(*products[0].shape))
        _refuse_if_too_large(total, f"the sum over the paths to {variable}")
        summed = sum_of([p.symbol for p in products])
        formula = transpose(summed) if as_gradient else summed
        terms = gradients if out.is_scalar and column else [p.shown_formula for p in products]
        written = terms[0] if len(terms) == 1 else sympy.Add(*terms, evaluate=False)  # one term per path
        mistakes = variants.missing_paths(shaped(total), [
            (f"Path {k} ({_route(path, self.notations)})", shaped(cells_of(p)))
            for k, (p, path) in enumerate(zip(products, found), start=1)])
        self.b.step(f"d{self.graph.output}_d{variable}", partial(out.notation, var.notation), formula, shaped(total),
                    expanded=written, mistakes=mistakes, tags=[GRADIENT])


def _relu_arguments(graph: Graph) -> set[str]:
    """The nodes some formula takes the ReLU of (``relu(z)``): inputs of a kink, kept away from 0 in variants."""
    symbols = {name: sympy.Symbol(name) for name in (*graph.inputs, *graph.formulas)}
    found = set()
    for text in graph.formulas.values():
        try:
            formula = parse_formula(text, symbols)
        except InputError:
            continue  # reported, with its key path, when the forward pass reads it
        found.update(str(call.args[0]) for call in formula.atoms(relu) if call.args[0].is_Symbol)
    return found & set(graph.formulas)


def _is_half_square(formula: sympy.Basic) -> bool:
    """½‖u‖² or ½u²: a squared-error loss, whose slips are the loss's."""
    if not (formula.is_Mul and len(formula.args) == 2 and sympy.S.Half in formula.args):
        return False
    square = next(a for a in formula.args if a != sympy.S.Half)
    return square.is_Pow and square.args[1] == 2


def _refuse_if_too_large(matrix: sympy.Matrix, what: str) -> None:
    """Written out element by element, a product of many large Jacobians has exponentially many terms."""
    if any(tree_size(cell, MAX_FORMULA_NODES) > MAX_FORMULA_NODES for cell in matrix):
        raise InputError(f"{what} is too large to write out element by element; use fewer or smaller "
                         "vectors on the path", path="derivative.wrt")


def _keep_first(formula: sympy.Basic, symbol: sympy.Symbol, frozen: sympy.Symbol) -> sympy.Basic:
    """``formula`` with every use of ``symbol`` after the first replaced by ``frozen``."""
    seen = False

    def rebuild(node: sympy.Basic) -> sympy.Basic:
        nonlocal seen
        if node == symbol:
            if seen:
                return frozen
            seen = True
            return node
        if not node.args:
            return node
        return node.func(*(rebuild(a) for a in node.args), evaluate=False)

    return rebuild(formula)


def _check_keys(derivation: Derivation) -> None:
    """Refuse two quantities whose keys differ only in case (a node named like a derivative's key)."""
    seen: dict[str, str] = {}
    for quantity in derivation.quantities():
        key = quantity.key.lower()
        if key in seen:
            raise InputError(f"{seen[key]!r} and {quantity.key!r} would share a key (keys are not case-sensitive); "
                             "rename a node")
        seen[key] = quantity.key


def build(doc: Doc, problem: str, decimals: int) -> Derivation:
    """The derivation of a graph problem: forward pass, local derivatives, paths and their sums."""
    graph = read_graph(doc)
    parents = dependencies(graph)
    order = evaluation_order(graph, parents)
    found = {}
    for variable in graph.variables:
        found[variable] = paths(parents, graph.output, variable)
        if not found[variable]:
            raise InputError(f"{graph.output} does not depend on {variable}", path="derivative.wrt")
    b = Builder(symbolic=True)
    b.tag_following(HAND_WORKED)  # one computation, worked by hand throughout
    writer = _Writer(graph, b)
    writer.givens()
    writer.forward(order)
    b.figure(picture(list(graph.inputs), order, parents, writer.quantities, found, graph.output))
    edges = writer.edges([p for variable in graph.variables for p in found[variable]])
    for variable in graph.variables:
        writer.derivative(variable, found[variable], edges)
    asked = ", ".join(f"$∂{graph.output}/∂{v}$" for v in graph.variables)
    description = (f"A computational graph of {len(graph.inputs)} inputs and {len(graph.formulas)} nodes; {asked} "
                   "as the sum over every path of the product of the local derivatives along it.",)
    derivation = b.build(problem=problem, kind="graph", title=doc.text("title"), decimals=decimals,
                         description=description)
    _check_keys(derivation)
    return derivation
