package dev.env0.kit

import java.io.File
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.withContext
import uniffi.env0_ffi.ActionRecord
import uniffi.env0_ffi.Agent
import uniffi.env0_ffi.ApiResponse
import uniffi.env0_ffi.CollectionChanges
import uniffi.env0_ffi.Workspace

/** A non-2xx answer of the world's API where the caller asked for a successful one. */
class ApiException(val status: Int, val body: String) :
    Exception("the workspace answered $status: ${body.take(300)}")

/**
 * The user's workspace for the app's screens: every call runs on [io] (never on the caller's
 * thread), and [revision] moves after anything that may have changed the world, so a screen that
 * collects it reloads after a write made elsewhere (another screen, a restore, the Assistant).
 */
class WorkspaceClient(
    val workspace: Workspace,
    private val io: CoroutineDispatcher = Dispatchers.IO,
) {
    private val changes = MutableStateFlow(0L)

    /** Increases after each write through this client, each restore and each Assistant episode. */
    val revision: StateFlow<Long> = changes.asStateFlow()

    /** Marks the world as changed (for writes made around this client). */
    fun changed() = changes.update { it + 1 }

    /** One request, e.g. `call("GET", "/gmail/v1/users/me/messages?q=is:unread")`; API errors are answers with their status. */
    suspend fun call(method: String, path: String, body: String? = null, user: String? = null): ApiResponse {
        val answer = withContext(io) { workspace.call(method, path, body, user) }
        if (!method.equals("GET", ignoreCase = true)) changed()
        return answer
    }

    /** The JSON body of a successful GET; any other status throws [ApiException]. */
    suspend fun get(path: String, user: String? = null): String = ok(call("GET", path, null, user))

    /** The JSON body of a successful write; any other status throws [ApiException]. */
    suspend fun send(method: String, path: String, body: String?, user: String? = null): String =
        ok(call(method, path, body, user))

    suspend fun saveSnapshot(name: String) = withContext(io) { workspace.saveSnapshot(name) }

    suspend fun restoreSnapshot(name: String) {
        withContext(io) { workspace.restoreSnapshot(name) }
        changed()
    }

    /**
     * Writes the current state to a snapshot file (atomically): a reset point that outlives this
     * process, unlike [saveSnapshot]. The apps save one when the world is created.
     */
    suspend fun saveSnapshotFile(path: String) = withContext(io) { workspace.saveSnapshotFile(path) }

    /** Puts the world back to the snapshot file at [path] (NotFound: no such file; nothing changes). */
    suspend fun restoreSnapshotFile(path: String) {
        withContext(io) { workspace.restoreSnapshotFile(path) }
        changed()
    }

    suspend fun snapshotNames(): List<String> = withContext(io) { workspace.snapshotNames() }

    suspend fun diffSince(name: String): List<CollectionChanges> = withContext(io) { workspace.diffSince(name) }

    suspend fun actionLog(): List<ActionRecord> = withContext(io) { workspace.actionLog() }

    suspend fun stateHash(): String = withContext(io) { workspace.stateHash() }

    /** The world's clock (RFC 3339): what "today" is for the Calendar screens. */
    suspend fun now(): String = withContext(io) { workspace.now() }

    /**
     * The Assistant: [agent] acts out [instruction] on this workspace as its primary user. The
     * world is marked changed when the episode ends, however it ends.
     */
    fun startInstruction(agent: Agent, instruction: String): EpisodeRun {
        val run = agent.startInstruction(workspace, instruction, io)
        run.invokeOnFinish { changed() }
        return run
    }

    private fun ok(answer: ApiResponse): String {
        val status = answer.status.toInt()
        if (status !in 200..299) throw ApiException(status, answer.bodyJson)
        return answer.bodyJson
    }

    companion object {
        /** Opens the world file at [path], or creates it from [seed] and [scale] when there is none. */
        suspend fun openOrCreate(
            path: String,
            seed: ULong = 42u,
            scale: String = "default",
            io: CoroutineDispatcher = Dispatchers.IO,
        ): WorkspaceClient = withContext(io) {
            val ws = if (File(path).exists()) Workspace.open(path) else Workspace.create(path, seed, scale)
            WorkspaceClient(ws, io)
        }
    }
}
