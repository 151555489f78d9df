"""The second hostile corpus: hostile text in every field and every output, hostile paths, streams
and command lines, and the inputs that crashed or stalled.

Each :class:`Run` is one command: the files it needs (``{d}`` is the case's own directory), the
exit status it must end with, the fragments its one error line must hold, and what its outputs
must (not) show.  :mod:`tests.hostile.test_round_two` runs them all and checks, for every case,
the status, exactly one line on standard error for exit 2 (none otherwise), no traceback, a
bounded time, and no raw control character in any output.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass

from tests.hostile.corpus import BASE

#: Special files, created by the runner instead of written.
FIFO, DIRECTORY = "<fifo>", "<directory>"


def symlink(target: str) -> str:
    return f"<symlink {target}>"


def hardlink(target: str) -> str:
    return f"<hardlink {target}>"


@dataclass(frozen=True)
class Run:
    """One command on hostile input and what it must do."""

    id: str
    argv: tuple[str, ...]
    files: tuple[tuple[str, bytes | str], ...] = ()
    status: int = 0
    errors: tuple[str, ...] = ()  # fragments of the one error line (exit 2)
    check: Callable | None = None  # further checks on the outcome
    process: bool = False  # run as a real process (standard streams, devices)
    unchanged: tuple[str, ...] = ()  # files that must keep their bytes
    shell: str | None = None  # a shell pipeline instead of argv, for closed pipes and full disks


# --- payloads: text that would act if it reached an output raw -------------------------------

PAYLOADS = {
    "markup-close": "Week 3 [/] quiz",
    "markup-link": "[link=file:///etc/passwd]x[/link]",
    "markup-style": "[bold red on white]loud[/]",
    "osc52-clipboard": "copy \x1b]52;c;SGVsbG8=\x07 me",
    "screen-clear": "\x1b[2J\x1b[Hgone",
    "bell": "ding\x07\x07",
    "c1-csi": "c1 \x9b31m red",
    "carriage-return": "real\rfake",
    "markdown-table": "T\n| a | b |\n|---|---|\n| c | d |",
    "html-script": "<script>alert(1)</script>",
    "latex-input": r"\input{/etc/passwd}",
    "latex-write18": r"\immediate\write18{touch pwned}",
    "latex-group": r"}\end{document}\def\x{",
    "bidi-override": "abc\u202edcba",
    "backtick-math": "`code` and $x^2$ and ~~s~~",
    "heading-list": "# heading\n- item\n1. first",
    "entity": "&amp; &lt;b&gt; 100% #1 a_b ^ ~ |",
    "nul-and-del": "nul\x00del\x7f",
    "line-separator": "one\u2028two\u2029three\x85four",
    "emoji-joiner": "teacher 👩‍🏫 ok",
}

#: What must never appear in a document output for each payload (beyond control characters): in
#: Markdown and LaTeX a command only counts when its backslash is not itself escaped.
RAW_PIECES = {
    "markdown-table": ("\n| c | d |",),
    "html-script": ("<script",),
    "latex-input": (r"(?<!\\)\\input",),
    "latex-write18": (r"(?<!\\)\\write18", r"(?<!\\)\\immediate"),
    "latex-group": (r"(?<!\\)\\end\{document\}(?<!\\)\\def",),
    "heading-list": ("\n# heading", "\n- item"),
}


def toml_string(text: str) -> str:
    """A TOML basic string holding ``text`` exactly (control characters as \\u escapes)."""
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def titled(title: str, base: str = BASE) -> bytes:
    """The base problem with ``title``."""
    return base.replace('title = "hostile corpus base"', f"title = {toml_string(title)}", 1).encode("utf-8")


ANSWERS = b"s1.z1 = 1\ns1.loss = 3\n"  # one right, one wrong: exit status 1


# --- checks on outputs ----------------------------------------------------------------------------


def _json_title(payload: str, where: str = "stdout"):
    def check(outcome) -> None:
        document = json.loads(outcome.text(where))
        assert document["title"] == payload

    return check


def _raw_pieces(name: str, where: str = "stdout"):
    def check(outcome) -> None:
        text = outcome.text(where)
        for piece in RAW_PIECES.get(name, ()):
            assert re.search(piece if piece.startswith("(?") else re.escape(piece), text) is None, piece

    return check


def _gradescope(name: str):
    """Gradescope's results.json: Markdown (its ``output_format``) in which the payload is only text."""

    def check(outcome) -> None:
        results = json.loads(outcome.text("{d}/results.json"))
        outputs = [results["output"], *(t["output"] for t in results["tests"])]
        assert results["output_format"] == "md" and all(t["output_format"] == "md" for t in results["tests"])
        for text in outputs:
            assert RAW.search(text) is None, text
            text = re.sub(r"(`+)(.+?)\1", "", text)  # a code span shows its text literally
            assert "<script" not in text, text
            for piece in RAW_PIECES.get(name, ()):
                assert re.search(piece if piece.startswith("(?") else re.escape(piece), text) is None, piece

    return check


