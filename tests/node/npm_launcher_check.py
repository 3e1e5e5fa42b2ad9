"""The npm launcher as users get it: `npx caisse-enregistreuse-mcp-server …` from the two
tarballs of scripts/pack-npm.sh, spoken to in raw newline-delimited JSON-RPC over stdio,
against a kash-sandbox (the simulated POS) that this script starts.

    python3 tests/node/npm_launcher_check.py PLATFORM_TGZ MAIN_TGZ KASH_SANDBOX

    python3 tests/node/npm_launcher_check.py target/npm/kash-mcp-linux-x64-0.1.0.tgz \
        target/npm/caisse-enregistreuse-mcp-server-0.1.0.tgz target/debug/kash-sandbox

How it installs: `npx -y --package=PLATFORM_TGZ --package=MAIN_TGZ COMMAND ARGS…`, run in an
empty folder with an empty npm cache, an empty user config and npm offline. npx installs both
tarballs into its cache (_npx/<hash>/node_modules) the way `npx -y
caisse-enregistreuse-mcp-server` installs them from the registry, then runs COMMAND from
there. The main package's optional dependency `@kash-mcp/linux-x64@<version>` is satisfied by
the platform tarball already in the tree, so npm asks no registry for it (nothing is
published): offline, any such request would fail, which proves none is made. Without the
platform tarball the install still succeeds (npm skips an optional dependency it cannot
fetch), and the launcher must then explain on stderr, exit 1 and leave stdout empty.

Checks, each time-bound (children are killed on exit):
- the tarballs: sizes; package.json (the version on both, the exact optional dependency, the
  bins, mcpName, engines); the binaries are executable.
- the old one-liner `caisse-enregistreuse-mcp-server --shopid=1042 --apikey=sbx_…` with
  API_BASE in the environment, from a cold cache: initialize (timed from npx's start to the
  answer), tools/list (sale_create, data_list_products), tools/call data_list_products
  "croissant" returns a Croissant; every stdout line is JSON-RPC; exit 0 at end of input.
- the same with `--shopid 1042 --apikey sbx_…`, and with `--shopid=1042` and APIKEY in the
  environment (the recommended configuration); warm cache.
- `kash-http --version` and `kash-stdio --version` through the launcher.
- signals, on the installed launcher: SIGTERM reaches the server, which ends cleanly (exit 0);
  a server killed by a signal takes the launcher down with the same signal.
- without the platform package: the message and exit 1; then KASH_MCP_BINARY_DIR runs the
  binaries from a folder.
"""

import atexit
import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from pathlib import Path

SHOP_ID = "1042"
API_KEY = "sbx_ad55eed0dd0ade58614cf41b"
PROTOCOL = "2025-11-25"
SERVER_NAME = "kash-mcp"
TIMEOUT = 120  # seconds for any one step that may install (cold cache, large tarball)

CHILDREN = []


@atexit.register
def _kill_children():
    for p in CHILDREN:
        if p.poll() is None:
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                p.kill()
            p.wait()


def fail(message):
    sys.exit(f"npm_launcher_check: {message}")


def spawn(cmd, **kwargs):
    p = subprocess.Popen(cmd, start_new_session=True, **kwargs)
    CHILDREN.append(p)
    return p


def lines_of(stream):
    """A queue of the stream's lines (None at its end), read by a thread."""
    q = queue.Queue()

    def pump():
        for line in iter(stream.readline, b""):
            q.put(line)
        q.put(None)

    threading.Thread(target=pump, daemon=True).start()
    return q


def read_tarball(path):
    with tarfile.open(path) as tar:
        members = {m.name: m for m in tar.getmembers()}
        manifest = json.load(tar.extractfile("package/package.json"))
    return manifest, members


