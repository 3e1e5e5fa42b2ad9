"""The official MCP conformance suite's server scenarios through a real OAuth access token.

The suite cannot send an `Authorization` header, so it talks to a small proxy on loopback that
adds one: the access token the official MCP Python SDK obtained from `kash-http --sandbox
--auth oauth` by signing in and consenting (as `oauth_client.py` does). Everything else passes
through unchanged, streams included; the proxy's own address in `Host` becomes the server's,
any other `Host` or `Origin` (the DNS-rebinding scenario's) is forwarded as sent. The verdicts
are `tests/node/conformance_check.py`'s.

    python tests/python/conformance_oauth.py http://127.0.0.1:8787/mcp LOGIN PASSWORD
"""

import asyncio
import os
import socket
import subprocess
import sys
from urllib.parse import urlparse

import httpx2
import uvicorn
from mcp import Client
from mcp.client.auth import OAuthClientProvider
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.auth import OAuthClientMetadata
from starlette.requests import Request
from starlette.responses import StreamingResponse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from oauth_client import REDIRECT, Memory, User  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
CHECK = os.path.join(HERE, "..", "node", "conformance_check.py")
# Hop-by-hop headers, and the ones the proxy sets itself.
DROPPED = {"connection", "keep-alive", "transfer-encoding", "te", "upgrade", "content-length"}


async def access_token(url: str, login: str, password: str) -> str:
    """Signs in through the SDK's OAuth client and returns the access token it was given."""
    storage, user = Memory(), User(login, password)
    auth = OAuthClientProvider(
        server_url=url,
        client_metadata=OAuthClientMetadata(
            client_name="Conformance proxy", redirect_uris=[REDIRECT], token_endpoint_auth_method="none"
        ),
        storage=storage,
        redirect_handler=user.open,
        callback_handler=user.callback,
    )
    http = httpx2.AsyncClient(auth=auth, timeout=60)
    async with Client(streamable_http_client(url, http_client=http), mode="legacy") as client:
        await client.list_tools()
    assert storage.tokens is not None and storage.tokens.access_token
    return storage.tokens.access_token


def proxy(upstream: str, token: str, own: str):
    """An ASGI app sending every request to `upstream` with the bearer token added."""
    target = urlparse(upstream)
    client = httpx2.AsyncClient(timeout=None)

    async def app(scope, receive, send):
        if scope["type"] != "http":
            return
        request = Request(scope, receive)
        headers = [(k, v) for k, v in request.headers.items() if k.lower() not in DROPPED]
        headers = [
            (k, target.netloc if k.lower() == "host" and v == own else v) for k, v in headers
        ]
        if not any(k.lower() == "authorization" for k, _ in headers):
            headers.append(("authorization", f"Bearer {token}"))
        url = f"{target.scheme}://{target.netloc}{request.url.path}"
        if request.url.query:
            url += f"?{request.url.query}"
        upstream_request = client.build_request(
            request.method, url, headers=headers, content=await request.body()
        )
        answer = await client.send(upstream_request, stream=True)
        passed = {k: v for k, v in answer.headers.items() if k.lower() not in DROPPED}

        async def body():
            try:
                async for chunk in answer.aiter_raw():
                    yield chunk
            finally:
                await answer.aclose()

        await StreamingResponse(body(), status_code=answer.status_code, headers=passed)(
            scope, receive, send
        )

    return app


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def main() -> None:
    url, login, password = sys.argv[1:4]
    token = await access_token(url, login, password)
    port = free_port()
    own = f"127.0.0.1:{port}"
    server = uvicorn.Server(
        uvicorn.Config(proxy(url, token, own), host="127.0.0.1", port=port, log_level="warning")
    )
    serving = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.05)
    # Without the proxy, the suite is refused: the token is what lets it in.
    refused = httpx2.post(url, json={"jsonrpc": "2.0", "id": 1, "method": "ping"})
    assert refused.status_code == 401, refused.status_code
    check = await asyncio.to_thread(
        subprocess.run, [sys.executable, CHECK, f"http://{own}{urlparse(url).path}"]
    )
    server.should_exit = True
    await serving
    if check.returncode != 0:
        sys.exit("conformance through an OAuth token failed")
    print("conformance through an OAuth access token: passed")


if __name__ == "__main__":
    asyncio.run(main())
