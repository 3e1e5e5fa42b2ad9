#!/usr/bin/env node
// kash-http: MCP over Streamable HTTP.
require("../lib/launch.js").run("kash-http");
