#!/usr/bin/env python3
"""Reference renderings for env0's chat formats (core/chat/tests/chat/golden.rs).

Renders every conversation of core/chat/tests/fixtures/chat/conversations.json with each family's real
chat template, the way transformers' `apply_chat_template` does (jinja2 ImmutableSandboxedEnvironment
with trim_blocks/lstrip_blocks + loopcontrols, HF's `tojson`, `raise_exception`, `strftime_now`),
and tokenizes the text with the Python `tokenizers` library. Writes one golden JSON per family under
core/chat/tests/fixtures/chat/.

Tokenizers: Qwen2.5 and Qwen3 use the real tokenizer.json. Python `tokenizers` cannot read a GGUF
vocabulary, so for SmolLM2 and Gemma 4 this script builds a `tokenizers.Tokenizer` from the GGUF
vocabulary the way transformers' GGUF converter does (byte-level BPE + llama.cpp's pre-tokenizer
regexes; Gemma 4: '▁' normalizer, byte fallback). That construction is checked independently
against llama.cpp's own tokenizer test vectors in core/chat/tests/chat/vocab.rs. Qwen3.5 has no
tokenizer.json in any package (its 248k vocab ships only as tiktoken ranks), so its goldens hold
text only.

Usage: scripts/fetch-fixtures.sh chat
       python3 -m venv .venv && .venv/bin/pip install -r scripts/requirements-goldens.txt
       .venv/bin/python scripts/gen_chat_goldens.py
"""

import datetime
import json
import os
import struct
import sys
from pathlib import Path

import jinja2
import jinja2.ext
import jinja2.sandbox
from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(os.environ.get("ENV0_FIXTURES", Path.home() / ".cache/env0/fixtures")) / "chat"
OUT = ROOT / "core/chat/tests/fixtures/chat"
# Frozen "now" for strftime_now (the Rust side passes the same instant).
NOW = datetime.datetime.fromtimestamp(1_795_000_000, tz=datetime.timezone.utc)


# --- HF apply_chat_template environment -------------------------------------------------------

def raise_exception(message):
    raise jinja2.exceptions.TemplateError(message)


def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
    return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)


def strftime_now(format):
    return NOW.strftime(format)


def compile_template(source):
    env = jinja2.sandbox.ImmutableSandboxedEnvironment(
        trim_blocks=True, lstrip_blocks=True, extensions=[jinja2.ext.loopcontrols]
    )
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    env.globals["strftime_now"] = strftime_now
    return env.from_string(source)


def render(template, conv, bos, eos):
    kwargs = {}
    if conv["enable_thinking"] is not None:
        kwargs["enable_thinking"] = conv["enable_thinking"]
    return template.render(
        messages=conv["messages"],
        tools=conv["tools"] or None,
        add_generation_prompt=conv["add_generation_prompt"],
        bos_token=bos,
        eos_token=eos,
        **kwargs,
    )


# --- GGUF metadata -----------------------------------------------------------------------------

def read_gguf_kv(path):
    with open(path, "rb") as f:
        def rd(fmt):
            size = struct.calcsize("<" + fmt)
            return struct.unpack("<" + fmt, f.read(size))[0]

        def rstr():
            return f.read(rd("Q")).decode("utf-8")

        scalar = {0: "B", 1: "b", 2: "H", 3: "h", 4: "I", 5: "i", 6: "f", 7: "?", 10: "Q", 11: "q", 12: "d"}

        def rval(t):
            if t == 8:
                return rstr()
            if t == 9:
                et, n = rd("I"), rd("Q")
                if et in scalar:
                    fmt = "<%d%s" % (n, scalar[et])
                    return list(struct.unpack(fmt, f.read(struct.calcsize(fmt))))
                return [rval(et) for _ in range(n)]
            return rd(scalar[t])

        assert f.read(4) == b"GGUF"
        rd("I"), rd("Q")
        n_kv = rd("Q")
        kv = {}
        for _ in range(n_kv):
            key = rstr()
            kv[key] = rval(rd("I"))
        return kv


GPT2 = r"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)"
PRE = {  # llama.cpp src/llama-vocab.cpp
    "smollm": [r"\p{N}", GPT2],
    "gpt2": [GPT2],
}


