package dev.env0.mobile

import android.app.Application
import android.net.Uri
import androidx.lifecycle.AndroidViewModel
import androidx.lifecycle.viewModelScope
import dev.env0.kit.AssistantModel
import dev.env0.kit.BenchmarkModel
import dev.env0.kit.ImportUpdate
import dev.env0.kit.WorkspaceClient
import dev.env0.kit.awaitAgent
import dev.env0.kit.describe
import dev.env0.kit.importAdapterUpdates
import dev.env0.kit.importModelUpdates
import dev.env0.kit.inspect
import java.io.File
import java.io.IOException
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.Job
import kotlinx.coroutines.NonCancellable
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.distinctUntilChanged
import kotlinx.coroutines.flow.flowOn
import kotlinx.coroutines.flow.map
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch
import kotlinx.coroutines.sync.Mutex
import kotlinx.coroutines.sync.withLock
import kotlinx.coroutines.withContext
import org.json.JSONException
import org.json.JSONObject
import uniffi.env0_ffi.Agent
import uniffi.env0_ffi.Benchmark
import uniffi.env0_ffi.BenchmarkSelection
import uniffi.env0_ffi.Env0Exception
import uniffi.env0_ffi.LocalOptions
import uniffi.env0_ffi.ModelInfo
import uniffi.env0_ffi.ModelRecord
import uniffi.env0_ffi.ModelStore
import uniffi.env0_ffi.TaskFilter
import uniffi.env0_ffi.TaskLibrary
import uniffi.env0_ffi.TaskSummary

/**
 * The app's one holder of env0 objects: the user's workspace (filesDir/world.env0), the bundled
 * task library, the model store (filesDir/models), the active agent, the Assistant's and the
 * Benchmark's state, and the settings. Every FFI call runs on Dispatchers.IO (the kit's suspend
 * functions, or withContext here); the screens only read StateFlows and call these methods.
 */
class MainViewModel(application: Application) : AndroidViewModel(application) {
    private val app: Application = application
    private val filesDir: File = application.filesDir
    private val worldFile = File(filesDir, WORLD_FILE)

    /** The world as it was created, kept on disk so that Reset works in any later session. */
    private val resetFile = File(filesDir, RESET_FILE)
    private val runsDir = File(filesDir, "runs")
    private val modelsDir = File(filesDir, "models")
    private val stagingDir = File(application.cacheDir, "import")
    private val settingsStore = SettingsStore(application)

    /** Serializes starting episodes and benchmarks (the kit's models are not meant for races). */
    private val startLock = Mutex()

    // ------------------------------------------------------------------ start-up

    sealed interface Startup {
        data class Working(val step: String) : Startup
        data object Ready : Startup

        /** [worldProblem]: the world file could not be opened; recreating it may help. */
        data class Failed(val reason: String, val worldProblem: Boolean) : Startup
    }

    private val _startup = MutableStateFlow<Startup>(Startup.Working("Starting"))
    val startup: StateFlow<Startup> = _startup.asStateFlow()

    private val _settings = MutableStateFlow(AppSettings())
    val settings: StateFlow<AppSettings> = _settings.asStateFlow()

    // ------------------------------------------------------------------ workspace

    private val _client = MutableStateFlow<WorkspaceClient?>(null)

    /** The user's workspace; null while it is being opened or replaced. */
    val client: StateFlow<WorkspaceClient?> = _client.asStateFlow()

    private val _worldBusy = MutableStateFlow(false)
    val worldBusy: StateFlow<Boolean> = _worldBusy.asStateFlow()

    private val _worldNotice = MutableStateFlow<String?>(null)
    val worldNotice: StateFlow<String?> = _worldNotice.asStateFlow()

    // ------------------------------------------------------------------ tasks and agents

    private var library: TaskLibrary? = null
    private val _tasks = MutableStateFlow<List<TaskSummary>>(emptyList())

    /** Every task of the bundled set, in file order. */
    val tasks: StateFlow<List<TaskSummary>> = _tasks.asStateFlow()

    /** The agent the Assistant and the Benchmark use. [key] names its benchmark run folders. */
    class ActiveAgent(
        val agent: Agent,
        val label: String,
        val key: String,
        val modelId: String?,
        val adapterId: String?,
    ) {
        val local: Boolean get() = modelId != null
    }

