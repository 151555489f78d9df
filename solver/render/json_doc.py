"""Machine-readable output: one JSON object per derivation (a public interface: extend, never break)."""

from __future__ import annotations

import sympy

from solver.derivation.model import Derivation, Quantity, Scalar, Step
from solver.derivation.questions import question_sheet
from solver.maths.numbers import JSON_DIGITS, WORKING_DIGITS
from solver.render import printing
from solver.render.common import plain_equation
from solver.render.json_text import dumps
from solver.render.options import RenderOptions
from solver.render.terminal import fragments


def _exact_text(scalar: Scalar) -> str:
    """sympy text of the exact value; a value whose closed form was too large to keep is written
    as a sympy Float of 40 significant digits (and the step says ``"exact": false``)."""
    if scalar.exact is not None:
        return sympy.sstr(scalar.exact)
    return sympy.sstr(sympy.Float(str(scalar.approx), 40))


def _shaped(quantity: Quantity, item):
    """Per-cell values shaped as a scalar, a flat list (vector) or rows (matrix)."""
    values = [item(v) for v in quantity.values]
    if quantity.is_scalar:
        return values[0]
    if quantity.is_vector:
        return values
    cols = quantity.shape[1]
    return [values[i : i + cols] for i in range(0, len(values), cols)]


def quantity_json(quantity: Quantity) -> dict:
    """The fields shared by givens and steps; a set adds its ``members``, an equation its text."""
    exact = all(v.exact is not None for v in quantity.values)
    value = _shaped(quantity, _exact_text)
    out = {
        "key": quantity.key,
        "name": quantity.notation.text,
        "name_latex": quantity.notation.latex,
        "shape": list(quantity.shape),
        "value": value if quantity.is_scalar else sympy.sstr(value),
        "numeric": _shaped(quantity, lambda v: v.approx),
        "exact": exact,
    }
    if quantity.is_set:
        out["labels"] = list(quantity.labels)
        out["members"] = list(quantity.members())
    if quantity.is_equation:
        out["variables"] = [n.plain for n in quantity.equation_of]
        out["equation"] = plain_equation(quantity)
    return out


def step_json(step: Step, derivation: Derivation) -> dict:
    names = derivation.notations
    inputs = sorted({derivation.by_symbol[s].key for s in step.formula.free_symbols if s in derivation.by_symbol})
    out = {
        "key": step.key,
        "section": step.section,
        "formula": printing.plain(step.formula, names),
        "latex": printing.latex(step.formula, names),
        **{k: v for k, v in quantity_json(step).items() if k != "key"},
        "relation": step.relation,
        "inputs": inputs,
    }
    if step.expanded is not None:
        out["expanded"] = printing.plain(step.expanded, names)
        out["expanded_latex"] = printing.latex(step.expanded, names)
    if step.notes:
        out["notes"] = [fragments(n, derivation, derivation.decimals) for n in step.notes]
    return out


def document(derivation: Derivation, decimals: int) -> dict:
    """The derivation as plain data."""
    return {
        "problem": derivation.problem,
        "kind": derivation.kind,
        "title": derivation.title,
        "description": fragments(derivation.description, derivation, decimals),
        "decimals": decimals,
        "precision": {"working_digits": WORKING_DIGITS, "numeric_digits": JSON_DIGITS},
        "givens": [{**quantity_json(g), "section": s.title} for s in derivation.sections for g in s.givens],
        "steps": [step_json(step, derivation) for step in derivation.steps],
        "notes": [
            {"section": s.title, "text": fragments(n, derivation, decimals)} for s in derivation.sections for n in s.notes
        ],
    }


def questions_document(derivation: Derivation, decimals: int) -> dict:
    """The question sheet as plain data: the statement, the givens with their values, and what is
    asked (key, name, section, the form of the answer) with no value of any step."""
    sheet = question_sheet(derivation)
    asked = []
    for section in sheet.sections:
        for q in section.questions:
            entry = {"key": q.key, "section": section.title, "name": q.notation.text,
                     "name_latex": q.notation.latex, "shape": list(q.shape), "form": q.form}
            if q.labels:
                entry["labels"] = list(q.labels)
            if q.variables:
                entry["variables"] = [n.plain for n in q.variables]
            if q.points is not None:
                entry["points"] = int(q.points) if q.points.denominator == 1 else str(q.points)
            asked.append(entry)
    return {
        "problem": sheet.problem,
        "kind": sheet.kind,
        "title": sheet.title,
        "description": fragments(sheet.description, derivation, decimals),
        "decimals": decimals,
        "questions": True,
        "givens": [{**quantity_json(g), "section": s.title} for s in sheet.sections for g in s.givens],
        "asked": asked,
    }


def render(derivation: Derivation, options: RenderOptions) -> str:
    """The whole derivation as one JSON object (the question sheet with ``options.questions``)."""
    if options.questions:
        return dumps(questions_document(derivation, options.decimals)) + "\n"
    return dumps(document(derivation, options.decimals)) + "\n"


