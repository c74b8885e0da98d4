//! `ModelStore`: the app's models directory. A GGUF model or a PEFT LoRA adapter is validated
//! first (so a wrong or truncated file is refused before anything is copied), then copied in on a
//! Rust thread with progress, hashed (sha256) while it is copied, and described by a manifest.
//!
//! Layout: `<dir>/<id>/` holds the files and `manifest.json`; `id` is the first 16 hex digits of
//! the main file's sha256, so importing the same file twice gives the same entry. An import is
//! copied into `<dir>/.incoming-*` and renamed into place only when complete; a killed import
//! leaves only an `.incoming-*` folder, which the next `open` removes.

use std::fs::{self, File};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::thread;

use env0_chat::{Family, Gguf};
use env0_core::agent::CancelToken;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::agent::Agent;
use crate::{guard, Env0Error, Slot};

/// GGUF architectures the local backend (mistralrs 0.8.1) runs.
pub const SUPPORTED_ARCHITECTURES: [&str; 8] = [
    "llama",
    "mistral3",
    "phi2",
    "phi3",
    "starcoder2",
    "qwen2",
    "qwen3",
    "qwen3moe",
];

const MANIFEST: &str = "manifest.json";
const ADAPTER_CONFIG: &str = "adapter_config.json";
const ADAPTER_WEIGHTS: &str = "adapter_model.safetensors";

/// One file of an entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, uniffi::Record)]
pub struct ModelFile {
    pub name: String,
    pub size_bytes: u64,
    pub sha256: String,
}

/// What a model or adapter is, as read from its files.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, uniffi::Record)]
pub struct ModelInfo {
    /// `gguf` or `lora_adapter`.
    pub kind: String,
    /// GGUF: `general.architecture`; adapter: the base model it was trained on.
    pub architecture: String,
    /// The chat family env0 renders prompts for (`qwen3`, `smollm2`…), when known.
    pub family: Option<String>,
    /// GGUF: `general.name`; adapter: its folder name.
    pub display_name: String,
    pub context_length: Option<u64>,
    /// GGUF: tensor count; adapter: tensor count.
    pub tensors: u64,
    /// Adapter: LoRA rank and alpha.
    pub lora_rank: Option<u32>,
    pub lora_alpha: Option<f64>,
    pub size_bytes: u64,
}

/// An entry of the store.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, uniffi::Record)]
pub struct ModelRecord {
    pub id: String,
    /// The name the app gave it (defaults to the file or folder name).
    pub name: String,
    pub info: ModelInfo,
    pub files: Vec<ModelFile>,
    /// The folder holding the files (what `Agent.local` loads).
    pub path: String,
    /// Seconds since the Unix epoch.
    pub imported_at: u64,
}

/// Receives import progress, on the import's thread.
#[uniffi::export(with_foreign)]
pub trait ImportListener: Send + Sync {
    fn on_progress(&self, copied_bytes: u64, total_bytes: u64);
}

/// A running import.
#[derive(uniffi::Object)]
pub struct ImportHandle {
    cancel: CancelToken,
    done: Arc<Slot<Result<ModelRecord, Env0Error>>>,
}

#[uniffi::export]
impl ImportHandle {
    /// Stops the copy; nothing of it stays in the store, and `join` returns `Cancelled`.
    pub fn cancel(&self) {
        self.cancel.cancel();
    }

    pub fn is_finished(&self) -> bool {
        self.done.is_set()
    }

    /// Blocks until the import ends (call it off the UI thread).
    pub fn join(&self) -> Result<ModelRecord, Env0Error> {
        guard(|| self.done.wait()?)
    }
}

/// How to run a local model.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct LocalOptions {
    /// Context window to enforce (`None`: the model's own).
    pub context: Option<u32>,
    /// Activation dtype: `auto`, `f32`, `f16` or `bf16` (`None`: auto).
    pub dtype: Option<String>,
    /// 0 = greedy.
    pub temperature: f64,
    /// Qwen3-style thinking (`None`: the template's default).
    pub enable_thinking: Option<bool>,
}

