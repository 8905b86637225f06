"""The docs' math hook (docs/hooks/math.py): TeX becomes MathML at build time,
and code on the pages is never touched. Course tooling: no task mark."""

import importlib.util
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("docs_math", ROOT / "docs" / "hooks" / "math.py")
docs_math = importlib.util.module_from_spec(spec)
spec.loader.exec_module(docs_math)


def test_display_and_inline_formulas_become_mathml():
    html = docs_math.convert_math("Here \\(x^2\\) is inline.\n\n$$\n\\frac{a}{b}\n$$\n")
    assert "<math" in html and "<msup>" in html and "<mfrac>" in html
    assert 'display="block"' in html and "\\(" not in html and "$$" not in html


def test_code_is_left_alone():
    page = "```python\nprint('$$')\nx = '\\\\(y\\\\)'\n```\n\nand `\\(z\\)` too\n"
    assert docs_math.convert_math(page) == page


def test_every_formula_on_the_pages_converts():
    for page in (ROOT / "docs").rglob("*.md"):
        out = docs_math.convert_math(page.read_text(encoding="utf-8"))
        assert "$$" not in docs_math._FENCE.sub("", docs_math._INLINE_CODE.sub("", out)), page
