package example

import uniffi.env0_ffi.*
import java.io.File

// Events arrive on the episode's Rust thread: hop to the UI thread before touching views.
class Log : EpisodeListener {
    override fun onEvent(event: EpisodeEvent) {
        when (event) {
            is EpisodeEvent.ToolCall -> println("tool ${event.name} ${event.argumentsJson}")
            is EpisodeEvent.Finished -> println("finished: ${event.stop}, reward ${event.reward}")
            else -> {}
        }
    }
}

fun example(tasksDir: String, appFiles: File) {
    // The user's workspace: a world file in the app's storage.
    val ws = Workspace.create(File(appFiles, "world.env0").path, 42uL, "default")
    ws.saveSnapshot("before")
    val reply = ws.call("POST", "/gmail/v1/users/me/labels", """{"name": "Receipts"}""", null)
    println("${reply.status}: ${ws.diffSince("before").map { it.collection }}")

    // One task of the bundled task set, run by the oracle (join blocks: not on the UI thread).
    val library = TaskLibrary.open(tasksDir)
    val task = library.list(TaskFilter(family = "gcal", split = "eval", template = null)).first()
    val summary = Agent.oracle().runTask(library, task.id, Log()).join()
    println("${task.id}: ${summary.stop}, passed ${summary.passed}")

    // A benchmark that resumes where a cancelled or killed run stopped.
    val selection = BenchmarkSelection(split = "eval", family = null, template = null, limit = 6u, k = 1u)
    val bench = Benchmark(library, Agent.oracle(), File(appFiles, "runs/oracle").path, selection)
    val result = bench.start(object : BenchmarkListener {
        override fun onProgress(progress: BenchmarkProgress) = println("${progress.done}/${progress.todo}")
    }).join()
    val overall = result.overall
    println("pass ${overall.passed}/${overall.n} (95 % CI ${overall.passLow}..${overall.passHigh})")

    // The Assistant: a local model from the store acting on the user's own workspace.
    val store = ModelStore.open(File(appFiles, "models").path)
    val model = store.list().firstOrNull { it.info.kind == "gguf" } ?: return
    val options = LocalOptions(context = 4096u, dtype = null, temperature = 0.0, enableThinking = false)
    try {
        val agent = store.loadAgent(model.id, null, options, object : LoadListener {
            override fun onStage(stage: String) = println("model: $stage")
        }).join()
        agent.runInstruction(ws, "Label the mail from Dana as Receipts", Log()).join()
    } catch (e: Env0Exception.Unsupported) {
        println("this build has no local backend: ${e.detail}")
    }
}

fun main(args: Array<String>) {
    val files = java.nio.file.Files.createTempDirectory("env0-example").toFile()
    try {
        example(args.getOrElse(0) { "tasks-lite" }, files)
    } finally {
        files.deleteRecursively()
    }
}