#: Characters that act on a terminal or a reader (a line break aside).
RAW = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _shown_literally(piece: str, where: str = "stdout"):
    def check(outcome) -> None:
        assert piece in outcome.text(where), piece

    return check


def _both(*checks):
    def check(outcome) -> None:
        for one in checks:
            if one is not None:
                one(outcome)

    return check


def _markdown(name: str):
    def check(outcome) -> None:
        text = outcome.text("stdout")
        assert "<script" not in text and "</" not in text
        title_line = text.split("\n", 1)[0]
        assert title_line.startswith("# ") and title_line.count("\n") == 0
        _raw_pieces(name)(outcome)

    return check


def _latex(name: str):
    def check(outcome) -> None:
        text = outcome.text("stdout")
        title_line = next(line for line in text.splitlines() if line.startswith(r"\section*{"))
        body = title_line[len(r"\section*{"):-1]
        depth = 0
        for i, char in enumerate(body):  # every brace of the title is escaped: the group never closes early
            if char in "{}" and (i == 0 or body[i - 1] != "\\"):
                depth += 1 if char == "{" else -1
                assert depth >= 0, title_line
        assert depth == 0, title_line
        _raw_pieces(name)(outcome)

    return check


def _html(name: str, payload: str):
    """The page holds the payload as text: the title element and heading read back to it (hidden
    characters as their escapes), and no element but the page's own."""

    def check(outcome) -> None:
        from html.parser import HTMLParser

        from solver.render.escape import visible

        class Page(HTMLParser):
            def __init__(self) -> None:
                super().__init__(convert_charrefs=True)
                self.tags: set[str] = set()
                self.texts: dict[str, str] = {}
                self._open: list[str] = []

            def handle_starttag(self, tag, attrs) -> None:
                self.tags.add(tag)
                self._open.append(tag)

            def handle_endtag(self, tag) -> None:
                if self._open and self._open[-1] == tag:
                    self._open.pop()

            def handle_data(self, data) -> None:
                if self._open and self._open[-1] in ("title", "h1"):
                    self.texts[self._open[-1]] = self.texts.get(self._open[-1], "") + data

        page = Page()
        page.feed(outcome.text("stdout"))
        assert page.texts["title"] == page.texts["h1"] == visible(payload), page.texts
        assert not page.tags & {"script", "img", "iframe", "object", "a", "link"}, page.tags
        assert "<script" not in outcome.text("stdout")  # a LaTeX command is only text on a page

    return check


def _template(outcome) -> None:
    import tomllib

    tomllib.loads(outcome.text("stdout"))  # still a valid TOML file: every comment is one line


def _terminal(name: str):
    shown = {"markup-close": "[/]", "markup-link": "[link=file:///etc/passwd]x[/link]",
             "markup-style": "[bold red on white]loud[/]", "osc52-clipboard": r"\x1b]52;c;SGVsbG8=\x07",
             "screen-clear": r"\x1b[2J\x1b[H", "c1-csi": r"\x9b31m", "bidi-override": r"\u202e",
             "html-script": "<script>alert(1)</script>", "emoji-joiner": "👩‍🏫"}
    return _shown_literally(shown[name]) if name in shown else None