/// Receives the stages of a model load (`checking`, `loading`, `ready`), on the load's thread.
#[uniffi::export(with_foreign)]
pub trait LoadListener: Send + Sync {
    fn on_stage(&self, stage: String);
}

/// A model being loaded.
#[derive(uniffi::Object)]
pub struct LoadHandle {
    done: Arc<Slot<Result<Arc<Agent>, Env0Error>>>,
}

#[uniffi::export]
impl LoadHandle {
    pub fn is_finished(&self) -> bool {
        self.done.is_set()
    }

    /// Blocks until the model is loaded (call it off the UI thread).
    pub fn join(&self) -> Result<Arc<Agent>, Env0Error> {
        guard(|| self.done.wait()?)
    }
}

/// The models directory.
#[derive(uniffi::Object)]
pub struct ModelStore {
    dir: PathBuf,
}

fn storage(what: &str, path: &Path, e: impl std::fmt::Display) -> Env0Error {
    Env0Error::Storage {
        detail: format!("{what} {}: {e}", path.display()),
    }
}

fn invalid_model(path: &Path, why: impl std::fmt::Display) -> Env0Error {
    Env0Error::invalid(format!("{} is not a usable model: {why}", path.display()))
}

fn file_size(path: &Path) -> Result<u64, Env0Error> {
    match fs::metadata(path) {
        Ok(m) if m.is_file() => Ok(m.len()),
        Ok(_) => Err(Env0Error::invalid(format!(
            "{} is not a file",
            path.display()
        ))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(Env0Error::not_found(format!(
            "no file at {}",
            path.display()
        ))),
        Err(e) => Err(storage("reading", path, e)),
    }
}

/// Reads and checks a GGUF file's header: magic and version, a supported architecture, a chat
/// family env0 can render, and a file long enough for every tensor (a truncated download).
pub fn inspect_gguf(path: &Path) -> Result<ModelInfo, Env0Error> {
    let size = file_size(path)?;
    let gguf = Gguf::open(path).map_err(|e| invalid_model(path, e))?;
    let arch = gguf
        .architecture()
        .ok_or_else(|| invalid_model(path, "no general.architecture in its header"))?
        .to_string();
    if !SUPPORTED_ARCHITECTURES.contains(&arch.as_str()) {
        return Err(invalid_model(
            path,
            format!(
                "architecture '{arch}' is not one the local backend runs ({})",
                SUPPORTED_ARCHITECTURES.join(", ")
            ),
        ));
    }
    let family = Family::from_gguf(&gguf).ok_or_else(|| {
        invalid_model(
            path,
            "no chat family env0 knows (Qwen 2.5/3/3.5, Gemma 4, SmolLM2) in its metadata",
        )
    })?;
    if gguf.tensors.is_empty() {
        return Err(invalid_model(path, "it has no tensors"));
    }
    if let Some(end) = gguf.data_end() {
        if size < end {
            return Err(invalid_model(
                path,
                format!("it is truncated: {size} bytes, its tensors need {end}"),
            ));
        }
    }
    Ok(ModelInfo {
        kind: "gguf".into(),
        family: Some(family.name().to_string()),
        display_name: gguf
            .get_str("general.name")
            .unwrap_or(arch.as_str())
            .to_string(),
        context_length: gguf.get_u64(&format!("{arch}.context_length")),
        architecture: arch,
        tensors: gguf.tensors.len() as u64,
        lora_rank: None,
        lora_alpha: None,
        size_bytes: size,
    })
}

#[derive(Deserialize)]
struct AdapterConfig {
    peft_type: Option<String>,
    r: Option<u32>,
    lora_alpha: Option<f64>,
    base_model_name_or_path: Option<String>,
}

/// Reads and checks a PEFT LoRA adapter folder: `adapter_config.json` (a LoRA with a rank) and
/// `adapter_model.safetensors` (a valid header with lora_A/lora_B pairs, data all there).
pub fn inspect_adapter(dir: &Path) -> Result<ModelInfo, Env0Error> {
    if !dir.is_dir() {
        return Err(Env0Error::not_found(format!(
            "no adapter folder at {}",
            dir.display()
        )));
    }
    let config_path = dir.join(ADAPTER_CONFIG);
    let text = fs::read_to_string(&config_path)
        .map_err(|e| invalid_model(dir, format!("reading {ADAPTER_CONFIG}: {e}")))?;
    let config: AdapterConfig = serde_json::from_str(&text)
        .map_err(|e| invalid_model(dir, format!("{ADAPTER_CONFIG}: {e}")))?;
    if config.peft_type.as_deref().is_some_and(|t| t != "LORA") {
        return Err(invalid_model(
            dir,
            format!("peft_type {:?} is not LORA", config.peft_type),
        ));
    }
    let rank = config
        .r
        .filter(|r| *r > 0)
        .ok_or_else(|| invalid_model(dir, format!("{ADAPTER_CONFIG} has no rank `r`")))?;
    let weights = dir.join(ADAPTER_WEIGHTS);
    let size = file_size(&weights)?;
    let header = read_safetensors_header(&weights, size)?;
    let names: Vec<&String> = header.keys().filter(|k| *k != "__metadata__").collect();
    let a = names.iter().filter(|n| n.contains("lora_A")).count();
    let b = names.iter().filter(|n| n.contains("lora_B")).count();
    if a == 0 || a != b {
        return Err(invalid_model(
            dir,
            format!("{ADAPTER_WEIGHTS} holds {a} lora_A and {b} lora_B tensors"),
        ));
    }
    let base = config.base_model_name_or_path.unwrap_or_default();
    Ok(ModelInfo {
        kind: "lora_adapter".into(),
        family: Family::from_model_name(&base).map(|f| f.name().to_string()),
        architecture: base,
        display_name: dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        context_length: None,
        tensors: names.len() as u64,
        lora_rank: Some(rank),
        lora_alpha: config.lora_alpha,
        size_bytes: size + text.len() as u64,
    })
}

/// The JSON header of a safetensors file, checked against the file's length.
fn read_safetensors_header(
    path: &Path,
    size: u64,
) -> Result<serde_json::Map<String, serde_json::Value>, Env0Error> {
    let mut file = File::open(path).map_err(|e| storage("opening", path, e))?;
    let mut len = [0u8; 8];
    file.read_exact(&mut len)
        .map_err(|_| invalid_model(path, "shorter than a safetensors header"))?;
    let header_len = u64::from_le_bytes(len);
    if header_len > 100_000_000 || 8 + header_len > size {
        return Err(invalid_model(
            path,
            "its safetensors header length is wrong",
        ));
    }
    let mut header = vec![0u8; header_len as usize];
    file.read_exact(&mut header)
        .map_err(|e| invalid_model(path, e))?;
    let map: serde_json::Map<String, serde_json::Value> = serde_json::from_slice(&header)
        .map_err(|e| invalid_model(path, format!("safetensors header: {e}")))?;
    let data_end = map
        .values()
        .filter_map(|v| v.get("data_offsets")?.as_array()?.get(1)?.as_u64())
        .max()
        .unwrap_or(0);
    if 8 + header_len + data_end > size {
        return Err(invalid_model(
            path,
            format!(
                "it is truncated: {size} bytes, its tensors need {}",
                8 + header_len + data_end
            ),
        ));
    }
    Ok(map)
}

/// Copies `from` to `to`, hashing as it goes, reporting progress against `total` (which counts
/// `done_before` bytes already copied) and stopping on cancel.
fn copy_hashed(
    from: &Path,
    to: &Path,
    done_before: u64,
    total: u64,
    cancel: &CancelToken,
    listener: &dyn ImportListener,
) -> Result<ModelFile, Env0Error> {
    let mut src = File::open(from).map_err(|e| storage("opening", from, e))?;
    let mut dst = File::create(to).map_err(|e| storage("creating", to, e))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut copied = 0u64;
    let mut reported = 0u64;
    loop {
        if cancel.is_cancelled() {
            return Err(Env0Error::Cancelled);
        }
        let n = src
            .read(&mut buf)
            .map_err(|e| storage("reading", from, e))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        dst.write_all(&buf[..n])
            .map_err(|e| storage("writing", to, e))?;
        copied += n as u64;
        // About every 1 % (and at least every 64 MiB), not on every read.
        if copied - reported >= (total / 100).clamp(1 << 20, 64 << 20) {
            listener.on_progress(done_before + copied, total);
            reported = copied;
        }
    }
    dst.sync_all().map_err(|e| storage("syncing", to, e))?;
    Ok(ModelFile {
        name: to
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        size_bytes: copied,
        sha256: hex::encode(hasher.finalize()),
    })
}

fn sha256_file(path: &Path) -> Result<String, Env0Error> {
    let mut f = File::open(path).map_err(|e| storage("opening", path, e))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = f.read(&mut buf).map_err(|e| storage("reading", path, e))?;
        if n == 0 {
            return Ok(hex::encode(hasher.finalize()));
        }
        hasher.update(&buf[..n]);
    }
}