def check_tarballs(platform_tgz, main_tgz):
    plat, plat_files = read_tarball(platform_tgz)
    main, main_files = read_tarball(main_tgz)
    version = main["version"]
    if plat["version"] != version:
        fail(f"{plat['name']} is {plat['version']}, the launcher {version}")
    if main["name"] != "caisse-enregistreuse-mcp-server":
        fail(f"the main package is named {main['name']}")
    if main.get("optionalDependencies", {}).get(plat["name"]) != version:
        fail(f"the launcher's optionalDependencies: {main.get('optionalDependencies')}")
    bins = main.get("bin", {})
    for name, target in [
        ("caisse-enregistreuse-mcp-server", "bin/kash-stdio.js"),
        ("kash-stdio", "bin/kash-stdio.js"),
        ("kash-http", "bin/kash-http.js"),
    ]:
        if bins.get(name) != target or f"package/{target}" not in main_files:
            fail(f"bin {name}: {bins.get(name)}")
    # The MCP registry's proof of ownership: the name of the repository's server.json.
    registry_name = json.load(open(Path(__file__).resolve().parents[2] / "server.json"))["name"]
    if main.get("mcpName") != registry_name:
        fail(f"mcpName: {main.get('mcpName')}, not server.json's {registry_name}")
    if main.get("engines", {}).get("node") != ">=18":
        fail(f"engines: {main.get('engines')}")
    if plat.get("os") != ["linux"] or plat.get("cpu") != ["x64"]:
        fail(f"{plat['name']}: os {plat.get('os')}, cpu {plat.get('cpu')}")
    for bin_name in ("kash-stdio", "kash-http"):
        member = plat_files.get(f"package/bin/{bin_name}")
        if member is None or member.mode & 0o111 != 0o111:
            fail(f"{plat['name']}: bin/{bin_name} missing or not executable")
    def size(n):
        return f"{n / 1024 / 1024:.1f} MiB" if n >= 1024 * 1024 else f"{n / 1024:.1f} KiB"

    for path, files in ((platform_tgz, plat_files), (main_tgz, main_files)):
        packed = os.path.getsize(path)
        unpacked = sum(m.size for m in files.values())
        print(f"{os.path.basename(path)}: {packed:,} bytes ({size(packed)}), "
              f"unpacked {size(unpacked)}")
    return version


class Npm:
    """npx in an empty folder, with its own empty cache and config, offline."""

    def __init__(self, root):
        self.cache = os.path.join(root, "npm-cache")
        self.project = os.path.join(root, "project")
        os.makedirs(self.cache)
        os.makedirs(self.project)
        userconfig = os.path.join(root, "npmrc")
        open(userconfig, "w").close()
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.lower().startswith("npm_")
            and k not in ("SHOPID", "APIKEY", "API_BASE", "MCP_LANG")
            and not k.startswith("KASH_")
        }
        env.update(
            npm_config_cache=self.cache,
            npm_config_userconfig=userconfig,
            npm_config_offline="true",
            npm_config_update_notifier="false",
            npm_config_fund="false",
            npm_config_audit="false",
        )
        self.env = env

    def npx(self, packages, command, *args):
        return ["npx", "-y", *(f"--package={p}" for p in packages), command, *args]

    def run(self, packages, command, *args, env=None):
        p = subprocess.run(
            self.npx(packages, command, *args),
            cwd=self.project,
            env={**self.env, **(env or {})},
            capture_output=True,
            timeout=TIMEOUT,
        )
        return p.returncode, p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")


class Session:
    """An MCP client over a process's stdin and stdout (stderr goes to a file)."""

    def __init__(self, cmd, cwd, env):
        self.stderr = tempfile.TemporaryFile()
        self.started = time.monotonic()
        self.proc = spawn(
            cmd, cwd=cwd, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=self.stderr,
        )
        self.lines = lines_of(self.proc.stdout)
        self.next_id = 0

    def stderr_text(self):
        self.stderr.seek(0)
        return self.stderr.read().decode(errors="replace")

    def fail(self, message):
        fail(f"{message}\n--- server stderr:\n{self.stderr_text()}")

    def send(self, message):
        try:
            self.proc.stdin.write(json.dumps(message).encode() + b"\n")
            self.proc.stdin.flush()
        except BrokenPipeError:
            self.fail(f"the server closed its input (exit {self.proc.wait(5)})")

    def request(self, method, params, timeout=30):
        self.next_id += 1
        rid = self.next_id
        self.send({"jsonrpc": "2.0", "id": rid, "method": method, "params": params})
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self.lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                self.fail(f"no answer to {method} within {timeout} s")
            if line is None:
                self.fail(f"stdout closed before the answer to {method} (exit {self.proc.wait(5)})")
            try:
                message = json.loads(line)
            except ValueError:
                self.fail(f"stdout carried a line that is not JSON: {line[:200]!r}")
            if message.get("jsonrpc") != "2.0":
                self.fail(f"stdout carried a line that is not JSON-RPC: {line[:200]!r}")
            if message.get("id") == rid and "method" not in message:
                if "error" in message:
                    self.fail(f"{method}: {message['error']}")
                return message["result"]

    def close(self, timeout=20):
        """End of input: the server must exit 0, with nothing more on stdout."""
        self.proc.stdin.close()
        try:
            code = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.fail(f"still running {timeout} s after the end of its input")
        while (line := self.lines.get(timeout=5)) is not None:
            json.loads(line)
        if code != 0:
            self.fail(f"exit code {code} at the end of input")


