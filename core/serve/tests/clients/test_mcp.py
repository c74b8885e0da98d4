"""The official MCP Python SDK (`mcp`) lists and calls env0's tools, over stdio and over
streamable HTTP."""

import json
import os

import anyio
import httpx2
from mcp import ClientSession, StdioServerParameters, stdio_client
from mcp.client.streamable_http import streamable_http_client


def text_of(result):
    return "".join(c.text for c in result.content if getattr(c, "type", None) == "text")


async def exercise(session):
    init = await session.initialize()
    assert init.server_info.name == "env0"
    tools = (await session.list_tools()).tools
    names = {t.name for t in tools}
    assert {"gmail_search", "gmail_create_label", "slack_post_message", "calendar_list_events"} <= names
    label_tool = next(t for t in tools if t.name == "gmail_create_label")
    assert label_tool.input_schema["required"] == ["name"]

    created = await session.call_tool("gmail_create_label", {"name": "From-MCP"})
    assert not created.is_error, text_of(created)
    listed = await session.call_tool("gmail_list_labels", {})
    assert "From-MCP" in text_of(listed)
    # A refused call is a tool error the model can read, not a protocol failure.
    bad = await session.call_tool("gmail_create_label", {})
    assert bad.is_error
    assert "name" in text_of(bad)
    unknown = await session.call_tool("no_such_tool", {})
    assert unknown.is_error


def test_mcp_over_stdio():
    binary = os.environ.get("ENV0_BIN", "env0")

    async def run():
        params = StdioServerParameters(command=binary, args=["serve", "--mcp", "--scale", "empty"])
        async with stdio_client(params) as (read, write):
            async with ClientSession(read, write) as session:
                await exercise(session)

    anyio.run(run)


def test_mcp_over_streamable_http_acts_on_the_named_world(world):
    async def run():
        headers = {"X-Env0-World": world.name}
        async with httpx2.AsyncClient(headers=headers, timeout=30) as http:
            async with streamable_http_client(world.url + "/mcp", http_client=http) as streams:
                read, write = streams[0], streams[1]
                async with ClientSession(read, write) as session:
                    await exercise(session)

    anyio.run(run)
    # The label landed in this test's world (the admin diff shows it), not in `default`.
    diff = world.admin("GET", "/_admin/diff")
    assert [l["name"] for l in diff["gmail_labels"]["added"]] == ["From-MCP"], json.dumps(diff)[:500]