def _title_runs() -> list[Run]:
    runs = []
    problem = ("p.toml",)
    for name, payload in PAYLOADS.items():
        files = ((problem[0], titled(payload)), ("a.toml", ANSWERS))
        p = "{d}/p.toml"
        runs += [
            Run(f"title-{name}-terminal", ("solve", p), files, check=_terminal(name)),
            Run(f"title-{name}-markdown", ("solve", p, "--format", "markdown"), files, check=_markdown(name)),
            Run(f"title-{name}-latex", ("solve", p, "--format", "latex"), files, check=_latex(name)),
            Run(f"title-{name}-json", ("solve", p, "--format", "json"), files, check=_json_title(payload)),
            Run(f"title-{name}-html", ("solve", p, "--format", "html", "--no-pictures"), files,
                check=_html(name, payload)),
            Run(f"title-{name}-questions-terminal", ("solve", p, "--questions"), files, check=_terminal(name)),
            Run(f"title-{name}-questions-markdown", ("solve", p, "--questions", "--format", "markdown"), files,
                check=_markdown(name)),
            Run(f"title-{name}-questions-latex", ("solve", p, "--questions", "--format", "latex"), files,
                check=_latex(name)),
            Run(f"title-{name}-template", ("template", p), files, check=_template),
            Run(f"title-{name}-check", ("check", p, "{d}/a.toml", "--jobs", "1"), files, status=1,
                check=_terminal(name)),
            Run(f"title-{name}-check-json", ("check", p, "{d}/a.toml", "--format", "json", "--jobs", "1"), files,
                status=1, check=_json_title(payload)),
            Run(f"title-{name}-gradescope", ("check", p, "{d}/a.toml", "--gradescope", "{d}/results.json",
                                             "--format", "json", "--jobs", "1"), files, status=1,
                check=_gradescope(name)),
        ]
    return runs


# --- what a student writes: values and keys ---------------------------------------------------------

ANSWER_PAYLOADS = ("markup-close", "markup-link", "osc52-clipboard", "screen-clear", "c1-csi", "carriage-return",
                   "markdown-table", "html-script", "latex-input", "bidi-override", "nul-and-del", "line-separator")


def _answer_json(key: str | None, given: str | None):
    def check(outcome) -> None:
        results = json.loads(outcome.text("stdout"))["files"][0]["results"]
        if key is not None:
            assert key in [r["key"] for r in results], results
        if given is not None:
            assert given in [r["given"] for r in results], results

    return check


def _answer_runs() -> list[Run]:
    runs = []
    for name in ANSWER_PAYLOADS:
        payload = PAYLOADS[name]
        value_file = (("a.toml", f"s1.z1 = 1\ns1.a1 = {toml_string(payload)}\n".encode()),)
        key_file = (("a.toml", f"s1.z1 = 1\n{toml_string('s1.' + payload)} = 1\n".encode()),)
        for field_name, files, key, given in (("value", value_file, None, payload),
                                              ("key", key_file, "s1." + payload, None)):
            base = ("check", "relu-111-sgd", "{d}/a.toml", "--jobs", "1")
            runs += [
                Run(f"answer-{field_name}-{name}-terminal", base, files, status=1,
                    check=_terminal(name) if name not in ("carriage-return",) else None),
                Run(f"answer-{field_name}-{name}-json", (*base, "--format", "json"), files, status=1,
                    check=_answer_json(key, given)),
                Run(f"answer-{field_name}-{name}-gradescope", (*base, "--format", "json", "--gradescope",
                                                               "{d}/results.json"), files, status=1,
                    check=_gradescope(name)),
            ]
    return runs


# --- file names -----------------------------------------------------------------------------------

FILE_NAMES = {
    "markup": "[b]x[/b].toml",
    "escape": "a\x1b[2Jb.toml",
    "newline": "two\nlines.toml",
    "html": "<img src=x onerror=alert(1)>.toml",
    "bidi": "abc\u202eslm.toml",
    "shell": "$(touch CANARY) `id`.toml",
    "percent-backslash": "100% \\input{x}.toml",
    "bell-c1": "b\x07\x9bc.toml",
}


def _file_field(target: str):
    def check(outcome) -> None:
        assert json.loads(outcome.text("stdout"))["files"][0]["file"] == outcome.path(target)

    return check


