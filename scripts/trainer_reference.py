#!/usr/bin/env python3
"""Reference fixtures for the env0 trainer (torch + transformers + peft on CPU; not run in CI).

For each family (llama, qwen2, qwen3) it builds a tiny random model and writes, under
trainer/tests/fixtures/<family>/:
  model/                 config.json + model.safetensors (the base, f32)
  adapter_init/          the PEFT adapter before training (B is random so that A gets gradients)
  reference.safetensors  input_ids, labels, logits, loss, LoRA gradients after one backward,
                         the adapter after N AdamW steps (prefix "trained.")
  reference.json         the hyper-parameters, the per-step losses and learning rates
Then, with `--peft-check`, it loads OUR exported adapter (<family>/ours_adapter/, written by
`ENV0_WRITE_FIXTURES=1 cargo test -p env0-trainer --test reference`) with PeftModel and stores its
logits in <family>/ours_peft_logits.safetensors.
With `--bench`, it times one training step (forward + backward + AdamW) of PyTorch + PEFT.

Usage:  .venv/bin/python scripts/trainer_reference.py [--peft-check] [--bench]
"""
import argparse
import json
import math
import os
import time
from pathlib import Path

import torch
from peft import LoraConfig, PeftModel, get_peft_model
from safetensors.torch import load_file, save_file
from transformers import (LlamaConfig, LlamaForCausalLM, Qwen2Config, Qwen2ForCausalLM,
                          Qwen3Config, Qwen3ForCausalLM)

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "trainer" / "tests" / "fixtures"
TARGETS = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]

# Hyper-parameters shared with trainer/tests/trainer/reference.rs (also written to reference.json).
HP = dict(rank=4, alpha=8.0, lr=1e-2, weight_decay=0.01, beta1=0.9, beta2=0.999, eps=1e-8,
          max_grad_norm=1.0, warmup_steps=1, total_steps=4, steps=3, schedule="cosine")
BATCH, SEQ, PROMPT = 2, 16, 5


def tiny_config(family):
    common = dict(vocab_size=256, hidden_size=64, intermediate_size=128, num_hidden_layers=2,
                  num_attention_heads=4, num_key_value_heads=2, head_dim=16,
                  max_position_embeddings=128, rms_norm_eps=1e-6, initializer_range=0.1,
                  bos_token_id=1, eos_token_id=2, pad_token_id=0)
    if family == "llama":
        return LlamaForCausalLM, LlamaConfig(**common, rope_theta=10000.0, tie_word_embeddings=True,
                                             attention_bias=False, mlp_bias=False)
    if family == "qwen2":
        return Qwen2ForCausalLM, Qwen2Config(**common, rope_theta=1e6, tie_word_embeddings=False)
    if family == "qwen3":
        return Qwen3ForCausalLM, Qwen3Config(**common, rope_theta=1e6, tie_word_embeddings=True,
                                             attention_bias=False)
    raise ValueError(family)


def build_model(family, seed):
    cls, cfg = tiny_config(family)
    torch.manual_seed(seed)
    model = cls(cfg).float().eval()
    with torch.no_grad():
        for name, p in model.named_parameters():
            # Norm weights start at 1 and biases at 0: perturb them so the tests see them.
            if name.endswith("norm.weight"):
                p.add_(0.1 * torch.randn_like(p))
            elif name.endswith(".bias"):
                p.copy_(0.1 * torch.randn_like(p))
    return model


def batch(seed):
    g = torch.Generator().manual_seed(seed)
    ids = torch.randint(3, 256, (BATCH, SEQ), generator=g)
    labels = ids.clone()
    labels[:, :PROMPT] = -100  # prompt tokens carry no loss
    labels[1, -2:] = -100
    return ids, labels


def lora_model(model):
    cfg = LoraConfig(r=HP["rank"], lora_alpha=HP["alpha"], lora_dropout=0.0,
                     target_modules=TARGETS, bias="none", task_type="CAUSAL_LM")
    peft = get_peft_model(model, cfg)
    torch.manual_seed(1234)
    with torch.no_grad():
        for name, p in peft.named_parameters():
            if "lora_B" in name:
                p.copy_(0.1 * torch.randn_like(p))
    return peft


def lr_factor(step):
    w, total = HP["warmup_steps"], HP["total_steps"]
    if step < w:
        return step / max(1, w)
    progress = (step - w) / max(1, total - w)
    return 0.5 * (1.0 + math.cos(math.pi * progress))


def adapter_tensors(peft, attr):
    out = {}
    for name, p in peft.named_parameters():
        if "lora_" in name:
            key = name.replace(".default", "")
            t = p if attr is None else getattr(p, attr)
            out[key] = t.detach().clone().contiguous()
    return out