def mcp_check(session, label):
    """initialize, tools/list, a catalogue search: the answer time of initialize."""
    init = session.request(
        "initialize",
        {
            "protocolVersion": PROTOCOL,
            "capabilities": {},
            "clientInfo": {"name": "npm-launcher-check", "version": "0"},
        },
        timeout=TIMEOUT,
    )
    answered = time.monotonic() - session.started
    if init.get("serverInfo", {}).get("name") != SERVER_NAME:
        session.fail(f"{label}: serverInfo {init.get('serverInfo')}")
    if init.get("protocolVersion") != PROTOCOL:
        session.fail(f"{label}: protocolVersion {init.get('protocolVersion')}")
    session.send({"jsonrpc": "2.0", "method": "notifications/initialized"})
    tools, cursor = [], None
    while True:
        page = session.request("tools/list", {"cursor": cursor} if cursor else {})
        tools += [t["name"] for t in page["tools"]]
        cursor = page.get("nextCursor")
        if not cursor:
            break
    for name in ("sale_create", "data_list_products"):
        if name not in tools:
            session.fail(f"{label}: no {name} in tools/list: {tools}")
    result = session.request(
        "tools/call",
        {"name": "data_list_products", "arguments": {"query": "croissant", "limit": 3}},
    )
    items = (result.get("structuredContent") or {}).get("items") or []
    if result.get("isError") or not any(i.get("title") == "Croissant" for i in items):
        session.fail(f"{label}: data_list_products croissant: {json.dumps(result)[:500]}")
    session.close()
    croissant = next(i for i in items if i.get("title") == "Croissant")
    print(
        f"{label}: initialize answered {answered:.2f} s after start; "
        f"{len(tools)} tools; Croissant #{croissant['id']} at {croissant['price']} EUR"
    )


