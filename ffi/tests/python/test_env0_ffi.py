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
    created = ws.call("POST", "/gmail/v1/users/me/labels", json.dumps({"name": "Zeta-Receipts"}), None)
    assert created.status == 200
    changes = {c.collection: c for c in ws.diff_since("before")}
    assert list(changes) == ["gmail_labels"]
    assert (changes["gmail_labels"].added, changes["gmail_labels"].updated) == (1, 0)
    assert json.loads(changes["gmail_labels"].detail_json)["added"][0]["name"] == "Zeta-Receipts"
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


def test_a_snapshot_file_resets_a_world_file_across_reopens(tmp_path):
    path = str(tmp_path / "w.env0")
    reset = str(tmp_path / "initial.snapshot")
    ws = env0.Workspace.create(path, 42, "default")
    ws.save_snapshot_file(reset)
    initial = ws.state_hash()
    assert ws.call("POST", "/gmail/v1/users/me/labels", json.dumps({"name": "Gone"}), None).status == 200
    del ws
    # A later launch: the in-memory snapshots are gone, the file is not.
    again = env0.Workspace.open(path)
    assert again.snapshot_names() == []
    assert again.state_hash() != initial
    again.restore_snapshot_file(reset)
    assert again.state_hash() == initial
    assert "Gone" not in again.call("GET", "/gmail/v1/users/me/labels", None, None).body_json
    del again
    # The restore rewrote the world file itself.
    assert env0.Workspace.open(path).state_hash() == initial
    # A missing or broken snapshot file changes nothing.
    other = env0.Workspace.open(path)
    other.call("POST", "/gmail/v1/users/me/labels", json.dumps({"name": "Stays"}), None)
    changed = other.state_hash()
    with pytest.raises(env0.Env0Error.NotFound):
        other.restore_snapshot_file(str(tmp_path / "missing.snapshot"))
    junk = tmp_path / "junk.snapshot"
    junk.write_bytes(b"not a snapshot" * 50)
    with pytest.raises(env0.Env0Error.Storage):
        other.restore_snapshot_file(str(junk))
    assert other.state_hash() == changed
    with pytest.raises(env0.Env0Error.Storage):
        other.save_snapshot_file(str(tmp_path / "no-such-dir" / "x.snapshot"))


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


def test_a_finished_episode_holds_no_reference_to_the_listener():
    # A Rust thread that still holds a Python callback when the script ends has to take the GIL
    # of an interpreter that is shutting down, which aborts the process ("FATAL: exception not
    # rethrown"). So by the time a handle says it is finished, the listener must be released.
    # Polling is_finished keeps this thread in Python, where an episode thread that released
    # the listener after finishing would be seen holding it (it was, 19 times in 20).
    import weakref

    lib = env0.TaskLibrary.open(TASKS)
    task = first_task(lib, "gcal")
    still_held = 0
    for _ in range(10):
        rec = Recorder()
        ref = weakref.ref(rec)
        handle = env0.Agent.oracle().run_task(lib, task, rec)
        del rec
        while not handle.is_finished():
            pass
        still_held += ref() is not None
        assert handle.join().passed
    assert still_held == 0


def label_names(ws):
    body = json.loads(ws.call("GET", "/gmail/v1/users/me/labels", None, None).body_json)
    return {label["name"] for label in body["labels"]}


def create_label_turn(call_id, name):
    return {"role": "assistant", "content": None, "tool_calls": [
        {"id": call_id, "type": "function",
         "function": {"name": "gmail_create_label", "arguments": json.dumps({"name": name})}}]}


