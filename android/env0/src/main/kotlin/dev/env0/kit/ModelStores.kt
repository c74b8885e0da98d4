package dev.env0.kit

import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.channels.awaitClose
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.buffer
import kotlinx.coroutines.flow.callbackFlow
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext
import uniffi.env0_ffi.Agent
import uniffi.env0_ffi.Env0Exception
import uniffi.env0_ffi.ImportHandle
import uniffi.env0_ffi.ImportListener
import uniffi.env0_ffi.LoadListener
import uniffi.env0_ffi.LocalOptions
import uniffi.env0_ffi.ModelInfo
import uniffi.env0_ffi.ModelRecord
import uniffi.env0_ffi.ModelStore

/** An import's progress, then exactly one of Done or Failed. */
sealed interface ImportUpdate {
    data class Copying(val copiedBytes: Long, val totalBytes: Long) : ImportUpdate {
        /** 0.0 to 1.0. */
        val fraction: Double get() = if (totalBytes <= 0) 0.0 else copiedBytes.toDouble() / totalBytes
    }
    data class Done(val record: ModelRecord) : ImportUpdate
    data class Failed(val error: Env0Exception) : ImportUpdate
}

/**
 * Imports the GGUF at [path] into the store: the file is checked before anything is copied (a bad
 * file ends in Failed with the reason), then copied with progress and hashed. Cold: collecting
 * starts the import; cancelling the collection cancels it, and nothing of it stays.
 */
fun ModelStore.importModelUpdates(
    path: String,
    name: String? = null,
    io: CoroutineDispatcher = Dispatchers.IO,
): Flow<ImportUpdate> = importUpdates(io) { listener -> importModel(path, name, listener) }

/** Imports a PEFT adapter folder (adapter_config.json + adapter_model.safetensors); as [importModelUpdates]. */
fun ModelStore.importAdapterUpdates(
    dir: String,
    name: String? = null,
    io: CoroutineDispatcher = Dispatchers.IO,
): Flow<ImportUpdate> = importUpdates(io) { listener -> importAdapter(dir, name, listener) }

private fun importUpdates(io: CoroutineDispatcher, start: (ImportListener) -> ImportHandle): Flow<ImportUpdate> =
    callbackFlow {
        val handle = try {
            start(
                object : ImportListener {
                    override fun onProgress(copiedBytes: ULong, totalBytes: ULong) {
                        trySend(ImportUpdate.Copying(copiedBytes.toLong(), totalBytes.toLong()))
                    }
                },
            )
        } catch (e: Env0Exception) {
            send(ImportUpdate.Failed(e))
            close()
            return@callbackFlow
        }
        launch(io) {
            val last = try {
                ImportUpdate.Done(handle.join())
            } catch (e: Env0Exception) {
                ImportUpdate.Failed(e)
            }
            send(last)
            close()
        }
        // Called when the import has ended (a no-op then) or the collector went away.
        awaitClose { handle.cancel() }
    }.buffer(Channel.CONFLATED) // a slow screen skips progress steps, never the last update

/** Checks a GGUF without copying it: header, architecture, chat family, not truncated. */
suspend fun ModelStore.inspect(path: String, io: CoroutineDispatcher = Dispatchers.IO): ModelInfo =
    withContext(io) { inspectModel(path) }

/**
 * Loads model [modelId] (with adapter [adapterId]) for the local backend off the caller's thread,
 * reporting its stages (`checking`, `loading`, `ready`) to [onStage] on the loading thread.
 * Throws Env0Exception.Unsupported in a build without the local backend.
 */
suspend fun ModelStore.awaitAgent(
    modelId: String,
    adapterId: String?,
    options: LocalOptions,
    io: CoroutineDispatcher = Dispatchers.IO,
    onStage: (String) -> Unit = {},
): Agent = withContext(io) {
    loadAgent(
        modelId,
        adapterId,
        options,
        object : LoadListener {
            override fun onStage(stage: String) = onStage(stage)
        },
    ).join()
}