    private var oracle: Agent? = null
    private val _agent = MutableStateFlow<ActiveAgent?>(null)
    val agent: StateFlow<ActiveAgent?> = _agent.asStateFlow()

    val assistant = AssistantModel(viewModelScope)
    private val _assistantNotice = MutableStateFlow<String?>(null)
    val assistantNotice: StateFlow<String?> = _assistantNotice.asStateFlow()

    // ------------------------------------------------------------------ benchmark

    val benchmark = BenchmarkModel(viewModelScope)

    /** What to run: `null` split/family/limit mean all. */
    data class BenchmarkChoice(val split: String?, val family: String?, val limit: Int?, val k: Int)

    /** A run folder under filesDir/runs, as its run.json, results.jsonl and report.json tell. */
    data class RunInfo(
        val dir: File,
        val model: String?,
        val choice: BenchmarkChoice,
        val rows: Int,
        val graded: Long?,
        val passed: Long?,
        val passRate: Double?,
        val passLow: Double?,
        val passHigh: Double?,
        val results: File?,
        val report: File?,
        val modified: Long,
    )

    private val _benchmarkNotice = MutableStateFlow<String?>(null)
    val benchmarkNotice: StateFlow<String?> = _benchmarkNotice.asStateFlow()

    private val _runs = MutableStateFlow<List<RunInfo>>(emptyList())
    val runs: StateFlow<List<RunInfo>> = _runs.asStateFlow()

    // ------------------------------------------------------------------ models

    private var store: ModelStore? = null

    private val _models = MutableStateFlow<List<ModelRecord>>(emptyList())
    val models: StateFlow<List<ModelRecord>> = _models.asStateFlow()

    private val _modelsNotice = MutableStateFlow<String?>(null)
    val modelsNotice: StateFlow<String?> = _modelsNotice.asStateFlow()

    /** Per model id: the last verify's answer for the user. */
    private val _verify = MutableStateFlow<Map<String, String>>(emptyMap())
    val verify: StateFlow<Map<String, String>> = _verify.asStateFlow()

    /** Where an import stands: copy from the picker, inspect, import into the store. */
    sealed interface ImportStage {
        data object Idle : ImportStage
        data class Copying(val name: String, val copied: Long, val total: Long) : ImportStage
        data class Inspecting(val name: String) : ImportStage
        data class Inspected(val adapter: Boolean, val path: String, val name: String, val info: ModelInfo) : ImportStage
        data class Rejected(val name: String, val reason: String) : ImportStage
        data class Importing(val name: String, val copied: Long, val total: Long) : ImportStage
        data class Imported(val record: ModelRecord) : ImportStage
        data class Failed(val reason: String) : ImportStage
    }

    private val _importStage = MutableStateFlow<ImportStage>(ImportStage.Idle)
    val importStage: StateFlow<ImportStage> = _importStage.asStateFlow()
    private var importJob: Job? = null

    /** A model load: its current stage (`checking`, `loading`, `ready`) or why it failed. */
    data class LoadState(val loading: Boolean = false, val stage: String? = null, val error: String? = null)

    private val _load = MutableStateFlow(LoadState())
    val load: StateFlow<LoadState> = _load.asStateFlow()

    init {
        viewModelScope.launch { start() }
        // The run history changes when a benchmark ends (and is read once at start).
        viewModelScope.launch {
            benchmark.state.map { it.running }.distinctUntilChanged().collect { running ->
                if (!running) refreshRuns()
            }
        }
    }

