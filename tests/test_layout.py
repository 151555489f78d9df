"""The folder tree is the architecture: each layer imports only the layers below it, and no module
grows past 600 lines (README, "Development")."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "solver"

#: What each layer may import from the project, besides itself and ``solver.errors`` (which any
#: layer may use).  The top (the command line, ``solver/__init__``) may import everything.
ALLOWED = {
    "maths": set(),
    "reading": {"maths"},
    "derivation": {"maths"},
    "kinds": {"maths", "reading", "derivation"},
    "render": {"maths", "derivation"},
    "checking": {"maths", "reading", "derivation", "kinds", "render"},
    "teaching": {"maths", "reading", "derivation", "kinds", "render", "checking"},
}
MAX_LINES = 600
MAX_TOP_LEVEL_MODULES = 6


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _layer(path: Path) -> str:
    parts = path.relative_to(PACKAGE).parts
    return parts[0] if len(parts) > 1 else "top"


def _imported(tree: ast.AST) -> set[str]:
    """Every ``solver.…`` module a file imports, at any depth (imports inside functions too)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("solver"))
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("solver"):
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def _target_layer(module: str) -> str | None:
    """The layer a ``solver.…`` name lives in, or None for a name that is not a module of ours."""
    parts = module.split(".")
    if len(parts) < 2:
        return None
    if (PACKAGE / parts[1]).is_dir():
        return parts[1]
    if (PACKAGE / f"{parts[1]}.py").is_file():
        return "errors" if parts[1] == "errors" else "top"
    return None  # an attribute of solver/__init__, such as __version__


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_import_runs_up_a_layer(path: Path) -> None:
    layer = _layer(path)
    if layer == "top":
        return
    allowed = ALLOWED[layer] | {layer, "errors"}
    tree = ast.parse(path.read_text(encoding="utf-8"))
    upward = sorted(m for m in _imported(tree) if _target_layer(m) not in allowed | {None})
    assert not upward, f"{path.name} ({layer}) imports {upward}"


def test_every_folder_is_a_layer_with_a_docstring() -> None:
    folders = sorted(p.parent.name for p in PACKAGE.glob("*/__init__.py"))
    assert set(folders) == set(ALLOWED), folders
    for folder in folders:
        doc = ast.get_docstring(ast.parse((PACKAGE / folder / "__init__.py").read_text(encoding="utf-8")))
        assert doc and "import" in doc.lower(), f"{folder}/__init__.py must say what the layer may import"


def test_no_module_over_600_lines() -> None:
    long = {str(p.relative_to(PACKAGE)): n for p in _modules()
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long, long


def test_few_modules_at_the_top() -> None:
    top = [p.name for p in PACKAGE.glob("*.py") if p.name not in ("__init__.py", "__main__.py")]
    assert len(top) <= MAX_TOP_LEVEL_MODULES, top
    assert len(list(PACKAGE.glob("*/__init__.py"))) >= 5