def _file_name_runs() -> list[Run]:
    runs = []
    for name, file_name in FILE_NAMES.items():
        answers = ((file_name, ANSWERS),)
        problem = ((file_name, BASE.encode()),)
        target = "{d}/" + file_name
        runs += [
            Run(f"file-name-{name}-solve", ("solve", target), problem),
            Run(f"file-name-{name}-solve-latex", ("solve", target, "--format", "latex"), problem),
            Run(f"file-name-{name}-solve-html", ("solve", target, "--format", "html", "--no-pictures"), problem),
            Run(f"file-name-{name}-check", ("check", "relu-111-sgd", target, "--jobs", "1"), answers, status=1),
            Run(f"file-name-{name}-check-json", ("check", "relu-111-sgd", target, "--format", "json", "--jobs", "1"),
                answers, status=1, check=_file_field(target)),
            Run(f"file-name-{name}-csv", ("check", "relu-111-sgd", target, "--format", "csv", "--jobs", "1"),
                answers, status=1),
            Run(f"file-name-{name}-batch-error", ("check", "relu-111-sgd", "{d}/ok.toml", target, "--format", "json",
                                                  "--jobs", "1"),
                (("ok.toml", ANSWERS), (file_name, b"\xff\xfes\x001")), status=2, errors=("UTF-16",)),
            Run(f"file-name-{name}-missing", ("solve", target), (), status=2, errors=("no such file",)),
        ]
    return runs


# --- files: inputs never overwritten, devices and pipes never read, failed writes one line ----------

SVM_TIES = b"""kind = "svm"
title = "ties"
points = [
""" + b"".join(f'  {{ x = [{i}, 1], y = 1 }},\n  {{ x = [{i}, -1], y = -1 }},\n'.encode() for i in range(-10, 10)) + b"]\n"


def _untouched(*names: str) -> tuple[str, ...]:
    return tuple("{d}/" + n for n in names)


