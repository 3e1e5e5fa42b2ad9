"""The MCPB bundle (scripts/pack-mcpb.sh), installed and launched as Claude Desktop does.

    python3 tests/node/mcpb_check.py dist/kash-mcp-0.1.0-linux-x64.mcpb target/debug/kash-sandbox

1. The mcpb CLI of this directory (Node 22 on PATH): `mcpb info`; `mcpb verify` (an unsigned
   bundle is reported as such); `mcpb unpack` (the package's own extraction, which restores
   the Unix modes kept in the zip); `mcpb validate` on the unpacked manifest. The zip entry of
   the entry point must carry an executable mode, and the unpacked file must be executable.
2. The launch command, from `server.mcp_config` with the substitution rules of the package's
   src/shared/config.ts (dist/shared/config.js, `getMcpConfigForManifest`), which its README
   calls the code Claude for macOS and Windows uses: `${__dirname}` is the unpacked bundle;
   `${user_config.KEY}` is the user's value, else the manifest `default`; booleans become
   "true"/"false"; a key with neither value nor default is NOT substituted (the literal
   `${user_config.KEY}` reaches the server), so every reference must resolve here. The same
   substitution is also run through that very JavaScript function, and both must agree.
3. For each user configuration: spawn the command (a minimal environment, an empty working
   directory), then over newline-delimited JSON-RPC: initialize, notifications/initialized,
   tools/list, tools/call data_list_products {"query": "croissant", "limit": 3}.
   - demo on, other fields never set: the demo shop; the tool names equal the manifest's.
   - demo off, shop_id, api_key and api_base (the POS address) of a kash-sandbox started
     here: the same.
   - demo off, shop fields empty: exits non-zero naming SHOPID and APIKEY on stderr, nothing on
     stdout.
   - demo on, read only, French: a strict subset of the manifest's tools, no sale_create.
Prints the bundle size and the time from spawn to the first initialize answer.
"""

import atexit
import json
import os
import select
import signal
import subprocess
import sys
import tempfile
import threading
import time
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
MCPB = os.path.join(HERE, "node_modules", ".bin", "mcpb")
PROTOCOL = "2025-11-25"
TIMEOUT = 30  # seconds for any one step
CHILDREN = []  # processes to kill on exit
TEMPS = []  # directories to remove on exit, after the kill


class Failed(Exception):
    pass


def fail(msg):
    raise Failed(msg)


def cleanup():
    for p in CHILDREN:
        if p.poll() is None:
            p.kill()
            p.wait()
    for d in TEMPS:
        subprocess.run(["rm", "-rf", d], check=False)


atexit.register(cleanup)
signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))


def cli(*args):
    p = subprocess.run([MCPB, *args], capture_output=True, text=True, timeout=120)
    return p.returncode, p.stdout + p.stderr


# -- Claude Desktop's substitution (dist/shared/config.js of @anthropic-ai/mcpb) -------------

def substitute(manifest, dirname, user_config, system_dirs):
    """`getMcpConfigForManifest`, rule for rule (platform "linux", separator "/")."""
    base = manifest["server"]["mcp_config"]
    config = dict(base)
    override = base.get("platform_overrides", {}).get("linux", {})
    for k in ("command", "args", "env"):
        if override.get(k) not in (None, ""):  # JavaScript `||`: "" falls back, [] and {} win
            config[k] = override[k]
    options = manifest.get("user_config", {})
    for key, opt in options.items():
        v = user_config.get(key)
        if opt.get("required") and (v is None or v == "" or v == []):
            fail(f"required user_config {key} is missing: Claude Desktop would not start it")
    merged = {k: o["default"] for k, o in options.items() if "default" in o}
    merged.update(user_config)
    variables = {"__dirname": dirname, "pathSeparator": "/", "/": "/", **system_dirs}
    for key, v in merged.items():
        if isinstance(v, list):
            v = [str(x) for x in v]
        elif isinstance(v, bool):
            v = "true" if v else "false"
        elif isinstance(v, float) and v.is_integer():
            v = str(int(v))  # JavaScript's String(3.0) is "3"
        else:
            v = str(v)
        variables[f"user_config.{key}"] = v

    def walk(value):
        if isinstance(value, str):
            for key, rep in variables.items():
                if not isinstance(rep, list):
                    value = value.replace("${" + key + "}", rep)
            return value
        if isinstance(value, list):
            out = []
            for item in value:
                whole = isinstance(item, str) and item.startswith("${user_config.") \
                    and item.endswith("}") and "}" not in item[:-1]
                if whole:
                    rep = variables.get(item[2:-1])
                    if rep in (None, ""):  # JavaScript: `variables[varName]` falsy
                        out.append(item)
                    else:
                        out.extend(rep if isinstance(rep, list) else [rep])
                else:
                    out.append(walk(item))
            return out
        if isinstance(value, dict):
            return {k: walk(v) for k, v in value.items()}
        return value

    return walk(config)