fn now_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

impl ModelStore {
    fn entry(&self, id: &str) -> Result<PathBuf, Env0Error> {
        let valid = !id.is_empty() && id.chars().all(|c| c.is_ascii_hexdigit());
        if !valid {
            return Err(Env0Error::invalid(format!("'{id}' is not a model id")));
        }
        let path = self.dir.join(id);
        if path.join(MANIFEST).is_file() {
            Ok(path)
        } else {
            Err(Env0Error::not_found(format!(
                "no model '{id}' in the store"
            )))
        }
    }

    /// Copies `sources` (file name in the store, path) into a staging folder, writes the
    /// manifest and moves it into place as `<id>`.
    fn import(
        &self,
        sources: Vec<(&'static str, PathBuf)>,
        name: String,
        info: ModelInfo,
        cancel: &CancelToken,
        listener: &dyn ImportListener,
    ) -> Result<ModelRecord, Env0Error> {
        let mut total = 0;
        for (_, path) in &sources {
            total += file_size(path)?;
        }
        let staging = self
            .dir
            .join(format!(".incoming-{}-{}", std::process::id(), now_secs()));
        fs::create_dir_all(&staging).map_err(|e| storage("creating", &staging, e))?;
        let result = (|| {
            let mut files = Vec::new();
            let mut done = 0;
            listener.on_progress(0, total);
            for (file_name, path) in &sources {
                let file = copy_hashed(
                    path,
                    &staging.join(file_name),
                    done,
                    total,
                    cancel,
                    listener,
                )?;
                done += file.size_bytes;
                files.push(file);
            }
            listener.on_progress(done, total);
            let id: String = files
                .last()
                .map(|f| f.sha256.chars().take(16).collect())
                .unwrap_or_default();
            let target = self.dir.join(&id);
            let record = ModelRecord {
                id: id.clone(),
                name,
                info,
                files,
                path: target.display().to_string(),
                imported_at: now_secs(),
            };
            if target.join(MANIFEST).is_file() {
                // The same bytes are already in the store.
                return self.read(&id);
            }
            let manifest =
                serde_json::to_string_pretty(&record).map_err(|e| Env0Error::Internal {
                    detail: format!("manifest: {e}"),
                })?;
            fs::write(staging.join(MANIFEST), manifest)
                .map_err(|e| storage("writing the manifest in", &staging, e))?;
            if target.exists() {
                fs::remove_dir_all(&target).map_err(|e| storage("replacing", &target, e))?;
            }
            fs::rename(&staging, &target).map_err(|e| storage("moving into", &target, e))?;
            Ok(record)
        })();
        if staging.exists() {
            // A failure, a cancel, or a duplicate: nothing of this import stays.
            let _ = fs::remove_dir_all(&staging);
        }
        result
    }

    fn read(&self, id: &str) -> Result<ModelRecord, Env0Error> {
        let path = self.dir.join(id).join(MANIFEST);
        let text = fs::read_to_string(&path).map_err(|e| storage("reading", &path, e))?;
        let mut record: ModelRecord =
            serde_json::from_str(&text).map_err(|e| storage("parsing", &path, e))?;
        record.path = self.dir.join(id).display().to_string();
        Ok(record)
    }

    fn spawn(
        self: Arc<Self>,
        work: impl FnOnce(&ModelStore, &CancelToken) -> Result<ModelRecord, Env0Error> + Send + 'static,
    ) -> Result<Arc<ImportHandle>, Env0Error> {
        let cancel = CancelToken::new();
        let done = Slot::new();
        let handle = Arc::new(ImportHandle {
            cancel: cancel.clone(),
            done: done.clone(),
        });
        thread::Builder::new()
            .name("env0-model-import".into())
            .spawn(move || done.put(guard(|| work(&self, &cancel))))
            .map_err(|e| Env0Error::Internal {
                detail: format!("starting the import thread: {e}"),
            })?;
        Ok(handle)
    }

    /// The main model file of an entry (`Agent.local` loads it).
    pub(crate) fn gguf_path(&self, id: &str) -> Result<PathBuf, Env0Error> {
        let dir = self.entry(id)?;
        let record = self.read(id)?;
        if record.info.kind != "gguf" {
            return Err(Env0Error::invalid(format!(
                "'{id}' is an adapter, not a model"
            )));
        }
        let file = record.files.first().ok_or_else(|| Env0Error::Storage {
            detail: format!("model '{id}' has no files"),
        })?;
        Ok(dir.join(&file.name))
    }
}

#[uniffi::export]
impl ModelStore {
    /// Opens (creating it if needed) the models directory; removes what killed imports left.
    #[uniffi::constructor]
    pub fn open(dir: String) -> Result<Arc<ModelStore>, Env0Error> {
        guard(|| {
            let dir = PathBuf::from(dir);
            fs::create_dir_all(&dir).map_err(|e| storage("creating", &dir, e))?;
            let entries = fs::read_dir(&dir).map_err(|e| storage("listing", &dir, e))?;
            for entry in entries.flatten() {
                if entry
                    .file_name()
                    .to_string_lossy()
                    .starts_with(".incoming-")
                {
                    let _ = fs::remove_dir_all(entry.path());
                }
            }
            Ok(Arc::new(ModelStore { dir }))
        })
    }

