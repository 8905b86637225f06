"""Opens every page of the built site in a real (headless) browser and fails on
anything a reader would see go wrong:

* a request to any host but this machine (it is blocked, and reported);
* a request that fails, or an answer with an HTTP status of 400 or more;
* a console message of type ``error``, or an uncaught exception in a script;
* an ``<img>`` that did not load (``naturalWidth == 0``);
* a notebook page (``notebooks/<name>/``) that does not show the outputs its
  notebook stores: one output area per stored output, and every picture drawn.

    python docs/browser_check.py site       # make browser-check runs it

``docs/check_site.py`` reads the HTML without a browser; this one runs the
pages' scripts, so it also catches what they fetch or break at run time.

The site is served by Python's ``http.server`` on a free port of localhost, and
the pages are opened one by one in one headless Chromium, driven by Playwright.
Playwright never downloads a browser here: it drives the system's Chromium
(``apt-get install chromium``; set ``CHROMIUM=/path/to/chrome`` for another).
Without one, the check says it is skipped and passes, so a machine without a
browser can still run ``make test``.
"""

import functools
import http.server
import json
import os
import pathlib
import shutil
import sys
import threading
import time
import urllib.parse
import urllib.request

SKIPPED = "browser check skipped: no chromium (apt-get install chromium)"
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
# The longest a page may take to load and settle (milliseconds).
PAGE_TIMEOUT_MS = 20_000

# Runs in the page once it has loaded: makes lazy images load now, waits for
# every image, then names those that did not load.
BROKEN_IMAGES_JS = """
async () => {
  const images = Array.from(document.images);
  for (const image of images) image.loading = "eager";
  const settled = image => image.complete ? null : new Promise(done => {
    image.addEventListener("load", done, {once: true});
    image.addEventListener("error", done, {once: true});
  });
  const timeout = new Promise(done => setTimeout(done, 10000));
  await Promise.race([Promise.all(images.map(settled)), timeout]);
  return images.filter(image => image.naturalWidth === 0)
               .map(image => (image.getAttribute("src") || "(no src)").slice(0, 80));
}
"""

# Runs on a notebook page: what its output areas show.
NOTEBOOK_OUTPUTS_JS = """
() => {
  const shown = element => {
    const box = element.getBoundingClientRect();
    return box.width > 0 && box.height > 0;
  };
  const outputs = Array.from(document.querySelectorAll(".jp-OutputArea-child"));
  const pictures = Array.from(document.querySelectorAll(
      ".jp-OutputArea-output img, .jp-OutputArea-output svg"));
  return {outputs: outputs.length, shown: outputs.filter(shown).length,
          pictures: pictures.length, pictures_shown: pictures.filter(shown).length};
}
"""


def find_chromium():
    """The path of the system's Chromium, or None."""
    if os.environ.get("CHROMIUM"):
        return shutil.which(os.environ["CHROMIUM"])
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        if shutil.which(name):
            return shutil.which(name)
    return None


