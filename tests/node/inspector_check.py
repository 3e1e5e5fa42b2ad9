"""The MCP Inspector CLI (Node 22) against `kash-stdio --sandbox` or `kash-http --sandbox`: tools/list with every tool
schema held to the Inspector's portability rules (`--strict`: no findings at all), and a tool
call per kind of answer, whose structured content the Inspector validates against the tool's
output schema with Ajv (no failure, no "unknown format" warning).

    python tests/node/inspector_check.py stdio target/debug/kash-stdio
    python tests/node/inspector_check.py http http://127.0.0.1:8787/mcp "Bearer 1042:sbx_…"
"""

import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
INSPECTOR = os.path.join(HERE, "node_modules", ".bin", "inspector")

CALLS = [
    ("ping", {}),
    ("data_list_products", {"query": "croissant", "limit": 3}),
    ("data_list_tables", {"format": "csv", "limit": 3}),
    ("data_list_orders", {"period": "yesterday", "limit": 3, "withLines": True}),
    ("data_list_pending_orders", {"period": "today"}),
    ("sales_summary", {"period": "last_week", "groupBy": "day", "comparison": "previous_period"}),
    ("sales_summary", {"period": "last_30_days", "groupBy": "customer", "top": 5}),
    ("report_sales", {"period": "last_week"}),
    ("report_sales", {"date": "yesterday", "format": "PDF"}),
    ("sale_create", {"items": [{"type": "catalog", "productId": 1}], "payment": -1, "dryRun": True}),
]


def run(target, *args):
    cmd = [INSPECTOR, "--cli", *target, *args, "--format", "json"]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    if "unknown format" in p.stderr:
        sys.exit(f"{args}: Ajv warned about an unknown format:\n{p.stderr}")
    if p.returncode != 0:
        sys.exit(f"{args}: the Inspector exited {p.returncode}:\n{p.stdout}\n{p.stderr}")
    return json.loads(p.stdout)


def main():
    if sys.argv[1] == "stdio":
        target = [os.path.abspath(sys.argv[2]), "--sandbox"]
    else:
        target = [sys.argv[2], "--transport", "http", "--header", f"Authorization: {sys.argv[3]}"]
    listed = run(target, "--method", "tools/list", "--strict")
    findings = listed.get("schemaFindings") or []
    if findings:
        sys.exit("schema portability findings:\n" + json.dumps(findings, indent=1))
    tools = listed["result"]["tools"]
    for name, args in CALLS:
        out = run(
            target,
            "--method", "tools/call",
            "--tool-name", name,
            "--tool-args-json", json.dumps(args),
        )
        result = out["result"]
        if result.get("isError"):
            sys.exit(f"{name} {args} failed: {result}")
    print(f"inspector ({sys.argv[1]}): {len(tools)} tools, 0 portability findings; {len(CALLS)} calls validated")


if __name__ == "__main__":
    main()