    /// Checks a GGUF file without importing it.
    pub fn inspect_model(&self, path: String) -> Result<ModelInfo, Env0Error> {
        guard(|| inspect_gguf(Path::new(&path)))
    }

    /// Checks a PEFT adapter folder without importing it.
    pub fn inspect_adapter(&self, dir: String) -> Result<ModelInfo, Env0Error> {
        guard(|| inspect_adapter(Path::new(&dir)))
    }

    /// Validates the GGUF file at `path` (a bad file fails here, before a thread starts), then
    /// copies it in on a Rust thread. `name` defaults to the file name.
    pub fn import_model(
        self: Arc<Self>,
        path: String,
        name: Option<String>,
        listener: Arc<dyn ImportListener>,
    ) -> Result<Arc<ImportHandle>, Env0Error> {
        guard(|| {
            let source = PathBuf::from(&path);
            let info = inspect_gguf(&source)?;
            let name = name.unwrap_or_else(|| {
                source
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default()
            });
            let file_name: &'static str = "model.gguf";
            self.spawn(move |store, cancel| {
                store.import(
                    vec![(file_name, source)],
                    name,
                    info,
                    cancel,
                    listener.as_ref(),
                )
            })
        })
    }

    /// Validates the PEFT adapter folder `dir`, then copies its config and weights in on a Rust
    /// thread. `name` defaults to the folder name.
    pub fn import_adapter(
        self: Arc<Self>,
        dir: String,
        name: Option<String>,
        listener: Arc<dyn ImportListener>,
    ) -> Result<Arc<ImportHandle>, Env0Error> {
        guard(|| {
            let source = PathBuf::from(&dir);
            let info = inspect_adapter(&source)?;
            let name = name.unwrap_or_else(|| info.display_name.clone());
            self.spawn(move |store, cancel| {
                store.import(
                    vec![
                        (ADAPTER_CONFIG, source.join(ADAPTER_CONFIG)),
                        (ADAPTER_WEIGHTS, source.join(ADAPTER_WEIGHTS)),
                    ],
                    name,
                    info,
                    cancel,
                    listener.as_ref(),
                )
            })
        })
    }

