"""A fake Telegram Bot API server on 127.0.0.1, for tests and the load test.

It speaks Telegram's HTTP protocol (`/bot<token>/<method>`, form, multipart or JSON bodies,
`{"ok": true, "result": ...}` or `{"ok": false, "error_code", "description", "parameters"}`),
keeps chats, messages and polls in memory, serves long polling and delivers to a webhook, and can
inject faults (429 with retry_after, 5xx, dropped connections) so the real python-telegram-bot
client is exercised over real HTTP.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import re
import secrets
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web

from .entities import EntityError, html_to_plain
from .updates import (
    FakeChat,
    FakeUser,
    document_content,
    forward_origin,
    group_chat,
    message,
    photo_content,
    private_chat,
    sticker_content,
    text_content,
    voice_content,
)

DEFAULT_TOKEN = "123456789:AAFakeTokenForTestsOnly-abcdefghijklm"
MAX_TEXT = 4096
MAX_CALLBACK_DATA = 64
# Parameters Telegram takes as plain strings: never JSON-decode these.
STRING_PARAMS = {
    "text", "question", "parse_mode", "url", "secret_token", "callback_query_id",
    "inline_message_id", "language_code", "caption", "explanation", "ip_address",
    "description", "short_description", "name", "business_connection_id", "certificate",
}  # fmt: skip


class ApiError(Exception):
    """Raised inside a method handler; becomes Telegram's error JSON."""

    def __init__(self, code: int, description: str, parameters: dict[str, Any] | None = None):
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters


@dataclass
class ApiCall:
    """One request the bot made, decoded, with the HTTP status it got."""

    method: str
    params: dict[str, Any]
    status: int = 0
    result: Any = None
    at: float = field(default_factory=time.monotonic)

    @property
    def chat_id(self) -> int | str | None:
        return self.params.get("chat_id")


@dataclass
class Fault:
    kind: str  # "429" | "5xx" | "drop" | "slow"
    remaining: int
    methods: frozenset[str] | None
    retry_after: float = 1
    status: int = 502
    delay: float = 0.0


@dataclass
class Outgoing:
    """A message the bot sent (or edited), as a test sees it."""

    method: str
    chat_id: int
    message_id: int
    html: str
    plain: str
    buttons: list[list[dict[str, Any]]]
    poll: dict[str, Any] | None = None
    call_index: int = 0  # position in FakeBotApi.calls
    at: float = field(default_factory=time.monotonic)  # when the server received it

    @property
    def labels(self) -> list[str]:
        return [b["text"] for row in self.buttons for b in row]

    def callback_for(self, label_part: str) -> str:
        for row in self.buttons:
            for button in row:
                if label_part.lower() in button["text"].lower() and "callback_data" in button:
                    return button["callback_data"]
        raise KeyError(f"no button with {label_part!r} in {self.labels}")