    /** Opens everything; steps already done are skipped, so it doubles as "try again". */
    private suspend fun start() {
        var step = "reading the settings"
        try {
            if (_startup.value is Startup.Failed) _startup.value = Startup.Working("Starting")
            val settings = withContext(Dispatchers.IO) { settingsStore.load() }
            _settings.value = settings

            if (library == null) {
                step = "unpacking the task set"
                _startup.value = Startup.Working("Unpacking the task set")
                val dir = withContext(Dispatchers.IO) { TaskAssets.install(app) }
                step = "loading the task set"
                _startup.value = Startup.Working("Loading the task set")
                val lib = withContext(Dispatchers.IO) { TaskLibrary.open(dir.path) }
                _tasks.value = withContext(Dispatchers.IO) {
                    lib.list(TaskFilter(family = null, split = null, template = null))
                }
                library = lib
            }
            if (store == null) {
                step = "opening the models folder"
                _startup.value = Startup.Working("Opening the models folder")
                store = withContext(Dispatchers.IO) { ModelStore.open(modelsDir.path) }
                refreshModels()
            }
            if (oracle == null) {
                val o = withContext(Dispatchers.IO) { Agent.oracle() }
                oracle = o
                if (_agent.value == null) _agent.value = oracleAgent(o)
            }
            if (_client.value == null) {
                step = "opening the workspace"
                _startup.value = Startup.Working("Opening the workspace")
                val fresh = !worldFile.exists()
                val c = WorkspaceClient.openOrCreate(worldFile.path, settings.worldSeed, settings.worldScale)
                // The reset point is a snapshot file, written once when the world is created.
                if (fresh) c.saveSnapshotFile(resetFile.path)
                _client.value = c
            }
            _startup.value = Startup.Ready
        } catch (e: CancellationException) {
            throw e
        } catch (e: Env0Exception) {
            _startup.value = Startup.Failed("Failed while $step: ${e.describe()}", step == "opening the workspace")
        } catch (e: IOException) {
            _startup.value = Startup.Failed("Failed while $step: ${e.message ?: e.javaClass.simpleName}", false)
        } catch (e: Exception) {
            _startup.value = Startup.Failed("Failed while $step: ${errorText(e)}", step == "opening the workspace")
        }
    }

    fun retryStartup() {
        viewModelScope.launch { start() }
    }

    private fun oracleAgent(o: Agent) = ActiveAgent(o, "Oracle (the tasks' reference solutions)", "oracle", null, null)

    // ------------------------------------------------------------------ workspace actions

    fun dismissWorldNotice() {
        _worldNotice.value = null
    }

    /** Puts the workspace back to how it was created (its reset file; a world without one is recreated from its seed). */
    fun resetWorld() {
        val c = _client.value ?: return
        if (!worldChangeAllowed()) return
        viewModelScope.launch {
            _worldBusy.value = true
            try {
                if (withContext(Dispatchers.IO) { resetFile.isFile }) {
                    c.restoreSnapshotFile(resetFile.path)
                    _worldNotice.value = "The workspace is back to how it was created."
                } else {
                    val s = _settings.value
                    replaceWorld(s.worldSeed, s.worldScale)
                    _worldNotice.value = "The workspace was recreated from seed ${s.worldSeed} (${s.worldScale})."
                }
            } catch (e: CancellationException) {
                throw e
            } catch (e: Exception) {
                _worldNotice.value = "Could not reset the workspace: ${errorText(e)}"
            } finally {
                _worldBusy.value = false
            }
        }
    }

    /** Replaces the workspace with a new world from [seed] at [scale] (after the user confirmed). */
    fun recreateWorld(seed: ULong, scale: String) {
        if (!worldChangeAllowed()) return
        viewModelScope.launch {
            _worldBusy.value = true
            try {
                replaceWorld(seed, scale)
                val s = _settings.value.copy(worldSeed = seed, worldScale = scale)
                _settings.value = s
                withContext(Dispatchers.IO) { settingsStore.save(s) }
                _worldNotice.value = "Created a new workspace from seed $seed ($scale)."
                if (_startup.value is Startup.Failed) start()
            } catch (e: CancellationException) {
                throw e
            } catch (e: Exception) {
                _worldNotice.value = "Could not create the workspace: ${errorText(e)}"
            } finally {
                _worldBusy.value = false
            }
        }
    }

    private fun worldChangeAllowed(): Boolean {
        if (_worldBusy.value) return false
        if (assistant.state.value.running) {
            _worldNotice.value = "The Assistant is acting on the workspace: cancel it or let it finish first."
            return false
        }
        return true
    }

