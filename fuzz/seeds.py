#!/usr/bin/env python3
"""Writes the fuzz targets' seed corpora from real inputs in this repository.

Usage: seeds.py OUT_DIR ENV0_BIN

- tool_calls: the assistant turns of the committed default-model eval (benches/results), and the
  tool calls of every task's oracle rendered in each family's syntax (Hermes, Qwen XML, Gemma 4).
- queries: Gmail and Drive `q` strings from the world's tests and the task files, messages built
  with Python's email package, multipart upload bodies.
- rest_router: every route of the world (from the services' route tables) with its placeholders
  filled, and JSON, form, multipart and binary bodies.
- task_file: task lines from tasks-lite (empty and default worlds).
- snapshot: a world seeded by `env0 world seed --scale empty`.
- gguf: small GGUF files written here (Llama-shaped metadata, vocabulary, F32/F16/Q8_0/Q4_0
  tensors) and the head of the pinned llama-bpe vocabulary fixture.
- peft_adapter: adapter configs and safetensors files for the fuzz target's tiny Llama.
Nothing here is committed output: the script runs before each fuzzing session.
"""

import email.message
import email.policy
import glob
import gzip
import hashlib
import json
import os
import re
import struct
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def put(out, target, data):
    if isinstance(data, str):
        data = data.encode()
    d = os.path.join(out, target)
    os.makedirs(d, exist_ok=True)
    name = hashlib.sha1(data).hexdigest()
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def task_lines():
    for path in sorted(glob.glob(os.path.join(ROOT, "tasks-lite/tasks/*.jsonl"))):
        with open(path) as f:
            for line in f:
                if line.strip():
                    yield line.strip()


def oracle_calls():
    for line in task_lines():
        task = json.loads(line)
        for step in task.get("oracle", {}).get("steps", []):
            if isinstance(step, dict) and "tool" in step:
                yield step["tool"], step.get("args", {})


def render(syntax, name, args):
    if syntax == 0:
        return "<tool_call>\n" + json.dumps({"name": name, "arguments": args}) + "\n</tool_call>"
    if syntax == 1:
        params = "".join(
            f"<parameter={k}>\n{v if isinstance(v, str) else json.dumps(v)}\n</parameter>\n" for k, v in args.items()
        )
        return f"<tool_call>\n<function={name}>\n{params}</function>\n</tool_call>"
    body = ",".join(
        f'{k}:<|"|>{v}<|"|>' if isinstance(v, str) else f"{k}:{json.dumps(v)}" for k, v in args.items()
    )
    return f"<|tool_call>call:{name}{{{body}}}<tool_call|>"


def tool_calls(out):
    seen = 0
    for name, args in oracle_calls():
        if seen >= 300:
            break
        if not isinstance(args, dict):
            continue
        for syntax in range(3):
            text = "Let me look.\n" + render(syntax, name, args)
            put(out, "tool_calls", bytes([0x80 | syntax]) + text.encode())
        seen += 1
    path = os.path.join(ROOT, "benches/results/smollm2-default-eval60/results.jsonl.gz")
    if os.path.exists(path):
        with gzip.open(path, "rt") as f:
            for i, line in enumerate(f):
                if i >= 60:
                    break
                row = json.loads(line)
                for m in row.get("completion", [])[:6]:
                    if m.get("role") == "assistant" and m.get("content"):
                        put(out, "tool_calls", bytes([i % 3]) + m["content"][:4000].encode())
    # Malformed calls small models write.
    for text in [
        '<tool_call>{"name": "gmail_search", "arguments": {"query": "is:unread"}',
        "<tool_call>{'name': 'gmail_search', 'arguments': {'query': 'x'}}</tool_call>",
        '<tool_call>\n{"name": "drive_search", "arguments": "{\\"query\\": \\"q3\\"}"}\n</tool_call>',
        "<tool_call><function=calendar_list_events><parameter=max_results>5</parameter></function>",
        '<|tool_call>call:slack_post_message{channel:<|"|>general<|"|>,text:<|"|>hi<|"|>}',
        "<think>plan</think>\n<tool_call>{}</tool_call>",
    ]:
        for syntax in range(3):
            put(out, "tool_calls", bytes([0x80 | syntax]) + text.encode())


def strings_in(paths, pattern):
    for p in paths:
        with open(p) as f:
            for m in re.finditer(pattern, f.read()):
                yield m.group(1)


