"""One escaping function per medium: text from a file is shown as itself, never read as structure.

Expected strings are written out by hand from each medium's rules; the LaTeX one is also compiled.
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess

import pytest
from rich.console import Console

from solver.render import escape, renderer
from solver.render.options import RenderOptions
from tests.hostile.corpus import BASE
from tests.hostile.round_two import PAYLOADS, titled
from tests.independent import solve_text


def _printed(text) -> str:
    buffer = io.StringIO()
    Console(file=buffer, width=200, highlight=False).print(text)
    return buffer.getvalue()


@pytest.mark.parametrize("text, shown", [
    ("plain", "plain"),
    ("a\x1b[2Jb", r"a\x1b[2Jb"),
    ("bell\x07", r"bell\x07"),
    ("c1\x9b", r"c1\x9b"),
    ("two\nlines\r", r"two\nlines\r"),
    ("tab\there", r"tab\there"),
    ("rtl\u202eoverride", r"rtl\u202eoverride"),
    ("sep\u2028x", r"sep\u2028x"),
    ("byte\udcff", r"byte\xff"),  # an undecodable byte of a file name, as Python keeps it
    ("emoji 👩‍🏫", "emoji 👩‍🏫"),  # a joiner only joins: kept
    ("nbsp\u00a0x", "nbsp\u00a0x"),
])
def test_visible_shows_what_would_act(text, shown):
    assert escape.visible(text) == shown
    assert escape.error_line(text) == shown


def test_terminal_text_is_never_markup_nor_control():
    for payload in ("Week 3 [/] quiz", "[link=file:///etc/passwd]x[/link]", "[bold]b[/bold]", ":smile:"):
        assert _printed(escape.terminal(payload)).rstrip("\n") == payload
    assert _printed(escape.terminal("x\x1b]52;c;SGVsbG8=\x07")).rstrip("\n") == r"x\x1b]52;c;SGVsbG8=\x07"
    assert _printed(escape.terminal("a\nb", keep_lines=True)) == "a\nb\n"


@pytest.mark.parametrize("text, shown", [
    ("Week 3 [/] quiz", r"Week 3 \[/\] quiz"),
    ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
    ("a | b", r"a \| b"),
    ("# heading", r"\# heading"),
    ("- item", r"\- item"),
    ("+ item", r"\+ item"),
    ("12. first", r"12\. first"),
    ("`code` $x$ *em* _em_ ~~s~~", r"\`code\` \$x\$ \*em\* \_em\_ \~\~s\~\~"),
    ("&amp;", "&amp;amp;"),
    ("x\n| a |", r"x\\n\| a \|"),
    (r"\input{x}", r"\\input\{x\}"),
    ("f(x) - 1.5", "f(x) - 1.5"),  # what Markdown leaves alone stays readable
])
def test_markdown_text(text, shown):
    assert escape.markdown(text) == shown


def test_markdown_code_spans_cannot_be_closed_early():
    assert escape.markdown_code("s1.z1") == "`s1.z1`"
    assert escape.markdown_code("a`b") == "``a`b``"
    assert escape.markdown_code("`x") == "`` `x ``"


@pytest.mark.parametrize("text, shown", [
    (r"\input{/etc/passwd}", r"\textbackslash{}input\{/etc/passwd\}"),
    ("50% of $5 & #1", r"50\% of \$5 \& \#1"),
    ("a_b^c~d", r"a\_b\^{}c\~{}d"),
    ("[x] <y> |z|", r"{[}x{]} \textless{}y\textgreater{} \textbar{}z\textbar{}"),
    ("bell\x07 esc\x1b", "bell? esc?"),
    # symbols side by side are one formula: "$$" would open display maths
    ("η·∂L/∂w₁", r"$\eta\cdot\partial$L/$\partial$w$_{1}$"),
    ("αβ ⟨x⟩", r"$\alpha\beta$ $\langle$x$\rangle$"),
])
def test_latex_text(text, shown):
    assert escape.latex(text) == shown


def test_html_text():
    assert escape.html('<a href="x" onclick=\'y\'>&\x1b</a>') == (
        "&lt;a href=&quot;x&quot; onclick=&#x27;y&#x27;&gt;&amp;\\x1b&lt;/a&gt;")


def test_json_escapes_what_acts_and_stays_lossless():
    value = {"k\x1b": "c1\x9b rtl\u202e del\x7f sep\u2028 emoji 👩‍🏫"}
    text = escape.json_document(json.dumps(value, ensure_ascii=False))
    assert text == '{"k\\u001b": "c1\\u009b rtl\\u202e del\\u007f sep\\u2028 emoji 👩‍🏫"}'
    assert json.loads(text) == value
    # an undecodable byte of a file name becomes its escape as text: no JSON reader takes a lone surrogate
    assert json.loads(escape.json_document(json.dumps("b\udcff", ensure_ascii=False))) == "b\\xff"


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="no TeX engine installed")
def test_a_hostile_title_compiles_to_itself_and_runs_nothing(tmp_path):
    title = " ".join(PAYLOADS[name] for name in ("latex-input", "latex-write18", "latex-group", "entity",
                                                  "markup-close", "html-script"))
    source = tmp_path / "title.tex"
    source.write_text(renderer("latex")(solve_text(titled(title).decode()), RenderOptions(4)), encoding="utf-8")
    result = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape",
                             source.name], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-2000:]
    assert not (tmp_path / "pwned").exists()
    assert "passwd" not in result.stdout.split("title.tex", 1)[-1].split("Output written")[0].replace(
        "/etc/passwd", "")


def test_base_problem_is_unchanged_by_escaping():
    # the project's own texts hold no file text: escaping leaves every format as it was
    derivation = solve_text(BASE)
    for fmt in ("markdown", "latex", "json"):
        assert "\\x" not in renderer(fmt)(derivation, RenderOptions(4))


def test_notebook_reports_show_what_a_student_wrote_as_text():
    # the Jupyter views of a check report: a hostile title, value and key in HTML, Markdown and LaTeX
    import re
    from html.parser import HTMLParser

    import solver

    answers = {"s1.z1": PAYLOADS["html-script"] + PAYLOADS["screen-clear"],
               "s1." + PAYLOADS["latex-input"]: "1", "s1.a1": PAYLOADS["markdown-table"]}
    report = solver.check(titled(PAYLOADS["markup-link"] + PAYLOADS["html-script"]), answers)
    bundle = report._repr_mimebundle_()
    page, markdown, latex = bundle["text/html"], bundle["text/markdown"], bundle["text/latex"]
    for text, shown in ((page, "\\x1b[2J"), (markdown, r"\\x1b\[2J"), (latex, r"\textbackslash{}x1b{[}2J")):
        assert "\x1b" not in text and "<script" not in text
        assert shown in text  # the screen clear, as its escape in each medium's own terms

    class Tags(HTMLParser):
        tags: set[str] = set()

        def handle_starttag(self, tag, attrs) -> None:
            self.tags.add(tag)

    Tags().feed(page)
    assert Tags.tags <= {"div", "table", "caption", "thead", "tbody", "tr", "th", "td", "code", "br", "p"}, Tags.tags
    assert "\n| c | d |" not in markdown  # the value's table stays inside its cell
    assert re.search(r"(?<!\\textbackslash{})\\input", latex) is None