    private suspend fun replaceWorld(seed: ULong, scale: String) {
        val old = _client.value
        _client.value = null
        withContext(Dispatchers.IO) {
            old?.workspace?.close()
            // The world file and SQLite's companions (-wal, -shm) and any temporary file.
            filesDir.listFiles()?.forEach { f ->
                val n = f.name
                if (n == WORLD_FILE || n.startsWith("$WORLD_FILE-") || n.startsWith(".$WORLD_FILE.tmp")) {
                    if (!f.delete() && f.exists()) throw IOException("could not delete ${f.path}")
                }
            }
        }
        val c = WorkspaceClient.openOrCreate(worldFile.path, seed, scale)
        c.saveSnapshotFile(resetFile.path)
        _client.value = c
    }

    // ------------------------------------------------------------------ assistant

    /** The Assistant: [text] acted out on the user's workspace by the active agent. */
    fun ask(text: String) {
        val request = text.trim()
        if (request.isEmpty()) return
        val c = _client.value
        val a = _agent.value
        if (c == null || a == null) {
            _assistantNotice.value = "The workspace is not open yet."
            return
        }
        viewModelScope.launch {
            try {
                val started = startLock.withLock {
                    withContext(Dispatchers.IO) { assistant.ask(a.agent, c, request) }
                }
                _assistantNotice.value = if (started) null else "A request is still running: cancel it first."
            } catch (e: CancellationException) {
                throw e
            } catch (e: Exception) {
                _assistantNotice.value = "Could not start: ${errorText(e)}"
            }
        }
    }

    /** One task of the bundled set on its own fresh world, with a verdict. */
    fun runTask(task: TaskSummary) {
        val lib = library
        val a = _agent.value
        if (lib == null || a == null) return
        viewModelScope.launch {
            try {
                val started = startLock.withLock {
                    withContext(Dispatchers.IO) { assistant.runTask(a.agent, lib, task.id, task.instruction) }
                }
                _assistantNotice.value = if (started) null else "A request is still running: cancel it first."
            } catch (e: CancellationException) {
                throw e
            } catch (e: Exception) {
                _assistantNotice.value = "Could not start ${task.id}: ${errorText(e)}"
            }
        }
    }

    fun cancelAssistant() {
        viewModelScope.launch(Dispatchers.IO) { assistant.cancel() }
    }

    fun dismissAssistantNotice() {
        _assistantNotice.value = null
    }

    // ------------------------------------------------------------------ benchmark actions

    /** Starts [choice] with the active agent, or resumes it (in [dir], or the folder it maps to). */
    fun startBenchmark(choice: BenchmarkChoice, dir: File? = null) {
        val lib = library
        val a = _agent.value
        if (lib == null || a == null) return
        if (benchmark.state.value.running) return
        val out = dir ?: File(runsDir, runFolderName(a.key, choice))
        val selection = BenchmarkSelection(
            split = choice.split,
            family = choice.family,
            template = null,
            limit = choice.limit?.toUInt(),
            k = choice.k.coerceAtLeast(1).toUInt(),
        )
        viewModelScope.launch {
            try {
                startLock.withLock {
                    withContext(Dispatchers.IO) {
                        out.mkdirs()
                        benchmark.start(Benchmark(lib, a.agent, out.path, selection))
                    }
                }
                _benchmarkNotice.value = null
            } catch (e: CancellationException) {
                throw e
            } catch (e: Exception) {
                _benchmarkNotice.value = errorText(e)
            }
            refreshRuns()
        }
    }

    fun cancelBenchmark() {
        viewModelScope.launch(Dispatchers.IO) { benchmark.cancel() }
    }

    fun dismissBenchmarkNotice() {
        _benchmarkNotice.value = null
    }

    fun refreshRuns() {
        viewModelScope.launch {
            _runs.value = withContext(Dispatchers.IO) { readRuns() }
        }
    }

    fun deleteRun(run: RunInfo) {
        if (benchmark.state.value.running) {
            _benchmarkNotice.value = "A benchmark is running: cancel it before deleting runs."
            return
        }
        viewModelScope.launch {
            withContext(Dispatchers.IO) { run.dir.deleteRecursively() }
            refreshRuns()
        }
    }

