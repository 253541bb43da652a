"""``coevo serve``: the gallery as a web site where anyone breeds (a self-hosted Picbreeder).

An ASGI app (Starlette): the front page shows published and recent individuals by artist; each individual's page
has its lineage and "breed from this"; a breeding page shows a session's fifteen children. Visitors are anonymous,
known by a signed cookie that also holds their CSRF token; every state-changing request is a form post carrying
it. Rendering and database writes run in a bounded pool of worker threads, never on the event loop.
"""

from __future__ import annotations

import base64
import functools
import tempfile
from collections.abc import Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import anyio
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from coevo.errors import CoevoError
from gallery.lineage import draw_lineage
from gallery.store import Store, no_parents
from gallery.web import state
from gallery.web.breeding import DEFAULT_STARTS, Breeder, Live, Start, draw
from gallery.web.guard import (
    ADDRESS_BURST,
    ADDRESS_RATE,
    GENE_RANGE,
    GENES,
    MAX_ANIMATION,
    MAX_AUTO,
    MAX_BODY,
    MAX_EXPORT,
    MAX_FRAMES,
    MAX_NAME,
    MAX_STRENGTH,
    MIN_STRENGTH,
    RateLimit,
    Refused,
    check_csrf,
    new_token,
    parse_float,
    parse_int,
    secret_key,
)

HERE = Path(__file__).parent
PUBLISHED, RECENT = 60, 12  # individuals on the front page: the latest published, and the latest per artist
LINEAGE = 200  # ancestors listed on an individual's page, nearest first
WORKERS = 4  # threads that render and write (the event loop only waits on them)
COOKIE_DAYS = 365


class Site:
    """The app's state: the gallery root, its sessions, the worker pool and the rate limit."""

    def __init__(self, root: Path, size: int = 256, workers: int = WORKERS, starts: tuple[Start, ...] =
                 DEFAULT_STARTS, rate: RateLimit | None = None, address_rate: RateLimit | None = None) -> None:
        self.root = Path(root).resolve()
        Store(self.root).close()  # creates (or migrates) the database before the first request
        self.breeder = Breeder(self.root, size, starts)
        self.limiter = anyio.CapacityLimiter(workers)
        self.rate = rate or RateLimit()
        self.address_rate = address_rate or RateLimit(ADDRESS_RATE, ADDRESS_BURST)
        self.templates = Jinja2Templates(directory=str(HERE / "templates"))

    async def work(self, function: Callable[..., Any], *args: Any) -> Any:
        """Run a blocking call (rendering, the database) in the worker pool."""
        return await anyio.to_thread.run_sync(functools.partial(function, *args), limiter=self.limiter)


def visitor(request: Request) -> tuple[str, str]:
    """The visitor's id and CSRF token, made on their first request (kept in the signed cookie)."""
    session = request.session
    if not isinstance(session.get("visitor"), str) or not isinstance(session.get("csrf"), str):
        session["visitor"], session["csrf"] = new_token(), new_token()
    return session["visitor"], session["csrf"]


async def form(request: Request) -> dict[str, list[str]]:
    """A url-encoded form body of at most ``MAX_BODY`` bytes, its fields as lists of values."""
    kind = request.headers.get("content-type", "").split(";")[0].strip()
    if kind != "application/x-www-form-urlencoded":
        raise Refused(415, "send the form as application/x-www-form-urlencoded (as the site's pages do)")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            raise Refused(413, f"the request is over {MAX_BODY} bytes; the site's forms are far smaller")
    try:
        return parse_qs(body.decode("utf-8"), keep_blank_values=True, max_num_fields=64)
    except (UnicodeDecodeError, ValueError):
        raise Refused(400, "the form is not valid UTF-8 url-encoding; send it from the site's pages") from None


def one(fields: dict[str, list[str]], name: str, default: str | None = None) -> str:
    values = fields.get(name)
    if not values:
        if default is None:
            raise Refused(400, f"the form lacks the field {name!r}; send it from the site's pages")
        return default
    return values[0]


