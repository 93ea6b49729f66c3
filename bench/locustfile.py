"""The pages of issue 19's load figures, for `locust` (run by bench/load.py, never by hand-typed
URLs: docs/benchmarks.md, «Tải đồng thời»).

Each simulated user takes a session of the benchmark user (made by bench/load.py), reads the
member list and the tree once («start: …», reported apart), then loops over the pages in turn
(member search, member list first and last page, a unit page, a member page, the name picker's
suggestions, a tree node's expansion, the tree page, and the reference: a signed-in page that
reads no row, the picker with nothing typed), each client entering the loop at its own page,
waiting between 0.5 and 1.5 × KTGS_LOAD_THINK seconds between requests (1: a busy office; 0: the
stress figure).
The codes it opens are read from the pages themselves (the first page's members, the tree's
units), so nothing depends on the demo's names or numbers."""

import itertools
import os
import random
import re

import gevent
from locust import HttpUser, between, constant, task

SESSIONS = os.environ.get("KTGS_LOAD_SESSIONS", "")
SEARCH = os.environ.get("KTGS_LOAD_SEARCH", "nguyen van")
PICK = os.environ.get("KTGS_LOAD_PICK", "nguyen van")
THINK = float(os.environ.get("KTGS_LOAD_THINK", "1"))
HTMX = {"HX-Request": "true"}
BARE = "reference: signed-in, no rows"  # bench/load.py prints each page beyond it

MEMBER_LINK = re.compile(r'href="/dang-vien/([^/"?]+)/"')
UNIT_LINK = re.compile(r'href="/to-chuc/([^/"?]+)/"')
TREE_NODE = re.compile(r"/to-chuc/cay/(\d+)/")
ANCHOR = re.compile(r"<a\b([^>]*)>(.*?)</a>", re.S)
HREF = re.compile(r'href="([^"]*)"')


def last_page_url(html: str) -> str | None:
    """The member list's link to its last page: the anchor labelled or reading «Trang cuối»."""
    for attrs, text in ANCHOR.findall(html):
        if "cuối" in (attrs + text).lower() and (href := HREF.search(attrs)):
            url = href.group(1).replace("&amp;", "&")
            return "/dang-vien/" + url if url.startswith("?") else url
    return None


class Inspector(HttpUser):
    # think time drawn between 0.5 and 1.5 × KTGS_LOAD_THINK (a mean of 1 s: a busy office):
    # a constant one keeps the clients, spawned together, firing in step — eight requests at
    # the same instant every second, which is no office; none for the stress figure
    wait_time = between(THINK * 0.5, THINK * 1.5) if THINK > 0 else constant(0)
    count = itertools.count()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.number = next(Inspector.count)

    def get(self, url: str, name: str, **kwargs) -> str:
        """A page that must answer 200 itself: a redirect (to the sign-in page, say) fails."""
        with self.client.get(
            url, name=name, allow_redirects=False, catch_response=True, **kwargs
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
            return response.text

    def on_start(self) -> None:
        # a session made by bench/load.py for the benchmark user (signing in 8 clients at once
        # from one address would meet the sign-in throttle, and is not what is measured)
        sessions = SESSIONS.split(",")
        self.client.cookies.set("sessionid", sessions[self.number % len(sessions)])
        # the clients all start at the same instant: these two requests queue behind each
        # other, and are reported apart («start: …») from the pages measured in the loop
        first = self.get("/dang-vien/", "start: member list")
        self.members = MEMBER_LINK.findall(first) or ["-"]
        self.last = last_page_url(first)
        tree = self.get("/to-chuc/", "start: tree page")
        self.units = [u for u in UNIT_LINK.findall(tree) if u not in ("moi", "cay")] or ["-"]
        self.nodes = TREE_NODE.findall(tree) or []
        loop = [
            self.search,
            self.list_first,
            self.list_last,
            self.unit_page,
            self.member_page,
            self.picker,
            self.tree,
            self.tree_page,
            self.bare,
        ]
        # each client enters the loop at its own page, after a pause of up to one think time:
        # otherwise the first round is eight requests for the same page at the same instant
        at = self.number % len(loop)
        self.pages = itertools.cycle(loop[at:] + loop[:at])
        if THINK > 0:
            gevent.sleep(random.uniform(0, THINK))

    @task
    def next_page(self) -> None:
        next(self.pages)()

    def search(self) -> None:
        self.get(f"/dang-vien/?q={SEARCH.replace(' ', '+')}", "member search")

    def list_first(self) -> None:
        self.get("/dang-vien/", "member list, first page")

    def list_last(self) -> None:
        if self.last:
            self.get(self.last, "member list, last page")

    def unit_page(self) -> None:
        self.get(f"/to-chuc/{random.choice(self.units)}/", "unit page")

    def member_page(self) -> None:
        self.get(f"/dang-vien/{random.choice(self.members)}/", "member page")

    def picker(self) -> None:
        self.get(f"/chon/dang-vien/?q={PICK.replace(' ', '+')}", "picker suggestions", headers=HTMX)

    def bare(self) -> None:
        """What every signed-in request costs before its own rows: the session, the user, the
        second factor, the scope, a template — here the picker's answer to nothing typed."""
        self.get("/chon/dang-vien/?q=", BARE, headers=HTMX)

    def tree_page(self) -> None:
        self.get("/to-chuc/", "tree page")

    def tree(self) -> None:
        if self.nodes:
            node = random.choice(self.nodes)
            self.get(f"/to-chuc/cay/{node}/", "tree: expand a node", headers=HTMX)
        else:
            self.get("/to-chuc/", "tree page")
