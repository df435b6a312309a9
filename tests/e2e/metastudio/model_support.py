"""A customer's language model on loopback: an OpenAI-compatible chat-completions server
that answers from what it was sent ("3 messages; you said: ..."), so a test reads back the
conversation a job keeps. Some texts make it misbehave."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

KEY = "sk-model-chat-7f3a9c1e5b"
MODEL = "echo-model"
PATH = "/v1/chat/completions"
SLOW = "take your time"  # answered only once the test releases it (after the turn timed out)
BROKEN = "break down"  # HTTP 500
BABBLE = "babble"  # HTTP 200 with an HTML page
NO_CHOICES = "choose nothing"  # HTTP 200 with a JSON object that is no chat completion


def reply_to(messages: list[dict[str, str]]) -> str:
    return f"{len(messages)} messages; you said: {messages[-1]['content']}"


@dataclass
class Seen:
    headers: dict[str, str]
    body: Any


@dataclass
class FakeModel:
    url: str = ""
    seen: list[Seen] = field(default_factory=list)
    """Every request that passed the key and model checks, in order."""
    release: threading.Event = field(default_factory=threading.Event)

    @property
    def completions(self) -> str:
        return self.url + PATH

    def start(self) -> FakeModel:
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()
        return self

    def close(self) -> None:
        self.release.set()
        self._httpd.shutdown()
        self._httpd.server_close()


def _completion(model: str, content: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 1700000000,
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content},
                "finish_reason": "stop",
            }
        ],
    }


def _handler(model: FakeModel) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *_args: Any) -> None:
            pass

        def _reply(self, status: int, body: Any, content_type: str = "application/json") -> None:
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except OSError:  # the platform gave up waiting (the slow answer)
                pass

        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            body = json.loads(raw)
            if self.path != PATH:
                self._reply(404, {"error": {"message": "no such route"}})
            elif self.headers.get("Authorization") != f"Bearer {KEY}":
                self._reply(401, {"error": {"message": "invalid api key"}})
            elif body.get("model") != MODEL:
                self._reply(404, {"error": {"message": "no such model"}})
            else:
                model.seen.append(Seen(dict(self.headers.items()), body))
                self._answer(body)

        def _answer(self, body: Any) -> None:
            last = body["messages"][-1]["content"]
            if last == SLOW:
                model.release.wait(30)
            if last == BROKEN:
                self._reply(500, {"error": {"message": "overloaded"}})
            elif last == BABBLE:
                self._reply(200, b"<html>hello</html>", "text/html")
            elif last == NO_CHOICES:
                self._reply(200, {"ok": True})
            else:
                self._reply(200, _completion(body["model"], reply_to(body["messages"])))

    return Handler