def _file_runs() -> list[Run]:
    problem = (("p.toml", BASE.encode()), ("a.toml", ANSWERS))
    refused = ("is an input of this command",)
    check = ("check", "{d}/p.toml", "{d}/a.toml", "--jobs", "1")
    return [
        Run("overwrite-solve-same", ("solve", "{d}/p.toml", "-o", "{d}/p.toml"), problem, 2, refused,
            unchanged=_untouched("p.toml")),
        Run("overwrite-solve-dot-path", ("solve", "{d}/p.toml", "-o", "{d}/./p.toml"), problem, 2, refused,
            unchanged=_untouched("p.toml")),
        Run("overwrite-solve-symlink", ("solve", "{d}/p.toml", "-o", "{d}/link.toml"),
            (*problem, ("link.toml", symlink("p.toml"))), 2, (*refused, "the same file as"),
            unchanged=_untouched("p.toml")),
        Run("overwrite-solve-hardlink", ("solve", "{d}/p.toml", "-o", "{d}/hard.toml"),
            (*problem, ("hard.toml", hardlink("p.toml"))), 2, refused, unchanged=_untouched("p.toml")),
        Run("overwrite-solve-through-symlinked-input", ("solve", "{d}/link.toml", "--format", "json", "-o",
                                                        "{d}/p.toml"),
            (*problem, ("link.toml", symlink("p.toml"))), 2, refused, unchanged=_untouched("p.toml")),
        Run("overwrite-template", ("template", "{d}/p.toml", "-o", "{d}/p.toml"), problem, 2, refused,
            unchanged=_untouched("p.toml")),
        Run("overwrite-check-answer", (*check, "-o", "{d}/a.toml"), problem, 2, refused,
            unchanged=_untouched("a.toml", "p.toml")),
        Run("overwrite-check-problem", (*check, "--format", "json", "-o", "{d}/p.toml"), problem, 2, refused,
            unchanged=_untouched("a.toml", "p.toml")),
        Run("overwrite-gradescope-problem", (*check, "--gradescope", "{d}/p.toml"), problem, 2, refused,
            unchanged=_untouched("a.toml", "p.toml")),
        Run("overwrite-gradescope-answer-hardlink", (*check, "--gradescope", "{d}/hard.toml"),
            (*problem, ("hard.toml", hardlink("a.toml"))), 2, refused, unchanged=_untouched("a.toml")),
        Run("overwrite-gradescope-answer-symlink", (*check, "--gradescope", "{d}/link.json"),
            (*problem, ("link.json", symlink("a.toml"))), 2, refused, unchanged=_untouched("a.toml")),
        Run("write-to-other-file-is-fine", ("solve", "{d}/p.toml", "-o", "{d}/out.txt"), problem),
        # "-o -" is standard output, never a file named "-", even one that is the input
        Run("dash-output-is-stdout", ("solve", "{d}/p.toml", "-o", "-", "--format", "html"), problem,
            check=_shown_literally("<!DOCTYPE html>")),
        Run("dash-output-beside-a-file-named-dash", ("solve", "-", "-o", "-", "--format", "json"),
            (("-", BASE.encode()),), check=_reads_as_json(), unchanged=_untouched("-"), process=True,
            shell="cd {d} && {solver} solve - -o - --format json < -"),
        Run("dash-output-of-a-problem-named-dash", ("solve", "{d}/-", "-o", "-"), (("-", BASE.encode()),),
            unchanged=_untouched("-")),
        Run("dash-output-check", (*check, "--format", "json", "-o", "-"), problem, status=1, check=_reads_as_json(),
            unchanged=_untouched("a.toml", "p.toml")),
        Run("overwrite-solve-html", ("solve", "{d}/p.toml", "--format", "html", "-o", "{d}/p.toml"), problem, 2,
            refused, unchanged=_untouched("p.toml")),
        Run("full-disk-solve-html", ("solve", "{d}/p.toml", "--format", "html", "-o", "/dev/full"), problem, 2,
            ("/dev/full", "cannot write")),
        Run("full-disk-solve", ("solve", "{d}/p.toml", "-o", "/dev/full"), problem, 2, ("/dev/full", "cannot write")),
        Run("full-disk-solve-json", ("solve", "{d}/p.toml", "--format", "json", "-o", "/dev/full"), problem, 2,
            ("/dev/full", "No space left")),
        Run("full-disk-template", ("template", "{d}/p.toml", "-o", "/dev/full"), problem, 2, ("cannot write",)),
        Run("full-disk-check", (*check, "-o", "/dev/full"), problem, 2, ("/dev/full", "cannot write")),
        Run("full-disk-check-json", (*check, "--format", "json", "-o", "/dev/full"), problem, 2, ("cannot write",)),
        Run("full-disk-gradescope", (*check, "--gradescope", "/dev/full"), problem, 2, ("/dev/full", "cannot write")),
        Run("output-is-a-directory", ("solve", "{d}/p.toml", "-o", "{d}/out"), (*problem, ("out", DIRECTORY)), 2,
            ("cannot write",)),
        Run("output-in-missing-directory", ("solve", "{d}/p.toml", "-o", "{d}/nowhere/out.txt"), problem, 2,
            ("cannot write",)),
        Run("stdout-full-disk", (), problem, 2, ("standard output", "cannot write"), process=True,
            shell="{solver} solve {d}/p.toml > /dev/full"),
        Run("stdout-full-disk-json", (), problem, 2, ("standard output",), process=True,
            shell="{solver} solve {d}/p.toml --format json > /dev/full"),
        Run("stdout-closed-pipe", (), problem, 2, ("standard output", "closed the pipe"), process=True,
            shell="{solver} solve {d}/p.toml --format markdown | (exec 0<&-; sleep 0.2)"),
        Run("stdout-closed-check", (), problem, 2, ("standard output",), process=True,
            shell="{solver} check {d}/p.toml {d}/a.toml --jobs 1 | (exec 0<&-; sleep 0.2)"),
        Run("answer-fifo", ("check", "relu-111-sgd", "{d}/a.toml"), (("a.toml", FIFO),), 2,
            ("not a regular file",)),
        Run("answer-dev-zero", ("check", "relu-111-sgd", "{d}/a.toml"), (("a.toml", symlink("/dev/zero")),), 2,
            ("not a regular file",)),
        Run("answer-dev-urandom", ("check", "relu-111-sgd", "{d}/a.toml"), (("a.toml", symlink("/dev/urandom")),),
            2, ("not a regular file",)),
        Run("answer-directory", ("check", "relu-111-sgd", "{d}/a.toml"), (("a.toml", DIRECTORY),), 2,
            ("is a directory",)),
        Run("answer-fifo-in-a-batch", ("check", "relu-111-sgd", "{d}/ok.toml", "{d}/a.toml", "--format", "json"),
            (("ok.toml", ANSWERS), ("a.toml", FIFO)), 2, ("not a regular file",)),
        Run("answer-dangling-symlink", ("check", "relu-111-sgd", "{d}/a.toml"), (("a.toml", symlink("gone")),), 2,
            ("no such file",)),
        Run("problem-dev-zero", ("solve", "{d}/p.toml"), (("p.toml", symlink("/dev/zero")),), 2,
            ("not a regular file",)),
        Run("problem-fifo-for-check", ("check", "{d}/p.toml", "{d}/a.toml"), (("p.toml", FIFO), ("a.toml", ANSWERS)),
            2, ("not a regular file",)),
        Run("gradescope-without-one-file", ("check", "relu-111-sgd", "{d}/a.toml", "{d}/a.toml", "--gradescope",
                                            "{d}/r.json"), (("a.toml", ANSWERS),), 2, ("exactly one",)),
    ]


