package dev.env0.kit

import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.flow.Flow
import uniffi.env0_ffi.Benchmark
import uniffi.env0_ffi.BenchmarkHandle
import uniffi.env0_ffi.BenchmarkListener
import uniffi.env0_ffi.BenchmarkProgress
import uniffi.env0_ffi.BenchmarkSummary
import uniffi.env0_ffi.Env0Exception

/** What a running benchmark reports: progress after each finished (task, trial), then Done or Failed. */
sealed interface BenchmarkUpdate {
    data class Progress(val progress: BenchmarkProgress) : BenchmarkUpdate
    data class Done(val summary: BenchmarkSummary) : BenchmarkUpdate
    data class Failed(val error: Env0Exception) : BenchmarkUpdate
}

/**
 * A benchmark running on a Rust thread. Each progress is written and fsynced to results.jsonl
 * before it is sent, so a killed app loses at most the episode in flight; start the same
 * [Benchmark] again to resume. [updates] replays from the start and completes after Done/Failed.
 */
class BenchmarkRun internal constructor(benchmark: Benchmark, io: CoroutineDispatcher) {
    private val log = RunLog<BenchmarkUpdate, BenchmarkSummary>(
        { BenchmarkUpdate.Done(it) },
        { BenchmarkUpdate.Failed(it) },
    )
    private val handle: BenchmarkHandle = benchmark.start(
        object : BenchmarkListener {
            override fun onProgress(progress: BenchmarkProgress) = log.send(BenchmarkUpdate.Progress(progress))
        },
    )

    init {
        log.finishWith(io) { handle.join() }
    }

    val updates: Flow<BenchmarkUpdate> = log.updates

    val isFinished: Boolean get() = log.isFinished

    /** Stops after the episode in flight, which is not written; the summary says `cancelled`. */
    fun cancel() = handle.cancel()

    suspend fun await(): BenchmarkSummary = log.await()
}

/** Starts (or resumes) this benchmark on a Rust thread. */
fun Benchmark.launch(io: CoroutineDispatcher = Dispatchers.IO): BenchmarkRun = BenchmarkRun(this, io)
