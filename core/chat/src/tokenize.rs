//! Tokenizers for rendered prompts: HF `tokenizer.json` files, or a BPE tokenizer built from a GGUF
//! vocabulary (`tokenizer.ggml.tokens` / `merges` / `token_type` plus llama.cpp's pre-tokenizer
//! regexes), so GGUF-only models tokenize exactly as llama.cpp does.

use std::path::Path;

use tokenizers::decoders::byte_fallback::ByteFallback;
use tokenizers::decoders::byte_level::ByteLevel as ByteLevelDecoder;
use tokenizers::decoders::fuse::Fuse;
use tokenizers::decoders::sequence::Sequence as DecoderSequence;
use tokenizers::models::bpe::{Vocab, BPE};
use tokenizers::normalizers::replace::Replace;
use tokenizers::pre_tokenizers::byte_level::ByteLevel;
use tokenizers::pre_tokenizers::sequence::Sequence;
use tokenizers::pre_tokenizers::split::{Split, SplitPattern};
use tokenizers::pre_tokenizers::PreTokenizerWrapper;
use tokenizers::{
    AddedToken, DecoderWrapper, NormalizerWrapper, SplitDelimiterBehavior, Tokenizer,
};

use super::error::{ChatError, Result};
use super::gguf::Gguf;

/// Token ids of a text with the byte range of each token in that text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Encoded {
    pub ids: Vec<u32>,
    /// `(start, end)` byte offsets into the encoded text.
    pub offsets: Vec<(usize, usize)>,
}

/// A tokenizer for rendered chat text. Special tokens written in the text (`<|im_start|>`) are
/// matched as single tokens; nothing is added around the text (the template adds BOS itself).
#[derive(Clone)]
pub struct ChatTokenizer {
    inner: Tokenizer,
}

impl std::fmt::Debug for ChatTokenizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChatTokenizer")
            .field("vocab_size", &self.inner.get_vocab_size(true))
            .finish()
    }
}

/// GGUF `tokenizer.ggml.token_type` values (llama.cpp `llama_token_type`).
const TOKEN_CONTROL: i64 = 3;
const TOKEN_USER_DEFINED: i64 = 4;

impl ChatTokenizer {
    /// From a HF `tokenizer.json`.
    pub fn from_file(path: &Path) -> Result<Self> {
        let bytes = std::fs::read(path).map_err(|source| ChatError::Io {
            path: path.to_owned(),
            source,
        })?;
        let inner = Tokenizer::from_bytes(&bytes)
            .map_err(|e| ChatError::Tokenizer(format!("{}: {e}", path.display())))?;
        Ok(ChatTokenizer { inner })
    }

    pub fn from_tokenizer(inner: Tokenizer) -> Self {
        ChatTokenizer { inner }
    }