    /// Every entry, oldest import first. A folder whose manifest cannot be read is skipped.
    pub fn list(&self) -> Result<Vec<ModelRecord>, Env0Error> {
        guard(|| {
            let entries = fs::read_dir(&self.dir).map_err(|e| storage("listing", &self.dir, e))?;
            let mut records: Vec<ModelRecord> = entries
                .flatten()
                .filter_map(|e| {
                    let name = e.file_name().to_string_lossy().into_owned();
                    (!name.starts_with('.'))
                        .then(|| self.read(&name).ok())
                        .flatten()
                })
                .collect();
            records.sort_by(|a, b| (a.imported_at, &a.id).cmp(&(b.imported_at, &b.id)));
            Ok(records)
        })
    }

    pub fn get(&self, id: String) -> Result<ModelRecord, Env0Error> {
        guard(|| {
            self.entry(&id)?;
            self.read(&id)
        })
    }

    /// Re-hashes an entry's files: true when every sha256 matches its manifest.
    pub fn verify(&self, id: String) -> Result<bool, Env0Error> {
        guard(|| {
            let dir = self.entry(&id)?;
            let record = self.read(&id)?;
            for file in &record.files {
                let path = dir.join(&file.name);
                if sha256_file(&path)? != file.sha256 {
                    return Ok(false);
                }
            }
            Ok(true)
        })
    }

