package dev.env0.kit

import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch
import uniffi.env0_ffi.Agent
import uniffi.env0_ffi.Env0Exception
import uniffi.env0_ffi.EpisodeSummary
import uniffi.env0_ffi.TaskLibrary

/**
 * The Assistant screen's state: hand it a request (or a task) and an agent, collect [state].
 * One episode at a time; a new request while one runs is refused (cancel first). Plain Kotlin:
 * the Android app keeps one in a ViewModel and passes its viewModelScope.
 */
class AssistantModel(private val scope: CoroutineScope) {
    data class State(
        /** The user's request or the task's instruction. */
        val request: String? = null,
        /** The task being run (null for a free request). */
        val taskId: String? = null,
        val transcript: Transcript = Transcript(),
        val running: Boolean = false,
        val cancelling: Boolean = false,
        val summary: EpisodeSummary? = null,
        /** Why the episode could not start or run, for the user. */
        val error: String? = null,
    )

    private val current = MutableStateFlow(State())
    val state: StateFlow<State> = current.asStateFlow()
    private var run: EpisodeRun? = null
    private var follower: Job? = null

    /** Acts out [instruction] on the user's workspace. False when an episode is already running. */
    fun ask(agent: Agent, workspace: WorkspaceClient, instruction: String): Boolean =
        begin(instruction, null) { workspace.startInstruction(agent, instruction) }

    /** Runs one task of [library] on its own fresh world, with its verdict at the end. */
    fun runTask(agent: Agent, library: TaskLibrary, taskId: String, instruction: String): Boolean =
        begin(instruction, taskId) { agent.startTask(library, taskId) }

    fun cancel() {
        val active = run ?: return
        if (active.isFinished) return
        current.update { it.copy(cancelling = true) }
        active.cancel()
    }

    /** Waits until the episode being followed has been folded into [state] to the end. */
    suspend fun settle() {
        follower?.join()
    }

    private fun begin(request: String, taskId: String?, start: () -> EpisodeRun): Boolean {
        if (current.value.running) return false
        val started = try {
            start()
        } catch (e: Env0Exception) {
            current.value = State(request = request, taskId = taskId, error = e.describe())
            return true
        }
        run = started
        current.value = State(request = request, taskId = taskId, running = true)
        follower = scope.launch {
            started.updates.collect { update ->
                current.update { s ->
                    when (update) {
                        is EpisodeUpdate.Event -> s.copy(transcript = s.transcript.apply(update.event))
                        is EpisodeUpdate.Done -> s.copy(
                            running = false,
                            cancelling = false,
                            summary = update.summary,
                            error = update.summary.error,
                        )
                        is EpisodeUpdate.Failed -> s.copy(running = false, cancelling = false, error = update.error.describe())
                    }
                }
            }
        }
        return true
    }
}

/** A one-line reason for the user from a typed env0 error. */
fun Env0Exception.describe(): String = when (this) {
    is Env0Exception.InvalidArgument -> "Invalid input: $detail"
    is Env0Exception.NotFound -> "Not found: $detail"
    is Env0Exception.Storage -> "Storage problem: $detail"
    is Env0Exception.Unsupported -> "Not supported here: $detail"
    is Env0Exception.Cancelled -> "Cancelled"
    is Env0Exception.Internal -> "Internal error: $detail"
}