    private fun runFolderName(agentKey: String, c: BenchmarkChoice): String {
        // The same shape as the iOS app's run folders: agent-split-family-nLIMIT-kK.
        val raw = listOf(
            agentKey,
            c.split ?: "all-splits",
            c.family ?: "all-families",
            "n" + (c.limit?.toString() ?: "all"),
            "k${c.k}",
        ).joinToString("-")
        return raw.replace(Regex("[^A-Za-z0-9._+-]"), "_")
    }

    private fun readRuns(): List<RunInfo> {
        val dirs = runsDir.listFiles()?.filter { it.isDirectory && File(it, "run.json").isFile } ?: return emptyList()
        return dirs.map { readRun(it) }.sortedByDescending { it.modified }
    }

    private fun readRun(dir: File): RunInfo {
        val run = try {
            JSONObject(File(dir, "run.json").readText())
        } catch (e: JSONException) {
            JSONObject()
        } catch (e: IOException) {
            JSONObject()
        }
        val results = File(dir, "results.jsonl").takeIf { it.isFile }
        val report = File(dir, "report.md").takeIf { it.isFile }
        val rows = try {
            results?.useLines { lines -> lines.count { it.isNotBlank() } } ?: 0
        } catch (e: IOException) {
            0
        }
        val pass = try {
            val json = File(dir, "report.json").takeIf { it.isFile }?.readText()
            json?.let { JSONObject(it).optJSONObject("overall")?.optJSONObject("pass") }
        } catch (e: JSONException) {
            null
        } catch (e: IOException) {
            null
        }
        val choice = BenchmarkChoice(
            split = run.str("split"),
            family = run.str("family"),
            limit = if (run.has("limit") && !run.isNull("limit")) run.optInt("limit") else null,
            k = run.optInt("k", 1),
        )
        return RunInfo(
            dir = dir,
            model = run.str("model"),
            choice = choice,
            rows = rows,
            graded = pass?.optLong("n"),
            passed = pass?.optLong("successes"),
            passRate = pass?.optDouble("rate"),
            passLow = pass?.optDouble("low"),
            passHigh = pass?.optDouble("high"),
            results = results,
            report = report,
            modified = maxOf(dir.lastModified(), results?.lastModified() ?: 0L),
        )
    }

    // ------------------------------------------------------------------ models

    fun refreshModels() {
        val s = store ?: return
        viewModelScope.launch {
            try {
                _models.value = withContext(Dispatchers.IO) { s.list() }
            } catch (e: CancellationException) {
                throw e
            } catch (e: Exception) {
                _modelsNotice.value = errorText(e)
            }
        }
    }

    fun dismissModelsNotice() {
        _modelsNotice.value = null
    }

    /** Re-hashes a model's files against its manifest. */
    fun verifyModel(id: String) {
        val s = store ?: return
        viewModelScope.launch {
            _verify.update { it + (id to "Checking the checksums…") }
            val text = try {
                if (withContext(Dispatchers.IO) { s.verify(id) }) {
                    "Checksums match the manifest."
                } else {
                    "Checksum mismatch: the files changed since the import. Delete it and import it again."
                }
            } catch (e: CancellationException) {
                throw e
            } catch (e: Exception) {
                errorText(e)
            }
            _verify.update { it + (id to text) }
        }
    }

    fun removeModel(id: String) {
        val s = store ?: return
        val active = _agent.value
        val inUse = active != null && (active.modelId == id || active.adapterId == id)
        if (inUse && (assistant.state.value.running || benchmark.state.value.running)) {
            _modelsNotice.value = "This model is in use by the Assistant or a benchmark: cancel them first."
            return
        }
        viewModelScope.launch {
            val o = oracle
            if (inUse && o != null) {
                replaceAgent(oracleAgent(o))
                _load.value = LoadState()
            }
            try {
                withContext(Dispatchers.IO) { s.remove(id) }
                _verify.update { it - id }
            } catch (e: CancellationException) {
                throw e
            } catch (e: Exception) {
                _modelsNotice.value = errorText(e)
            }
            refreshModels()
        }
    }

    private fun importBusy(): Boolean {
        val stage = _importStage.value
        return stage is ImportStage.Copying || stage is ImportStage.Inspecting || stage is ImportStage.Importing
    }

