"""The docs' build tools: the math hook (docs/hooks/math.py: TeX becomes MathML
at build time, code on the pages never touched) and the site check
(docs/check_site.py: nothing loaded from outside, no empty or missing asset).
Course tooling: no task mark."""

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


def test_the_site_check_finds_external_empty_and_missing_assets(tmp_path):
    spec = importlib.util.spec_from_file_location("check_site", ROOT / "docs" / "check_site.py")
    check = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(check)
    (tmp_path / "ok.js").write_text("")
    (tmp_path / "page.html").write_text(
        '<script src="ok.js"></script><script src=""></script>'
        '<script src="https://cdn.example/x.js"></script><img src="gone.png">'
        '<link rel="stylesheet" href="/ok.js"><a href="https://example.org">a link</a>')
    found = check.problems(tmp_path)
    assert len(found) == 3
    assert any("empty" in p for p in found) and any("outside" in p for p in found)
    assert any("gone.png" in p and "missing" in p for p in found)


def test_the_site_check_finds_links_to_no_page(tmp_path):
    spec = importlib.util.spec_from_file_location("check_site", ROOT / "docs" / "check_site.py")
    check = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(check)
    (tmp_path / "stage1").mkdir()
    (tmp_path / "stage1" / "index.html").write_text("")
    (tmp_path / "nb").mkdir()
    (tmp_path / "nb" / "index.html").write_text(
        '<a href="../stage1/#task-1">ok</a><a href="#here">ok</a><a href="https://x.org">ok</a>'
        '<a href="../docs/stage1.md">broken</a><a href="../stage9/">broken</a>')
    found = check.problems(tmp_path)
    assert len(found) == 2 and all("leads to no page" in p for p in found)


def test_notebook_links_to_docs_pages_are_rewritten_for_the_site():
    spec = importlib.util.spec_from_file_location(
        "notebook_links", ROOT / "docs" / "hooks" / "notebook_links.py")
    hook = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hook)
    html = '<a href="../docs/stage1.md">s1</a> <a href="../docs/stage5/graphs.md#task-3">t</a>'
    assert hook.rewrite_links(html, "notebooks/01_tensors/") == (
        '<a href="../../stage1/">s1</a> <a href="../../stage5/graphs/#task-3">t</a>')
