"""A local HTTP proxy in front of a moto server: counts calls, adds latency, injects AWS errors.

Used by the organisation tests and benchmarks (``AWS_ENDPOINT_URL`` points at the proxy). It knows
which account each request comes from by reading the access key in the SigV4 ``Authorization``
header and the ``AssumeRole`` responses it forwards (access key -> account), so it can:

- count calls per (account, Region, service, operation) - what "only the missing shards' calls"
  is measured with - and keep their times (the request budget is checked with them);
- add a fixed latency to every call (``latency``), as AWS's own round trip would;
- refuse ``AssumeRole`` into some accounts, deny a service to an account, or throttle a fraction of
  calls, with the error body each protocol really sends (so botocore parses and retries it);
- optionally replay recorded responses (``replay=True``): the first time a request is seen it goes
  to moto, later identical requests are answered from the recording. Benchmarks use it so that
  moto's own CPU time (~5 ms a call, serialised by its GIL) does not hide the scanner's behaviour.
"""

from __future__ import annotations

import http.client
import random
import re
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

CREDENTIAL = re.compile(r"Credential=([^/,\s]+)/\d{8}/([^/]+)/([^/]+)/aws4_request")
ASSUMED = re.compile(rb"<AccessKeyId>([^<]+)</AccessKeyId>.*?<Arn>arn:aws:sts::(\d{12}):assumed-role", re.S)
DEFAULT_ACCOUNT = "123456789012"
QUERY_SERVICES = frozenset({"rds", "elasticache", "autoscaling", "elasticloadbalancing", "sts", "iam"})
HOP_HEADERS = frozenset({"connection", "keep-alive", "transfer-encoding", "content-length", "proxy-connection"})
THROTTLING_CODES = {"ec2": "RequestLimitExceeded", "query": "Throttling", "json": "ThrottlingException",
                    "rest-json": "ThrottlingException", "rest-xml": "SlowDown"}


@dataclass(frozen=True)
class Call:
    """One request as the proxy saw it."""

    at: float
    account: str
    region: str
    service: str
    operation: str
    outcome: str  # "ok", "replayed", or the injected error code


@dataclass
class ProxyRules:
    """What the proxy does besides forwarding."""

    latency: float = 0.0
    deny_assume_role: frozenset[str] = frozenset()
    deny_service: frozenset[tuple[str, str]] = frozenset()  # (account, signing name e.g. "rds")
    throttle: float = 0.0
    seed: int = 0
    replay: bool = False


