package dev.env0.kit

import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.MutableSharedFlow
import kotlinx.coroutines.flow.transformWhile
import kotlinx.coroutines.launch
import uniffi.env0_ffi.Env0Exception

/**
 * What a job on a Rust thread (an episode, a benchmark) has reported, for [EpisodeRun] and
 * [BenchmarkRun]: its listener's updates as they come, then one last update made from the job's
 * result ([done]) or its error ([failed]). [updates] replays everything to each collector and
 * completes after the last one.
 */
internal class RunLog<U, T>(
    private val done: (T) -> U,
    private val failed: (Env0Exception) -> U,
) {
    // Unbounded replay: listeners run on the job's thread and must never wait for a slow
    // collector; a job reports at most a few thousand updates.
    private val all = MutableSharedFlow<Pair<U, Boolean>>(replay = Int.MAX_VALUE)
    private val result = CompletableDeferred<T>()

    val updates: Flow<U> = all.transformWhile { (update, last) ->
        emit(update)
        !last
    }

    val isFinished: Boolean get() = result.isCompleted

    /** An update from the job's listener (never blocks). */
    fun send(update: U) {
        all.tryEmit(update to false)
    }

    /** Waits for the job's end with [join] on [io] (it blocks: never on the caller's thread). */
    fun finishWith(io: CoroutineDispatcher, join: () -> T) {
        CoroutineScope(io).launch {
            try {
                val value = join()
                all.tryEmit(done(value) to true)
                result.complete(value)
            } catch (e: Env0Exception) {
                all.tryEmit(failed(e) to true)
                result.completeExceptionally(e)
            }
        }
    }

    suspend fun await(): T = result.await()

    fun invokeOnFinish(action: () -> Unit) {
        result.invokeOnCompletion { action() }
    }
}
