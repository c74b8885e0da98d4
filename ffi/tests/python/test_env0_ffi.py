"""env0 through its generated Python bindings, against the host library (ffi/scripts/python-tests.sh
builds both). The same flows the apps use: a world, snapshots and diffs, the task library and
proofs, episodes with events, a cancel, and bad input that must come back as a typed exception."""

import json
import os
import threading

import pytest

import env0_ffi as env0

TASKS = os.environ.get("ENV0_TASKS", os.path.join(os.path.dirname(__file__), "../../../tasks-lite"))


def test_world_requests_and_typed_errors():
    ws = env0.Workspace.in_memory(42, "default")
    resp = ws.call("GET", "/gmail/v1/users/me/messages?q=is:unread", None, None)
    assert resp.status == 200
    assert json.loads(resp.body_json)["messages"]
    # An API error is a response, not an exception.
    missing = ws.call("GET", "/gmail/v1/users/me/messages/nope", None, None)
    assert missing.status == 404
    assert json.loads(missing.body_json)["error"]["code"] == 404
    # Bad arguments from the caller are typed exceptions.
    with pytest.raises(env0.Env0Error.InvalidArgument):
        ws.call("FETCH", "/gmail/v1/users/me/messages", None, None)
    with pytest.raises(env0.Env0Error.InvalidArgument):
        env0.Workspace.in_memory(42, "huge")
    bad_json = ws.call("POST", "/gmail/v1/users/me/labels", "{not json", None)
    assert bad_json.status == 400


def test_snapshot_restore_diff_and_action_log():
    ws = env0.Workspace.in_memory(7, "default")
    ws.save_snapshot("before")
    before = ws.state_hash()
    created = ws.call("POST", "/gmail/v1/users/me/labels", json.dumps({"name": "Receipts"}), None)
    assert created.status == 200
    changes = {c.collection: c for c in ws.diff_since("before")}
    assert list(changes) == ["gmail_labels"]
    assert (changes["gmail_labels"].added, changes["gmail_labels"].updated) == (1, 0)
    assert json.loads(changes["gmail_labels"].detail_json)["added"][0]["name"] == "Receipts"
    assert ws.state_hash() != before
    log = ws.action_log()
    assert (log[-1].method, log[-1].path, log[-1].status) == ("POST", "/gmail/v1/users/me/labels", 200)
    ws.restore_snapshot("before")
    assert ws.state_hash() == before
    assert ws.diff_since("before") == []
    assert ws.snapshot_names() == ["before"]
    with pytest.raises(env0.Env0Error.NotFound):
        ws.restore_snapshot("never-saved")


def test_world_files_persist_and_corrupt_files_are_refused(tmp_path):
    path = str(tmp_path / "w.env0")
    ws = env0.Workspace.create(path, 42, "empty")
    assert ws.call("POST", "/gmail/v1/users/me/labels", json.dumps({"name": "Kept"}), None).status == 200
    digest = ws.state_hash()
    del ws
    reopened = env0.Workspace.open(path)
    assert reopened.state_hash() == digest
    with pytest.raises(env0.Env0Error.InvalidArgument):
        env0.Workspace.create(path, 42, "empty")
    junk = tmp_path / "junk.env0"
    junk.write_bytes(b"this is not a world" * 100)
    with pytest.raises(env0.Env0Error.Storage):
        env0.Workspace.open(str(junk))
    with pytest.raises(env0.Env0Error.NotFound):
        env0.Workspace.open(str(tmp_path / "missing.env0"))


def test_task_library_lists_filters_and_proves():
    lib = env0.TaskLibrary.open(TASKS)
    assert lib.count() >= 2000
    gmail_eval = lib.list(env0.TaskFilter(family="gmail", split="eval", template=None))
    assert gmail_eval and all(t.family == "gmail" and t.split == "eval" for t in gmail_eval)
    task = gmail_eval[0]
    assert json.loads(lib.task_json(task.id))["id"] == task.id
    proof = lib.prove(task.id)
    assert proof.proven, proof.failures
    assert (proof.oracle_reward, proof.nothing_reward) == (1.0, 0.0)
    with pytest.raises(env0.Env0Error.NotFound):
        lib.prove("no-such-task")
    with pytest.raises(env0.Env0Error.NotFound):
        env0.TaskLibrary.open("/nonexistent")


