#!/usr/bin/env node
// kash-stdio (also installed as caisse-enregistreuse-mcp-server): MCP over stdio.
require("../lib/launch.js").run("kash-stdio");
