package dev.env0.kit

import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.NonCancellable
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.emitAll
import kotlinx.coroutines.flow.filterIsInstance
import kotlinx.coroutines.flow.flow
import kotlinx.coroutines.flow.map
import kotlinx.coroutines.withContext
import uniffi.env0_ffi.Agent
import uniffi.env0_ffi.Env0Exception
import uniffi.env0_ffi.EpisodeEvent
import uniffi.env0_ffi.EpisodeListener
import uniffi.env0_ffi.EpisodeSummary
import uniffi.env0_ffi.TaskHandle
import uniffi.env0_ffi.TaskLibrary
import uniffi.env0_ffi.Workspace

/** What a running episode reports: its events as they happen, then exactly one of Done or Failed. */
sealed interface EpisodeUpdate {
    data class Event(val event: EpisodeEvent) : EpisodeUpdate
    data class Done(val summary: EpisodeSummary) : EpisodeUpdate
    data class Failed(val error: Env0Exception) : EpisodeUpdate
}

/**
 * An episode running on a Rust thread. [updates] replays everything from the start to each
 * collector (a screen that comes back sees the whole transcript) and completes after Done or
 * Failed. Collecting does not own the episode: [cancel] stops it, and the updates still end with
 * Done (stop `cancelled`). For a flow whose collection owns the episode, see [taskUpdates].
 */
class EpisodeRun internal constructor(
    start: (EpisodeListener) -> TaskHandle,
    io: CoroutineDispatcher,
) {
    private val log = RunLog<EpisodeUpdate, EpisodeSummary>(
        { EpisodeUpdate.Done(it) },
        { EpisodeUpdate.Failed(it) },
    )
    private val handle: TaskHandle = start(
        object : EpisodeListener {
            override fun onEvent(event: EpisodeEvent) = log.send(EpisodeUpdate.Event(event))
        },
    )

    init {
        log.finishWith(io) { handle.join() }
    }

    val updates: Flow<EpisodeUpdate> = log.updates

    /** Just the events, in order; completes when the episode ends. */
    val events: Flow<EpisodeEvent> = updates.filterIsInstance<EpisodeUpdate.Event>().map { it.event }

    val isFinished: Boolean get() = log.isFinished

    /** Asks the episode to stop before its next model or tool call; what it already did stays. */
    fun cancel() = handle.cancel()

    /** The summary once the episode has ended (suspends, does not block). */
    suspend fun await(): EpisodeSummary = log.await()

    internal fun invokeOnFinish(action: () -> Unit) = log.invokeOnFinish(action)
}

/** Starts task [taskId] of [library] on its own fresh world. Throws NotFound for an unknown id. */
fun Agent.startTask(
    library: TaskLibrary,
    taskId: String,
    io: CoroutineDispatcher = Dispatchers.IO,
): EpisodeRun = EpisodeRun({ listener -> runTask(library, taskId, listener) }, io)

/**
 * Starts a free request on the user's own [workspace] (its writes stay). Prefer
 * [WorkspaceClient.startInstruction], which also tells the screens that the world changed.
 */
fun Agent.startInstruction(
    workspace: Workspace,
    instruction: String,
    io: CoroutineDispatcher = Dispatchers.IO,
): EpisodeRun = EpisodeRun({ listener -> runInstruction(workspace, instruction, listener) }, io)

/**
 * A cold flow of one episode of task [taskId]: collecting starts it, and cancelling the
 * collection (leaving a `first { }`, a cancelled scope) cancels the episode and waits until it
 * has stopped. An unknown task id gives Failed.
 */
fun Agent.taskUpdates(
    library: TaskLibrary,
    taskId: String,
    io: CoroutineDispatcher = Dispatchers.IO,
): Flow<EpisodeUpdate> = owned { startTask(library, taskId, io) }

/** As [taskUpdates], for a free request on the user's [workspace] (its writes stay). */
fun Agent.instructionUpdates(
    workspace: Workspace,
    instruction: String,
    io: CoroutineDispatcher = Dispatchers.IO,
): Flow<EpisodeUpdate> = owned { startInstruction(workspace, instruction, io) }

private fun owned(start: () -> EpisodeRun): Flow<EpisodeUpdate> = flow {
    val run = try {
        start()
    } catch (e: Env0Exception) {
        emit(EpisodeUpdate.Failed(e))
        return@flow
    }
    try {
        emitAll(run.updates)
    } finally {
        if (!run.isFinished) {
            run.cancel()
            withContext(NonCancellable) { runCatching { run.await() } }
        }
    }
}
