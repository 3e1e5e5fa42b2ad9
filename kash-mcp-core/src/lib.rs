//! The Kash POS as MCP tools, resources and prompts. (Filled by the MCP server issue.)