def queries(out):
    tests = glob.glob(os.path.join(ROOT, "core/world/tests/world/*.rs"))
    gmail = set(strings_in(tests, r"[?&]q=([^&\"]+)"))
    gmail |= {
        "from:sarah@nexusai.com is:unread",
        'subject:"Q3 planning" -label:spam',
        "has:attachment filename:pdf larger:1M",
        "(from:a OR to:b) newer_than:7d {foo bar}",
        "in:anywhere after:2026/03/01 before:2026/03/15",
        "label:^smartlabel_receipt category:promotions",
        "is:starred OR is:important AROUND 5 launch",
        "deliveredto:alex@nexusai.com list:eng.nexusai.com rfc822msgid:<x@y>",
    }
    drive_from_tasks = set()
    for name, args in oracle_calls():
        q = args.get("query") if isinstance(args, dict) else None
        if isinstance(q, str) and name.startswith("gmail_"):
            gmail.add(q)
        elif isinstance(q, str) and name.startswith("drive_"):
            drive_from_tasks.add(q)
    for q in gmail:
        put(out, "queries", b"\x00" + q.encode())
    drive = set(strings_in(tests, r"list\(&mut w, \"((?:[^\"\\\\]|\\\\.)*)\"\)")) | drive_from_tasks
    drive |= {
        "name contains 'plan' and mimeType = 'application/pdf'",
        "'root' in parents and trashed = false",
        "modifiedTime > '2026-03-01T00:00:00' or starred = true",
        "fullText contains 'budget' and not 'x@y.com' in owners",
        "properties has { key='a' and value='b' }",
        "visibility = 'anyoneCanFind' and sharedWithMe",
    }
    for q in drive:
        put(out, "queries", b"\x01" + q.encode())
    m = email.message.EmailMessage(policy=email.policy.SMTP)
    m["From"] = "Alex Chen <alex@nexusai.com>"
    m["To"] = "sarah@nexusai.com, =?utf-8?q?Li=C3=A9_Wu?= <lie@nexusai.com>"
    m["Subject"] = "Q3 numbers – draft"
    m.set_content("Numbers attached.\n\nAlex")
    m.add_alternative("<p>Numbers <b>attached</b>.</p>", subtype="html")
    m.add_attachment(b"\x89PNG\r\n\x1a\n" + bytes(range(64)), maintype="image", subtype="png", filename="chart.png")
    put(out, "queries", b"\x02" + m.as_bytes())
    plain = b"From: a@b.c\r\nTo: d@e.f\r\nSubject: =?iso-8859-1?q?caf=E9?=\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\ncaf=E9 =\r\nsoft\r\n"
    put(out, "queries", b"\x02" + plain)
    for body in [
        b'--b\r\nContent-Type: application/json\r\n\r\n{"name": "a.txt"}\r\n--b\r\nContent-Type: text/plain\r\n\r\nhello\r\n--b--\r\n',
        b"--x\n\n{}\n--x\nContent-Type: image/png\n\n\x89PNG\x00\xff\n--x--",
    ]:
        put(out, "queries", b"\x03" + body)


def routes():
    for path in glob.glob(os.path.join(ROOT, "core/world/src/services/*/mod.rs")):
        text = open(path).read()
        for m in re.finditer(r"Route::new\(\s*(?:Method::)?(Get|Post|Put|Patch|Delete),\s*\"([^\"]+)\"", text):
            yield m.group(1), m.group(2)


def rest(out):
    methods = {"Get": 0, "Post": 1, "Put": 2, "Patch": 3, "Delete": 4}
    fill = {"userId": "me", "calendarId": "primary", "channel": "C1"}
    for method, pattern in routes():
        path = re.sub(r"\{(\w+)\}", lambda m: fill.get(m.group(1), "x1"), pattern)
        if path.startswith("/upload/"):
            body = b'--b\r\nContent-Type: application/json\r\n\r\n{"name": "a"}\r\n--b\r\nContent-Type: text/plain\r\n\r\nhi\r\n--b--'
            put(out, "rest_router", bytes([methods[method], 3]) + (path + "?uploadType=multipart").encode() + b"\x00" + body)
            put(out, "rest_router", bytes([methods[method], 5]) + (path + "?uploadType=media").encode() + b"\x00\x89PNG\xff\xfe")
        elif method == "Get":
            put(out, "rest_router", bytes([0, 0]) + path.encode())
        elif path.startswith("/api/"):
            put(out, "rest_router", bytes([1, 2]) + path.encode() + b"\x00channel=C1&text=hi&limit=2")
        else:
            put(out, "rest_router", bytes([methods[method], 1]) + path.encode() + b"\x00{}")
    for extra in [
        "/gmail/v1/users/me/messages?q=is:unread&maxResults=3&pageToken=2",
        "/calendar/v3/calendars/primary/events?singleEvents=true&orderBy=startTime&timeMin=2026-03-01T00:00:00Z",
        "/drive/v3/files?q=name%20contains%20%27a%27&fields=files(id,name)&orderBy=modifiedTime%20desc",
    ]:
        put(out, "rest_router", b"\x00\x00" + extra.encode())


def tasks(out):
    n = 0
    for line in task_lines():
        task = json.loads(line)
        if task["seed"]["scale"] in ("empty", "default") and n < 150:
            put(out, "task_file", line)
            n += 1


def snapshot(out, env0):
    tmp = os.path.join(out, "empty.env0")
    subprocess.run([env0, "world", "seed", "--scale", "empty", "--out", tmp], check=True, capture_output=True)
    with open(tmp, "rb") as f:
        put(out, "snapshot", f.read())
    os.remove(tmp)


def gguf_string(s):
    b = s.encode()
    return struct.pack("<Q", len(b)) + b


