package dev.env0.kit

import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch
import uniffi.env0_ffi.Benchmark
import uniffi.env0_ffi.BenchmarkProgress
import uniffi.env0_ffi.BenchmarkSummary
import uniffi.env0_ffi.Env0Exception

/**
 * The Benchmark screen's state: progress per (task, trial) with the live pass rate and its 95 %
 * Wilson interval (computed in Rust, as in the report), then the run's summary.
 */
class BenchmarkModel(private val scope: CoroutineScope) {
    /** One finished (task, trial) of this run, newest last. */
    data class Finished(val taskId: String, val reward: Double, val passed: Boolean)

    data class State(
        val running: Boolean = false,
        val cancelling: Boolean = false,
        val progress: BenchmarkProgress? = null,
        val finished: List<Finished> = emptyList(),
        val summary: BenchmarkSummary? = null,
        val error: String? = null,
    )

    private val current = MutableStateFlow(State())
    val state: StateFlow<State> = current.asStateFlow()
    private var run: BenchmarkRun? = null
    private var follower: Job? = null

    /** Starts or resumes [benchmark]. False when a run is already going. */
    fun start(benchmark: Benchmark): Boolean {
        if (current.value.running) return false
        val started = try {
            benchmark.launch()
        } catch (e: Env0Exception) {
            current.value = State(error = e.describe())
            return true
        }
        run = started
        current.value = State(running = true)
        follower = scope.launch {
            started.updates.collect { update ->
                current.update { s ->
                    when (update) {
                        is BenchmarkUpdate.Progress -> {
                            val p = update.progress
                            val id = p.lastTaskId
                            val reward = p.lastReward
                            val passed = p.lastPassed
                            val row = if (id != null && reward != null && passed != null) listOf(Finished(id, reward, passed)) else emptyList()
                            s.copy(progress = p, finished = s.finished + row)
                        }
                        is BenchmarkUpdate.Done -> s.copy(running = false, cancelling = false, summary = update.summary)
                        is BenchmarkUpdate.Failed -> s.copy(running = false, cancelling = false, error = update.error.describe())
                    }
                }
            }
        }
        return true
    }

    fun cancel() {
        val active = run ?: return
        if (active.isFinished) return
        current.update { it.copy(cancelling = true) }
        active.cancel()
    }

    suspend fun settle() {
        follower?.join()
    }
}
