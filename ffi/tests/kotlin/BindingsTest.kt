// env0 through its generated Kotlin bindings on the JVM (JNA), against the host library: the
// flows of the Python suite that matter most for the Android app. Run by
// ffi/scripts/kotlin-tests.sh; exits non-zero on the first failed check.
import uniffi.env0_ffi.*
import java.util.concurrent.CountDownLatch
import java.util.concurrent.TimeUnit
import kotlin.system.exitProcess

var passed = 0
var failed = 0

fun check(name: String, body: () -> Unit) {
    try {
        body()
        passed++
        println("test $name ... ok")
    } catch (e: Throwable) {
        failed++
        println("test $name ... FAILED: $e")
    }
}

fun expect(cond: Boolean, what: String) {
    if (!cond) throw AssertionError(what)
}

class Recorder : EpisodeListener {
    val events = java.util.Collections.synchronizedList(mutableListOf<EpisodeEvent>())
    override fun onEvent(event: EpisodeEvent) {
        events.add(event)
    }
}

fun main(args: Array<String>) {
    val tasks = args.getOrElse(0) { "tasks-lite" }

    check("world_requests_snapshots_and_diff") {
        val ws = Workspace.inMemory(42uL, "default")
        expect(ws.call("GET", "/gmail/v1/users/me/messages", null, null).status.toInt() == 200, "list")
        ws.saveSnapshot("before")
        val before = ws.stateHash()
        val made = ws.call("POST", "/gmail/v1/users/me/labels", "{\"name\": \"Receipts\"}", null)
        expect(made.status.toInt() == 200, "create label: ${made.bodyJson}")
        val changes = ws.diffSince("before")
        expect(changes.map { it.collection } == listOf("gmail_labels"), "diff $changes")
        expect(changes[0].added == 1u, "one label added")
        ws.restoreSnapshot("before")
        expect(ws.stateHash() == before, "restore is exact")
    }

    check("bad_input_is_a_typed_exception") {
        val ws = Workspace.inMemory(42uL, "empty")
        try {
            ws.call("FETCH", "/gmail/v1/users/me/profile", null, null)
            throw AssertionError("no exception")
        } catch (e: Env0Exception.InvalidArgument) {
            expect(e.detail.contains("FETCH"), e.detail)
        }
        try {
            ws.restoreSnapshot("never")
            throw AssertionError("no exception")
        } catch (e: Env0Exception.NotFound) {
        }
        try {
            Workspace.open("/nonexistent/w.env0")
            throw AssertionError("no exception")
        } catch (e: Env0Exception.NotFound) {
        }
    }

    check("task_library_and_a_proof") {
        val lib = TaskLibrary.open(tasks)
        val eval = lib.list(TaskFilter(family = "gcal", split = "eval", template = null))
        expect(eval.isNotEmpty() && eval.all { it.family == "gcal" && it.split == "eval" }, "filter")
        val proof = lib.prove(eval[0].id)
        expect(proof.proven && proof.oracleReward == 1.0 && proof.nothingReward == 0.0, "$proof")
    }

    check("an_oracle_episode_with_events") {
        val lib = TaskLibrary.open(tasks)
        val id = lib.list(TaskFilter(family = "gcal", split = null, template = null))[0].id
        val rec = Recorder()
        val summary = Agent.oracle().runTask(lib, id, rec).join()
        expect(summary.stop == "final" && summary.reward == 1.0 && summary.passed, "$summary")
        expect(rec.events.first() is EpisodeEvent.Started, "starts")
        expect(rec.events.last() is EpisodeEvent.Finished, "finishes")
        val calls = rec.events.filterIsInstance<EpisodeEvent.ToolCall>()
        expect(calls.size == summary.toolCalls.toInt() && calls.any { it.writes == true }, "calls")
        expect(rec.events.any { it is EpisodeEvent.Verdict }, "verdict")
    }

    check("cancel_mid_episode") {
        val lib = TaskLibrary.open(tasks)
        val id = lib.list(TaskFilter(family = "gcal", split = null, template = null))[0].id
        val firstResult = CountDownLatch(1)
        val release = CountDownLatch(1)
        val rec = object : EpisodeListener {
            val events = java.util.Collections.synchronizedList(mutableListOf<EpisodeEvent>())
            override fun onEvent(event: EpisodeEvent) {
                events.add(event)
                if (event is EpisodeEvent.ToolResult && firstResult.count > 0) {
                    firstResult.countDown()
                    release.await(30, TimeUnit.SECONDS)
                }
            }
        }
        val handle = Agent.oracle().runTask(lib, id, rec)
        expect(firstResult.await(60, TimeUnit.SECONDS), "first tool result")
        handle.cancel()
        release.countDown()
        val summary = handle.join()
        expect(summary.stop == "cancelled" && summary.toolCalls == 1u, "$summary")
        expect(rec.events.none { it is EpisodeEvent.Verdict }, "no verdict")
    }

    check("assistant_instruction_on_the_workspace") {
        val ws = Workspace.inMemory(7uL, "default")
        val turn = { id: String, name: String ->
            """{"role":"assistant","content":null,"tool_calls":[{"id":"$id","type":"function",""" +
                """"function":{"name":"gmail_create_label","arguments":"{\"name\":\"$name\"}"}}]}"""
        }
        val agent = Agent.replay("[${turn("a", "Zeta-One")},${turn("b", "Zeta-Two")}," +
            """{"role":"assistant","content":"Done."}]""")
        val summary = agent.runInstruction(ws, "Make two labels", Recorder()).join()
        expect(summary.stop == "final" && summary.toolCalls == 2u, "$summary")
        val labels = ws.call("GET", "/gmail/v1/users/me/labels", null, null).bodyJson
        expect(labels.contains("Zeta-One") && labels.contains("Zeta-Two"), labels)
        try {
            agent.runInstruction(ws, " ", Recorder())
            throw AssertionError("an empty instruction was accepted")
        } catch (e: Env0Exception.InvalidArgument) {
        }
    }

    check("benchmark_cancel_and_resume") {
        val lib = TaskLibrary.open(tasks)
        val dir = java.nio.file.Files.createTempDirectory("env0-bench").toString()
        val selection = BenchmarkSelection(split = null, family = "gmail", template = null, limit = 4u, k = 1u)
        val handles = mutableListOf<BenchmarkHandle>()
        val listener = object : BenchmarkListener {
            override fun onProgress(progress: BenchmarkProgress) {
                if (progress.done == 2u) handles[0].cancel()
            }
        }
        val bench = Benchmark(lib, Agent.oracle(), dir, selection)
        synchronized(handles) { handles.add(bench.start(listener)) }
        val first = handles[0].join()
        expect(first.cancelled && first.rows == 2uL && first.remaining == 2uL, "$first")
        val rest = Benchmark(lib, Agent.oracle(), dir, selection).start(object : BenchmarkListener {
            override fun onProgress(progress: BenchmarkProgress) {}
        }).join()
        expect(rest.rows == 4uL && rest.newRows == 2uL && rest.overall.passRate == 1.0, "$rest")
        val lines = java.io.File(rest.resultsPath).readLines().filter { it.isNotBlank() }
        expect(lines.size == 4, "${lines.size} rows")
    }

    println("$passed passed, $failed failed")
    if (failed > 0) exitProcess(1)
}
