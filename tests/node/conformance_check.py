"""The official MCP conformance suite (@modelcontextprotocol/conformance, Node 22) against
`kash-http --sandbox`: every server scenario, then a verdict per scenario.

Scenarios that apply to this server must pass whole. Most others exercise the suite's own
fixture tools, prompts and resources (`test_simple_text`, `test://static-text`…), or
capabilities the server does not declare: they are listed with the reason, and any check of
theirs that fails for another reason fails the run. In `server-stateless`, only the checks
the suite itself calls "Not testable" (its diagnostic tools) may fail.

    python tests/node/conformance_check.py http://127.0.0.1:8787/mcp
"""

import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SUITE = os.path.join(HERE, "node_modules", ".bin", "conformance")

APPLICABLE = {
    "server-initialize", "server-session-lifecycle", "server-stateless", "ping", "tools-list",
    "resources-list", "prompts-list", "server-sse-polling", "server-sse-multiple-streams",
    "sep-2164-resource-not-found", "dns-rebinding-protection", "caching",
    "http-header-validation", "input-required-result-missing-input-response",
    "input-required-result-unsupported-methods", "input-required-result-ignore-extra-params",
    "input-required-result-validate-input", "sep-2640-skills-directory",
    "sep-2640-skills-enumeration", "sep-2640-skills-manifest",
}

# Why a scenario does not apply: the words its failures must contain.
NOT_APPLICABLE = {
    "no completions capability": ("completion/complete",),
    "no logging capability (deprecated in 2026-07-28)": ("logging/setLevel",),
    "no resource subscriptions": ("resources/subscribe",),
    "the suite's fixture tool, prompt or resource": (
        "unknown tool `test_", "unknown prompt `test_", "unknown resource `test://",
        "Tool 'json_schema_2020_12_tool' not found", "Not testable",
        "Prerequisite failed", "Expected InputRequiredResult",
    ),
    "the tasks extension (not offered)": (
        "unknown tool `slow_compute`", "unknown tool `greet`", "unknown tool `failing_job`",
        "unknown tool `protocol_error_job`", "unknown tool `confirm_delete`",
        "unknown tool `multi_input`", "capabilities.extensions MUST be advertised",
        "tasks/get MUST return", "got -32601", "failing_job", "routing-task fixture",
    ),
}


def main():
    url = sys.argv[1]
    out = tempfile.mkdtemp(prefix="conformance-")
    p = subprocess.run(
        [SUITE, "server", "--url", url, "--suite", "all", "-o", out],
        capture_output=True, text=True, timeout=900,
    )
    seen, problems, skipped = set(), [], {}
    for entry in sorted(os.listdir(out)):
        scenario = re.sub(r"-\d{4}-\d{2}-\d{2}T.*$", "", entry.removeprefix("server-"))
        path = os.path.join(out, entry, "checks.json")
        if not os.path.exists(path):
            continue
        seen.add(scenario)
        for check in json.load(open(path)):
            if check.get("status") != "FAILURE":
                continue
            message = check.get("errorMessage") or ""
            if scenario in APPLICABLE:
                if scenario == "server-stateless" and message.startswith("Not testable"):
                    continue
                problems.append(f"{scenario} / {check['id']}: {message}")
                continue
            reason = next(
                (r for r, words in NOT_APPLICABLE.items() if any(w in message for w in words)),
                None,
            )
            if reason is None:
                problems.append(f"{scenario} / {check['id']} (not applicable, but): {message}")
            else:
                skipped.setdefault(reason, set()).add(scenario)
    missing = APPLICABLE - seen
    if missing:
        problems.append(f"scenarios that did not run: {sorted(missing)}\n{p.stdout[-2000:]}")
    for reason, scenarios in sorted(skipped.items()):
        print(f"not applicable ({reason}): {', '.join(sorted(scenarios))}")
    if problems:
        sys.exit("conformance failures:\n" + "\n".join(problems))
    print(f"conformance: {len(APPLICABLE)} applicable scenarios pass; {len(seen) - len(APPLICABLE)} others listed above")


if __name__ == "__main__":
    main()