class FakeBotApi:
    """The server plus helpers to inject updates and inspect what the bot sent."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        bot_username: str = "wegwijzer_test_bot",
        host: str = "127.0.0.1",
    ) -> None:
        self.token = token
        self.host = host
        self.bot_id = int(token.split(":")[0])
        self.bot_username = bot_username
        self.calls: list[ApiCall] = []
        self.commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.webhook: dict[str, Any] = {}
        self.polls: dict[str, dict[str, Any]] = {}
        self.messages: dict[tuple[int, int], dict[str, Any]] = {}
        self.members: dict[tuple[int, int], str] = {}
        self.blocked: set[int] = set()
        self.open_callback_queries: set[str] = set()
        self.answered_callback_queries: dict[str, dict[str, Any]] = {}
        self._pending: list[dict[str, Any]] = []
        self._marks: dict[int, int] = {}  # update_id -> number of calls when it was injected
        self._by_chat: dict[int, list[Outgoing]] = {}
        self._chat_events: dict[int, asyncio.Event] = {}
        self.chats: dict[int, dict[str, Any]] = {}
        self._update_ids = itertools.count(1)
        self._message_ids: dict[int, itertools.count] = {}
        self._faults: list[Fault] = []
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self._webhook_task: asyncio.Task[None] | None = None
        self._session: aiohttp.ClientSession | None = None
        self.port = 0

    # ----------------------------------------------------------------- life cycle
    async def start(self) -> FakeBotApi:
        app = web.Application(client_max_size=20 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(
            app, access_log=None, handle_signals=False, shutdown_timeout=0.1
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, 0)
        await site.start()
        server = site._server  # noqa: SLF001 - aiohttp exposes the bound port only here
        assert server is not None and server.sockets
        self.port = server.sockets[0].getsockname()[1]
        return self

    async def stop(self) -> None:
        if self._webhook_task:
            self._webhook_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._webhook_task
        if self._session:
            await self._session.close()
        if self._runner:
            await self._runner.cleanup()

    async def __aenter__(self) -> FakeBotApi:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        """What the bot gets as `base_url`: the token is appended by python-telegram-bot."""
        return f"http://{self.host}:{self.port}/bot"

    # ----------------------------------------------------------------- fault injection
    def fail_next(
        self,
        n: int = 1,
        *,
        kind: str = "429",
        retry_after: float = 1,
        status: int = 502,
        delay: float = 1.0,
        methods: Iterable[str] | None = None,
    ) -> None:
        """Make the next `n` calls (of `methods`, or any) fail.

        kind: "429" (flood control with `retry_after`), "5xx" (`status`), "drop" (the connection
        is cut without an answer) or "slow" (no answer for `delay` seconds, then cut: a timeout).
        The failed call has no effect, like a request Telegram never handled.
        """
        if kind not in {"429", "5xx", "drop", "slow"}:
            raise ValueError(kind)
        wanted = frozenset(m.lower() for m in methods) if methods else None
        self._faults.append(Fault(kind, n, wanted, retry_after, status, delay))

    def clear_faults(self) -> None:
        self._faults.clear()

    def _take_fault(self, method: str) -> Fault | None:
        for fault in self._faults:
            if fault.remaining > 0 and (fault.methods is None or method.lower() in fault.methods):
                fault.remaining -= 1
                return fault
        self._faults = [f for f in self._faults if f.remaining > 0]
        return None

    # ----------------------------------------------------------------- injecting updates
    def user(self, user_id: int | None = None, **kwargs: Any) -> FakeUser:
        return FakeUser(id=user_id or 10_000 + secrets.randbelow(10**9), **kwargs)

    def group(self, chat_id: int = -1001234567890, title: str = "Onboarding") -> FakeChat:
        return group_chat(chat_id, title)

    def set_member(self, chat: FakeChat, user: FakeUser, status: str) -> None:
        """status: creator | administrator | member | restricted | left | kicked."""
        self.members[(chat.id, user.id)] = status

    def _next_message_id(self, chat_id: int) -> int:
        counter = self._message_ids.setdefault(chat_id, itertools.count(1))
        return next(counter)

    def push_update(self, payload: dict[str, Any]) -> dict[str, Any]:
        """Queue an update (any of Telegram's update fields); returns it with its update_id."""
        update = {"update_id": next(self._update_ids), **payload}
        self._marks[update["update_id"]] = len(self.calls)
        self._pending.append(update)
        self._notify()
        return update

    def _user_message(
        self, user: FakeUser, chat: FakeChat | None, **content: Any
    ) -> dict[str, Any]:
        chat = chat or private_chat(user)
        self.chats[chat.id] = chat.as_json()
        msg = message(user, chat, self._next_message_id(chat.id), **content)
        self.messages[(chat.id, msg["message_id"])] = msg
        return msg

    def send_text(
        self,
        user: FakeUser,
        text: str,
        chat: FakeChat | None = None,
        reply_to: Outgoing | None = None,
    ) -> dict[str, Any]:
        """The user types `text` (a leading /command gets its entity, @bot a mention)."""
        content = text_content(text, self.bot_username)
        if reply_to is not None:
            content["reply_to_message"] = self.messages[(reply_to.chat_id, reply_to.message_id)]
        return self.push_update({"message": self._user_message(user, chat, **content)})

    def send_media(self, user: FakeUser, kind: str, chat: FakeChat | None = None) -> dict[str, Any]:
        """kind: photo | voice | sticker | document."""
        builders: dict[str, Callable[[], dict[str, Any]]] = {
            "photo": photo_content,
            "voice": voice_content,
            "sticker": sticker_content,
            "document": document_content,
        }
        return self.push_update({"message": self._user_message(user, chat, **builders[kind]())})

    def send_forwarded(self, user: FakeUser, text: str) -> dict[str, Any]:
        msg = self._user_message(user, None, text=text, **forward_origin())
        return self.push_update({"message": msg})

    def edit_text(self, user: FakeUser, original: dict[str, Any], new_text: str) -> dict[str, Any]:
        """The user edits a message they sent earlier (`original` is its update)."""
        msg = dict(original["message"], text=new_text, edit_date=int(time.time()))
        return self.push_update({"edited_message": msg})

    def press(self, user: FakeUser, out: Outgoing, label_part: str) -> dict[str, Any]:
        """The user taps the inline button whose label contains `label_part`."""
        return self.press_data(user, out, out.callback_for(label_part))

    def press_data(self, user: FakeUser, out: Outgoing, data: str) -> dict[str, Any]:
        query_id = str(secrets.randbelow(10**18))
        self.open_callback_queries.add(query_id)
        msg = self.messages.get((out.chat_id, out.message_id))
        query = {
            "id": query_id,
            "from": user.as_json(),
            "chat_instance": str(abs(out.chat_id)),
            "data": data,
        }
        if msg is not None:
            query["message"] = msg
        return self.push_update({"callback_query": query})

    def vote(self, poll_id: str, option: int, n: int = 1) -> None:
        """Anonymous votes: only the counts change; the bot gets a `poll` update, no voter."""
        poll = self.polls[poll_id]["poll"]
        if poll["is_closed"]:
            raise ValueError("poll is closed")
        poll["options"][option]["voter_count"] += n
        poll["total_voter_count"] += n
        self.push_update({"poll": json.loads(json.dumps(poll))})

    # ----------------------------------------------------------------- inspecting calls
    def _notify(self) -> None:
        async def notify() -> None:
            async with self._changed:
                self._changed.notify_all()

        with contextlib.suppress(RuntimeError):
            asyncio.get_running_loop().create_task(notify())

    async def wait_until(self, predicate: Callable[[], Any], timeout: float = 10.0) -> Any:
        """Wait until predicate() is truthy (re-checked after every call); returns its value."""
        deadline = time.monotonic() + timeout
        async with self._changed:
            while True:
                value = predicate()
                if value:
                    return value
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"condition not met within {timeout}s")
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), min(remaining, 0.25))

    def calls_of(self, method: str, since: int = 0) -> list[ApiCall]:
        return [
            c for c in self.calls[since:] if c.method.lower() == method.lower() and c.status == 200
        ]

    def outgoing(self, chat_id: int | None = None, since: int = 0) -> list[Outgoing]:
        """Successful sendMessage/sendPoll/editMessageText calls, in order."""
        if chat_id is None:
            found = [o for outs in self._by_chat.values() for o in outs if o.call_index >= since]
            return sorted(found, key=lambda o: o.call_index)
        return [o for o in self._by_chat.get(chat_id, ()) if o.call_index >= since]

    def _record_outgoing(self, call: ApiCall, index: int) -> None:
        """Index a successful message call by chat, and wake whoever waits on that chat."""
        res = call.result
        markup = call.params.get("reply_markup") or {}
        out = Outgoing(
            method=call.method,
            chat_id=res["chat"]["id"],
            message_id=res["message_id"],
            html=call.params.get("text", call.params.get("question", "")),
            plain=res.get("text", ""),
            buttons=markup.get("inline_keyboard", []),
            poll=res.get("poll"),
            call_index=index,
        )
        self._by_chat.setdefault(out.chat_id, []).append(out)
        event = self._chat_events.pop(out.chat_id, None)
        if event is not None:
            event.set()

    async def _wait_chat(self, chat_id: int, predicate: Callable[[], Any], timeout: float) -> Any:
        """Like wait_until, but woken only by messages to this chat (cheap with many users)."""
        deadline = time.monotonic() + timeout
        while True:
            value = predicate()
            if value:
                return value
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"no fitting reply to the chat within {timeout}s")
            event = self._chat_events.setdefault(chat_id, asyncio.Event())
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), remaining)

    async def wait_for_call(self, method: str, since: int = 0, timeout: float = 10.0) -> ApiCall:
        calls = await self.wait_until(lambda: self.calls_of(method, since), timeout)
        return calls[0]

    async def wait_polling(self, timeout: float = 10.0) -> None:
        """Until the bot has started long polling (its first getUpdates arrived)."""
        await self.wait_until(lambda: any(c.method == "getUpdates" for c in self.calls), timeout)

    async def turn(
        self,
        update: dict[str, Any],
        chat_id: int,
        *,
        quiet: float = 0.25,
        timeout: float = 10.0,
        until: Callable[[list[Outgoing]], bool] | None = None,
    ) -> list[Outgoing]:
        """After injecting `update`: the bot's messages to `chat_id` for it.

        Waits for the first reply, then until `until(replies)` holds or, without `until`, until
        the bot has been quiet towards this chat for `quiet` seconds. Only calls made after the
        update was injected count.
        """
        start = self._marks.pop(update.get("update_id", -1), len(self.calls))
        await self._wait_chat(chat_id, lambda: self.outgoing(chat_id, start), timeout)
        if until is not None:
            await self._wait_chat(chat_id, lambda: until(self.outgoing(chat_id, start)), timeout)
            return self.outgoing(chat_id, start)
        seen = -1
        while True:
            current = len(self.outgoing(chat_id, start))
            if current == seen:
                return self.outgoing(chat_id, start)
            seen = current
            await asyncio.sleep(quiet)

    # ----------------------------------------------------------------- HTTP
    async def _params(self, request: web.Request) -> dict[str, Any]:
        raw: dict[str, Any] = dict(request.query)
        if request.can_read_body:
            if request.content_type == "application/json":
                body = await request.json()
                if not isinstance(body, dict):
                    raise ApiError(400, "Bad Request: invalid JSON body")
                return {**raw, **body}
            form = await request.post()
            raw.update({k: v for k, v in form.items() if isinstance(v, str)})
        return {k: _decode(k, v) for k, v in raw.items()}

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized")
        try:
            params = await self._params(request)
        except (ValueError, ApiError):
            return _error(400, "Bad Request: can't parse request")
        call = ApiCall(method=method, params=params)
        index = len(self.calls)
        self.calls.append(call)
        try:
            fault = self._take_fault(method)
            if fault is not None:
                response = await self._apply_fault(fault, request, call)
                if response is None:
                    return web.Response(status=500)  # transport already gone
                return response
            handler = getattr(self, "_api_" + method.lower(), None)
            if handler is None:
                call.status = 404
                return _error(404, "Not Found")
            try:
                call.result = await handler(params)
            except ApiError as exc:
                call.status = exc.code
                return _error(exc.code, exc.description, exc.parameters)
            except (KeyError, TypeError, ValueError) as exc:
                call.status = 400
                return _error(400, f"Bad Request: {type(exc).__name__}: {exc}")
            call.status = 200
            if method.lower() in {"sendmessage", "sendpoll", "editmessagetext"}:
                self._record_outgoing(call, index)
            return web.json_response({"ok": True, "result": call.result})
        finally:
            self._notify()

    async def _apply_fault(
        self, fault: Fault, request: web.Request, call: ApiCall
    ) -> web.StreamResponse | None:
        if fault.kind == "429":
            call.status = 429
            return _error(
                429,
                f"Too Many Requests: retry after {fault.retry_after}",
                {"retry_after": fault.retry_after},
            )
        if fault.kind == "5xx":
            call.status = fault.status
            return _error(
                fault.status, "Bad Gateway" if fault.status == 502 else "Internal Server Error"
            )
        call.status = -1  # dropped
        if fault.kind == "slow":
            await asyncio.sleep(fault.delay)
        if request.transport is not None:
            request.transport.abort()
        return None

    # ----------------------------------------------------------------- helpers for methods
    def _bot_json(self) -> dict[str, Any]:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": "Wegwijzer",
            "username": self.bot_username,
        }

    def _chat_json(self, chat_id: Any) -> dict[str, Any]:
        chat = self.chats.get(chat_id) if isinstance(chat_id, int) else None
        if chat is None:
            raise ApiError(400, "Bad Request: chat not found")
        return chat

    def _check_markup(self, markup: Any) -> None:
        if markup in (None, ""):
            return
        if not isinstance(markup, dict):
            raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
        for row in markup.get("inline_keyboard", []):
            for button in row:
                if not button.get("text"):
                    raise ApiError(
                        400, "Bad Request: text buttons are unallowed in the inline keyboard"
                    )
                data = button.get("callback_data")
                if data is not None and not 1 <= len(data.encode()) <= MAX_CALLBACK_DATA:
                    raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
                if data is None and "url" not in button:
                    raise ApiError(400, 'Bad Request: can\'t find field "callback_data"')

    def _text(self, params: dict[str, Any], key: str = "text") -> tuple[str, str]:
        text = params.get(key)
        if not isinstance(text, str) or not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if params.get("parse_mode", "").lower() == "html":
            try:
                plain = html_to_plain(text)
            except EntityError as exc:
                raise ApiError(400, f"Bad Request: {exc}") from None
        else:
            plain = text
        if len(plain) > MAX_TEXT:
            raise ApiError(400, "Bad Request: message is too long")
        return text, plain

    def _stored(self, params: dict[str, Any]) -> dict[str, Any]:
        key = (params.get("chat_id"), params.get("message_id"))
        msg = self.messages.get(key)  # type: ignore[arg-type]
        if msg is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        return msg

    # ----------------------------------------------------------------- Bot API methods
    async def _api_getme(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            **self._bot_json(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    async def _api_logout(self, params: dict[str, Any]) -> bool:
        return True

    async def _api_close(self, params: dict[str, Any]) -> bool:
        return True

    async def _api_getupdates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        if self.webhook.get("url"):
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = int(params.get("offset") or 0)
        limit = max(1, min(100, int(params.get("limit") or 100)))
        timeout = max(0.0, float(params.get("timeout") or 0))
        if offset:
            self._pending = [u for u in self._pending if u["update_id"] >= offset]
        deadline = time.monotonic() + timeout
        while True:
            ready = [u for u in self._pending if u["update_id"] >= offset][:limit]
            if ready or time.monotonic() >= deadline:
                return ready
            async with self._changed:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(
                        self._changed.wait(), max(0.0, min(0.5, deadline - time.monotonic()))
                    )

    async def _api_setwebhook(self, params: dict[str, Any]) -> bool:
        url = params.get("url", "")
        if url and not url.startswith(("http://", "https://")):
            raise ApiError(400, "Bad Request: bad webhook: invalid URL")
        secret = params.get("secret_token")
        if secret is not None and not (
            1 <= len(secret) <= 256 and all(c.isalnum() or c in "_-" for c in secret)
        ):
            raise ApiError(400, "Bad Request: secret token contains unallowed characters")
        if params.get("drop_pending_updates"):
            self._pending.clear()
        self.webhook = {"url": url, "secret_token": secret} if url else {}
        if url and (self._webhook_task is None or self._webhook_task.done()):
            self._webhook_task = asyncio.get_running_loop().create_task(self._deliver_webhook())
        return True

    async def _api_deletewebhook(self, params: dict[str, Any]) -> bool:
        self.webhook = {}
        if params.get("drop_pending_updates"):
            self._pending.clear()
        return True

    async def _api_getwebhookinfo(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "url": self.webhook.get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": len(self._pending),
        }

    async def _deliver_webhook(self) -> None:
        """Like Telegram: POST each pending update to the webhook, in order, until it gets 2xx."""
        self._session = self._session or aiohttp.ClientSession()
        while self.webhook.get("url"):
            if not self._pending:
                async with self._changed:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._changed.wait(), 0.25)
                continue
            update = self._pending[0]
            headers = {}
            if self.webhook.get("secret_token"):
                headers["X-Telegram-Bot-Api-Secret-Token"] = self.webhook["secret_token"]
            try:
                async with self._session.post(
                    self.webhook["url"], json=update, headers=headers
                ) as response:
                    delivered = 200 <= response.status < 300
            except aiohttp.ClientError:
                delivered = False
            if delivered:
                with contextlib.suppress(ValueError):
                    self._pending.remove(update)
                self.webhook["delivered"] = self.webhook.get("delivered", 0) + 1
            else:
                await asyncio.sleep(0.1)

    async def _api_setmycommands(self, params: dict[str, Any]) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list) or not commands:
            raise ApiError(400, "Bad Request: commands must be a non-empty list")
        for command in commands:
            name, description = command.get("command", ""), command.get("description", "")
            if not re.fullmatch(r"[a-z0-9_]{1,32}", name):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(description) <= 256:
                raise ApiError(400, "Bad Request: command description is too long or empty")
        scope = (params.get("scope") or {}).get("type", "default")
        self.commands[(scope, params.get("language_code", ""))] = commands
        return True

    async def _api_deletemycommands(self, params: dict[str, Any]) -> bool:
        scope = (params.get("scope") or {}).get("type", "default")
        self.commands.pop((scope, params.get("language_code", "")), None)
        return True

    async def _api_getmycommands(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        scope = (params.get("scope") or {}).get("type", "default")
        return self.commands.get((scope, params.get("language_code", "")), [])

    async def _api_sendmessage(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat_json(params.get("chat_id"))
        if chat["id"] in self.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        _, plain = self._text(params)
        self._check_markup(params.get("reply_markup"))
        msg: dict[str, Any] = {
            "message_id": self._next_message_id(chat["id"]),
            "date": int(time.time()),
            "chat": chat,
            "from": self._bot_json(),
            "text": plain,
        }
        if params.get("reply_markup"):
            msg["reply_markup"] = params["reply_markup"]
        self.messages[(chat["id"], msg["message_id"])] = msg
        return msg

    async def _api_editmessagetext(self, params: dict[str, Any]) -> dict[str, Any]:
        msg = self._stored(params)
        _, plain = self._text(params)
        self._check_markup(params.get("reply_markup"))
        markup = params.get("reply_markup")
        if plain == msg.get("text") and markup == msg.get("reply_markup"):
            raise ApiError(
                400,
                "Bad Request: message is not modified: specified new message content and reply "
                "markup are exactly the same as a current content and reply markup of the message",
            )
        msg["text"] = plain
        msg["edit_date"] = int(time.time())
        if markup:
            msg["reply_markup"] = markup
        else:
            msg.pop("reply_markup", None)
        return msg

    async def _api_editmessagereplymarkup(self, params: dict[str, Any]) -> dict[str, Any]:
        msg = self._stored(params)
        markup = params.get("reply_markup")
        self._check_markup(markup)
        if (markup or None) == msg.get("reply_markup"):
            raise ApiError(400, "Bad Request: message is not modified")
        if markup:
            msg["reply_markup"] = markup
        else:
            msg.pop("reply_markup", None)
        return msg

    async def _api_answercallbackquery(self, params: dict[str, Any]) -> bool:
        query_id = params.get("callback_query_id")
        if query_id not in self.open_callback_queries:
            raise ApiError(
                400,
                "Bad Request: query is too old and response timeout expired or query ID is invalid",
            )
        self.open_callback_queries.discard(query_id)
        self.answered_callback_queries[query_id] = params
        return True

    async def _api_sendpoll(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat_json(params.get("chat_id"))
        question = params.get("question")
        if not isinstance(question, str) or not 1 <= len(question) <= 300:
            raise ApiError(400, "Bad Request: poll question length must not exceed 300")
        options = params.get("options")
        if not isinstance(options, list) or not 2 <= len(options) <= 12:
            raise ApiError(400, "Bad Request: poll must have 2-12 options")
        texts = [o["text"] if isinstance(o, dict) else str(o) for o in options]
        if any(not 1 <= len(t) <= 100 for t in texts):
            raise ApiError(400, "Bad Request: poll options length must not exceed 100")
        poll_id = str(secrets.randbelow(10**18))
        poll = {
            "id": poll_id,
            "question": question,
            "options": [
                {"text": t, "voter_count": 0, "persistent_id": f"{poll_id}-{i}"}
                for i, t in enumerate(texts)
            ],
            "total_voter_count": 0,
            "is_closed": False,
            "is_anonymous": bool(params.get("is_anonymous", True)),
            "type": params.get("type", "regular"),
            "allows_multiple_answers": bool(params.get("allows_multiple_answers", False)),
            "allows_revoting": True,  # Bot API 9.6
            "members_only": False,  # Bot API 10.0
        }
        msg = {
            "message_id": self._next_message_id(chat["id"]),
            "date": int(time.time()),
            "chat": chat,
            "from": self._bot_json(),
            "poll": poll,
        }
        if params.get("reply_markup"):
            self._check_markup(params["reply_markup"])
            msg["reply_markup"] = params["reply_markup"]
        self.messages[(chat["id"], msg["message_id"])] = msg
        self.polls[poll_id] = {"poll": poll, "chat_id": chat["id"], "message_id": msg["message_id"]}
        return msg

    async def _api_stoppoll(self, params: dict[str, Any]) -> dict[str, Any]:
        for entry in self.polls.values():
            if (entry["chat_id"], entry["message_id"]) == (
                params.get("chat_id"),
                params.get("message_id"),
            ):
                if entry["poll"]["is_closed"]:
                    raise ApiError(400, "Bad Request: poll has already been closed")
                entry["poll"]["is_closed"] = True
                return entry["poll"]
        raise ApiError(400, "Bad Request: message with poll to stop not found")

    async def _api_getchatmember(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat_json(params.get("chat_id"))
        user_id = params.get("user_id")
        status = self.members.get((chat["id"], user_id), "member")  # type: ignore[arg-type]
        user = {"id": user_id, "is_bot": False, "first_name": "Lid"}
        if status == "creator":
            return {"status": "creator", "user": user, "is_anonymous": False}
        if status == "administrator":
            return {
                "status": "administrator",
                "user": user,
                **dict.fromkeys(
                    (
                        "can_be_edited",
                        "is_anonymous",
                        "can_delete_messages",
                        "can_manage_video_chats",
                        "can_restrict_members",
                        "can_promote_members",
                        "can_change_info",
                        "can_post_stories",
                        "can_edit_stories",
                        "can_delete_stories",
                    ),
                    False,
                ),  # fmt: skip
                "can_manage_chat": True,
                "can_invite_users": True,
            }
        return {"status": status, "user": user}


def _decode(key: str, value: Any) -> Any:
    """Form values arrive JSON-encoded (python-telegram-bot sends json.dumps of non-strings)."""
    if key in STRING_PARAMS or not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def _error(code: int, description: str, parameters: dict[str, Any] | None = None) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
    if parameters:
        body["parameters"] = parameters
    return web.json_response(body, status=code)