    /** A GGUF the user picked: copied to the cache (with progress), then inspected. */
    fun stageModel(uri: Uri) {
        if (importBusy()) return
        val s = store ?: return
        importJob = viewModelScope.launch {
            val resolver = app.contentResolver
            var name = "model.gguf"
            try {
                val (picked, size) = withContext(Dispatchers.IO) { Documents.nameAndSize(resolver, uri) }
                name = picked
                withContext(Dispatchers.IO) { resetStaging() }
                val dest = File(stagingDir, picked)
                _importStage.value = ImportStage.Copying(picked, 0L, size)
                Documents.copyFile(resolver, uri, dest, size) { copied, total ->
                    _importStage.value = ImportStage.Copying(picked, copied, total)
                }
                _importStage.value = ImportStage.Inspecting(picked)
                val info = s.inspect(dest.path)
                _importStage.value = ImportStage.Inspected(false, dest.path, picked.removeSuffix(".gguf"), info)
            } catch (e: CancellationException) {
                withContext(NonCancellable + Dispatchers.IO) { resetStaging() }
                _importStage.value = ImportStage.Idle
                throw e
            } catch (e: Exception) {
                stagingFailed(name, e)
            }
        }
    }

    /** An adapter folder the user picked: its two adapter files copied to the cache, then inspected. */
    fun stageAdapter(treeUri: Uri) {
        if (importBusy()) return
        val s = store ?: return
        importJob = viewModelScope.launch {
            val resolver = app.contentResolver
            var name = "adapter"
            try {
                val tree = withContext(Dispatchers.IO) { Documents.adapterFiles(resolver, treeUri) }
                name = tree.name
                if (tree.files.isEmpty()) {
                    _importStage.value = ImportStage.Rejected(
                        name,
                        "The folder holds neither adapter_config.json nor adapter_model.safetensors.",
                    )
                    return@launch
                }
                withContext(Dispatchers.IO) { resetStaging() }
                val dir = File(stagingDir, tree.name)
                val total = if (tree.files.any { it.third < 0 }) -1L else tree.files.sumOf { it.third }
                var before = 0L
                _importStage.value = ImportStage.Copying(name, 0L, total)
                for ((fileName, uri, size) in tree.files) {
                    val base = before
                    Documents.copyFile(resolver, uri, File(dir, fileName), size) { copied, _ ->
                        _importStage.value = ImportStage.Copying(tree.name, base + copied, total)
                    }
                    before += File(dir, fileName).length()
                }
                _importStage.value = ImportStage.Inspecting(name)
                val info = withContext(Dispatchers.IO) { s.inspectAdapter(dir.path) }
                _importStage.value = ImportStage.Inspected(true, dir.path, tree.name, info)
            } catch (e: CancellationException) {
                withContext(NonCancellable + Dispatchers.IO) { resetStaging() }
                _importStage.value = ImportStage.Idle
                throw e
            } catch (e: IllegalArgumentException) {
                _importStage.value = ImportStage.Failed("That is not a folder the app can read: ${e.message}")
            } catch (e: Exception) {
                stagingFailed(name, e)
            }
        }
    }

    /** After a pick that could not be copied or was refused: the staging area emptied, the reason shown. */
    private suspend fun stagingFailed(name: String, e: Exception) {
        withContext(NonCancellable + Dispatchers.IO) { resetStaging() }
        _importStage.value = when (e) {
            is Env0Exception -> ImportStage.Rejected(name, e.describe())
            is IOException -> ImportStage.Failed("Could not copy $name: ${e.message}")
            is SecurityException -> ImportStage.Failed("The picker did not grant access to $name.")
            else -> ImportStage.Failed(errorText(e))
        }
    }