# --- fields of a problem file that are refused, quoting hostile text ---------------------------------

def _svm(name: str) -> bytes:
    return (f'kind = "svm"\ntitle = "t"\npoints = [{{ name = {toml_string(name)}, x = [0], y = 1 }}, '
            '{ name = "B", x = [1], y = -1 }]\n').encode()


def _graph(node: str) -> bytes:
    return (f'kind = "graph"\ntitle = "t"\nderivative = {{ of = "E", wrt = "x" }}\n[inputs]\nx = 1\n'
            f'[nodes]\n{toml_string(node)} = "x"\nE = "x"\n').encode()


def _field_runs() -> list[Run]:
    runs = []
    for name in ("screen-clear", "markup-link", "html-script", "newline", "bidi-override"):
        text = PAYLOADS.get(name, "A\nB")
        runs += [
            Run(f"point-name-{name}", ("solve", "{d}/p.toml"), (("p.toml", _svm(text)),), 2, ("points[1].name",)),
            Run(f"node-name-{name}", ("solve", "{d}/p.toml"), (("p.toml", _graph(text)),), 2, ("nodes.",)),
            Run(f"kind-{name}", ("solve", "{d}/p.toml"),
                (("p.toml", BASE.replace('kind = "backprop"', f"kind = {toml_string(text)}").encode()),), 2,
                ("kind", "is not one of")),
            Run(f"unknown-key-{name}", ("solve", "{d}/p.toml"),
                (("p.toml", BASE.replace("[network]", f"{toml_string(text)} = 1\n[network]").encode()),), 2,
                ("unknown key",)),
            Run(f"value-{name}", ("solve", "{d}/p.toml"),
                (("p.toml", BASE.replace("learning_rate = 0.01", f"learning_rate = {toml_string(text)}").encode()),),
                2, ("training.learning_rate",)),
        ]
    runs.append(Run("title-too-long-with-escapes", ("solve", "{d}/p.toml"), (("p.toml", titled("\x1b[2J" * 200)),),
                    2, ("title", "too long")))
    return runs


# --- crashes, numbers, solver output, command lines ----------------------------------------------------

SATURATED = BASE.replace('activations = ["relu", "identity"]', 'activations = ["identity", "sigmoid"]').replace(
    'loss = "half_mse"', 'loss = "binary_cross_entropy"').replace("W1 = 1", "W1 = 9999").replace(
    "samples = [{ x = 1, y = 3 }, { x = 2, y = 4 }]", "samples = [{ x = 1, y = 0 }]")

DIVERGENT = BASE.replace("learning_rate = 0.01", "learning_rate = 1e300\nepochs = 20").replace(
    "samples = [{ x = 1, y = 3 }, { x = 2, y = 4 }]", "samples = [{ x = 1, y = 3 }, { x = 2, y = 4 }, { x = 3, y = 5 }]")

NOT_SEPARABLE = b"""kind = "svm"
title = "not separable"
points = [{ x = [0, 0], y = 1 }, { x = [1, 1], y = 1 }, { x = [1, 0], y = -1 }, { x = [0, 1], y = -1 }]
"""


#: sigmoid(π¹⁰⁰·tanh(100)): a constant the saturated sigmoid is recomputed from at thousands of digits
SATURATED_GRAPH = b"""kind = "graph"
title = "saturated"
inputs = { x = "tanh(100)", w1 = "pi^100", w2 = -2, s = 1, r = 3 }
nodes = { z = "w1 * x", h = "sigmoid(z)", y = "w2 * h + x", S = "1/2 * (y - s)^2", R = "r * h", E = "S + R" }
derivative = { of = "E", wrt = "x" }
"""


def _reads_as_json(where: str = "stdout"):
    def check(outcome) -> None:
        json.loads(outcome.text(where))

    return check


def _saturated_loss(outcome) -> None:
    steps = {s["key"]: s for s in json.loads(outcome.text("stdout"))["steps"]}
    assert steps["s1.loss"]["numeric"] == 9999