def test_an_instruction_acts_on_the_workspace_and_a_cancel_keeps_what_was_done():
    ws = env0.Workspace.in_memory(7, "default")
    before = ws.state_hash()
    ws.save_snapshot("before")
    agent = env0.Agent.replay(json.dumps([
        create_label_turn("a", "Zeta-Receipts"), create_label_turn("b", "Zeta-Travel"),
        {"role": "assistant", "content": "Made two labels."}]))
    released = threading.Event()
    first_result = threading.Event()

    class HoldAfterFirstResult(Recorder):
        def on_event(self, event):
            super().on_event(event)
            if isinstance(event, env0.EpisodeEvent.TOOL_RESULT) and not first_result.is_set():
                first_result.set()
                assert released.wait(30), "the test never released the episode"

    rec = HoldAfterFirstResult()
    handle = agent.run_instruction(ws, "Make labels Receipts and Travel", rec)
    assert first_result.wait(60)
    # The app can read the world while the assistant is paused between steps.
    assert "Zeta-Receipts" in label_names(ws)
    handle.cancel()
    released.set()
    summary = handle.join()
    assert (summary.stop, summary.tool_calls, summary.task_id) == ("cancelled", 1, "instruction")
    names = label_names(ws)
    assert "Zeta-Receipts" in names and "Zeta-Travel" not in names, "the cancelled step left no trace"
    changes = {c.collection: c for c in ws.diff_since("before")}
    assert sum(c.added for c in changes.values()) == 1
    assert ws.state_hash() != before
    ws.restore_snapshot("before")
    assert ws.state_hash() == before

    # Run to the end, the world keeps both labels.
    done = agent.run_instruction(ws, "Make labels Receipts and Travel", Recorder()).join()
    assert (done.stop, done.tool_calls) == ("final", 2)
    assert {"Zeta-Receipts", "Zeta-Travel"} <= label_names(ws)
    with pytest.raises(env0.Env0Error.InvalidArgument):
        agent.run_instruction(ws, "   ", Recorder())


class Progress(env0.BenchmarkListener):
    def __init__(self, on_progress=None):
        self.seen = []
        self.hook = on_progress

    def on_progress(self, progress):
        self.seen.append(progress)
        if self.hook:
            self.hook(progress)


def result_pairs(path):
    with open(path) as f:
        lines = f.read().splitlines()
    rows = [json.loads(line) for line in lines if line.strip()]
    return [(r["example_id"], r["trial"]) for r in rows]


GMAIL_SIX = env0.BenchmarkSelection(split=None, family="gmail", template=None, limit=6, k=1)


def test_a_benchmark_reports_with_wilson_intervals_and_refuses_another_model(tmp_path):
    lib = env0.TaskLibrary.open(TASKS)
    out = str(tmp_path / "run")
    bench = env0.Benchmark(lib, env0.Agent.oracle(), out, GMAIL_SIX)
    assert bench.size() == 6
    prog = Progress()
    summary = bench.start(prog).join()
    assert (summary.rows, summary.new_rows, summary.remaining, summary.cancelled) == (6, 6, 0, False)
    o = summary.overall
    assert (o.n, o.passed, o.pass_rate, o.unsafe_rate) == (6, 6, 1.0, 0.0)
    assert 0.5 < o.pass_low < 1.0 and o.pass_high == pytest.approx(1.0)
    assert [f.name for f in summary.by_family] == ["gmail"]
    assert [p.done for p in prog.seen] == [0, 1, 2, 3, 4, 5, 6]
    assert all(p.last_passed for p in prog.seen[1:])
    # The live pass rate: nothing known before the first grade, then the report's interval.
    assert (prog.seen[0].pass_rate, prog.seen[0].pass_low, prog.seen[0].pass_high) == (0.0, 0.0, 1.0)
    last = prog.seen[-1]
    assert (last.pass_rate, last.pass_low, last.pass_high) == (o.pass_rate, o.pass_low, o.pass_high)
    assert prog.seen[1].pass_low < last.pass_low  # 1 of 1 says less than 6 of 6
    assert os.path.isfile(summary.report_path)
    # A second start has nothing to do; the summary reads the same log.
    again = bench.start(Progress()).join()
    assert (again.rows, again.new_rows) == (6, 0)
    assert len(result_pairs(summary.results_path)) == 6
    with pytest.raises(env0.Env0Error.InvalidArgument):
        env0.Benchmark(lib, env0.Agent.replay("[]"), out, GMAIL_SIX)
    with pytest.raises(env0.Env0Error.NotFound):
        env0.Benchmark(lib, env0.Agent.oracle(), str(tmp_path / "x"),
                       env0.BenchmarkSelection(split=None, family="nope", template=None, limit=None, k=1))


