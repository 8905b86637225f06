"""Checks a built site the way a browser would load it, without a browser:
every script, stylesheet, image and frame a page asks for must be a file of the
site (nothing fetched from outside, no empty ``src``, no missing asset).

    python docs/check_site.py site          # make docs-build runs it

Links a reader may follow (``<a href>``) may point anywhere; only what a page
loads by itself is checked.
"""

import html.parser
import pathlib
import sys
import urllib.parse

# (tag, attribute) pairs whose URL the browser fetches when the page loads.
LOADED = {("script", "src"), ("img", "src"), ("source", "src"), ("iframe", "src"),
          ("video", "src"), ("audio", "src"), ("embed", "src"), ("link", "href")}
LINK_RELS_LOADED = {"stylesheet", "icon", "preload", "modulepreload", "manifest"}


class _Loads(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ("src", "href"):
            if (tag, name) not in LOADED or name not in attrs:
                continue
            if tag == "link" and not LINK_RELS_LOADED & set((attrs.get("rel") or "").split()):
                continue
            self.urls.append((tag, attrs[name]))


def problems(site):
    """Every asset a page of ``site`` loads that is external, empty or missing."""
    site = pathlib.Path(site)
    found = []
    for page in sorted(site.rglob("*.html")):
        parser = _Loads()
        parser.feed(page.read_text(encoding="utf-8", errors="replace"))
        for tag, url in parser.urls:
            where = "%s: <%s> %r" % (page.relative_to(site), tag, url)
            parts = urllib.parse.urlsplit(url.strip())
            if not url.strip():
                found.append(where + " is empty (the browser fetches the page itself)")
            elif parts.scheme in ("http", "https") or url.startswith("//"):
                found.append(where + " is fetched from outside the site")
            elif parts.scheme in ("data", "blob", "about"):
                continue
            else:
                path = urllib.parse.unquote(parts.path)
                # "/assets/..." (the 404 page's) is the site's root when served
                base = site if path.startswith("/") else page.parent
                if not (base / path.lstrip("/")).resolve().exists():
                    found.append(where + " is missing")
    return found


def main(argv):
    site = argv[1] if len(argv) > 1 else "site"
    found = problems(site)
    for problem in found:
        print(problem)
    pages = len(list(pathlib.Path(site).rglob("*.html")))
    print("%d pages checked: %s" % (pages, "%d problem(s)" % len(found) if found
                                    else "every asset is a file of the site"))
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
