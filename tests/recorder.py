"""A real HTTP server on 127.0.0.1 (an OS-chosen port) that keeps every request byte for byte."""

import socketserver
import threading
from dataclasses import dataclass


@dataclass
class Recorded:
    raw: bytes  # the request exactly as it arrived: request line, headers, body
    method: str
    path: str
    headers: dict  # lower-cased names
    body: bytes


class _Handler(socketserver.StreamRequestHandler):
    def handle(self):
        head = b""
        while not head.endswith(b"\r\n\r\n"):
            line = self.rfile.readline()
            if not line:
                return
            head += line
        lines = head.decode("latin-1").split("\r\n")
        method, path, _ = lines[0].split(" ", 2)
        headers = {}
        for line in lines[1:]:
            if line:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
        body = self.rfile.read(int(headers.get("content-length", "0")))
        server = self.server
        with server.lock:
            server.requests.append(Recorded(head + body, method, path, headers, body))
            status = server.statuses.pop(0) if server.statuses else 200
        reason = {
            200: "OK",
            202: "Accepted",
            204: "No Content",
            500: "Internal Server Error",
            503: "Unavailable",
        }
        answer = b"ok" if status < 300 else b"try later"
        self.wfile.write(
            f"HTTP/1.1 {status} {reason.get(status, 'Status')}\r\nContent-Length: {len(answer)}\r\n"
            "Connection: close\r\n\r\n".encode()
            + answer
        )


class RecordingServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.lock = threading.Lock()
        self.requests = []
        self.statuses = []  # answers to give, in order; 200 once they run out

    @property
    def base_url(self):
        return f"http://127.0.0.1:{self.server_address[1]}"

    def url(self, path):
        return self.base_url + path

    def start(self):
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self

    def stop(self):
        self.shutdown()
        self.server_close()

    def take(self):
        """The requests received so far (in order of arrival), forgetting them."""
        with self.lock:
            requests, self.requests = self.requests, []
        return requests
