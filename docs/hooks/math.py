"""An mkdocs hook: formulas written in TeX become MathML when the site builds.

``$$ ... $$`` on lines of their own is a displayed formula, ``\\( ... \\)`` an
inline one. ``latex2mathml`` turns each into MathML, which browsers draw
themselves: no JavaScript, no fonts to fetch, so the site stays offline. Code
(fenced blocks and inline ``code``) is left alone.

>>> html = convert_math("The loss \\\\(L = x^2\\\\).")
>>> html.startswith("The loss <math") and "<msup>" in html
True
"""

import re

from latex2mathml.converter import convert

_FENCE = re.compile(r"^(```|~~~).*?^\1[ \t]*$", re.M | re.S)
_INLINE_CODE = re.compile(r"`[^`\n]+`")
_DISPLAY = re.compile(r"^\$\$[ \t]*\n(.+?)\n\$\$[ \t]*$", re.M | re.S)
_INLINE = re.compile(r"\\\((.+?)\\\)")


def _display(match):
    mathml = convert(match.group(1).strip(), display="block")
    return '\n<div class="formula">%s</div>\n' % mathml


def _inline(match):
    return convert(match.group(1).strip())


def convert_math(markdown):
    """``markdown`` with its TeX formulas as MathML (code untouched)."""
    kept = []

    def keep(match):
        kept.append(match.group(0))
        return "\x00%d\x00" % (len(kept) - 1)
    text = _FENCE.sub(keep, markdown)
    text = _INLINE_CODE.sub(keep, text)
    text = _DISPLAY.sub(_display, text)
    text = _INLINE.sub(_inline, text)
    return re.sub("\x00(\\d+)\x00", lambda m: kept[int(m.group(1))], text)


def on_page_markdown(markdown, page, config, files):
    return convert_math(markdown)