def test_a_cancelled_benchmark_keeps_its_results_and_resumes(tmp_path):
    lib = env0.TaskLibrary.open(TASKS)
    out = str(tmp_path / "run")
    handle_box = []

    def cancel_after_two(p):
        if p.done == 2:
            handle_box[0].cancel()

    bench = env0.Benchmark(lib, env0.Agent.oracle(), out, GMAIL_SIX)
    prog = Progress(cancel_after_two)
    handle_box.append(bench.start(prog))
    summary = handle_box[0].join()
    assert summary.cancelled and (summary.rows, summary.remaining) == (2, 4)
    assert len(result_pairs(summary.results_path)) == 2, "every line of the log is a whole row"
    resumed = env0.Benchmark(lib, env0.Agent.oracle(), out, GMAIL_SIX).start(Progress()).join()
    assert (resumed.rows, resumed.new_rows, resumed.remaining) == (6, 4, 0)
    pairs = result_pairs(resumed.results_path)
    assert len(pairs) == len(set(pairs)) == 6


KILLED_RUN = r"""
import sys, time
import env0_ffi as env0
lib = env0.TaskLibrary.open(sys.argv[1])
sel = env0.BenchmarkSelection(split=None, family="gcal", template=None, limit=12, k=1)
class Slow(env0.BenchmarkListener):
    def on_progress(self, p):
        print(p.done, flush=True)
        time.sleep(0.3)
env0.Benchmark(lib, env0.Agent.oracle(), sys.argv[2], sel).start(Slow()).join()
print("finished", flush=True)
"""


def test_a_killed_benchmark_resumes_without_repeating_or_dropping_a_task(tmp_path):
    import signal
    import subprocess
    import sys

    out = str(tmp_path / "run")
    script = tmp_path / "killed_run.py"
    script.write_text(KILLED_RUN)
    child = subprocess.Popen([sys.executable, str(script), TASKS, out],
                             stdout=subprocess.PIPE, text=True, env=dict(os.environ))
    for line in child.stdout:
        if line.strip() == "4":
            break
    child.send_signal(signal.SIGKILL)
    child.wait(30)
    assert child.returncode == -signal.SIGKILL
    survived = result_pairs(os.path.join(out, "results.jsonl"))
    assert 4 <= len(survived) < 12, "killed mid-run"
    lib = env0.TaskLibrary.open(TASKS)
    sel = env0.BenchmarkSelection(split=None, family="gcal", template=None, limit=12, k=1)
    prog = Progress()
    summary = env0.Benchmark(lib, env0.Agent.oracle(), out, sel).start(prog).join()
    assert prog.seen[0].resumed == len(survived)
    assert summary.new_rows == 12 - len(survived)
    pairs = result_pairs(summary.results_path)
    assert len(pairs) == len(set(pairs)) == 12, "each task exactly once"
    assert pairs[: len(survived)] == survived
    assert (summary.overall.n, summary.overall.passed) == (12, 12)


FIXTURES = os.environ.get("ENV0_FIXTURES", os.path.expanduser("~/.cache/env0/fixtures"))
SMOLLM2 = os.path.join(FIXTURES, "chat/smollm2/SmolLM2-135M-Instruct.Q4_1.gguf")


@pytest.fixture(autouse=True)
def _real_model_fixture(request):
    """Tests that read SMOLLM2 fail (never skip) when the fixture cache lacks it."""
    if "SMOLLM2" in request.function.__code__.co_names and not os.path.exists(SMOLLM2):
        pytest.fail(f"{SMOLLM2} is missing: run scripts/fetch-fixtures.sh chat")


class ImportProgress(env0.ImportListener):
    def __init__(self, on_progress=None):
        self.seen = []
        self.hook = on_progress

    def on_progress(self, copied, total):
        self.seen.append((copied, total))
        if self.hook:
            self.hook(copied, total)