    /// Builds the tokenizer described by a GGUF vocabulary. Supported: `gpt2` byte-level BPE
    /// with the pre-tokenizers of qwen2, qwen35, llama3 (llama-bpe), smollm and gpt2, and the
    /// `gemma4` SentencePiece-style BPE.
    pub fn from_gguf(gguf: &Gguf) -> Result<Self> {
        let model = gguf
            .get_str("tokenizer.ggml.model")
            .ok_or_else(|| ChatError::Gguf("no tokenizer.ggml.model".into()))?;
        let tokens = gguf.string_array("tokenizer.ggml.tokens")?;
        let merges = gguf.string_array("tokenizer.ggml.merges")?;
        let types: Vec<i64> = match gguf
            .get("tokenizer.ggml.token_type")
            .and_then(|v| v.as_array())
        {
            Some(arr) => arr.iter().map(|v| v.as_i64().unwrap_or(1)).collect(),
            None => vec![1; tokens.len()],
        };
        let mut vocab = Vocab::default();
        for (id, tok) in tokens.iter().enumerate() {
            let id =
                u32::try_from(id).map_err(|_| ChatError::Gguf("vocabulary too large".into()))?;
            vocab.insert((*tok).to_owned(), id);
        }
        let merges = merges
            .iter()
            .map(|m| {
                m.split_once(' ')
                    .map(|(a, b)| (a.to_owned(), b.to_owned()))
                    .ok_or_else(|| ChatError::Gguf(format!("bad merge {m:?}")))
            })
            .collect::<Result<Vec<_>>>()?;
        let tk_err = |e: tokenizers::Error| ChatError::Tokenizer(e.to_string());
        let mut inner = match model {
            "gpt2" => {
                let pre = gguf.get_str("tokenizer.ggml.pre").unwrap_or("default");
                let (regexes, ignore_merges) = bpe_pre_tokenizer(pre)?;
                let bpe = BPE::builder()
                    .vocab_and_merges(vocab, merges)
                    .ignore_merges(ignore_merges)
                    .build()
                    .map_err(tk_err)?;
                let mut steps = Vec::new();
                for re in regexes {
                    let split = Split::new(
                        SplitPattern::Regex(re.to_owned()),
                        SplitDelimiterBehavior::Isolated,
                        false,
                    )
                    .map_err(tk_err)?;
                    steps.push(PreTokenizerWrapper::Split(split));
                }
                steps.push(PreTokenizerWrapper::ByteLevel(ByteLevel::new(
                    false, false, false,
                )));
                let mut t = Tokenizer::new(bpe);
                t.with_pre_tokenizer(Some(Sequence::new(steps)));
                t.with_decoder(Some(ByteLevelDecoder::default()));
                t
            }
            "gemma4" => {
                // SentencePiece-style BPE on raw UTF-8: spaces become '▁', lines are split apart
                // (llama.cpp LLAMA_VOCAB_PRE_TYPE_GEMMA4), unknown bytes fall back to <0xXX>.
                let bpe = BPE::builder()
                    .vocab_and_merges(vocab, merges)
                    .byte_fallback(true)
                    .build()
                    .map_err(tk_err)?;
                let split = Split::new(
                    SplitPattern::Regex("[^\\n]+|[\\n]+".to_owned()),
                    SplitDelimiterBehavior::Isolated,
                    false,
                )
                .map_err(tk_err)?;
                let mut t = Tokenizer::new(bpe);
                t.with_normalizer(Some(NormalizerWrapper::Replace(
                    Replace::new(" ", "\u{2581}").map_err(tk_err)?,
                )));
                t.with_pre_tokenizer(Some(split));
                t.with_decoder(Some(DecoderSequence::new(vec![
                    DecoderWrapper::Replace(Replace::new("\u{2581}", " ").map_err(tk_err)?),
                    DecoderWrapper::ByteFallback(ByteFallback::new()),
                    DecoderWrapper::Fuse(Fuse::new()),
                ])));
                t
            }
            other => {
                return Err(ChatError::Tokenizer(format!(
                    "GGUF tokenizer model {other:?} is not supported (gpt2, gemma4)"
                )))
            }
        };
        // Control tokens are special (matched in chat text, skipped when decoding); user-defined
        // tokens are plain added tokens, matched always — as llama.cpp does.
        let mut special = Vec::new();
        let mut user = Vec::new();
        for (tok, ty) in tokens.iter().zip(types.iter()) {
            match *ty {
                TOKEN_CONTROL => {
                    special.push(AddedToken::from((*tok).to_owned(), true).normalized(false))
                }
                TOKEN_USER_DEFINED => {
                    user.push(AddedToken::from((*tok).to_owned(), false).normalized(false))
                }
                _ => {}
            }
        }
        inner.add_special_tokens(&special);
        inner.add_tokens(&user);
        Ok(ChatTokenizer { inner })
    }

    /// Token ids and byte offsets of `text`; special-token strings become their single ids.
    pub fn encode(&self, text: &str) -> Result<Encoded> {
        let enc = self
            .inner
            .encode(text, false)
            .map_err(|e| ChatError::Tokenizer(e.to_string()))?;
        Ok(Encoded {
            ids: enc.get_ids().to_vec(),
            offsets: enc.get_offsets().to_vec(),
        })
    }

    /// Token ids of `text` with special-token strings treated as plain text (llama.cpp
    /// `parse_special = false`), as used by llama.cpp's tokenizer test vectors.
    pub fn encode_plain(&self, text: &str) -> Result<Vec<u32>> {
        let mut t = self.inner.clone();
        t.set_encode_special_tokens(true);
        let enc = t
            .encode(text, false)
            .map_err(|e| ChatError::Tokenizer(e.to_string()))?;
        Ok(enc.get_ids().to_vec())
    }

    pub fn decode(&self, ids: &[u32]) -> Result<String> {
        self.inner
            .decode(ids, false)
            .map_err(|e| ChatError::Tokenizer(e.to_string()))
    }

    pub fn token_to_id(&self, token: &str) -> Option<u32> {
        self.inner.token_to_id(token)
    }

    pub fn inner(&self) -> &Tokenizer {
        &self.inner
    }
}

/// llama.cpp's pre-tokenizer regexes per `tokenizer.ggml.pre` (src/llama-vocab.cpp), applied one
/// after the other, and whether whole words found in the vocabulary skip the merges.
fn bpe_pre_tokenizer(pre: &str) -> Result<(Vec<&'static str>, bool)> {
    const GPT2: &str =
        "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)";
    Ok(match pre {
        "llama3" | "llama-bpe" | "llama-v3" => (
            vec!["(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"],
            true,
        ),
        "qwen2" => (
            vec!["(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"],
            false,
        ),
        "qwen35" => (
            vec!["(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?[\\p{L}\\p{M}]+|\\p{N}| ?[^\\s\\p{L}\\p{M}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"],
            false,
        ),
        "smollm" | "starcoder" | "refact" | "command-r" => (vec!["\\p{N}", GPT2], false),
        "gpt2" | "gpt-2" | "default" | "mpt" | "olmo" => (vec![GPT2], false),
        other => {
            return Err(ChatError::Tokenizer(format!(
                "GGUF pre-tokenizer {other:?} is not supported"
            )))
        }
    })
}