@dataclass
class _State:
    keys: dict[str, str] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    recorded: dict[tuple[object, ...], tuple[int, list[tuple[str, str]], bytes]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _protocol(service: str, content_type: str) -> str:
    if service == "ec2":
        return "ec2"
    if "x-amz-json" in content_type:
        return "json"
    if service in QUERY_SERVICES or "x-www-form-urlencoded" in content_type:
        return "query"
    return "rest-xml" if service == "s3" else "rest-json"


def _operation(protocol: str, method: str, path: str, body: bytes, target: str) -> str:
    if protocol in ("query", "ec2"):
        action = parse_qs(body.decode(errors="replace")).get("Action", [""])[0]
        return action or f"{method} {urlsplit(path).path}"
    if protocol == "json":
        return target.rsplit(".", 1)[-1]
    return f"{method} {urlsplit(path).path}"


def error_body(protocol: str, code: str) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and body of an AWS error ``code`` in ``protocol``."""
    denied = code.startswith("AccessDenied")
    status = 403 if denied else (503 if protocol in ("ec2", "rest-xml") else (429 if protocol == "rest-json" else 400))
    message = "injected by the haguard test proxy"
    if protocol == "query":
        body = (f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message>"
                "</Error><RequestId>proxy</RequestId></ErrorResponse>")
        return status, {"Content-Type": "text/xml"}, body.encode()
    if protocol == "ec2":
        body = (f"<Response><Errors><Error><Code>{code}</Code><Message>{message}</Message></Error></Errors>"
                "<RequestID>proxy</RequestID></Response>")
        return status, {"Content-Type": "text/xml"}, body.encode()
    if protocol == "rest-xml":
        body = f"<Error><Code>{code}</Code><Message>{message}</Message><RequestId>proxy</RequestId></Error>"
        return status, {"Content-Type": "application/xml"}, body.encode()
    body = f'{{"__type": "{code}", "message": "{message}"}}'
    return status, {"Content-Type": "application/x-amz-json-1.1", "x-amzn-ErrorType": code}, body.encode()


class AwsProxy:
    """``with AwsProxy(upstream, rules) as proxy:`` serves ``proxy.url`` until the block ends."""

    def __init__(self, upstream: str, rules: ProxyRules | None = None) -> None:
        self.upstream = urlsplit(upstream)
        self.rules = rules or ProxyRules()
        self.state = _State()
        self._random = random.Random(self.rules.seed)
        self._local = threading.local()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._server.request_queue_size = 512
        self._thread = threading.Thread(target=self._server.serve_forever, name="aws-proxy", daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> AwsProxy:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def reset(self, rules: ProxyRules | None = None) -> None:
        """Forget the calls seen (keep the key -> account map and recordings); maybe change the rules."""
        with self.state.lock:
            self.state.calls = []
            if rules is not None:
                self.rules = rules
                self._random = random.Random(rules.seed)

    @property
    def calls(self) -> list[Call]:
        with self.state.lock:
            return list(self.state.calls)

    def counts(self, by: tuple[str, ...] = ("account", "region")) -> Counter[tuple[str, ...]]:
        """Calls grouped by the ``Call`` fields in ``by``."""
        return Counter(tuple(getattr(c, f) for f in by) for c in self.calls)

    def _upstream(self) -> http.client.HTTPConnection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = http.client.HTTPConnection(self.upstream.hostname, self.upstream.port,
                                                                 timeout=120)
        return conn

    def _forward(self, method: str, path: str, headers: list[tuple[str, str]], body: bytes
                 ) -> tuple[int, list[tuple[str, str]], bytes]:
        for attempt in range(2):
            conn = self._upstream()
            try:
                conn.request(method, path, body=body, headers=dict(headers))
                response = conn.getresponse()
                data = response.read()
                return response.status, [(k, v) for k, v in response.getheaders()
                                         if k.lower() not in HOP_HEADERS], data
            except (http.client.HTTPException, OSError):
                conn.close()
                self._local.conn = None
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def _decide(self, account: str, service: str, operation: str, body: bytes) -> str | None:
        rules = self.rules
        if service == "sts" and operation == "AssumeRole" and rules.deny_assume_role:
            role = parse_qs(body.decode(errors="replace")).get("RoleArn", [""])[0]
            if any(f"::{a}:" in role for a in rules.deny_assume_role):
                return "AccessDenied"
        if (account, service) in rules.deny_service:
            return "AccessDenied"
        if rules.throttle:
            with self.state.lock:
                if self._random.random() < rules.throttle:
                    return "throttle"
        return None

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_: object) -> None:
                pass

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                auth = self.headers.get("Authorization", "")
                match = CREDENTIAL.search(auth)
                key, region, service = match.groups() if match else ("", "-", "-")
                with proxy.state.lock:
                    account = proxy.state.keys.get(key, DEFAULT_ACCOUNT)
                protocol = _protocol(service, self.headers.get("Content-Type", ""))
                operation = _operation(protocol, self.command, self.path, body, self.headers.get("X-Amz-Target", ""))
                if proxy.rules.latency:
                    time.sleep(proxy.rules.latency)
                verdict = proxy._decide(account, service, operation, body)
                if verdict is not None:
                    code = THROTTLING_CODES[protocol] if verdict == "throttle" else verdict
                    status, headers, data = error_body(protocol, code)
                    self._reply(status, list(headers.items()), data)
                    proxy._record(Call(time.monotonic(), account, region, service, operation, code))
                    return
                forwarded = [(k, v) for k, v in self.headers.items() if k.lower() not in HOP_HEADERS]
                cache_key = (account, region, service, self.command, self.path,
                             self.headers.get("X-Amz-Target", ""), body)
                outcome = "ok"
                with proxy.state.lock:
                    cached = proxy.state.recorded.get(cache_key) if proxy.rules.replay else None
                if cached is not None:
                    status, headers, data = cached
                    outcome = "replayed"
                else:
                    status, headers, data = proxy._forward(self.command, self.path, forwarded, body)
                    if proxy.rules.replay and 200 <= status < 300:
                        with proxy.state.lock:
                            proxy.state.recorded[cache_key] = (status, headers, data)
                if service == "sts" and operation == "AssumeRole" and status == 200:
                    found = ASSUMED.search(data)
                    if found:
                        with proxy.state.lock:
                            proxy.state.keys[found.group(1).decode()] = found.group(2).decode()
                self._reply(status, headers, data)
                proxy._record(Call(time.monotonic(), account, region, service, operation, outcome))

            def _reply(self, status: int, headers: list[tuple[str, str]], data: bytes) -> None:
                self.send_response_only(status)
                for name, value in headers:
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_HEAD = do_DELETE = _serve

        return Handler

    def _record(self, call: Call) -> None:
        with self.state.lock:
            self.state.calls.append(call)


def max_rate(calls: list[Call], window: float = 1.0) -> tuple[int, tuple[str, str, str] | None]:
    """The most calls one (account, Region, service) made within any ``window`` seconds."""
    by_key: dict[tuple[str, str, str], list[float]] = {}
    for call in calls:
        by_key.setdefault((call.account, call.region, call.service), []).append(call.at)
    best, best_key = 0, None
    for key, times in by_key.items():
        times.sort()
        start = 0
        for end, at in enumerate(times):
            while at - times[start] > window:
                start += 1
            if end - start + 1 > best:
                best, best_key = end - start + 1, key
    return best, best_key
