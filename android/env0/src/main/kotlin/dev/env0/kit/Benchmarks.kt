package dev.env0.kit

import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.MutableSharedFlow
import kotlinx.coroutines.flow.transformWhile
import kotlinx.coroutines.launch
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
    private val all = MutableSharedFlow<BenchmarkUpdate>(replay = Int.MAX_VALUE)
    private val result = CompletableDeferred<BenchmarkSummary>()
    private val handle: BenchmarkHandle = benchmark.start(
        object : BenchmarkListener {
            override fun onProgress(progress: BenchmarkProgress) {
                all.tryEmit(BenchmarkUpdate.Progress(progress))
            }
        },
    )

    init {
        CoroutineScope(io).launch {
            try {
                val summary = handle.join()
                all.tryEmit(BenchmarkUpdate.Done(summary))
                result.complete(summary)
            } catch (e: Env0Exception) {
                all.tryEmit(BenchmarkUpdate.Failed(e))
                result.completeExceptionally(e)
            }
        }
    }

    val updates: Flow<BenchmarkUpdate> = all.transformWhile { update ->
        emit(update)
        update is BenchmarkUpdate.Progress
    }

    val isFinished: Boolean get() = result.isCompleted

    /** Stops after the episode in flight, which is not written; the summary says `cancelled`. */
    fun cancel() = handle.cancel()

    suspend fun await(): BenchmarkSummary = result.await()
}

/** Starts (or resumes) this benchmark on a Rust thread. */
fun Benchmark.launch(io: CoroutineDispatcher = Dispatchers.IO): BenchmarkRun = BenchmarkRun(this, io)