NODE_SUBSTITUTE = """
import { readFileSync } from "node:fs";
const mcpb = await import(process.argv[1]);
const [, , manifestPath, dirname, userConfig, systemDirs] = process.argv;
const config = await mcpb.getMcpConfigForManifest({
  manifest: JSON.parse(readFileSync(manifestPath, "utf8")), extensionPath: dirname,
  systemDirs: JSON.parse(systemDirs), userConfig: JSON.parse(userConfig), pathSeparator: "/",
});
process.stdout.write(JSON.stringify(config ?? null));
"""


def substitute_js(manifest_path, dirname, user_config, system_dirs):
    """The package's own `getMcpConfigForManifest`, run by Node."""
    module = os.path.join(HERE, "node_modules", "@anthropic-ai", "mcpb", "dist", "index.js")
    p = subprocess.run(
        ["node", "--input-type=module", "-e", NODE_SUBSTITUTE, module, manifest_path, dirname,
         json.dumps(user_config), json.dumps(system_dirs)],
        capture_output=True, text=True, timeout=60,
    )
    if p.returncode != 0:
        fail(f"getMcpConfigForManifest failed:\n{p.stderr}")
    return json.loads(p.stdout)


# -- A stdio MCP server ------------------------------------------------------------------------

class Server:
    """The launched command: newline-delimited JSON-RPC, every read within TIMEOUT."""

    def __init__(self, config, env, cwd):
        self.started = time.monotonic()
        self.p = subprocess.Popen(
            [config["command"], *config.get("args", [])], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=cwd,
        )
        CHILDREN.append(self.p)
        self.buf = b""
        self.err = []
        self.reader = threading.Thread(target=lambda: self.err.append(self.p.stderr.read()),
                                       daemon=True)
        self.reader.start()

    def send(self, msg):
        try:
            self.p.stdin.write((json.dumps(msg) + "\n").encode())
            self.p.stdin.flush()
        except BrokenPipeError:
            pass

    def request(self, id_, method, params):
        self.send({"jsonrpc": "2.0", "id": id_, "method": method, "params": params})
        deadline = time.monotonic() + TIMEOUT
        while True:
            while b"\n" not in self.buf:
                left = deadline - time.monotonic()
                if left <= 0:
                    fail(f"{method}: no answer within {TIMEOUT}s")
                ready, _, _ = select.select([self.p.stdout], [], [], left)
                if ready:
                    chunk = os.read(self.p.stdout.fileno(), 65536)
                    if not chunk:
                        fail(f"{method}: the server closed stdout; stderr:\n{self.stderr()}")
                    self.buf += chunk
            line, self.buf = self.buf.split(b"\n", 1)
            if not line.strip():
                continue
            try:
                msg = json.loads(line)
            except ValueError:
                fail(f"{method}: not JSON on stdout: {line[:200]!r}")
            if msg.get("id") == id_:
                if "error" in msg:
                    fail(f"{method}: {msg['error']}")
                return msg["result"]

    def wait(self):
        """Exit code, all of stdout (the server is expected to stop on its own)."""
        try:
            rc = self.p.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            fail(f"still running after {TIMEOUT}s")
        rest = self.p.stdout.read()
        return rc, self.buf + rest

    def stderr(self):
        self.close()
        self.reader.join(timeout=5)
        return b"".join(self.err).decode(errors="replace")

    def close(self):
        if self.p.poll() is None:
            try:
                self.p.stdin.close()
            except BrokenPipeError:
                pass
            try:
                self.p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()


