"""The breeding site's routes through Starlette's TestClient: each page and post, and every bad request refused
with its status and one clear message, changing nothing."""

from __future__ import annotations

import html
import io
import re
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

warnings.filterwarnings("ignore", message=".*httpx.*")  # Starlette's TestClient prefers httpx2; httpx works
from starlette.testclient import TestClient  # noqa: E402

from gallery.store import Store  # noqa: E402
from gallery.web.app import make_app  # noqa: E402
from gallery.web.guard import MAX_BODY, MAX_EXPORT, RateLimit  # noqa: E402


class Visitor:
    """A browser: its own cookie, its CSRF token, and helpers to post the site's forms."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/").text).group(1)

    def post(self, url: str, **fields: object) -> object:
        return self.client.post(url, data={"csrf": self.csrf, **fields})

    def start(self, **fields: object) -> str:
        answer = self.post("/start", **(fields or {"artist": "biomorph"}))
        assert answer.status_code == 303, message(answer)
        return answer.headers["location"]

    def status(self, session: str) -> dict[str, int]:
        page = self.client.get(session).text
        found = re.search(r'data-generation="(\d+)" data-undo="(\d+)" data-redo="(\d+)"', page)
        return dict(zip(("generation", "undo", "redo"), map(int, found.groups())))


def message(answer: object) -> str:
    found = re.search(r'id="error">([^<]*)', answer.text)
    return html.unescape(found.group(1)) if found else answer.text[:300]


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return tmp_path / "runs"


@pytest.fixture
def app(root: Path):  # -> Starlette
    return make_app(root, size=32, workers=2)


def client(app) -> TestClient:  # one per visitor: each keeps its own cookie
    return TestClient(app, follow_redirects=False)


@pytest.fixture
def alice(app) -> Iterator[Visitor]:
    with client(app) as c:
        yield Visitor(c)


@pytest.fixture
def bob(app) -> Iterator[Visitor]:
    with client(app) as c:
        yield Visitor(c)


def test_front_page_offers_the_artists_and_sets_a_signed_cookie(alice: Visitor) -> None:
    page = alice.client.get("/")
    assert page.status_code == 200 and 'value="biomorph"' in page.text and 'value="cppn"' in page.text
    assert "coevo" in alice.client.cookies and alice.client.get("/healthz").text == "ok"


def test_breed_undo_redo_strength_and_restart(alice: Visitor) -> None:
    session = alice.start()
    page = alice.client.get(session)
    assert page.status_code == 200 and page.text.count("data:image/jpeg;base64,") == 15
    for child in (3, 5, 7):
        assert alice.post(f"{session}/choose", child=child).status_code == 303
    assert alice.status(session) == {"generation": 3, "undo": 3, "redo": 0}
    assert alice.post(f"{session}/undo").status_code == 303
    assert alice.status(session) == {"generation": 2, "undo": 2, "redo": 1}
    assert alice.post(f"{session}/redo").status_code == 303
    assert alice.status(session) == {"generation": 3, "undo": 3, "redo": 0}
    assert alice.client.post(f"{session}/choose", data={"csrf": alice.csrf, "child": ["1", "4"]}).status_code == 303
    assert alice.status(session)["generation"] == 4  # two chosen: mated
    assert alice.post(f"{session}/strength", strength="2.5").status_code == 303
    assert "strength 2.50" in alice.client.get(session).text
    assert alice.post(f"{session}/restart").status_code == 303
    assert alice.status(session) == {"generation": 4, "undo": 5, "redo": 0}


def test_save_publish_and_the_individual_page(alice: Visitor) -> None:
    session = alice.start()
    alice.post(f"{session}/choose", child=2)
    saved = alice.post(f"{session}/save", child=4)
    assert saved.status_code == 303 and saved.headers["location"].startswith("/i/")
    published = alice.post(f"{session}/publish", child=4, title="Spider")
    assert published.headers["location"] == saved.headers["location"]  # the same individual, now published
    individual = published.headers["location"]
    page = alice.client.get(individual)
    assert page.status_code == 200 and "“Spider”" in page.text and "breed from this" in page.text
    assert "Spider" in alice.client.get("/").text
    image = alice.client.get(f"{individual}/image.png")
    assert Image.open(io.BytesIO(image.content)).size == (32, 32)
    assert alice.client.get(f"{individual}/lineage.png").headers["content-type"] == "image/png"
    exported = alice.client.get(f"{individual}/export?size=100")
    assert Image.open(io.BytesIO(exported.content)).size == (100, 100)
    svg = alice.client.get(f"{individual}/export?size=100&format=svg")
    assert svg.headers["content-type"].startswith("image/svg+xml") and b"<svg" in svg.content
    child = alice.client.get(f"{session}/export?child=3&size=64")
    assert Image.open(io.BytesIO(child.content)).size == (64, 64)


def test_branching_anyones_individual_records_lineage_across_sessions(alice: Visitor, bob: Visitor,
                                                                       root: Path) -> None:
    theirs = alice.start()
    alice.post(f"{theirs}/choose", child=1)
    origin = int(alice.post(f"{theirs}/publish", child=6, title="Alice's").headers["location"].rsplit("/", 1)[1])
    mine = bob.start(parent=origin)
    assert f'href="/i/{origin}"' in bob.client.get(mine).text  # "branched from"
    for child in (2, 9):
        bob.post(f"{mine}/choose", child=child)
    individual = bob.post(f"{mine}/publish", child=5, title="Bob's").headers["location"]
    with Store(root) as store:
        lineage = store.lineage(int(individual.rsplit("/", 1)[1]))
    assert origin in [row.id for row in lineage] and len({row.run for row in lineage}) == 2
    page = bob.client.get(individual).text
    assert page.count("(another visitor's)") >= 1 and page.count("(yours)") >= 1


def pictures(page: str) -> list[str]:
    return re.findall(r"data:image/jpeg;base64,([^\"]+)", page)


@pytest.mark.slow  # trains the preference critic: 20-50 s on the shared 2 cores
def test_breed_for_me_hands_generations_to_the_learned_critic(alice: Visitor, root: Path) -> None:
    session = alice.start()
    early = alice.post(f"{session}/auto")
    assert early.status_code == 409 and "cannot breed for you yet" in message(early)
    for child in (1, 3, 5, 7, 9, 11, 13, 2, 4, 6):
        alice.post(f"{session}/choose", child=child)
    answer = alice.post(f"{session}/auto", generations=3)
    assert answer.status_code == 303, message(answer)
    assert alice.status(session) == {"generation": 13, "undo": 13, "redo": 0}
    with Store(root) as store:
        marks = [r[0] for r in store.db.execute("SELECT chosen_by FROM web_states WHERE session = ? ORDER BY step",
                                                (session.rsplit("/", 1)[1],))]
    assert marks == ["", *["person"] * 10, *["critic:preference"] * 3]
    assert "agreement" in alice.client.get(session).text  # what it learned, in the status line


def test_an_optional_name_signs_the_visitors_new_sessions(alice: Visitor) -> None:
    assert alice.post("/name", name="  Ada   Lovelace ").status_code == 303
    assert 'value="Ada Lovelace"' in alice.client.get("/").text
    session = alice.start()
    individual = alice.post(f"{session}/save", child=3).headers["location"]
    assert "by Ada Lovelace" in alice.client.get(individual).text


def test_a_restarted_server_loses_nothing(root: Path) -> None:
    with client(make_app(root, size=32)) as c:
        visitor = Visitor(c)
        session = visitor.start(artist="gp")
        for child in (1, 2, 3):
            visitor.post(f"{session}/choose", child=child)
        visitor.post(f"{session}/undo")
        before = pictures(c.get(session).text)
        cookies = dict(c.cookies)
    with client(make_app(root, size=32)) as c:  # a new process's app over the same gallery: same secret, same rows
        c.cookies.update(cookies)
        again = Visitor(c)
        assert again.csrf == visitor.csrf
        assert pictures(c.get(session).text) == before  # the same fifteen children, pixel for pixel
        assert again.status(session) == {"generation": 2, "undo": 2, "redo": 1}
        assert again.post(f"{session}/redo").status_code == 303
        assert again.status(session) == {"generation": 3, "undo": 3, "redo": 0}


def rows(root: Path) -> tuple[int, int, int]:
    with Store(root) as store:
        return tuple(store.db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # type: ignore[return-value]
                     for t in ("individuals", "web_sessions", "web_states"))


def test_bad_requests_get_one_clear_message_and_change_nothing(alice: Visitor, bob: Visitor, root: Path) -> None:
    session = alice.start()
    alice.post(f"{session}/choose", child=2)
    before, page = rows(root), alice.client.get(session).text
    refusals = [
        (bob.post(f"{session}/undo"), 403, "another visitor's"),
        (bob.post(f"{session}/choose", child=1), 403, "another visitor's"),
        (bob.post(f"{session}/publish", child=1, title="mine now"), 403, "another visitor's"),
        (alice.client.post(f"{session}/choose", data={"child": "1"}), 403, "CSRF token"),
        (alice.client.post(f"{session}/undo", data={"csrf": "forged"}), 403, "CSRF token"),
        (alice.post(f"{session}/choose", child=15), 400, "child must be from 0 to 14"),
        (alice.post(f"{session}/choose", child="x"), 400, "child must be a whole number"),
        (alice.post(f"{session}/choose"), 400, "choose a child first"),
        (alice.post(f"{session}/strength", strength="nan"), 400, "strength must be from"),
        (alice.post(f"{session}/strength", strength="1e9"), 400, "strength must be from"),
        (alice.post(f"{session}/publish", child=1, title=""), 400, "title must be 1 to"),
        (alice.post(f"{session}/publish", child=1, title="x" * 500), 400, "title must be 1 to"),
        (alice.post("/breed/nosuchsession/undo"), 404, "no breeding session"),
        (alice.post("/start", artist="dcgan"), 400, "unknown artist"),
        (alice.post("/name", name="x" * 41), 400, "name must be at most 40"),
        (alice.post("/start", parent="987654"), 404, "no individual 987654"),
        (alice.post("/start", parent="-1"), 400, "individual id must be from"),
        (alice.client.get("/i/987654"), 404, "no individual 987654"),
        (alice.client.get("/i/abc"), 400, "individual id must be a whole number"),
        (alice.client.get("/i/987654/image.png"), 404, "no individual 987654"),
        (alice.client.get("/i/987654/lineage.png"), 404, "no individual 987654"),
        (alice.client.get("/breed/nosuchsession"), 404, "no breeding session"),
        (alice.client.get(f"{session}/export?child=1&size={MAX_EXPORT + 1}"), 400, f"size must be from 16 to "
                                                                                  f"{MAX_EXPORT}"),
        (alice.client.get(f"{session}/export?child=1&size=big"), 400, "size must be a whole number"),
        (alice.client.get(f"{session}/export?child=99"), 400, "child must be from 0 to 14"),
        (alice.client.get(f"{session}/export?child=1&format=gif"), 400, "format must be png or svg"),
        (alice.client.get("/no/such/page"), 404, "no page at"),
        (alice.client.get(f"{session}/undo"), 405, "GET is not accepted"),
        (alice.client.post(f"{session}/undo", content=b"x" * (MAX_BODY + 1),
                           headers={"content-type": "application/x-www-form-urlencoded"}), 413, "request is over"),
        (alice.client.post(f"{session}/undo", json={"csrf": alice.csrf}), 415, "x-www-form-urlencoded"),
    ]
    for answer, status, text in refusals:
        assert (answer.status_code, text in message(answer)) == (status, True), (answer.status_code, message(answer))
        assert "\n" not in message(answer).strip()
    assert rows(root) == before and pictures(alice.client.get(session).text) == pictures(page)
    assert alice.status(session) == {"generation": 1, "undo": 1, "redo": 0}


def test_a_visitor_sending_too_fast_is_slowed_down(root: Path) -> None:
    now = [0.0]
    app = make_app(root, size=32, rate=RateLimit(rate=1.0, burst=3, clock=lambda: now[0]))
    with client(app) as c:
        answers = [c.get("/healthz").status_code for _ in range(5)]
        assert answers == [200, 200, 200, 429, 429]
        now[0] += 2.0
        assert c.get("/healthz").status_code == 200


def test_one_address_is_slowed_down_whatever_cookies_it_sends(root: Path) -> None:
    now = [0.0]
    app = make_app(root, size=32, address_rate=RateLimit(rate=1.0, burst=2, clock=lambda: now[0]))
    with client(app) as c:
        answers = []
        for _ in range(4):
            c.cookies.clear()  # a fresh visitor each time
            answers.append(c.get("/healthz").status_code)
        assert answers == [200, 200, 429, 429]


def test_a_forged_cookie_is_a_new_visitor_who_cannot_touch_the_session(alice: Visitor, app, root: Path) -> None:
    session = alice.start()
    before = rows(root)
    with client(app) as c:
        c.cookies.set("coevo", alice.client.cookies["coevo"][:-4] + "AAAA")  # the signature no longer matches
        forger = Visitor(c)
        assert forger.csrf != alice.csrf
        answer = forger.post(f"{session}/choose", child=1)
        assert answer.status_code == 403 and "another visitor's" in message(answer)
    assert rows(root) == before and alice.status(session)["generation"] == 0
