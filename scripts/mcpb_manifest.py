"""The MCPB manifest of a kash-stdio binary: the template with `version` set and `tools` read
from the binary itself (so the list cannot go stale). Used by scripts/pack-mcpb.sh.

    python3 scripts/mcpb_manifest.py TEMPLATE KASH_STDIO VERSION > manifest.json

The binary serves its demo shop (`--sandbox`, MCP_LANG=en, a clean environment and an empty
working directory, so no shop setting or ./.env changes the list). Over newline-delimited
JSON-RPC: initialize, notifications/initialized, tools/list (every page). Each tool keeps its
name and the first sentence of its description, in the server's order.
"""

import json
import os
import re
import select
import subprocess
import sys
import tempfile
import time

PROTOCOL = "2025-11-25"
TIMEOUT = 20  # seconds for the whole exchange

# Words ending in a full stop that do not end a sentence ("price incl. VAT").
ABBREVIATIONS = ("incl.", "excl.", "e.g.", "i.e.", "cf.", "vs.", "approx.", "no.")


def first_sentence(text):
    """Up to the first `.`, `?` or `!` followed by a space or the end, abbreviations aside."""
    text = " ".join(text.split())
    for m in re.finditer(r"[.?!](?=\s|$)", text):
        head = text[: m.end()]
        if not head.lower().endswith(ABBREVIATIONS):
            return head
    return text


class Server:
    """A child speaking newline-delimited JSON-RPC on stdin/stdout, answers within a deadline."""

    def __init__(self, argv, env, cwd):
        self.p = subprocess.Popen(
            argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            env=env, cwd=cwd,
        )
        self.deadline = time.monotonic() + TIMEOUT
        self.buf = b""

    def send(self, msg):
        self.p.stdin.write((json.dumps(msg) + "\n").encode())
        self.p.stdin.flush()

    def answer(self, id_):
        """The response to request `id_` (notifications and other messages are skipped)."""
        while True:
            while b"\n" not in self.buf:
                left = self.deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"no answer to request {id_} within {TIMEOUT}s")
                ready, _, _ = select.select([self.p.stdout], [], [], left)
                if ready:
                    chunk = os.read(self.p.stdout.fileno(), 65536)
                    if not chunk:
                        raise EOFError(f"the server closed stdout; stderr:\n{self.stderr()}")
                    self.buf += chunk
            line, self.buf = self.buf.split(b"\n", 1)
            if not line.strip():
                continue
            msg = json.loads(line)
            if msg.get("id") == id_ and ("result" in msg or "error" in msg):
                if "error" in msg:
                    raise RuntimeError(f"request {id_}: {msg['error']}")
                return msg["result"]

    def stderr(self):
        self.close()
        return self.p.stderr.read().decode(errors="replace")

    def close(self):
        if self.p.poll() is None:
            try:
                self.p.stdin.close()
                self.p.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                self.p.kill()
                self.p.wait()


def list_tools(binary):
    env = {k: v for k, v in os.environ.items()
           if k not in ("SHOPID", "APIKEY", "API_BASE", "MCP_LANG") and not k.startswith("KASH_")}
    env["MCP_LANG"] = "en"
    with tempfile.TemporaryDirectory(prefix="mcpb-tools-") as cwd:
        s = Server([os.path.abspath(binary), "--sandbox"], env, cwd)
        try:
            s.send({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
                "protocolVersion": PROTOCOL, "capabilities": {},
                "clientInfo": {"name": "kash-mcpb-pack", "version": "1"}}})
            s.answer(1)
            s.send({"jsonrpc": "2.0", "method": "notifications/initialized"})
            tools, cursor, id_ = [], None, 2
            while True:
                s.send({"jsonrpc": "2.0", "id": id_, "method": "tools/list",
                        "params": {"cursor": cursor} if cursor else {}})
                page = s.answer(id_)
                tools += page["tools"]
                cursor, id_ = page.get("nextCursor"), id_ + 1
                if not cursor:
                    break
        finally:
            s.close()
    return tools


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    template, binary, version = sys.argv[1:]
    with open(template, encoding="utf-8") as f:
        manifest = json.load(f)
    tools = list_tools(binary)
    if not tools:
        sys.exit("mcpb_manifest: the binary listed no tool")
    names = [t["name"] for t in tools]
    if len(set(names)) != len(names):
        sys.exit(f"mcpb_manifest: duplicate tool names: {names}")
    manifest["version"] = version
    manifest["tools"] = [
        {"name": t["name"], "description": first_sentence(t.get("description") or t["name"])}
        for t in tools
    ]
    json.dump(manifest, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