def _saturated_graph(outcome) -> None:
    # h = σ(z) with z = π¹⁰⁰·tanh(100) ≈ 5.19·10⁴⁹: h rounds to 1, y = −2h + tanh(100) to −1, E = ½(y − 1)² + 3h to 5
    steps = {s["key"]: s for s in json.loads(outcome.text("stdout"))["steps"]}
    assert abs(steps["z"]["numeric"] / 5.187848314319613e49 - 1) < 1e-12
    assert (steps["h"]["numeric"], steps["y"]["numeric"], steps["E"]["numeric"]) == (1, -1, 5)


def _numbers_runs() -> list[Run]:
    saturated = (("p.toml", SATURATED.encode()), ("a.toml", b's1.loss = 9999\ns1.dL_dyhat = "3.2398e4342"\n'))
    divergent = (("p.toml", DIVERGENT.encode()),)
    runs = [Run(f"saturated-{fmt}", ("solve", "{d}/p.toml", "--format", fmt), saturated,
                check=_saturated_loss if fmt == "json" else None) for fmt in ("terminal", "markdown", "latex", "json")]
    runs += [
        Run("saturated-check", ("check", "{d}/p.toml", "{d}/a.toml", "--format", "json"), saturated, status=0),
        Run("divergent-json", ("solve", "{d}/p.toml", "--format", "json", "--decimals", "30"), divergent,
            check=_reads_as_json()),
        Run("divergent-terminal", ("solve", "{d}/p.toml", "--decimals", "30"), divergent,
            check=_shown_literally("×10")),
        Run("saturated-graph-json", ("solve", "{d}/p.toml", "--format", "json"), (("p.toml", SATURATED_GRAPH),),
            check=_saturated_graph),
        Run("not-separable-json", ("solve", "{d}/p.toml", "--format", "json"), (("p.toml", NOT_SEPARABLE),), 2,
            ("not linearly separable",), process=True),
        Run("separable-json-is-only-json", ("solve", "{d}/p.toml", "--format", "json"), (("p.toml", SVM_TIES),),
            check=_reads_as_json(), process=True),
    ]
    return runs


def _command_line_runs() -> list[Run]:
    files = (("a.toml", ANSWERS),)
    return [
        Run("jobs-hundred-thousand", ("check", "relu-111-sgd", "{d}/a.toml", "{d}/a.toml", "--jobs", "100000"), files,
            status=1),
        Run("jobs-too-many", ("check", "relu-111-sgd", "{d}/a.toml", "--jobs", "1000000"), files, 2, ("out of range",)),
        Run("decimals-huge", ("solve", "relu-111-sgd", "--decimals", "9" * 40), (), 2, ("out of range",)),
        Run("format-escape", ("solve", "relu-111-sgd", "--format", "\x1b[2J"), (), 2, ("invalid choice",)),
        Run("command-markup", ("[/]\x1b[2J",), (), 2, ("unknown command",)),
        Run("problem-name-escape", ("solve", "no\x1b[2Jsuch"), (), 2, ("no built-in problem",)),
        Run("problem-name-newline", ("svm", "a\nb"), (), 2, ("no built-in problem",)),
        Run("time-limit-absurd", ("check", "relu-111-sgd", "{d}/a.toml", "--time-limit", "1e999"), files, 2,
            ("out of range",)),
        Run("time-limit-nan", ("check", "relu-111-sgd", "{d}/a.toml", "--time-limit", "nan"), files, 2,
            ("time-limit",)),
        Run("memory-limit-negative", ("check", "relu-111-sgd", "{d}/a.toml", "--memory-limit", "-5"), files, 2,
            ("memory-limit",)),
        Run("rtol-text", ("check", "relu-111-sgd", "{d}/a.toml", "--rtol", "[/]"), files, 2, ("rtol",)),
        Run("wrong-kind-command", ("svm", "relu-111-sgd"), (), 2, ("is a backprop problem",)),
        # every process run has a hard address-space limit: workers must grade under it, not die
        Run("check-under-a-memory-ulimit", ("check", "relu-111-sgd", "{d}/a.toml", "--format", "json"), files,
            status=1, process=True),
    ]


RUNS: list[Run] = [*_title_runs(), *_answer_runs(), *_file_name_runs(), *_file_runs(), *_field_runs(),
                   *_numbers_runs(), *_command_line_runs()]
