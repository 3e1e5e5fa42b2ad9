"use strict";
// Runs this platform's prebuilt kash-stdio or kash-http: the arguments, stdin, stdout (MCP
// JSON-RPC for kash-stdio) and stderr pass straight through (the child inherits the file
// descriptors; nothing here reads or writes them), SIGINT, SIGTERM and SIGHUP are forwarded,
// and the child's exit code or signal becomes this process's. Node >= 18, no dependencies.

const childProcess = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");

const manifest = require("../package.json");

// `${process.platform}-${process.arch}` -> the optional dependency holding its binaries.
const PLATFORMS = {
  "linux-x64": "@kash-mcp/linux-x64",
  "linux-arm64": "@kash-mcp/linux-arm64",
  "darwin-x64": "@kash-mcp/darwin-x64",
  "darwin-arm64": "@kash-mcp/darwin-arm64",
  "win32-x64": "@kash-mcp/win32-x64",
};
const FORWARDED = ["SIGINT", "SIGTERM", "SIGHUP"];
const REPO = "https://github.com/kash-click/kash-mcp";

function fail(lines) {
  process.stderr.write(`${manifest.name}: ${lines.join("\n")}\n`);
  process.exit(1);
}

// The binary to run: from KASH_MCP_BINARY_DIR when set, else from the platform package.
function locate(name) {
  const file = process.platform === "win32" ? `${name}.exe` : name;
  const dir = process.env.KASH_MCP_BINARY_DIR;
  if (dir) {
    const candidate = path.resolve(dir, file);
    if (!fs.existsSync(candidate)) {
      fail([`KASH_MCP_BINARY_DIR is set to ${dir}, but it holds no ${file}`]);
    }
    return candidate;
  }
  const platform = `${process.platform}-${process.arch}`;
  const pkg = PLATFORMS[platform];
  if (pkg) {
    try {
      return path.join(path.dirname(require.resolve(`${pkg}/package.json`)), "bin", file);
    } catch (e) {
      if (e.code !== "MODULE_NOT_FOUND") throw e;
    }
  }
  const shipped = Object.keys(manifest.optionalDependencies || {});
  const names = Object.keys(PLATFORMS).filter((p) => shipped.includes(PLATFORMS[p]));
  const lines = [
    `no prebuilt ${name} for this platform (${platform}) in this installation.`,
    `Version ${manifest.version} ships binaries for: ${names.join(", ") || "none"}` +
      " (the packages @kash-mcp/<platform>, optional dependencies of this one).",
  ];
  if (pkg && shipped.includes(pkg)) {
    lines.push(
      `${pkg} is not installed: its download failed, or optional dependencies were`,
      "left out (--omit=optional, --no-optional, a lockfile made on another platform);",
      "install again."
    );
  }
  lines.push(
    "To build from source instead (Rust 1.88 or newer, and a C compiler):",
    `  cargo install --locked --git ${REPO} kash-stdio kash-http`,
    `then run ${name} itself, or set KASH_MCP_BINARY_DIR to the folder holding it`,
    `(e.g. ~/.cargo/bin) to keep this command. See ${REPO}#install`
  );
  fail(lines);
}

function run(name) {
  const binary = locate(name);
  if (process.platform !== "win32") {
    // A package manager that dropped the executable bit (best effort; spawn reports the rest).
    try {
      fs.accessSync(binary, fs.constants.X_OK);
    } catch (_) {
      try {
        fs.chmodSync(binary, 0o755);
      } catch (_) {}
    }
  }
  const child = childProcess.spawn(binary, process.argv.slice(2), {
    stdio: "inherit",
    windowsHide: true,
  });
  // On Windows the console delivers Ctrl-C to the child itself, and kill() would terminate it
  // outright: the handlers there only keep this process alive until the child ends.
  const forward = (signal) => {
    if (process.platform !== "win32" && child.exitCode === null && child.signalCode === null) {
      try {
        child.kill(signal);
      } catch (_) {}
    }
  };
  for (const signal of FORWARDED) process.on(signal, forward);
  child.on("error", (e) => fail([`cannot run ${binary}: ${e.message}`]));
  child.on("exit", (code, signal) => {
    if (signal === null) process.exit(code === null ? 1 : code);
    // Die of the same signal, so that the caller sees what the child saw.
    for (const s of FORWARDED) process.removeListener(s, forward);
    try {
      process.kill(process.pid, signal);
    } catch (_) {}
    // Node ignores some signals (SIGPIPE): the shell's convention then.
    setTimeout(() => process.exit(128 + (os.constants.signals[signal] || 0)), 200);
  });
}

module.exports = { run, PLATFORMS };