def generate(family, seed):
    out = FIXTURES / family
    (out / "model").mkdir(parents=True, exist_ok=True)
    model = build_model(family, seed)
    model.save_pretrained(out / "model", safe_serialization=True)
    peft = lora_model(model)
    peft.save_pretrained(out / "adapter_init")
    ids, labels = batch(seed + 1)

    tensors = {"input_ids": ids.to(torch.int64), "labels": labels.to(torch.int64)}
    res = peft(input_ids=ids, labels=labels)
    tensors["logits"] = res.logits.detach().float().contiguous()
    tensors["loss"] = res.loss.detach().reshape(1)
    res.loss.backward()
    for k, v in adapter_tensors(peft, "grad").items():
        tensors["grad." + k] = v
    peft.zero_grad()

    params = [p for p in peft.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=HP["lr"], betas=(HP["beta1"], HP["beta2"]), eps=HP["eps"],
                            weight_decay=HP["weight_decay"])
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lr_factor)
    losses, lrs = [], []
    for _ in range(HP["steps"]):
        loss = peft(input_ids=ids, labels=labels).loss
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, HP["max_grad_norm"])
        lrs.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
        opt.zero_grad()
        losses.append(loss.item())
    for k, v in adapter_tensors(peft, None).items():
        tensors["trained." + k] = v
    save_file(tensors, out / "reference.safetensors")
    meta = dict(HP, family=family, batch=BATCH, seq=SEQ, loss=tensors["loss"].item(),
                step_losses=losses, step_lrs=lrs, torch=torch.__version__)
    (out / "reference.json").write_text(json.dumps(meta, indent=1) + "\n")
    print(f"{family}: loss {meta['loss']:.6f}, step losses {losses}")


def peft_check(family):
    out = FIXTURES / family
    ours = out / "ours_adapter"
    if not ours.exists():
        print(f"{family}: no {ours}; run the Rust test with ENV0_WRITE_FIXTURES=1 first")
        return
    cls, _ = tiny_config(family)
    base = cls.from_pretrained(out / "model", torch_dtype=torch.float32).eval()
    peft = PeftModel.from_pretrained(base, ours).eval()
    ref = load_file(out / "reference.safetensors")
    with torch.no_grad():
        logits = peft(input_ids=ref["input_ids"]).logits.float().contiguous()
    save_file({"logits": logits}, out / "ours_peft_logits.safetensors")
    print(f"{family}: PEFT logits of our adapter written")


def bench(threads, seq, batch_size, steps):
    torch.set_num_threads(threads)
    model = build_model("qwen3", 7)
    peft = lora_model(model).train()
    g = torch.Generator().manual_seed(3)
    ids = torch.randint(3, 256, (batch_size, seq), generator=g)
    params = [p for p in peft.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=1e-3)

    def step():
        loss = peft(input_ids=ids, labels=ids).loss
        loss.backward()
        opt.step()
        opt.zero_grad()

    for _ in range(5):
        step()
    times = []
    for _ in range(steps):
        t0 = time.perf_counter()
        step()
        times.append(time.perf_counter() - t0)
    times.sort()
    # The minimum and the median: on a shared machine the minimum is the least disturbed step.
    print(json.dumps(dict(config="qwen3-tiny", threads=threads, batch=batch_size, seq=seq,
                          torch_step_ms_min=times[0] * 1e3,
                          torch_step_ms_median=times[len(times) // 2] * 1e3,
                          torch=torch.__version__)))


def quant_blocks():
    """Random blocks of each GGML type and the `gguf` package's dequantization of them."""
    import numpy as np
    from gguf import GGMLQuantizationType as T, quants
    rng = np.random.default_rng(5)
    # (type, block bytes, byte offsets of f16 scale fields)
    specs = {"q4_0": (T.Q4_0, 18, [0]), "q4_1": (T.Q4_1, 20, [0, 2]), "q8_0": (T.Q8_0, 34, [0]),
             "q4_k": (T.Q4_K, 144, [0, 2]), "q6_k": (T.Q6_K, 210, [208])}
    tensors = {}
    for name, (qtype, size, halves) in specs.items():
        blocks = rng.integers(0, 256, size=(4, size), dtype=np.uint8)
        for off in halves:  # finite, moderate scales
            scales = rng.uniform(-0.1, 0.1, size=4).astype(np.float16)
            blocks[:, off:off + 2] = scales.view(np.uint8).reshape(4, 2)
        ref = quants.dequantize(blocks.reshape(-1), qtype).astype(np.float32).reshape(-1)
        tensors[name + ".bytes"] = torch.from_numpy(blocks.reshape(-1).copy())
        tensors[name + ".values"] = torch.from_numpy(ref.copy())
    save_file(tensors, FIXTURES / "quant_blocks.safetensors")
    print("quant blocks written")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--peft-check", action="store_true")
    ap.add_argument("--bench", action="store_true")
    ap.add_argument("--threads", type=int, default=int(os.environ.get("BENCH_THREADS", "2")))
    ap.add_argument("--seq", type=int, default=128)
    ap.add_argument("--batch", type=int, default=4)
    ap.add_argument("--steps", type=int, default=20)
    args = ap.parse_args()
    torch.set_num_threads(1)
    families = ["llama", "qwen2", "qwen3"]
    if args.bench:
        bench(args.threads, args.seq, args.batch, args.steps)
    elif args.peft_check:
        for f in families:
            peft_check(f)
    else:
        for i, f in enumerate(families):
            generate(f, 100 + i)
        quant_blocks()


if __name__ == "__main__":
    main()
