"""The HTML page's style sheet: inline in the page, every rule scoped to ``.mlsolver`` so that a page
embedded in a notebook leaves the notebook's own look alone; readable on a phone, clean on paper."""

CSS = """
.mlsolver { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif;
  line-height: 1.5; color: #1b1b1b; background: #fff; max-width: 62rem; margin: 0 auto; padding: 1rem 1.25rem 3rem; }
.mlsolver h1 { font-size: 1.55rem; line-height: 1.25; margin: 0.4rem 0 0.3rem; }
.mlsolver h2 { font-size: 1.15rem; margin: 2rem 0 0.6rem; padding-bottom: 0.2rem; border-bottom: 2px solid #d7e3f1;
  color: #14365d; }
.mlsolver .meta { color: #555; margin: 0 0 0.8rem; }
.mlsolver code { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "DejaVu Sans Mono", monospace;
  font-size: 0.88em; background: #f3f5f8; padding: 0.05em 0.3em; border-radius: 3px; white-space: nowrap; }
.mlsolver math { font-family: "STIX Two Math", "Cambria Math", "Latin Modern Math", math; font-size: 1.1em; }
.mlsolver .givens { margin: 0.4rem 0 0.8rem; }
.mlsolver .given { display: inline-block; margin-right: 1.1em; }
.mlsolver table.steps { width: 100%; border-collapse: collapse; }
.mlsolver table.steps td { border-top: 1px solid #e4e7eb; padding: 0.45rem 0.6rem 0.45rem 0; vertical-align: baseline; }
.mlsolver table.steps td.key { width: 1%; white-space: nowrap; }
.mlsolver table.steps td.math { width: 100%; max-width: 0; }
.mlsolver .part { display: inline-block; max-width: 100%; overflow-x: auto; overflow-y: hidden;
  vertical-align: middle; margin: 0.1rem 0.55em 0.1rem 0; }
.mlsolver .note { background: #fff8e5; border-left: 4px solid #e6b000; padding: 0.45rem 0.75rem; margin: 0.6rem 0;
  overflow-x: auto; }
.mlsolver .table { margin: 1rem 0; overflow-x: auto; }
.mlsolver .table table { border-collapse: collapse; }
.mlsolver .table caption { text-align: left; font-weight: 600; padding-bottom: 0.3rem; }
.mlsolver .table th, .mlsolver .table td { border: 1px solid #d9dde3; padding: 0.3rem 0.6rem; text-align: left; }
.mlsolver .table th { background: #f3f5f8; }
.mlsolver table.questions { width: 100%; }
.mlsolver table.questions td { padding: 0.5rem 0.6rem; vertical-align: middle; }
.mlsolver table.questions td.answer { width: 45%; min-width: 8rem; }
.mlsolver figure.picture { margin: 1.2rem 0; text-align: center; }
.mlsolver figure.picture svg { max-width: 100%; height: auto; }
.mlsolver figcaption { color: #444; font-size: 0.92em; margin-top: 0.3rem; }
@media (max-width: 40rem) {
  .mlsolver { padding: 0.6rem 0.7rem 2rem; }
  .mlsolver table.steps, .mlsolver table.steps tbody, .mlsolver table.steps tr, .mlsolver table.steps td,
  .mlsolver table.steps td.math { display: block; width: auto; max-width: none; }
  .mlsolver table.steps td { border: none; padding: 0.1rem 0; }
  .mlsolver table.steps tr { border-top: 1px solid #e4e7eb; padding: 0.35rem 0; }
}
@media print {
  .mlsolver { max-width: none; padding: 0; font-size: 10.5pt; color: #000; }
  .mlsolver h2 { break-after: avoid; border-bottom-color: #999; color: #000; }
  .mlsolver tr, .mlsolver figure, .mlsolver .note, .mlsolver .table { break-inside: avoid; }
  .mlsolver .part, .mlsolver .note, .mlsolver .table { overflow: visible; }
  .mlsolver code { background: none; padding: 0; }
  .mlsolver .note { background: none; }
}
"""