    /** Imports the inspected file or folder under [displayName] (copy with progress and sha256). */
    fun importStaged(displayName: String) {
        val stage = _importStage.value as? ImportStage.Inspected ?: return
        val s = store ?: return
        val name = displayName.trim().ifEmpty { stage.name }
        importJob = viewModelScope.launch {
            _importStage.value = ImportStage.Importing(name, 0L, stage.info.sizeBytes.toLong())
            val updates = if (stage.adapter) {
                s.importAdapterUpdates(stage.path, name)
            } else {
                s.importModelUpdates(stage.path, name)
            }
            try {
                updates.flowOn(Dispatchers.IO).collect { update ->
                    when (update) {
                        is ImportUpdate.Copying -> {
                            _importStage.value = ImportStage.Importing(name, update.copiedBytes, update.totalBytes)
                        }
                        is ImportUpdate.Done -> {
                            _importStage.value = ImportStage.Imported(update.record)
                        }
                        is ImportUpdate.Failed -> {
                            _importStage.value = ImportStage.Failed(update.error.describe())
                        }
                    }
                }
            } catch (e: CancellationException) {
                throw e
            } catch (e: Exception) {
                _importStage.value = ImportStage.Failed(errorText(e))
            } finally {
                withContext(NonCancellable + Dispatchers.IO) { resetStaging() }
                if (_importStage.value is ImportStage.Importing) {
                    _importStage.value = ImportStage.Failed("Import cancelled: nothing of it was kept.")
                }
            }
            refreshModels()
        }
    }

    /** Stops the copy, the inspection or the import in progress. */
    fun cancelImport() {
        importJob?.cancel()
    }

    /** Closes the import panel (and drops a copied file that was not imported). */
    fun dismissImport() {
        if (importBusy()) return
        _importStage.value = ImportStage.Idle
        viewModelScope.launch(Dispatchers.IO) { resetStaging() }
    }

    private fun resetStaging() {
        stagingDir.deleteRecursively()
        stagingDir.mkdirs()
    }

    /** Loads [modelId] (with [adapterId]) with the current settings and makes it the active agent. */
    fun loadModel(modelId: String, adapterId: String?) {
        val s = store ?: return
        if (_load.value.loading) return
        if (assistant.state.value.running || benchmark.state.value.running) {
            _load.value = LoadState(error = "Cancel the Assistant and the benchmark (or let them finish) before switching models.")
            return
        }
        val settings = _settings.value
        val options = LocalOptions(
            context = settings.contextLength?.toUInt(),
            dtype = null,
            temperature = settings.temperature,
            enableThinking = null,
        )
        viewModelScope.launch {
            _load.value = LoadState(loading = true, stage = "starting")
            try {
                val loaded = s.awaitAgent(modelId, adapterId, options) { stage ->
                    _load.update { it.copy(stage = stage) }
                }
                val model = _models.value.firstOrNull { it.id == modelId }
                val adapter = adapterId?.let { id -> _models.value.firstOrNull { it.id == id } }
                val label = (model?.name ?: modelId) + (adapter?.let { " + " + it.name } ?: "")
                val key = "local-" + modelId + (adapterId?.let { "-$it" } ?: "")
                replaceAgent(ActiveAgent(loaded, label, key, modelId, adapterId))
                _load.value = LoadState(stage = "ready")
            } catch (e: CancellationException) {
                throw e
            } catch (e: Exception) {
                _load.value = LoadState(error = errorText(e))
            }
        }
    }

    /** Makes the oracle the active agent again (a loaded model is released). */
    fun useOracle() {
        val o = oracle ?: return
        if (_agent.value?.local != true) return
        viewModelScope.launch {
            replaceAgent(oracleAgent(o))
            _load.value = LoadState()
        }
    }

    private suspend fun replaceAgent(next: ActiveAgent) {
        val previous = _agent.value
        _agent.value = next
        if (previous != null && previous.local && previous.agent !== next.agent) {
            // Episodes that still run hold their own reference on the Rust side.
            withContext(Dispatchers.IO) { runCatching { previous.agent.close() } }
        }
    }

    // ------------------------------------------------------------------ settings

    /** Context length (null: the model's own) and temperature for the next model load. */
    fun saveModelSettings(contextLength: Int?, temperature: Double) {
        val s = _settings.value.copy(contextLength = contextLength, temperature = temperature)
        _settings.value = s
        viewModelScope.launch(Dispatchers.IO) { settingsStore.save(s) }
    }

    /** Where the workspace lives, for the Settings screen. */
    val worldPath: String get() = worldFile.path

    companion object {
        const val WORLD_FILE = "world.env0"
        const val RESET_FILE = "world-initial.snapshot"
    }
}
