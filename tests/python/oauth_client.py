"""An outside OAuth client: the official MCP Python SDK's OAuthClientProvider against
`kash-http --sandbox --auth oauth`. It discovers the authorization server from the 401,
registers itself, and sends the user to the sign-in page; here the "user" posts the sign-in
and consent forms over HTTP (the browser test does it in Chromium). Then it lists tools and
calls one, in both protocol eras.

    python tests/python/oauth_client.py http://127.0.0.1:8787/mcp LOGIN PASSWORD
"""

import asyncio
import re
import sys
from urllib.parse import parse_qs, urlparse

import httpx2
from mcp import Client
from mcp.client.auth import OAuthClientProvider
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.auth import AuthorizationCodeResult, OAuthClientInformationFull, OAuthClientMetadata, OAuthToken

REDIRECT = "http://127.0.0.1:9/callback"


class Memory:
    """Tokens and registration in memory."""

    def __init__(self) -> None:
        self.tokens: OAuthToken | None = None
        self.client: OAuthClientInformationFull | None = None

    async def get_tokens(self):
        return self.tokens

    async def set_tokens(self, tokens):
        self.tokens = tokens

    async def get_client_info(self):
        return self.client

    async def set_client_info(self, client_info):
        self.client = client_info


def hidden(html: str, name: str) -> str:
    m = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert m, f"no {name} in the page"
    return m.group(1)


class User:
    """Signs in and consents when the SDK sends them to the authorization URL."""

    def __init__(self, login: str, password: str) -> None:
        self.login, self.password = login, password
        self.result: AuthorizationCodeResult | None = None

    async def open(self, url: str) -> None:
        async with httpx2.AsyncClient(follow_redirects=False, timeout=30) as browser:
            page = await browser.get(url)
            assert page.status_code == 200, page.text
            signed = await browser.post(
                url.split("?")[0],
                data={
                    "request": hidden(page.text, "request"),
                    "csrf": hidden(page.text, "csrf"),
                    "login": self.login,
                    "password": self.password,
                },
            )
            assert signed.status_code == 200, signed.text
            done = await browser.post(
                url.split("?")[0] + "/consent",
                data={
                    "pending": hidden(signed.text, "pending"),
                    "csrf": hidden(signed.text, "csrf"),
                    "decision": "all",
                },
            )
            assert done.status_code in (302, 303, 307), done.text
            query = parse_qs(urlparse(done.headers["location"]).query)
            self.result = AuthorizationCodeResult(
                code=query["code"][0], state=query.get("state", [None])[0], iss=query.get("iss", [None])[0]
            )

    async def callback(self) -> AuthorizationCodeResult:
        assert self.result is not None
        return self.result


async def session(url: str, login: str, password: str, mode: str) -> None:
    user = User(login, password)
    auth = OAuthClientProvider(
        server_url=url,
        client_metadata=OAuthClientMetadata(
            client_name="Python SDK test", redirect_uris=[REDIRECT], token_endpoint_auth_method="none"
        ),
        storage=Memory(),
        redirect_handler=user.open,
        callback_handler=user.callback,
    )
    http = httpx2.AsyncClient(auth=auth, timeout=60)
    async with Client(streamable_http_client(url, http_client=http), mode=mode) as client:
        tools = await client.list_tools()
        names = {t.name for t in tools.tools}
        assert "sale_create" in names, sorted(names)
        ping = await client.call_tool("ping", {})
        assert not ping.is_error, ping
        assert ping.structured_content["demo"] is True
        print(f"python mcp oauth ({mode}): signed in, {len(names)} tools; {ping.content[0].text.splitlines()[0]}")


async def main() -> None:
    url, login, password = sys.argv[1:4]
    for mode in ("legacy", "auto"):
        await session(url, login, password, mode)


if __name__ == "__main__":
    asyncio.run(main())
