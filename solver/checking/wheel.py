"""A wheel of the running ``mlsolver``, built from its own files, to ship inside an autograder.

Before the package is on the package index (or to grade with a modified copy), an autograder can
install exactly the grader its author tested with: this writes the package's modules and built-in
problems with the installed distribution's metadata as a standard ``py3-none-any`` wheel (PEP 427),
so that ``pip install mlsolver-<version>-py3-none-any.whl`` installs it, its dependencies from the index.
"""

from __future__ import annotations

import base64
import hashlib
import importlib.metadata
import io
import zipfile
from pathlib import Path

import solver
from solver.errors import InputError
from solver.kinds.catalog import problems_dir

DISTRIBUTION = "mlsolver"
#: A fixed time stamp, so that the same package gives byte-identical wheels.
STAMP = (1980, 1, 1, 0, 0, 0)


def wheel_name() -> str:
    return f"{DISTRIBUTION}-{solver.__version__}-py3-none-any.whl"


def _files() -> list[tuple[str, bytes]]:
    """(path in the wheel, content) of every module and built-in problem, in a stable order."""
    package = Path(solver.__file__).resolve().parent
    files = [(path.relative_to(package.parent).as_posix(), path.read_bytes())
             for path in sorted(package.rglob("*.py")) if "__pycache__" not in path.parts]
    files += [(f"solver/problems/{path.name}", path.read_bytes()) for path in sorted(problems_dir().glob("*.toml"))]
    return files


def _metadata() -> str:
    try:
        meta = importlib.metadata.metadata(DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        raise InputError(f"cannot bundle {DISTRIBUTION}: it is not installed (pip install it first)") from None
    lines = ["Metadata-Version: 2.1", f"Name: {DISTRIBUTION}", f"Version: {solver.__version__}"]
    for field in ("Summary", "License-Expression", "Requires-Python"):
        if meta.get(field):
            lines.append(f"{field}: {meta[field]}")
    lines += [f"Requires-Dist: {req}" for req in meta.get_all("Requires-Dist") or [] if "extra ==" not in req]
    return "\n".join(lines) + "\n"


def _digest(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def build_wheel() -> tuple[str, bytes]:
    """The wheel's file name and bytes."""
    info = f"{DISTRIBUTION}-{solver.__version__}.dist-info"
    files = _files()
    files.append((f"{info}/METADATA", _metadata().encode()))
    files.append((f"{info}/WHEEL", b"Wheel-Version: 1.0\nGenerator: mlsolver\nRoot-Is-Purelib: true\n"
                                   b"Tag: py3-none-any\n"))
    files.append((f"{info}/entry_points.txt", b"[console_scripts]\nsolver = solver.cli:main\n"))
    record = "".join(f"{path},{_digest(data)},{len(data)}\n" for path, data in files) + f"{info}/RECORD,,\n"
    files.append((f"{info}/RECORD", record.encode()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, data in files:
            entry = zipfile.ZipInfo(path, STAMP)
            entry.external_attr = 0o644 << 16
            entry.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(entry, data)
    return wheel_name(), buffer.getvalue()
