"""Checks a built site the way a browser would load it, without a browser:
every script, stylesheet, image and frame a page asks for must be a file of the
site (nothing fetched from outside, no empty ``src``, no missing asset).

    python docs/check_site.py site          # make docs-build runs it

Links a reader may follow (``<a href>``) may point anywhere outside the site,
but a link to a place inside it must lead to a file of the site (a page moved or
misspelt, or a notebook's link to ``../docs/page.md`` left unrewritten, is a
broken link).
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
        self.links = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
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
        for url in parser.links:
            parts = urllib.parse.urlsplit(url.strip())
            if parts.scheme or url.startswith("//") or not parts.path:
                continue            # outside the site, or an anchor on this page
            path = urllib.parse.unquote(parts.path)
            base = site if path.startswith("/") else page.parent
            target = (base / path.lstrip("/")).resolve()
            if not (target.is_file() or (target / "index.html").is_file()):
                found.append("%s: <a href=%r> leads to no page of the site"
                             % (page.relative_to(site), url))
    return found


def main(argv):
    site = argv[1] if len(argv) > 1 else "site"
    found = problems(site)
    for problem in found:
        print(problem)
    pages = len(list(pathlib.Path(site).rglob("*.html")))
    print("%d pages checked: %s" % (pages, "%d problem(s)" % len(found) if found
                                    else "every asset is a file of the site, every local link leads to a page"))
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
