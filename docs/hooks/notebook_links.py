"""An mkdocs hook: a notebook's links to the docs pages work on the site too.

A notebook in ``notebooks/`` links to a page as ``../docs/stage1.md``, the path
that works in JupyterLab and on GitHub. On the site the notebook is a page of
its own (``notebooks/01_tensors/``), so the hook rewrites each such link to
the page's address relative to it, keeping any ``#anchor``.

>>> rewrite_links('<a href="../docs/stage5/graphs.md#tasks">', "notebooks/06_graphs/")
'<a href="../../stage5/graphs/#tasks">'
"""

import posixpath
import re

_DOCS_LINK = re.compile(r'href="\.\./docs/([^"#]+)\.md(#[^"]*)?"')


def rewrite_links(html, page_url):
    """``html`` of the page at ``page_url`` with its ``../docs/*.md`` links rewritten."""
    def address(match):
        path, anchor = match.group(1), match.group(2) or ""
        target = "" if path == "index" else (path[:-len("index")] if path.endswith("/index")
                                             else path + "/")
        relative = posixpath.relpath(target or ".", page_url.rstrip("/") or ".")
        return 'href="%s/%s"' % (relative, anchor) if relative != "." \
            else 'href="./%s"' % anchor
    return _DOCS_LINK.sub(address, html)


def on_page_content(html, page, config, files):
    if page.file.src_path.endswith(".ipynb"):
        return rewrite_links(html, page.url)
    return html
