"""The review page as a FastAPI application: GET / shows it, POST /mark stores a mark,
POST /editor keeps the editor's name in a cookie. Posts are refused (403) without the form's
token or from another origin; with a token set, everything is refused (401) without it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Literal
from urllib.parse import parse_qs, parse_qsl, quote, unquote

from fastapi import FastAPI, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool

from newsmon.settings import Settings
from newsmon.store import Store
from newsmon.web import render
from newsmon.web.guard import Guard, loopback_host_header, new_session, same_origin
from newsmon.web.queries import load_page
from newsmon.web.view import VERDICTS, FilterError, parse_filters

SESSION_COOKIE, LOGIN_COOKIE, EDITOR_COOKIE = "newsmon_session", "newsmon_login", "newsmon_editor"
MAX_FORM_BYTES = 10_000
HEADERS = {
    # No script at all, styles only inline, forms only to this page, never framed.
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
Handler = Callable[[Request], Awaitable[Response]]


def create_app(settings: Settings, store: Store, default_editor: str = "") -> FastAPI:
    """The page over ``store``. ``default_editor`` names who marks until someone gives a
    name (the OS user, on a page only this machine reaches)."""
    guard = Guard(settings.web_token)
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)

    @app.middleware("http")
    async def gate(request: Request, call_next: Handler) -> Response:
        response = await _authorised(request, guard, call_next)
        response.headers.update(HEADERS)
        return response

    @app.get("/")
    async def review(request: Request) -> Response:
        try:
            filters = parse_filters(request.query_params)
        except FilterError as exc:
            return _refusal("bad filter", str(exc), 400)
        session = request.cookies.get(SESSION_COOKIE) or new_session()
        editor = _editor(request) or default_editor
        today = datetime.now(UTC).date()
        view = await run_in_threadpool(
            load_page, store, settings, filters, today, guard.form_token(session), editor
        )
        response = HTMLResponse(render.page(view))
        if SESSION_COOKIE not in request.cookies:
            _cookie(response, SESSION_COOKIE, session)
        return response

    @app.post("/mark")
    async def mark(request: Request) -> Response:
        fields = await _form(request, guard)
        if isinstance(fields, Response):
            return fields
        verdict, article = fields.get("verdict", ""), fields.get("article", "")
        if verdict not in VERDICTS or not article.isdigit():
            return _refusal("bad mark", "a mark names an article and right or wrong", 400)
        who = _editor(request) or default_editor
        if not who:
            return _refusal("who is marking?", "give your name (Marking as) first", 400)
        if not await run_in_threadpool(store.mark, int(article), verdict, who):
            return _refusal("no such article", f"article {article} is not stored", 404)
        return _back(fields, f"#item-{article}")

    @app.post("/editor")
    async def editor(request: Request) -> Response:
        fields = await _form(request, guard)
        if isinstance(fields, Response):
            return fields
        who = " ".join(fields.get("who", "").split())[:200]
        if not who:
            return _refusal("who is marking?", "a name is needed", 400)
        response = _back(fields)
        _cookie(response, EDITOR_COOKIE, quote(who), max_age=365 * 86400)
        return response

    return app


async def _authorised(request: Request, guard: Guard, call_next: Handler) -> Response:
    """The response when the request may see the page; a login with ``?token=`` sets the
    cookie and comes back without it; anything else is refused."""
    if not guard.token and not loopback_host_header(request.headers.get("host")):
        text = "this page answers only to this machine's own names (127.0.0.1, localhost)"
        return _refusal("refused", text, 403)
    if guard.authorised(request.headers.get("authorization"), request.cookies.get(LOGIN_COOKIE)):
        return await call_next(request)
    sent = request.query_params.get("token", "")
    if request.method == "GET" and guard.token_matches(sent):
        rest = [(k, v) for k, v in request.query_params.multi_items() if k != "token"]
        query = "&".join(f"{quote(k)}={quote(v)}" for k, v in rest)
        response = RedirectResponse(f"{request.url.path}{'?' + query if query else ''}", 303)
        _cookie(response, LOGIN_COOKIE, guard.login_cookie(), lax=True)
        return response
    text = "this page needs its token: Authorization: Bearer TOKEN, or ?token=TOKEN once"
    return _refusal("token required", text, 401)


async def _form(request: Request, guard: Guard) -> dict[str, str] | Response:
    """A post's fields once it is shown to come from the page; else a 403 refusal."""
    own = f"{request.url.scheme}://{request.headers.get('host', '')}"
    if not same_origin(own, request.headers.get("origin"), request.headers.get("referer")):
        return _refusal("refused", "this form must be sent from the review page itself", 403)
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        return _refusal("refused", "form too large", 413)
    parsed = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
    fields = {name: values[0] for name, values in parsed.items()}
    if not guard.form_ok(request.cookies.get(SESSION_COOKIE), fields.get("csrf")):
        return _refusal("refused", "the form's token is missing or stale: reload the page", 403)
    return fields


def _editor(request: Request) -> str:
    return unquote(request.cookies.get(EDITOR_COOKIE, ""))[:200]


def _back(fields: dict[str, str], anchor: str = "") -> RedirectResponse:
    """Back to the page with the filters it had (only those: never another address)."""
    try:
        query = parse_filters(dict(parse_qsl(fields.get("back", "")))).query()
    except FilterError:
        query = ""
    return RedirectResponse(f"/{'?' + query if query else ''}{anchor}", 303)


def _cookie(
    response: Response, name: str, value: str, max_age: int | None = None, lax: bool = False
) -> None:
    """Strict: never sent with a request another site starts. The login cookie is lax, so a
    link to the page (from an email, say) opens it logged in; posts are guarded anyway."""
    samesite: Literal["lax", "strict"] = "lax" if lax else "strict"
    response.set_cookie(name, value, max_age=max_age, httponly=True, samesite=samesite)


def _refusal(title: str, text: str, status: int) -> HTMLResponse:
    return HTMLResponse(render.message(title, text), status_code=status)
