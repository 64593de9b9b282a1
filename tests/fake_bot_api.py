"""A fake Telegram Bot API server on 127.0.0.1 for end-to-end tests: it serves queued updates by
long polling, answers the methods Haven uses with the Bot API's JSON shapes, enforces the limits
Haven must respect (4,096-character texts, 64-byte callback data), and records every call so a
test can assert on what the bot really sent."""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Tuple

from aiohttp import web

BOT_ID = 7_000_000_001
BOT_USERNAME = "HavenTestBot"
# Parameters that are plain strings; every other form value is JSON-encoded by the client.
_STRING_PARAMS = {
    "text",
    "description",
    "short_description",
    "url",
    "secret_token",
    "callback_query_id",
    "action",
    "language_code",
    "caption",
    "parse_mode",
    "file_id",
    "ip_address",
}
_MAX_POLL_SECONDS = 1.0  # keeps shutdown quick; the client simply polls again


@dataclass
class Call:
    """One request the bot made: the method, its decoded parameters, and how it was answered."""

    method: str
    params: Dict[str, Any]
    ok: bool = True
    result: Any = None
    at: float = field(default_factory=time.monotonic)


def _utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class FakeBotApi:
    """The server, its update queue and its record of calls."""

    def __init__(self, token: str, username: str = BOT_USERNAME) -> None:
        self.token = token
        self.username = username
        self.calls: List[Call] = []
        self.messages: Dict[Tuple[int, int], Dict[str, Any]] = {}
        self._updates: List[Dict[str, Any]] = []
        self._new_update = asyncio.Event()
        self._failures: Dict[str, List[Dict[str, Any]]] = {}
        self._next_update_id = 100
        self._next_message_id = 1
        self._next_callback_id = 1
        self._runner: Optional[web.AppRunner] = None
        self.port = 0

    # ------------------------------------------------------------ server

    async def start(self) -> FakeBotApi:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def stop(self) -> None:
        self._new_update.set()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def base_url(self) -> str:
        """What TELEGRAM_API_BASE_URL is set to; the client appends the token and method."""
        return f"http://127.0.0.1:{self.port}/bot"

    @staticmethod
    async def _params(request: web.Request) -> Dict[str, Any]:
        raw: Dict[str, Any] = dict(request.query)
        if request.content_type == "application/json":
            raw.update(await request.json())
            return raw
        if request.can_read_body:
            raw.update({k: v for k, v in (await request.post()).items() if isinstance(v, str)})
        params: Dict[str, Any] = {}
        for key, value in raw.items():
            if key in _STRING_PARAMS or not isinstance(value, str):
                params[key] = value
                continue
            try:
                params[key] = json.loads(value)
            except ValueError:
                params[key] = value
        return params

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await self._params(request)
        call = Call(method, params)
        self.calls.append(call)
        if request.match_info["token"] != self.token:
            return self._error(call, 401, "Unauthorized")
        failures = self._failures.get(method)
        if failures:
            failure = failures.pop(0)
            return self._error(call, failure["code"], failure["description"], failure["params"])
        handler = getattr(self, f"_api_{method.lower()}", None)
        if handler is None:
            return self._error(call, 404, "Not Found")
        outcome = handler(params)
        if asyncio.iscoroutine(outcome):
            outcome = await outcome
        if isinstance(outcome, _ApiError):
            return self._error(call, 400, outcome.description)
        call.result = outcome
        return web.json_response({"ok": True, "result": outcome})

    @staticmethod
    def _error(
        call: Call, code: int, description: str, parameters: Optional[Dict[str, Any]] = None
    ) -> web.Response:
        call.ok = False
        body: Dict[str, Any] = {"ok": False, "error_code": code, "description": description}
        if parameters:
            body["parameters"] = parameters
        return web.json_response(body, status=code)

    # ------------------------------------------------------------ test controls

    def fail_next(
        self,
        method: str,
        code: int = 429,
        description: Optional[str] = None,
        retry_after: Optional[int] = None,
    ) -> None:
        """Answers the next call of a method with an error (a 429 with retry_after by default,
        exactly as Telegram words it)."""
        if code == 429:
            retry_after = retry_after or 1
            description = description or f"Too Many Requests: retry after {retry_after}"
        params = {"retry_after": retry_after} if retry_after else None
        failure = {"code": code, "description": description or "Bad Request", "params": params}
        self._failures.setdefault(method, []).append(failure)

    def calls_to(self, method: str, chat_id: Optional[int] = None, ok: bool = True) -> List[Call]:
        """Successful (by default) calls of one method, optionally for one chat."""
        return [
            call
            for call in self.calls
            if call.method == method
            and call.ok == ok
            and (chat_id is None or call.params.get("chat_id") == chat_id)
        ]

    def sent_texts(self, chat_id: int) -> List[str]:
        return [call.params["text"] for call in self.calls_to("sendMessage", chat_id)]

    async def wait_for(
        self, condition: Callable[[], Any], timeout: float = 30.0, what: str = "condition"
    ) -> Any:
        """Waits until condition() is truthy and returns its value."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = condition()
            if value:
                return value
            await asyncio.sleep(0.05)
        raise AssertionError(f"timed out waiting for {what}; calls: {self.summary()}")

    async def wait_for_messages(self, chat_id: int, count: int, timeout: float = 30.0) -> None:
        """Waits until the bot has sent at least `count` messages in total to a chat."""
        await self.wait_for(
            lambda: len(self.calls_to("sendMessage", chat_id)) >= count,
            timeout,
            f"{count} messages to chat {chat_id}",
        )

    def summary(self) -> List[str]:
        return [f"{call.method}{'' if call.ok else '!'}" for call in self.calls]

    # ------------------------------------------------------------ updates

    def bot_user(self) -> Dict[str, Any]:
        return {
            "id": BOT_ID,
            "is_bot": True,
            "first_name": "Haven",
            "username": self.username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    @staticmethod
    def user(user_id: int, first_name: str = "Alex", username: Optional[str] = None) -> Dict:
        user: Dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
        if username:
            user["username"] = username
        user["language_code"] = "en"
        return user

    @staticmethod
    def private_chat(user: Dict[str, Any]) -> Dict[str, Any]:
        return {"id": user["id"], "type": "private", "first_name": user["first_name"]}

    @staticmethod
    def group_chat(chat_id: int, title: str = "Class 8B") -> Dict[str, Any]:
        return {"id": chat_id, "type": "group", "title": title}

    def new_update(self, kind: str, payload: Dict[str, Any]) -> Dict[str, Any]:
        """An update with the next update_id, not queued (for webhook posts)."""
        self._next_update_id += 1
        return {"update_id": self._next_update_id, kind: payload}

    def queue(self, update: Dict[str, Any]) -> Dict[str, Any]:
        """Queues an update for the next getUpdates."""
        self._updates.append(update)
        self._new_update.set()
        return update

    def _message_id(self) -> int:
        self._next_message_id += 1
        return self._next_message_id

    def user_message(
        self, chat: Dict[str, Any], user: Dict[str, Any], text: Optional[str] = None, **fields: Any
    ) -> Dict[str, Any]:
        """A Message from a user; a text starting with / gets its bot_command entity."""
        message: Dict[str, Any] = {
            "message_id": self._message_id(),
            "date": int(time.time()),
            "chat": chat,
            "from": user,
            **fields,
        }
        if text is not None:
            message["text"] = text
            if text.startswith("/"):
                command = text.split()[0]
                entity = {"type": "bot_command", "offset": 0, "length": _utf16_length(command)}
                message.setdefault("entities", []).append(entity)
        self.messages[(chat["id"], message["message_id"])] = message
        return message

    def push_message(
        self, chat: Dict[str, Any], user: Dict[str, Any], text: Optional[str] = None, **fields: Any
    ) -> Dict[str, Any]:
        """Queues a new message from a user and returns it."""
        message = self.user_message(chat, user, text, **fields)
        self.queue(self.new_update("message", message))
        return message

    def push_edit(self, message: Dict[str, Any], text: str) -> Dict[str, Any]:
        """Queues an edited_message update for an earlier message."""
        edited = {**message, "text": text, "edit_date": int(time.time())}
        self.queue(self.new_update("edited_message", edited))
        return edited

    def push_callback(
        self, user: Dict[str, Any], message: Dict[str, Any], data: str
    ) -> Dict[str, Any]:
        """Queues a press on an inline button of a message the bot sent."""
        self._next_callback_id += 1
        query = {
            "id": str(self._next_callback_id),
            "from": user,
            "message": message,
            "chat_instance": "-1",
            "data": data,
        }
        return self.queue(self.new_update("callback_query", query))

    # ------------------------------------------------------------ Bot API methods

    async def _api_getupdates(self, params: Dict[str, Any]) -> List[Dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        if offset:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        timeout = min(float(params.get("timeout") or 0), _MAX_POLL_SECONDS)
        if not self._updates and timeout > 0:
            self._new_update.clear()
            try:
                await asyncio.wait_for(self._new_update.wait(), timeout)
            except asyncio.TimeoutError:
                pass
        return self._updates[: int(params.get("limit") or 100)]

    def _api_getme(self, params: Dict[str, Any]) -> Dict[str, Any]:
        return self.bot_user()

    def _api_sendmessage(self, params: Dict[str, Any]) -> Any:
        text = params.get("text") or ""
        if not text.strip():
            return _ApiError("Bad Request: message text is empty")
        if _utf16_length(text) > 4096:
            return _ApiError("Bad Request: message is too long")
        markup = params.get("reply_markup")
        for row in (markup or {}).get("inline_keyboard", []):
            for button in row:
                data = button.get("callback_data")
                if data is not None and not 1 <= len(data.encode("utf-8")) <= 64:
                    return _ApiError("Bad Request: BUTTON_DATA_INVALID")
        chat_id = params["chat_id"]
        message: Dict[str, Any] = {
            "message_id": self._message_id(),
            "date": int(time.time()),
            "chat": self._chat(chat_id),
            "from": self.bot_user(),
            "text": text,
        }
        if markup:
            message["reply_markup"] = markup
        self.messages[(chat_id, message["message_id"])] = message
        return message

    def _chat(self, chat_id: int) -> Dict[str, Any]:
        for (known_id, _), message in self.messages.items():
            if known_id == chat_id:
                return message["chat"]
        return {"id": chat_id, "type": "private", "first_name": "Alex"}

    def _api_editmessagereplymarkup(self, params: Dict[str, Any]) -> Any:
        message = self.messages.get((params.get("chat_id"), params.get("message_id")))
        if message is None:
            return _ApiError("Bad Request: message to edit not found")
        markup = params.get("reply_markup")
        if markup == message.get("reply_markup") or (not markup and "reply_markup" not in message):
            return _ApiError("Bad Request: message is not modified")
        if markup:
            message["reply_markup"] = markup
        else:
            message.pop("reply_markup", None)
        return message

    def _api_editmessagetext(self, params: Dict[str, Any]) -> Any:
        message = self.messages.get((params.get("chat_id"), params.get("message_id")))
        if message is None:
            return _ApiError("Bad Request: message to edit not found")
        message["text"] = params.get("text", "")
        return message

    def _api_deletemessage(self, params: Dict[str, Any]) -> Any:
        if self.messages.pop((params.get("chat_id"), params.get("message_id")), None) is None:
            return _ApiError("Bad Request: message to delete not found")
        return True

    def _api_deletemessages(self, params: Dict[str, Any]) -> Any:
        ids = params.get("message_ids") or []
        if not 1 <= len(ids) <= 100:
            return _ApiError("Bad Request: too many message identifiers specified")
        for message_id in ids:  # messages that can't be found are skipped, as Telegram does
            self.messages.pop((params.get("chat_id"), message_id), None)
        return True

    def _api_getfile(self, params: Dict[str, Any]) -> Dict[str, Any]:
        return {"file_id": params.get("file_id"), "file_unique_id": "u1", "file_path": "p/1.jpg"}

    def _api_getwebhookinfo(self, params: Dict[str, Any]) -> Dict[str, Any]:
        return {"url": "", "has_custom_certificate": False, "pending_update_count": 0}

    def _true(self, params: Dict[str, Any]) -> bool:
        return True

    _api_sendchataction = _true
    _api_answercallbackquery = _true
    _api_setmycommands = _true
    _api_setmydescription = _true
    _api_setmyshortdescription = _true
    _api_setwebhook = _true
    _api_deletewebhook = _true
    _api_close = _true
    _api_logout = _true


@dataclass
class _ApiError:
    description: str
