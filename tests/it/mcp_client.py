#!/usr/bin/env python3
"""Drives `skillc mcp` with the official Python MCP SDK (PyPI `mcp`), for tests/it/mcp.rs.

Reads a list of scenarios (JSON) on stdin, runs them at once (each with its own server) and
prints the list of their outputs. A scenario:
  {"server": [argv...], "env": {...}, "mode": "legacy" | "2026-07-28",
   "elicitation": null | "accept" | "decline", "client_name": "...",
   "steps": [{"op": "list"} | {"op": "call", "name", "args"} |
             {"op": "mrtr", "name", "args", "answer": "accept" | "decline", "replay": bool} |
             {"op": "forge", "name", "args", "state"} (an accepting answer to a state the server never
             issued)]}
and its output: {"protocol", "steps": [...], "elicitations": [messages]}.
"op: call" uses Client.call_tool, which answers legacy elicitation requests and MRTR input
requests through the elicitation callback (the "person"); "op: mrtr" drives the multi-round-trip
by hand (session.call_tool(allow_input_required=True)) so a test can replay the request state.
"""
import asyncio, json, sys

import mcp_types as t
from mcp import Client, StdioServerParameters
from mcp.shared.exceptions import MCPError

def person_for(scenario, elicitations):
    async def person(context, params):
        elicitations.append(params.message)
        if scenario.get("elicitation") == "accept":
            return t.ElicitResult(action="accept", content={"confirm": True})
        return t.ElicitResult(action="decline")

    return person


def dump(x):
    return x.model_dump(by_alias=True, mode="json", exclude_none=True)


async def session(scenario):
    elicitations = []
    server = StdioServerParameters(
        command=scenario["server"][0], args=scenario["server"][1:], env=scenario.get("env")
    )
    kwargs = dict(
        mode=scenario.get("mode", "legacy"),
        client_info=t.Implementation(name=scenario.get("client_name", "pytest-agent"), version="1.0"),
        read_timeout_seconds=120,
    )
    if scenario.get("elicitation"):
        kwargs["elicitation_callback"] = person_for(scenario, elicitations)
    out = []
    async with Client(server, **kwargs) as c:
        proto = c.session.protocol_version
        for step in scenario["steps"]:
            try:
                if step["op"] == "list":
                    r = await c.list_tools()
                    tools = [dump(x) for x in r.tools]
                    bad = []
                    try:
                        import jsonschema

                        for x in tools:
                            for k in ("inputSchema", "outputSchema"):
                                try:
                                    jsonschema.Draft202012Validator.check_schema(x[k])
                                except Exception as e:  # noqa: BLE001
                                    bad.append(f"{x['name']} {k}: {e}")
                    except ImportError:
                        bad.append("jsonschema is not installed")
                    out.append({"tools": tools, "schema_errors": bad})
                elif step["op"] == "forge":
                    r = await c.session.call_tool(
                        step["name"],
                        step.get("args"),
                        input_responses={"confirm": t.ElicitResult(action="accept", content={"confirm": True})},
                        request_state=step["state"],
                        allow_input_required=True,
                    )
                    out.append({"result": dump(r)})
                elif step["op"] == "call":
                    r = await c.call_tool(step["name"], step.get("args"))
                    out.append({"result": dump(r)})
                elif step["op"] == "mrtr":
                    await c.list_tools()
                    first = await c.session.call_tool(
                        step["name"], step.get("args"), allow_input_required=True
                    )
                    if not isinstance(first, t.InputRequiredResult):
                        out.append({"result": dump(first)})
                        continue
                    reqs = first.input_requests or {}
                    responses = {}
                    for key, req in reqs.items():
                        elicitations.append(req.params.message)
                        if step.get("answer") == "accept":
                            responses[key] = t.ElicitResult(action="accept", content={"confirm": True})
                        else:
                            responses[key] = t.ElicitResult(action="decline")
                    rounds = [{"input_required": sorted(reqs.keys())}]
                    for _ in range(2 if step.get("replay") else 1):
                        r = await c.session.call_tool(
                            step["name"],
                            step.get("args"),
                            input_responses=responses,
                            request_state=first.request_state,
                            allow_input_required=True,
                        )
                        rounds.append({"result": dump(r)})
                    out.append({"rounds": rounds})
            except MCPError as e:
                out.append({"error": {"code": e.error.code, "message": e.error.message}})
    return {"protocol": proto, "steps": out, "elicitations": elicitations}


async def main():
    scenarios = json.load(sys.stdin)
    print(json.dumps(await asyncio.gather(*(session(s) for s in scenarios))))


asyncio.run(main())