def tokenizer_from_gguf(kv):
    tokens = kv["tokenizer.ggml.tokens"]
    types = kv["tokenizer.ggml.token_type"]
    merges = [tuple(m.split(" ", 1)) for m in kv["tokenizer.ggml.merges"]]
    vocab = {t: i for i, t in enumerate(tokens)}
    model = kv["tokenizer.ggml.model"]
    if model == "gpt2":
        tok = Tokenizer(models.BPE(vocab=vocab, merges=merges))
        steps = [pre_tokenizers.Split(Regex(r), behavior="isolated") for r in PRE[kv["tokenizer.ggml.pre"]]]
        steps.append(pre_tokenizers.ByteLevel(add_prefix_space=False, trim_offsets=False, use_regex=False))
        tok.pre_tokenizer = pre_tokenizers.Sequence(steps)
        tok.decoder = decoders.ByteLevel()
    elif model == "gemma4":
        tok = Tokenizer(models.BPE(vocab=vocab, merges=merges, byte_fallback=True))
        tok.normalizer = normalizers.Replace(" ", "\u2581")
        tok.pre_tokenizer = pre_tokenizers.Split(Regex(r"[^\n]+|[\n]+"), behavior="isolated")
    else:
        raise SystemExit(f"unsupported GGUF tokenizer {model}")
    tok.add_special_tokens([AddedToken(t, special=True, normalized=False) for t, ty in zip(tokens, types) if ty == 3])
    tok.add_tokens([AddedToken(t, special=False, normalized=False) for t, ty in zip(tokens, types) if ty == 4])
    return tok


# --- families ----------------------------------------------------------------------------------

def families():
    qwen_tok = Tokenizer.from_file(str(FIXTURES / "qwen3/tokenizer.json"))
    qwen3_cfg = json.loads((FIXTURES / "qwen3/tokenizer_config.json").read_text())
    smol_kv = read_gguf_kv(FIXTURES / "smollm2/SmolLM2-135M-Instruct.Q4_1.gguf")
    smol_tok = tokenizer_from_gguf(smol_kv)
    gemma_kv = read_gguf_kv(FIXTURES / "vocab/ggml-vocab-gemma-4.gguf")
    gemma_tok = tokenizer_from_gguf(gemma_kv)
    tpl = lambda name: (FIXTURES / "templates" / name).read_text()
    smol_tokens = smol_kv["tokenizer.ggml.tokens"]
    return {
        "qwen2.5": (tpl("Qwen-Qwen2.5-7B-Instruct.jinja"), "", "<|im_end|>", qwen_tok),
        "qwen3": (qwen3_cfg["chat_template"], "", qwen3_cfg["eos_token"], qwen_tok),
        "qwen3.5": (tpl("Qwen3.5-4B.jinja"), "", "<|im_end|>", None),
        "gemma4": (tpl("google-gemma-4-31B-it.jinja"), "<bos>", "<eos>", gemma_tok),
        # The template embedded in the Gemma 4 vocab GGUF (an older revision than the 31B-it file).
        "gemma4-gguf": (gemma_kv["tokenizer.chat_template"], "<bos>", "<eos>", gemma_tok),
        "smollm2": (
            smol_kv["tokenizer.chat_template"],
            smol_tokens[smol_kv["tokenizer.ggml.bos_token_id"]],
            smol_tokens[smol_kv["tokenizer.ggml.eos_token_id"]],
            smol_tok,
        ),
        "smollm2-hermes": (
            (ROOT / "core/src/chat/templates/chatml_hermes.jinja").read_text(),
            "",
            "<|im_end|>",
            smol_tok,
        ),
    }


def main():
    convs = json.loads((OUT / "conversations.json").read_text())["conversations"]
    for family, (source, bos, eos, tok) in families().items():
        template = compile_template(source)
        cases = []
        for conv in convs:
            text = render(template, conv, bos, eos)
            case = {"name": conv["name"], "text": text}
            if tok is not None:
                case["ids"] = tok.encode(text, add_special_tokens=False).ids
            cases.append(case)
        path = OUT / f"golden_{family}.json"
        with open(path, "w", encoding="utf-8") as f:
            f.write('{"family": %s, "cases": [\n' % json.dumps(family))
            f.write(",\n".join(json.dumps(c, ensure_ascii=False, separators=(",", ":")) for c in cases))
            f.write("\n]}\n")
        print(f"{path.relative_to(ROOT)}: {len(cases)} cases", file=sys.stderr)


if __name__ == "__main__":
    main()