def start_sandbox(binary):
    p = spawn([binary], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    lines = lines_of(p.stdout)
    try:
        line = lines.get(timeout=60)
    except queue.Empty:
        fail("kash-sandbox printed nothing within 60 s")
    if line is None:
        fail(f"kash-sandbox exited {p.wait()}")
    ready = json.loads(line)
    if ready.get("shop_id") != SHOP_ID or ready.get("api_key") != API_KEY:
        fail(f"kash-sandbox: unexpected shop {ready}")
    return ready["base_url"]


def children_of(pid):
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    stat = f.read()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry))
    return found


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def signal_checks(npm, env):
    """The installed launcher, run directly: what its caller's signals do."""
    [hashdir] = os.listdir(os.path.join(npm.cache, "_npx"))  # one install: both tarballs
    launcher = os.path.join(
        npm.cache, "_npx", hashdir, "node_modules", ".bin", "caisse-enregistreuse-mcp-server"
    )
    args = [launcher, f"--shopid={SHOP_ID}"]
    for sig, expected in ((signal.SIGTERM, 0), (signal.SIGKILL, -signal.SIGKILL)):
        s = Session(args, npm.project, {**env, "APIKEY": API_KEY})
        s.request(
            "initialize",
            {"protocolVersion": PROTOCOL, "capabilities": {},
             "clientInfo": {"name": "npm-launcher-check", "version": "0"}},
        )
        if sig == signal.SIGTERM:
            print(f"the installed launcher, without npx: initialize answered "
                  f"{time.monotonic() - s.started:.2f} s after start")
        servers = [c for c in children_of(s.proc.pid) if alive(c)]
        if len(servers) != 1:
            s.fail(f"the launcher has children {servers}, not one server")
        [server] = servers
        with open(f"/proc/{server}/cmdline", "rb") as f:
            if not f.read().split(b"\0")[0].endswith(b"/bin/kash-stdio"):
                s.fail("the launcher's child is not bin/kash-stdio")
        # SIGTERM to the launcher (as an MCP client stops it); SIGKILL to the server.
        os.kill(s.proc.pid if sig == signal.SIGTERM else server, sig)
        try:
            code = s.proc.wait(15)
        except subprocess.TimeoutExpired:
            s.fail(f"the launcher still runs 15 s after {sig.name}")
        if code != expected:
            s.fail(f"after {sig.name}, the launcher exited {code}, not {expected}")
        if alive(server):
            s.fail(f"the server (pid {server}) outlived the launcher")
        print(f"signals: {sig.name} to the {'launcher' if expected == 0 else 'server'}: "
              f"launcher exit {code}, server gone")


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    platform_tgz, main_tgz, sandbox = (os.path.abspath(a) for a in sys.argv[1:])
    for tool in ("node", "npm", "npx"):
        if shutil.which(tool) is None:
            fail(f"{tool} is not on the PATH")
    versions = [
        subprocess.run([tool, "--version"], capture_output=True, text=True).stdout.strip()
        for tool in ("node", "npm")
    ]
    print(f"node {versions[0]}, npm {versions[1]}")
    version = check_tarballs(platform_tgz, main_tgz)
    base_url = start_sandbox(sandbox)
    root = tempfile.mkdtemp(prefix="npm-launcher-")
    atexit.register(shutil.rmtree, root, True)
    npm = Npm(root)
    both = (platform_tgz, main_tgz)
    env = {**npm.env, "API_BASE": base_url}

    # The old one-liner, cold: npx installs, then the server answers.
    cmd = npm.npx(both, "caisse-enregistreuse-mcp-server", f"--shopid={SHOP_ID}",
                  f"--apikey={API_KEY}")
    mcp_check(Session(cmd, npm.project, env), "--shopid=… --apikey=… (cold npm cache)")
    cmd = npm.npx(both, "caisse-enregistreuse-mcp-server", "--shopid", SHOP_ID,
                  "--apikey", API_KEY)
    mcp_check(Session(cmd, npm.project, env), "--shopid … --apikey … (warm)")
    cmd = npm.npx(both, "caisse-enregistreuse-mcp-server", f"--shopid={SHOP_ID}")
    mcp_check(Session(cmd, npm.project, {**env, "APIKEY": API_KEY}), "--shopid=…, APIKEY in env")

    for command in ("kash-http", "kash-stdio"):
        code, out, err = npm.run(both, command, "--version")
        if code != 0 or out != f"{command} {version}\n":
            fail(f"{command} --version: exit {code}, stdout {out!r}, stderr {err!r}")
        print(f"{command} --version: {out.strip()}")

    signal_checks(npm, env)

    # Without the platform package (a platform with no binaries, or optional dependencies
    # left out): a message on stderr, nothing on stdout, exit 1. A new cache: another install.
    bare = Npm(os.path.join(root, "bare"))
    code, out, err = bare.run([main_tgz], "caisse-enregistreuse-mcp-server", "--version")
    if code != 1 or out or "no prebuilt kash-stdio" not in err or "cargo install" not in err:
        fail(f"without the platform package: exit {code}, stdout {out!r}, stderr {err!r}")
    print("without the platform package: exit 1, stdout empty, stderr:")
    print("  " + "\n  ".join(l for l in err.splitlines() if not l.startswith("npm ")))

    # KASH_MCP_BINARY_DIR: binaries from a folder (here, the platform tarball's).
    unpacked = os.path.join(root, "unpacked")
    with tarfile.open(platform_tgz) as tar:
        if hasattr(tarfile, "data_filter"):
            tar.extractall(unpacked, filter="data")
        else:
            tar.extractall(unpacked)
    bindir = os.path.join(unpacked, "package", "bin")
    code, out, err = bare.run([main_tgz], "kash-http", "--version",
                              env={"KASH_MCP_BINARY_DIR": bindir})
    if code != 0 or out != f"kash-http {version}\n":
        fail(f"KASH_MCP_BINARY_DIR: exit {code}, stdout {out!r}, stderr {err!r}")
    cmd = bare.npx([main_tgz], "caisse-enregistreuse-mcp-server", f"--shopid={SHOP_ID}")
    mcp_check(
        Session(cmd, bare.project, {**bare.env, "API_BASE": base_url, "APIKEY": API_KEY,
                                    "KASH_MCP_BINARY_DIR": bindir}),
        "KASH_MCP_BINARY_DIR, no platform package",
    )
    code, out, err = bare.run([main_tgz], "kash-stdio", "--version",
                              env={"KASH_MCP_BINARY_DIR": root})
    if code != 1 or out or "holds no kash-stdio" not in err:
        fail(f"KASH_MCP_BINARY_DIR without binaries: exit {code}, stdout {out!r}, stderr {err!r}")
    print("npm launcher: all checks passed")


if __name__ == "__main__":
    main()