def gguf_header(arch):
    """A GGUF v3 file with one string key (general.architecture) and no tensors."""
    import struct

    key, value = b"general.architecture", arch.encode()
    return (b"GGUF" + struct.pack("<IQQ", 3, 0, 1)
            + struct.pack("<Q", len(key)) + key + struct.pack("<I", 8)
            + struct.pack("<Q", len(value)) + value)


def write_adapter(folder, rank=4, pairs=2, b_pairs=None, config_extra=None):
    import struct

    os.makedirs(folder, exist_ok=True)
    config = {"peft_type": "LORA", "r": rank, "lora_alpha": 8.0,
              "base_model_name_or_path": "HuggingFaceTB/SmolLM2-135M-Instruct",
              "target_modules": ["q_proj", "v_proj"]}
    config.update(config_extra or {})
    with open(os.path.join(folder, "adapter_config.json"), "w") as f:
        json.dump(config, f)
    header, offset = {}, 0
    names = [f"base_model.model.layers.{i}.self_attn.q_proj.lora_A.weight" for i in range(pairs)]
    names += [f"base_model.model.layers.{i}.self_attn.q_proj.lora_B.weight"
              for i in range(pairs if b_pairs is None else b_pairs)]
    for name in names:
        header[name] = {"dtype": "F32", "shape": [rank, 8], "data_offsets": [offset, offset + rank * 32]}
        offset += rank * 32
    text = json.dumps(header).encode()
    with open(os.path.join(folder, "adapter_model.safetensors"), "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"\0" * offset)


def test_a_model_is_validated_imported_with_progress_hashed_and_removed(tmp_path):
    import hashlib

    store = env0.ModelStore.open(str(tmp_path / "models"))
    info = store.inspect_model(SMOLLM2)
    assert (info.kind, info.architecture, info.family) == ("gguf", "llama", "smollm2")
    assert info.tensors > 100 and info.context_length == 8192
    prog = ImportProgress()
    record = store.import_model(SMOLLM2, None, prog).join()
    with open(SMOLLM2, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    assert record.files[0].sha256 == digest and record.id == digest[:16]
    assert record.name == "SmolLM2-135M-Instruct.Q4_1.gguf"
    assert record.files[0].size_bytes == os.path.getsize(SMOLLM2) == prog.seen[-1][0]
    assert len(prog.seen) > 10 and all(a[0] <= b[0] for a, b in zip(prog.seen, prog.seen[1:]))
    assert os.path.isfile(os.path.join(record.path, "manifest.json"))
    assert [r.id for r in store.list()] == [record.id]
    assert store.verify(record.id)
    again = store.import_model(SMOLLM2, "second name", ImportProgress()).join()
    assert again.id == record.id and len(store.list()) == 1, "the same bytes are one entry"
    # A changed byte in the store is caught.
    with open(os.path.join(record.path, "model.gguf"), "r+b") as f:
        f.seek(-1, 2)
        last = f.read(1)
        f.seek(-1, 2)
        f.write(bytes([last[0] ^ 1]))
    assert not store.verify(record.id)
    store.remove(record.id)
    assert store.list() == []
    with pytest.raises(env0.Env0Error.NotFound):
        store.get(record.id)
    with pytest.raises(env0.Env0Error.InvalidArgument):
        store.remove("../etc")


def test_bad_model_files_are_refused_before_anything_is_copied(tmp_path):
    store = env0.ModelStore.open(str(tmp_path / "models"))
    text = tmp_path / "notes.gguf"
    text.write_text("not a model")
    truncated = tmp_path / "cut.gguf"
    with open(SMOLLM2, "rb") as f:
        truncated.write_bytes(f.read(8 << 20))
    gemma = tmp_path / "gemma.gguf"
    gemma.write_bytes(gguf_header("gemma3"))
    cases = {str(text): "not a usable model", str(truncated): "truncated",
             str(gemma): "architecture 'gemma3'"}
    for path, why in cases.items():
        with pytest.raises(env0.Env0Error.InvalidArgument) as err:
            store.import_model(path, None, ImportProgress())
        assert why in str(err.value), str(err.value)
    with pytest.raises(env0.Env0Error.NotFound):
        store.inspect_model(str(tmp_path / "missing.gguf"))
    assert store.list() == [] and os.listdir(tmp_path / "models") == []


def test_a_cancelled_import_leaves_nothing_and_a_killed_one_is_cleaned_up(tmp_path):
    models = tmp_path / "models"
    store = env0.ModelStore.open(str(models))
    box = []

    def cancel_early(copied, total):
        if copied > 0:
            box[0].cancel()

    box.append(store.import_model(SMOLLM2, None, ImportProgress(cancel_early)))
    with pytest.raises(env0.Env0Error.Cancelled):
        box[0].join()
    assert store.list() == [] and os.listdir(models) == []
    (models / ".incoming-123-456").mkdir()
    (models / ".incoming-123-456" / "model.gguf").write_bytes(b"half")
    env0.ModelStore.open(str(models))
    assert os.listdir(models) == []


def test_adapters_are_validated_and_imported(tmp_path):
    store = env0.ModelStore.open(str(tmp_path / "models"))
    good = tmp_path / "my-adapter"
    write_adapter(str(good))
    info = store.inspect_adapter(str(good))
    assert (info.kind, info.lora_rank, info.lora_alpha, info.tensors) == ("lora_adapter", 4, 8.0, 4)
    assert info.family == "smollm2"
    record = store.import_adapter(str(good), None, ImportProgress()).join()
    assert record.name == "my-adapter"
    assert sorted(f.name for f in record.files) == ["adapter_config.json", "adapter_model.safetensors"]
    assert store.verify(record.id)
    bad = {
        "no-rank": dict(config_extra={"r": None}),
        "unpaired": dict(b_pairs=1),
        "not-lora": dict(config_extra={"peft_type": "PREFIX_TUNING"}),
    }
    for name, kwargs in bad.items():
        write_adapter(str(tmp_path / name), **kwargs)
        with pytest.raises(env0.Env0Error.InvalidArgument):
            store.import_adapter(str(tmp_path / name), None, ImportProgress())
    cut = tmp_path / "cut"
    write_adapter(str(cut))
    weights = cut / "adapter_model.safetensors"
    weights.write_bytes(weights.read_bytes()[:-10])
    with pytest.raises(env0.Env0Error.InvalidArgument, match="truncated"):
        store.inspect_adapter(str(cut))
    with pytest.raises(env0.Env0Error.NotFound):
        store.inspect_adapter(str(tmp_path / "nowhere"))
    assert [r.id for r in store.list()] == [record.id]


class Stages(env0.LoadListener):
    def __init__(self):
        self.stages = []

    def on_stage(self, stage):
        self.stages.append(stage)


def test_loading_a_model_checks_the_store_entry_and_the_build(tmp_path):
    store = env0.ModelStore.open(str(tmp_path / "models"))
    opts = env0.LocalOptions(context=None, dtype=None, temperature=0.0, enable_thinking=None)
    with pytest.raises(env0.Env0Error.NotFound):
        store.load_agent("0123456789abcdef", None, opts, Stages())
    write_adapter(str(tmp_path / "adapter"))
    adapter = store.import_adapter(str(tmp_path / "adapter"), None, ImportProgress()).join()
    with pytest.raises(env0.Env0Error.InvalidArgument, match="adapter, not a model"):
        store.load_agent(adapter.id, None, opts, Stages())
    model = store.import_model(SMOLLM2, None, ImportProgress()).join()
    with pytest.raises(env0.Env0Error.InvalidArgument, match="not an adapter"):
        store.load_agent(model.id, model.id, opts, Stages())
    if os.environ.get("ENV0_FFI_LOCAL") != "1":
        # This library was built without the local backend: a typed answer, on the load thread.
        with pytest.raises(env0.Env0Error.Unsupported):
            store.load_agent(model.id, None, opts, Stages()).join()
