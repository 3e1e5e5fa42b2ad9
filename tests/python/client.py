"""An outside client: the official MCP Python SDK drives `kash-stdio --sandbox`, or
`kash-http --sandbox` over Streamable HTTP.

It lists the tools, calls a read (a product search), a write (a sale: preview, then confirm),
a sales summary and a PDF report (the SDK checks structured content against each tool's
output schema), in both protocol eras (the `initialize` handshake, and 2026-07-28 discovery).

    python tests/python/client.py stdio target/debug/kash-stdio
    python tests/python/client.py http http://127.0.0.1:8787/mcp "Bearer 1042:sbx_…"
"""

import asyncio
import base64
import sys

import httpx2
from mcp import Client, StdioServerParameters
from mcp.client.streamable_http import streamable_http_client


def server(argv: list[str]):
    """The server to connect to, afresh for each session."""
    if argv[0] == "stdio":
        return StdioServerParameters(command=argv[1], args=["--sandbox"])
    url, authorization = argv[1], argv[2]
    http = httpx2.AsyncClient(headers={"Authorization": authorization}, timeout=60)
    return streamable_http_client(url, http_client=http)


async def session(argv: list[str], mode: str) -> None:
    async with Client(server(argv), mode=mode) as client:
        tools = await client.list_tools()
        names = {t.name for t in tools.tools}
        for expected in ("sale_create", "data_list_products", "data_list_orders", "ping"):
            assert expected in names, f"{expected} missing from {sorted(names)}"

        found = await client.call_tool("data_list_products", {"query": "croissant", "limit": 3})
        assert not found.is_error, found
        first = found.structured_content["items"][0]
        assert first["title"] == "Croissant", first
        product = first["id"]

        sale = {
            "items": [{"type": "catalog", "productId": product, "quantity": 2}],
            "payment": -1,
            "deliveryMethod": "takeaway",
        }
        preview = await client.call_tool("sale_create", {**sale, "dryRun": True})
        assert not preview.is_error, preview
        assert preview.structured_content["status"] == "preview"
        receipt = await client.call_tool(
            "sale_create", {"confirmPreviewId": preview.structured_content["previewId"]}
        )
        assert not receipt.is_error, receipt
        assert receipt.structured_content["status"] == "recorded"
        text = receipt.content[0].text
        assert text.startswith("Recorded order "), text
        again = await client.call_tool(
            "sale_create", {"confirmPreviewId": preview.structured_content["previewId"]}
        )
        assert again.structured_content["replay"] is True
        assert again.structured_content["orderId"] == receipt.structured_content["orderId"]

        summary = await client.call_tool(
            "sales_summary",
            {"period": "last_week", "groupBy": "customer", "top": 5, "comparison": "previous_period"},
        )
        assert not summary.is_error, summary
        figures = summary.structured_content
        assert figures["total"]["orders"] > 500, figures["total"]
        assert len(figures["groups"]["rows"]) == 5
        assert "change" in figures["comparison"]

        report = await client.call_tool("report_sales", {"period": "yesterday", "format": "PDF"})
        assert not report.is_error, report
        links = [c for c in report.content if c.type == "resource_link"]
        assert len(links) == 1 and links[0].mime_type == "application/pdf", links
        pdf = await client.read_resource(links[0].uri)
        blob = pdf.contents[0]
        assert blob.mime_type == "application/pdf", blob
        assert base64.b64decode(blob.blob).startswith(b"%PDF"), "a PDF"
        print(f"python mcp ({argv[0]}, {mode}): {len(names)} tools; {text}; {summary.content[0].text.splitlines()[0]}")


async def main() -> None:
    for mode in ("legacy", "auto"):
        await session(sys.argv[1:], mode)


if __name__ == "__main__":
    asyncio.run(main())