def serve(site):
    """Serves ``site`` on a free port of localhost in a thread; returns the server."""

    class QuietHandler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format, *args):  # noqa: A002 (the base class's name)
            pass

    handler = functools.partial(QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def served(url):
    """Whether the local server answers ``url`` with a success (a 2xx status)."""
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return 200 <= answer.status < 300
    except OSError:  # urllib's HTTPError and URLError are OSErrors
        return False


def page_paths(site):
    """Every HTML page of ``site``, as the URL path a reader opens (``stage1/``)."""
    paths = []
    for page in sorted(site.rglob("*.html")):
        path = page.relative_to(site).as_posix()
        paths.append(path[: -len("index.html")] if path.endswith("index.html") else path)
    return paths


def stored_outputs(site, path):
    """How many outputs, and how many pictures, the notebook of a page stores.

    mkdocs-jupyter copies each notebook beside its page
    (``notebooks/04_training/04_training.ipynb``). None when there is none.
    """
    notebooks = list((site / path).glob("*.ipynb"))
    if len(notebooks) != 1:
        return None
    cells = json.loads(notebooks[0].read_text(encoding="utf-8"))["cells"]
    outputs = [output for cell in cells if cell["cell_type"] == "code"
               for output in cell.get("outputs", [])]
    pictures = sum(1 for output in outputs for kind in output.get("data", {})
                   if kind.startswith("image/"))
    return len(outputs), pictures


def check_notebook(page, site, path):
    """The problems of a notebook page: missing, hidden or undrawn outputs."""
    stored = stored_outputs(site, path)
    if stored is None:
        return ["no notebook (.ipynb) beside the page, so its outputs cannot be checked"]
    outputs, pictures = stored
    shown = page.evaluate(NOTEBOOK_OUTPUTS_JS)
    found = []
    if outputs == 0:
        found.append("its notebook stores no outputs (run make notebooks-execute)")
    if shown["outputs"] < outputs:
        found.append("shows %d of the %d outputs its notebook stores"
                     % (shown["outputs"], outputs))
    if shown["shown"] < shown["outputs"]:
        found.append("%d output area(s) take no space on the page"
                     % (shown["outputs"] - shown["shown"]))
    if shown["pictures"] < pictures:
        found.append("shows %d of the %d pictures its notebook stores"
                     % (shown["pictures"], pictures))
    if shown["pictures_shown"] < shown["pictures"]:
        found.append("%d picture(s) take no space on the page"
                     % (shown["pictures"] - shown["pictures_shown"]))
    return found


def check(site, chromium):
    """Opens every page of ``site``; returns (problems, pages, requests, seconds)."""
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    start = time.perf_counter()
    problems = []
    requests = 0
    current = {"path": None}  # the page being checked, for the event handlers
    blocked = set()  # external URLs already reported (their failure is not news)
    made_on = {}  # request -> the page being checked when it was made

    def report(message):
        problems.append("%s: %s" % (current["path"] or "/", message))

    def route(route):
        url = route.request.url
        if urllib.parse.urlsplit(url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            blocked.add(url)
            report("fetches from outside the site (blocked): %s" % url)
            route.abort("blockedbyclient")

    def on_request(request):
        nonlocal requests
        requests += 1
        made_on[request] = current["path"]

    def on_request_failed(request):
        if request.url in blocked:
            return
        if request.failure == "net::ERR_ABORTED":
            # The browser itself dropped the request: the check went on to the
            # next page while it loaded, or Chromium gave up on a favicon it
            # asks for in the background (CI saw that once, for favicon.png).
            # A reader sees nothing of it, so ask the server directly whether
            # the file is there, and report it only when it is not.
            if made_on.get(request) == current["path"] and not served(request.url):
                report("request failed (%s, and the server does not serve it): %s"
                       % (request.failure, request.url))
            return
        report("request failed (%s): %s" % (request.failure, request.url))

    def on_response(response):
        if response.status >= 400:
            report("HTTP %d: %s" % (response.status, response.url))

    def on_console(message):
        if message.type != "error":
            return
        if message.location.get("url") in blocked:  # "Failed to load resource"
            return
        report("console error: %s (%s)" % (message.text, message.location.get("url")))

    def on_page_error(error):
        report("uncaught exception: %s" % error)

    server = serve(site)
    base = "http://127.0.0.1:%d/" % server.server_address[1]
    paths = page_paths(site)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, headless=True)
            context = browser.new_context(service_workers="block")
            context.route("**/*", route)
            page = context.new_page()
            page.on("request", on_request)
            page.on("requestfailed", on_request_failed)
            page.on("response", on_response)
            page.on("console", on_console)
            page.on("pageerror", on_page_error)
            for path in paths:
                current["path"] = path
                try:
                    # "networkidle": also what the scripts fetch after the load
                    # (the search index, for one).
                    page.goto(base + path, wait_until="networkidle",
                              timeout=PAGE_TIMEOUT_MS)
                    for src in page.evaluate(BROKEN_IMAGES_JS):
                        report("image did not load: %s" % src)
                    if path.startswith("notebooks/"):
                        for problem in check_notebook(page, site, path):
                            report(problem)
                except PlaywrightError as error:
                    report("could not be opened: %s" % str(error).splitlines()[0])
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return problems, len(paths), requests, time.perf_counter() - start


def main(argv):
    site = pathlib.Path(argv[1] if len(argv) > 1 else "site")
    if not (site / "index.html").is_file():
        print("browser check: no built site in %s/ (run make docs-build)" % site)
        return 1
    chromium = find_chromium()
    if chromium is None:
        print(SKIPPED)
        return 0
    try:
        import playwright  # noqa: F401 (only: is it installed?)
    except ImportError:
        print("browser check: the playwright package is missing (make venv installs it)")
        return 1
    problems, pages, requests, seconds = check(site, chromium)
    for problem in problems:
        print(problem)
    print("browser check: %d pages, %d requests, %s, %.1f s (%s)"
          % (pages, requests, "%d problem(s)" % len(problems) if problems
             else "no problem", seconds, chromium))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