def gguf_kv(key, vtype, payload):
    return gguf_string(key) + struct.pack("<I", vtype) + payload


def tiny_gguf(tensor_types):
    tokens = ["<unk>", "<s>", "</s>"] + [chr(c) for c in range(97, 123)] + ["Ġthe", "Ġa"]
    kv = [
        gguf_kv("general.architecture", 8, gguf_string("llama")),
        gguf_kv("general.alignment", 4, struct.pack("<I", 32)),
        gguf_kv("llama.context_length", 4, struct.pack("<I", 128)),
        gguf_kv("llama.embedding_length", 4, struct.pack("<I", 32)),
        gguf_kv("llama.block_count", 4, struct.pack("<I", 1)),
        gguf_kv("llama.feed_forward_length", 4, struct.pack("<I", 64)),
        gguf_kv("llama.attention.head_count", 4, struct.pack("<I", 2)),
        gguf_kv("llama.attention.head_count_kv", 4, struct.pack("<I", 1)),
        gguf_kv("llama.rope.freq_base", 6, struct.pack("<f", 10000.0)),
        gguf_kv("llama.attention.layer_norm_rms_epsilon", 6, struct.pack("<f", 1e-5)),
        gguf_kv("tokenizer.ggml.model", 8, gguf_string("gpt2")),
        gguf_kv("tokenizer.ggml.tokens", 9, struct.pack("<IQ", 8, len(tokens)) + b"".join(gguf_string(t) for t in tokens)),
        gguf_kv("tokenizer.ggml.merges", 9, struct.pack("<IQ", 8, 1) + gguf_string("Ġ t")),
        gguf_kv("tokenizer.ggml.bos_token_id", 4, struct.pack("<I", 1)),
        gguf_kv("tokenizer.ggml.eos_token_id", 4, struct.pack("<I", 2)),
    ]
    # (name, dims, ggml type, bytes per block, elements per block)
    sizes = {0: (4, 1), 1: (2, 1), 8: (34, 32), 2: (18, 32)}
    infos, data = [], b""
    for i, t in enumerate(tensor_types):
        name = ["token_embd.weight", "blk.0.attn_q.weight", "blk.0.attn_k.weight", "output_norm.weight"][i % 4]
        dims = [32, 32] if i < 3 else [32]
        n = 1
        for d in dims:
            n *= d
        bpb, epb = sizes[t]
        size = n // epb * bpb
        off = len(data)
        data += bytes((j * 7 + i) % 251 for j in range(size))
        data += b"\x00" * ((-len(data)) % 32)
        infos.append(gguf_string(name) + struct.pack("<I", len(dims)) + b"".join(struct.pack("<Q", d) for d in dims) + struct.pack("<IQ", t, off))
    head = b"GGUF" + struct.pack("<IQQ", 3, len(infos), len(kv)) + b"".join(kv) + b"".join(infos)
    head += b"\x00" * ((-len(head)) % 32)
    return head + data


def gguf(out):
    for types in ([0, 0, 0, 0], [1, 8, 2, 0], [8]):
        put(out, "gguf", tiny_gguf(types))
    vocab = os.path.expanduser("~/.cache/env0/fixtures/chat/vocab/ggml-vocab-llama-bpe.gguf")
    if os.path.exists(vocab):
        with open(vocab, "rb") as f:
            put(out, "gguf", f.read(64 * 1024))


def safetensors(tensors):
    header, data = {}, b""
    for name, shape in tensors:
        n = 1
        for d in shape:
            n *= d
        raw = struct.pack(f"<{n}f", *[((i * 13) % 17 - 8) / 100 for i in range(n)])
        header[name] = {"dtype": "F32", "shape": shape, "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    h = json.dumps(header).encode()
    h += b" " * ((-len(h)) % 8)
    return struct.pack("<Q", len(h)) + h + data


def peft(out):
    r = 2
    config = {"peft_type": "LORA", "r": r, "lora_alpha": 4, "target_modules": ["q_proj", "v_proj"], "base_model_name_or_path": "HuggingFaceTB/SmolLM2-135M-Instruct", "lora_dropout": 0.0, "bias": "none"}
    tensors = []
    for layer in range(2):
        for module, outdim in (("q_proj", 16), ("v_proj", 8)):
            base = f"base_model.model.model.layers.{layer}.self_attn.{module}"
            tensors.append((f"{base}.lora_A.weight", [r, 16]))
            tensors.append((f"{base}.lora_B.weight", [outdim, r]))
    put(out, "peft_adapter", json.dumps(config).encode() + b"\x00" + safetensors(tensors))
    put(out, "peft_adapter", json.dumps(dict(config, r=0)).encode() + b"\x00" + safetensors(tensors[:1]))


def main():
    out, env0 = sys.argv[1], sys.argv[2]
    tool_calls(out)
    queries(out)
    rest(out)
    tasks(out)
    snapshot(out, env0)
    gguf(out)
    peft(out)
    for t in sorted(os.listdir(out)):
        print(f"{t}: {len(os.listdir(os.path.join(out, t)))} seeds")


if __name__ == "__main__":
    main()