    /// Loads model `model_id` (with adapter `adapter_id`, if given) for the local backend on a
    /// Rust thread. A library built without the `local` feature answers `Unsupported`.
    pub fn load_agent(
        self: Arc<Self>,
        model_id: String,
        adapter_id: Option<String>,
        options: LocalOptions,
        listener: Arc<dyn LoadListener>,
    ) -> Result<Arc<LoadHandle>, Env0Error> {
        guard(|| {
            let model = self.gguf_path(&model_id)?;
            let adapter = match &adapter_id {
                Some(id) => {
                    let dir = self.entry(id)?;
                    if self.read(id)?.info.kind != "lora_adapter" {
                        return Err(Env0Error::invalid(format!("'{id}' is not an adapter")));
                    }
                    Some(dir)
                }
                None => None,
            };
            let label = match &adapter_id {
                Some(a) => format!("{model_id}+{a}"),
                None => model_id.clone(),
            };
            let done = Slot::new();
            let handle = Arc::new(LoadHandle { done: done.clone() });
            thread::Builder::new()
                .name("env0-model-load".into())
                .spawn(move || {
                    let loaded = guard(|| {
                        Agent::load_local(&model, adapter.as_deref(), &options, label, &*listener)
                    });
                    drop(listener); // before `join` returns: see spawn_episode
                    done.put(loaded)
                })
                .map_err(|e| Env0Error::Internal {
                    detail: format!("starting the load thread: {e}"),
                })?;
            Ok(handle)
        })
    }

    pub fn remove(&self, id: String) -> Result<(), Env0Error> {
        guard(|| {
            let dir = self.entry(&id)?;
            fs::remove_dir_all(&dir).map_err(|e| storage("removing", &dir, e))
        })
    }
}