def start_sandbox(binary):
    """A simulated POS: its first stdout line is base_url, shop_id and api_key."""
    p = subprocess.Popen([binary], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    CHILDREN.append(p)
    ready, _, _ = select.select([p.stdout], [], [], TIMEOUT)
    if not ready:
        fail(f"kash-sandbox printed nothing within {TIMEOUT}s")
    return json.loads(p.stdout.readline())


# -- The check ---------------------------------------------------------------------------------

def launch(manifest, manifest_path, root, home, user_config, extra_env):
    system_dirs = {"HOME": home, "DESKTOP": f"{home}/Desktop", "DOCUMENTS": f"{home}/Documents",
                   "DOWNLOADS": f"{home}/Downloads"}
    config = substitute(manifest, root, user_config, system_dirs)
    reference = substitute_js(manifest_path, root, user_config, system_dirs)
    if config != reference:
        fail(f"substitution differs from the package's:\n{config}\n{reference}")
    leftover = [v for v in [config["command"], *config.get("args", []),
                            *config.get("env", {}).values()] if "${" in v]
    if leftover:
        fail(f"unsubstituted in the launch command: {leftover}")
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": home, "LANG": "C.UTF-8",
           **extra_env, **config.get("env", {})}
    return config, Server(config, env, home)


def initialize(server):
    result = server.request(1, "initialize", {
        "protocolVersion": PROTOCOL, "capabilities": {},
        "clientInfo": {"name": "claude-ai", "version": "0.1.0"}})
    elapsed = time.monotonic() - server.started
    server.send({"jsonrpc": "2.0", "method": "notifications/initialized"})
    return result, elapsed


def list_tools(server):
    tools, cursor, id_ = [], None, 2
    while True:
        page = server.request(id_, "tools/list", {"cursor": cursor} if cursor else {})
        tools += page["tools"]
        cursor, id_ = page.get("nextCursor"), id_ + 1
        if not cursor:
            return tools


def find_croissants(server):
    result = server.request(100, "tools/call", {
        "name": "data_list_products", "arguments": {"query": "croissant", "limit": 3}})
    text = json.dumps(result, ensure_ascii=False).lower()
    if result.get("isError") or "croissant" not in text:
        fail(f"data_list_products found no croissant: {text[:500]}")
    items = (result.get("structuredContent") or {}).get("items") or []
    return len(items)


def serve(case, manifest, manifest_path, root, home, user_config, extra_env, want, expected):
    """One configuration that must serve: every tool the manifest lists, or a subset."""
    config, s = launch(manifest, manifest_path, root, home, user_config, extra_env)
    try:
        init, elapsed = initialize(s)
        if init["serverInfo"].get("version") != manifest["version"]:
            fail(f"server version {init['serverInfo'].get('version')} "
                 f"!= manifest version {manifest['version']}")
        demo_banner = "DEMO SHOP" in (init.get("instructions") or "")
        if user_config.get("language", "en") == "en" and demo_banner != user_config["demo"]:
            fail(f"the demo shop switch did not take (instructions: "
                 f"{(init.get('instructions') or '')[:120]!r})")
        tools = list_tools(s)
        names = [t["name"] for t in tools]
        if user_config.get("language") == "fr":
            english = {t["name"]: t.get("description", "") for t in manifest["tools"]}
            if all(t.get("description", "").startswith(english.get(t["name"], "\0"))
                   for t in tools):
                fail("MCP_LANG=fr did not take: the descriptions are the manifest's English")
        if want == "all" and sorted(names) != sorted(expected):
            fail(f"tools differ from the manifest's: "
                 f"missing {sorted(set(expected) - set(names))}, "
                 f"unlisted {sorted(set(names) - set(expected))}")
        if want == "subset" and (not set(names) < set(expected) or "sale_create" in names):
            fail(f"expected a strict subset of the manifest's tools without "
                 f"sale_create: {names}")
        found = find_croissants(s)
    finally:
        stderr = s.stderr()
    if s.p.returncode != 0:
        fail(f"exit {s.p.returncode} once stdin closed (-9: killed after 5 s):"
             f"\n{stderr}")
    print(f"{case}: first initialize answer {elapsed * 1000:.0f} ms after spawn; "
          f"{len(names)} tools; {found} croissants; env "
          + " ".join(f"{k}={'***' if k == 'APIKEY' and v else v}"
                     for k, v in config["env"].items()))


