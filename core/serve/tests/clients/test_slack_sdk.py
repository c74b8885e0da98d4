"""slack_sdk's WebClient against env0 serve."""

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError


def client(world):
    tokens = world.admin("GET", "/_admin/state")["slack_tokens"]
    user_token = next(t["token"] for t in tokens if t["token_type"] == "user")
    return WebClient(token=user_token, base_url=world.base + "/api/")


def test_auth_test_names_the_token_user(world):
    resp = client(world).auth_test()
    assert resp["ok"] is True
    assert resp["user_id"]
    assert resp["team"]


def test_conversations_list_pages_with_cursors(world):
    c = client(world)
    seen, cursor, pages = [], None, 0
    while True:
        resp = c.conversations_list(limit=2, cursor=cursor, types="public_channel,private_channel")
        seen += [ch["id"] for ch in resp["channels"]]
        pages += 1
        cursor = resp.get("response_metadata", {}).get("next_cursor")
        if not cursor:
            break
    assert pages > 1
    assert len(seen) == len(set(seen))
    everything = c.conversations_list(limit=1000, types="public_channel,private_channel")
    assert sorted(seen) == sorted(ch["id"] for ch in everything["channels"])


def test_post_then_read_history_and_react(world):
    c = client(world)
    general = next(ch for ch in c.conversations_list()["channels"] if ch["name"] == "general")
    posted = c.chat_postMessage(channel=general["id"], text="Deploy is done :tada:")
    assert posted["ok"] and posted["ts"]
    history = c.conversations_history(channel=general["id"], limit=5)
    assert history["messages"][0]["text"] == "Deploy is done :tada:"
    assert c.reactions_add(channel=general["id"], timestamp=posted["ts"], name="thumbsup")["ok"]
    # The write is in the world's action log and diff.
    diff = world.admin("GET", "/_admin/diff")
    assert any(r["text"] == "Deploy is done :tada:" for r in diff["slack_messages"]["added"])


def test_users_list(world):
    members = client(world).users_list()["members"]
    assert len(members) > 3
    assert all("id" in m and "name" in m for m in members)


def test_an_unknown_channel_raises_slack_api_error(world):
    with pytest.raises(SlackApiError) as err:
        client(world).conversations_history(channel="C0NOTREAL")
    assert err.value.response["ok"] is False
    assert err.value.response["error"] == "channel_not_found"


def test_blocks_with_the_block_kit_models(world):
    from slack_sdk.models.blocks import DividerBlock, HeaderBlock, SectionBlock

    c = client(world)
    general = next(ch for ch in c.conversations_list()["channels"] if ch["name"] == "general")
    blocks = [HeaderBlock(text="Q3 close"), SectionBlock(text="*Revenue* is final"), DividerBlock()]
    posted = c.chat_postMessage(channel=general["id"], text="Q3 close: revenue is final", blocks=blocks)
    sent = [b.to_dict() for b in blocks]
    assert posted["message"]["blocks"] == sent
    history = c.conversations_history(channel=general["id"], limit=1)
    assert history["messages"][0]["blocks"] == sent
    assert history["messages"][0]["text"] == "Q3 close: revenue is final"
    updated = c.chat_update(channel=general["id"], ts=posted["ts"], text="Q3 close (final)", blocks=[])
    assert "blocks" not in updated["message"]
    with pytest.raises(SlackApiError) as err:
        c.chat_postMessage(channel=general["id"], text="x", blocks=[{"text": "a block needs a type"}])
    assert err.value.response["error"] == "invalid_blocks"