class Recorder(env0.EpisodeListener):
    def __init__(self):
        self.events = []

    def on_event(self, event):
        self.events.append(event)


def first_task(lib, family):
    return lib.list(env0.TaskFilter(family=family, split=None, template=None))[0].id


def test_an_oracle_episode_streams_events_and_passes():
    lib = env0.TaskLibrary.open(TASKS)
    rec = Recorder()
    handle = env0.Agent.oracle().run_task(lib, first_task(lib, "gcal"), rec)
    summary = handle.join()
    assert handle.is_finished()
    assert (summary.stop, summary.reward, summary.passed) == ("final", 1.0, True)
    kinds = [type(e).__name__.rsplit(".", 1)[-1] for e in rec.events]
    assert kinds[0] == "STARTED" and kinds[-2:] == ["VERDICT", "FINISHED"]
    calls = [e for e in rec.events if isinstance(e, env0.EpisodeEvent.TOOL_CALL)]
    results = [e for e in rec.events if isinstance(e, env0.EpisodeEvent.TOOL_RESULT)]
    assert len(calls) == summary.tool_calls == len(results) > 0
    assert any(c.writes for c in calls), "the oracle changes the world"
    assert all(r.outcome == "ok" for r in results)


def test_a_replayed_model_gets_typed_tool_outcomes():
    lib = env0.TaskLibrary.open(TASKS)
    messages = [
        {"role": "assistant", "content": None, "tool_calls": [
            {"id": "a", "type": "function", "function": {"name": "teleport", "arguments": "{}"}}]},
        {"role": "assistant", "content": "I give up."},
    ]
    rec = Recorder()
    summary = env0.Agent.replay(json.dumps(messages)).run_task(lib, first_task(lib, "gmail"), rec).join()
    results = [e for e in rec.events if isinstance(e, env0.EpisodeEvent.TOOL_RESULT)]
    assert [r.outcome for r in results] == ["unknown_tool"]
    assert (summary.stop, summary.invalid_tool_calls, summary.reward) == ("final", 1, 0.0)
    with pytest.raises(env0.Env0Error.InvalidArgument):
        env0.Agent.replay("[{]")


def test_cancel_stops_a_running_episode_before_its_next_call():
    lib = env0.TaskLibrary.open(TASKS)
    released = threading.Event()
    first_result = threading.Event()

    class HoldAfterFirstResult(Recorder):
        def on_event(self, event):
            super().on_event(event)
            if isinstance(event, env0.EpisodeEvent.TOOL_RESULT) and not first_result.is_set():
                first_result.set()
                assert released.wait(30), "the test never released the episode"

    rec = HoldAfterFirstResult()
    handle = env0.Agent.oracle().run_task(lib, first_task(lib, "gcal"), rec)
    assert first_result.wait(60)
    assert not handle.is_finished()
    handle.cancel()
    released.set()
    summary = handle.join()
    assert summary.stop == "cancelled"
    assert summary.tool_calls == 1
    assert not any(isinstance(e, env0.EpisodeEvent.VERDICT) for e in rec.events)
    assert isinstance(rec.events[-1], env0.EpisodeEvent.FINISHED)


def test_a_listener_that_raises_does_not_bring_the_process_down():
    lib = env0.TaskLibrary.open(TASKS)

    class Broken(env0.EpisodeListener):
        def on_event(self, event):
            raise RuntimeError("listener bug")

    summary = env0.Agent.oracle().run_task(lib, first_task(lib, "gmail"), Broken()).join()
    # The episode still ends with a summary: the listener's failure is reported, not a crash.
    assert summary.stop == "internal_error"
    assert "listener bug" in summary.error
    with pytest.raises(env0.Env0Error.NotFound):
        env0.Agent.oracle().run_task(lib, "no-such-task", Recorder())