def refuse(manifest, manifest_path, root, home):
    """Demo off and the shop fields empty: a clear refusal, stdout untouched."""
    case = "no shop, no demo"
    config, s = launch(manifest, manifest_path, root, home,
                       {"demo": False, "shop_id": "", "api_key": ""}, {})
    s.send({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": PROTOCOL, "capabilities": {},
        "clientInfo": {"name": "claude-ai", "version": "0.1.0"}}})
    rc, stdout = s.wait()
    stderr = s.stderr()
    if rc == 0 or "SHOPID" not in stderr or "APIKEY" not in stderr or stdout.strip():
        fail(f"expected a non-zero exit naming SHOPID and APIKEY on stderr and "
             f"nothing on stdout; exit {rc}, stdout {stdout[:200]!r}, stderr:\n{stderr}")
    print(f"{case}: exit {rc}; stderr: {stderr.strip().splitlines()[0]}")


def main():
    sys.stdout.reconfigure(line_buffering=True)
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    bundle, sandbox_bin = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    size = os.path.getsize(bundle)
    print(f"bundle {os.path.basename(bundle)}: {size} bytes ({size / 1048576:.1f} MiB)")

    rc, out = cli("info", bundle)
    if rc != 0:
        fail(f"mcpb info failed:\n{out}")
    rc, out = cli("verify", bundle)
    if rc != 0 and "not signed" not in out:
        fail(f"mcpb verify failed:\n{out}")
    print("signature: " + ("valid" if rc == 0 else "none (unsigned bundle)"))

    work = tempfile.mkdtemp(prefix="mcpb-check-")
    TEMPS.append(work)
    root, home = os.path.join(work, "extension"), os.path.join(work, "home")
    os.makedirs(home)
    rc, out = cli("unpack", bundle, root)
    if rc != 0:
        fail(f"mcpb unpack failed:\n{out}")
    manifest_path = os.path.join(root, "manifest.json")
    rc, out = cli("validate", manifest_path)
    if rc != 0:
        fail(f"mcpb validate failed:\n{out}")
    with open(manifest_path, encoding="utf-8") as f:
        manifest = json.load(f)

    server = manifest["server"]
    entry = server["entry_point"]
    if server["type"] != "binary" or "linux" not in manifest["compatibility"]["platforms"]:
        fail("expected a binary server for linux")
    with zipfile.ZipFile(bundle) as z:
        names = z.namelist()
        mode = (z.getinfo(entry).external_attr >> 16) & 0o777
    if mode & 0o111 != 0o111:
        fail(f"{entry} is stored with mode {mode:o}: the executable bit is lost")
    if not os.access(os.path.join(root, entry), os.X_OK):
        fail(f"{entry} is not executable once unpacked")
    print(f"contents: {', '.join(sorted(names))}; {entry} mode {mode:o}")

    expected = [t["name"] for t in manifest.get("tools", [])]
    if not expected or len(set(expected)) != len(expected):
        fail(f"the manifest's tools are empty or repeated: {expected}")

    pos = start_sandbox(sandbox_bin)
    cases = [
        ("demo shop", {"demo": True}, {}, "all"),
        ("own shop", {"demo": False, "shop_id": pos["shop_id"], "api_key": pos["api_key"],
                      "api_base": pos["base_url"]}, {}, "all"),
        ("demo, read only, French",
         {"demo": True, "read_only": True, "language": "fr"}, {}, "subset"),
    ]
    failures = []
    for case, user_config, extra_env, want in cases:
        try:
            serve(case, manifest, manifest_path, root, home, user_config, extra_env, want,
                  expected)
        except Failed as e:
            failures.append(f"{case}: {e}")
            print(f"{case}: FAILED", flush=True)
    try:
        refuse(manifest, manifest_path, root, home)
    except Failed as e:
        failures.append(f"no shop, no demo: {e}")
        print("no shop, no demo: FAILED", flush=True)
    if failures:
        sys.exit("mcpb_check: " + "\n\nmcpb_check: ".join(failures))
    print("mcpb_check: OK")


if __name__ == "__main__":
    try:
        main()
    except Failed as e:
        sys.exit(f"mcpb_check: {e}")