def page(site: Site, request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    you, token = visitor(request)
    return site.templates.TemplateResponse(request, template, {"you": you, "csrf": token,
                                                               "name": request.session.get("name", ""), **context},
                                           status_code=status)


def refused(request: Request, error: Refused) -> Response:
    site: Site = request.app.state.site
    try:
        return page(site, request, "error.html", status=error.status, message=error.message)
    except Exception:
        return PlainTextResponse(error.message, status_code=error.status)


def handler(function: Callable[..., Any], post: bool = False) -> Callable[[Request], Any]:
    """A route: rate-limited per visitor; a post must carry the visitor's CSRF token; ``Refused`` becomes its
    status and message."""

    @functools.wraps(function)
    async def endpoint(request: Request) -> Response:
        site: Site = request.app.state.site
        try:
            site.address_rate.check(request.client.host if request.client else "")
            you, token = visitor(request)
            site.rate.check(you)
            if not post:
                return await function(site, request)
            fields = await form(request)
            check_csrf(token, one(fields, "csrf", ""))
            return await function(site, request, fields)
        except Refused as error:
            return refused(request, error)
        except CoevoError as error:  # a stored genome or option the breeding code refuses: its one-line message
            return refused(request, Refused(400, str(error)))

    return endpoint


def see(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def gallery_id(text: str) -> int:
    return parse_int(text, "the individual id", 1, 2**62)


# ---- pages


async def front(site: Site, request: Request) -> Response:
    you, _ = visitor(request)
    data = await site.work(front_data, site, you)
    return page(site, request, "front.html", starts=list(site.breeder.starts.values()), **data)


def front_data(site: Site, you: str) -> dict[str, Any]:
    store = site.breeder.store()
    published = store.db.execute("SELECT id FROM individuals WHERE published = 1 ORDER BY id DESC LIMIT ?",
                                 (PUBLISHED,)).fetchall()
    artists = [r[0] for r in store.db.execute("SELECT DISTINCT artist FROM individuals ORDER BY artist")]
    recent = {artist: [store.individual(r[0]) for r in store.db.execute(
        "SELECT id FROM individuals WHERE artist = ? ORDER BY id DESC LIMIT ?", (artist, RECENT))]
        for artist in artists}
    shelves: dict[str, list[Any]] = {}
    for (number,) in published:
        row = store.individual(number)
        if row is not None:
            shelves.setdefault(row.artist, []).append(row)
    return {"published": shelves, "recent": recent, "mine": state.sessions_of(store, you, 20)}


async def individual(site: Site, request: Request) -> Response:
    number = gallery_id(request.path_params["id"])
    you, _ = visitor(request)
    data = await site.work(individual_data, site, number, you)
    return page(site, request, "individual.html", max_export=MAX_EXPORT, **data)


def individual_data(site: Site, number: int, you: str) -> dict[str, Any]:
    store = site.breeder.store()
    row = store.individual(number)
    if row is None:
        raise Refused(404, f"no individual {number} in this gallery; pick one from the front page")
    run = store.run(row.run)
    sessions = {}
    lineage = []
    for ancestor in store.lineage(number)[:LINEAGE]:
        if ancestor.run not in sessions:
            sessions[ancestor.run] = state.session_of_run(store, ancestor.run)
        lineage.append((ancestor, store.run(ancestor.run), sessions[ancestor.run]))
    return {"row": row, "run": run, "session": state.session_of_run(store, row.run), "lineage": lineage,
            "parents": [store.individual(p) for p in row.parents], "children": store.children(number),
            "no_parents": no_parents(run), "svg": vector(site, row)}


def vector(site: Site, row: Any) -> bool:
    """Whether the individual's artist draws lines (so it exports as SVG, too)."""
    from coevo.protocols import VectorDrawing

    try:
        return isinstance(genome_of(site, row)[0], VectorDrawing)
    except Refused:
        return False


async def individual_image(site: Site, request: Request) -> Response:
    number = gallery_id(request.path_params["id"])
    return Response(await site.work(stored_image, site, number), media_type="image/png",
                    headers={"Cache-Control": "max-age=3600"})


def stored_image(site: Site, number: int) -> bytes:
    """The individual's stored PNG, or (when the file is gone) its genome drawn at the session's size."""
    row = site.breeder.store().individual(number)
    if row is None:
        raise Refused(404, f"no individual {number} in this gallery; pick one from the front page")
    if row.image is not None and row.image.is_file():
        return row.image.read_bytes()
    genetics, genome = genome_of(site, row)
    return draw(genetics, genome, site.breeder.size)


def genome_of(site: Site, row: Any) -> tuple[Any, Any]:
    """A stored individual's genetics (shared with the sessions breeding that artist) and genome."""
    try:
        genetics = site.breeder.genetics(row.artist, row.options)
        return genetics, genetics.from_json(row.genome)
    except (CoevoError, ValueError, TypeError, KeyError) as exc:
        raise Refused(409, f"individual {row.id}'s genome cannot be drawn here ({exc})") from None


def export_query(request: Request) -> tuple[int, bool]:
    size = parse_int(request.query_params.get("size", "1024"), "size", 16, MAX_EXPORT)
    kind = request.query_params.get("format", "png")
    if kind not in ("png", "svg"):
        raise Refused(400, f"format must be png or svg (got {kind[:20]!r})")
    return size, kind == "svg"


def exported(data: bytes, name: str, svg: bool) -> Response:
    return Response(data, media_type="image/svg+xml" if svg else "image/png",
                    headers={"Content-Disposition": f'attachment; filename="{name}.{"svg" if svg else "png"}"'})


async def individual_export(site: Site, request: Request) -> Response:
    number = gallery_id(request.path_params["id"])
    size, svg = export_query(request)

    def render() -> bytes:
        row = site.breeder.store().individual(number)
        if row is None:
            raise Refused(404, f"no individual {number} in this gallery; pick one from the front page")
        genetics, genome = genome_of(site, row)
        return draw(genetics, genome, size, svg)

    return exported(await site.work(render), f"coevo-{number}-{size}", svg)


async def lineage_image(site: Site, request: Request) -> Response:
    number = gallery_id(request.path_params["id"])

    def picture() -> bytes:
        store = site.breeder.store()
        rows = store.lineage(number)
        if not rows:
            raise Refused(404, f"no individual {number} in this gallery; pick one from the front page")
        labels = {row.id: f"#{row.id} run {row.run}" for row in rows}
        with tempfile.TemporaryDirectory() as folder:
            return draw_lineage(rows, Path(folder) / "lineage.png", labels).read_bytes()

    return Response(await site.work(picture), media_type="image/png")


async def breeding(site: Site, request: Request) -> Response:
    sid = request.path_params["sid"]
    you, _ = visitor(request)
    ready = site.breeder.ready(sid)  # in memory and drawn: answered without waiting for a worker
    live, images = ready or await site.work(site.breeder.pictures, await site.work(site.breeder.open, sid))
    pop = len(images)
    middle = pop // 2
    order = [*range(1, middle + 1), 0, *range(middle + 1, pop)] if pop > 2 else list(range(pop))
    session = live.session
    if "origin" not in live.cache:  # the individual it was branched from never changes: looked up once
        live.cache["origin"] = await site.work(origin_row, site, live)
    origin = live.cache["origin"]
    return page(site, request, "breed.html", live=live, sid=sid, mine=live.row.visitor == you, order=order,
                images=[base64.b64encode(data).decode("ascii") for data in images],
                generation=session.artist.generation, strength=session.artist.config.strength,
                undo=len(session.history), redo=len(session.future), origin=origin, max_export=MAX_EXPORT,
                low=MIN_STRENGTH, high=MAX_STRENGTH, svg=vector_session(live), latent=latent_session(live),
                genes=GENES, gene_range=GENE_RANGE, max_frames=MAX_FRAMES, max_animation=MAX_ANIMATION)


def vector_session(live: Live) -> bool:
    from coevo.protocols import VectorDrawing

    return isinstance(live.session.genetics, VectorDrawing)


def latent_session(live: Live) -> dict[str, Any] | None:
    """For a latent session, what its sliders offer: the classes of a conditional generator (0 for none)."""
    from coevo.programs.latentbreed import LatentGenetics

    genetics = live.session.genetics
    return {"classes": genetics.classes} if isinstance(genetics, LatentGenetics) else None


def origin_row(site: Site, live: Live) -> Any:
    meta = live.session.origin.get("meta") or {}
    return site.breeder.store().individual(int(meta["gallery_id"])) if "gallery_id" in meta else None


async def breeding_export(site: Site, request: Request) -> Response:
    live = await site.work(site.breeder.open, request.path_params["sid"])
    child = parse_int(request.query_params.get("child", "0"), "child", 0, len(live.session.artist.population) - 1)
    size, svg = export_query(request)
    data = await site.work(site.breeder.export, live, child, size, svg)
    return exported(data, f"coevo-{live.row.id}-g{live.session.artist.generation}-{child}-{size}", svg)


# ---- posts


async def start(site: Site, request: Request, fields: dict[str, list[str]]) -> Response:
    you, _ = visitor(request)
    parent, name = fields.get("parent"), str(request.session.get("name", ""))
    if parent:
        sid = await site.work(site.breeder.start, you, None, gallery_id(parent[0]), name)
    else:
        sid = await site.work(site.breeder.start, you, one(fields, "artist"), None, name)
    return see(f"/breed/{sid}")


async def rename(site: Site, request: Request, fields: dict[str, list[str]]) -> Response:
    """The name the visitor's new sessions are signed with (optional; empty for none)."""
    name = " ".join(one(fields, "name", "").split())
    if len(name) > MAX_NAME:
        raise Refused(400, f"a name must be at most {MAX_NAME} characters")
    request.session["name"] = name
    return see("/")


def chosen(fields: dict[str, list[str]], count: int) -> list[int]:
    values = fields.get("child") or []
    if not values:
        raise Refused(400, "choose a child first: click its image")
    if len(values) > count:
        raise Refused(400, f"choose at most {count} children")
    return [parse_int(v, "child", 0, count - 1) for v in values]


def session_post(action: Callable[[Site, Live, dict[str, list[str]]], Any]) -> Callable[..., Any]:
    """A post to a visitor's own session: the action runs in the worker pool; back to the breeding page (or to
    the individual the action returns)."""

    @functools.wraps(action)
    async def run(site: Site, request: Request, fields: dict[str, list[str]]) -> Response:
        you, sid = visitor(request)[0], request.path_params["sid"]

        def act() -> Any:  # one trip to the worker pool: finding the session and acting on it
            return action(site, site.breeder.owned(sid, you), fields)

        result = await site.work(act)
        return see(f"/i/{result}" if isinstance(result, int) else f"/breed/{sid}")

    return run


@session_post
def choose(site: Site, live: Live, fields: dict[str, list[str]]) -> str:
    return site.breeder.choose(live, chosen(fields, len(live.session.artist.population)))


@session_post
def undo(site: Site, live: Live, fields: dict[str, list[str]]) -> str:
    return site.breeder.undo(live)


@session_post
def redo(site: Site, live: Live, fields: dict[str, list[str]]) -> str:
    return site.breeder.redo(live)


@session_post
def restart(site: Site, live: Live, fields: dict[str, list[str]]) -> str:
    return site.breeder.restart(live)


@session_post
def breed_for_me(site: Site, live: Live, fields: dict[str, list[str]]) -> str:
    return site.breeder.breed_for_me(live, parse_int(one(fields, "generations", "5"), "generations", 1, MAX_AUTO))


@session_post
def genes(site: Site, live: Live, fields: dict[str, list[str]]) -> str:
    values = fields.get("gene") or []
    if len(values) > GENES:
        raise Refused(400, f"at most {GENES} gene sliders")
    amounts = [parse_float(v, "gene", -GENE_RANGE, GENE_RANGE) for v in values] or [0.0]
    label = one(fields, "label", "")
    return site.breeder.genes(live, chosen(fields, len(live.session.artist.population))[0], amounts,
                              None if label == "" else parse_int(label, "class", 0, 1000))


async def breeding_animation(site: Site, request: Request) -> Response:
    live = await site.work(site.breeder.open, request.path_params["sid"])
    last = len(live.session.artist.population) - 1
    query = request.query_params
    start = parse_int(query.get("from", "0"), "from", 0, last)
    end = parse_int(query.get("to", "1"), "to", 0, last)
    frames = parse_int(query.get("frames", "24"), "frames", 2, MAX_FRAMES)
    size = parse_int(query.get("size", "128"), "size", 16, MAX_ANIMATION)
    data = await site.work(site.breeder.animation, live, start, end, frames, size)
    return Response(data, media_type="image/gif", headers={
        "Content-Disposition": f'attachment; filename="coevo-{live.row.id}-{start}-{end}.gif"'})


@session_post
def strength(site: Site, live: Live, fields: dict[str, list[str]]) -> str:
    return site.breeder.strength(live, parse_float(one(fields, "strength"), "strength", MIN_STRENGTH, MAX_STRENGTH))


@session_post
def save(site: Site, live: Live, fields: dict[str, list[str]]) -> int:
    return site.breeder.save(live, chosen(fields, len(live.session.artist.population))[0])


@session_post
def publish(site: Site, live: Live, fields: dict[str, list[str]]) -> int:
    return site.breeder.save(live, chosen(fields, len(live.session.artist.population))[0], one(fields, "title"))


async def health(site: Site, request: Request) -> Response:
    return PlainTextResponse("ok")


async def not_found(request: Request, exc: Exception) -> Response:
    return refused(request, Refused(404, f"no page at {request.url.path[:80]}; start from the front page"))


async def not_allowed(request: Request, exc: Exception) -> Response:
    return refused(request, Refused(405, f"{request.method} is not accepted at {request.url.path[:80]}; use the "
                                         "site's links and buttons"))


async def failed(request: Request, exc: Exception) -> Response:
    return PlainTextResponse("the server failed on this request; it is logged, and nothing was changed by it beyond "
                             "what was stored before the failure", status_code=500)


def make_app(root: Path, size: int = 256, workers: int = WORKERS, starts: tuple[Start, ...] = DEFAULT_STARTS,
             rate: RateLimit | None = None, https: bool = False,
             address_rate: RateLimit | None = None) -> Starlette:
    """The site over the gallery in ``root`` (made there when absent)."""
    site = Site(root, size, workers, starts, rate, address_rate)

    @asynccontextmanager
    async def lifespan(app: Starlette):
        yield
        site.breeder.close()

    routes = [
        Route("/", handler(front)),
        Route("/healthz", handler(health)),
        Route("/start", handler(start, post=True), methods=["POST"]),
        Route("/name", handler(rename, post=True), methods=["POST"]),
        Route("/i/{id}", handler(individual)),
        Route("/i/{id}/image.png", handler(individual_image)),
        Route("/i/{id}/lineage.png", handler(lineage_image)),
        Route("/i/{id}/export", handler(individual_export)),
        Route("/breed/{sid}", handler(breeding)),
        Route("/breed/{sid}/export", handler(breeding_export)),
        Route("/breed/{sid}/animation.gif", handler(breeding_animation)),
        *[Route(f"/breed/{{sid}}/{name}", handler(action, post=True), methods=["POST"]) for name, action in
          (("choose", choose), ("undo", undo), ("redo", redo), ("restart", restart), ("strength", strength),
           ("auto", breed_for_me), ("genes", genes),
           ("save", save), ("publish", publish))],
        Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
    ]
    middleware = [Middleware(SessionMiddleware, secret_key=secret_key(site.root), session_cookie="coevo",
                             max_age=COOKIE_DAYS * 86400, same_site="lax", https_only=https)]
    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan,
                    exception_handlers={404: not_found, 405: not_allowed, 500: failed})
    app.state.site = site
    return app
