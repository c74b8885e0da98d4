package dev.env0.kit

import java.io.File
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import org.junit.Assert.assertEquals
import org.junit.Assert.assertTrue
import org.junit.Test
import uniffi.env0_ffi.Env0Exception
import uniffi.env0_ffi.LocalOptions
import uniffi.env0_ffi.ModelStore

class ImportTest {
    @Test
    fun aModelIsInspectedImportedWithProgressAndRemoved() = runBlocking {
        withTimeout(120_000) {
            val store = ModelStore.open(tempDir("env0-kit-models").path)
            val info = store.inspect(smollm2.path)
            assertEquals("llama", info.architecture)
            assertEquals("smollm2", info.family)
            val updates = store.importModelUpdates(smollm2.path).toList()
            val done = updates.last() as ImportUpdate.Done
            val copying = updates.filterIsInstance<ImportUpdate.Copying>()
            assertTrue("progress was reported", copying.isNotEmpty())
            assertTrue(copying.all { it.totalBytes == smollm2.length() && it.fraction in 0.0..1.0 })
            assertEquals(smollm2.length(), done.record.info.sizeBytes.toLong())
            assertEquals(listOf(done.record.id), store.list().map { it.id })
            assertTrue(store.verify(done.record.id))
            store.remove(done.record.id)
            assertTrue(store.list().isEmpty())
        }
    }

    @Test
    fun aBadFileFailsBeforeAnythingIsCopied() = runBlocking {
        val dir = tempDir("env0-kit-bad")
        val store = ModelStore.open(File(dir, "models").path)
        val fake = File(dir, "fake.gguf").apply { writeText("not a gguf at all") }
        val updates = store.importModelUpdates(fake.path).toList()
        val failed = updates.single() as ImportUpdate.Failed
        assertTrue(failed.error.describe(), failed.error is Env0Exception.InvalidArgument || failed.error is Env0Exception.Storage)
        assertTrue(store.list().isEmpty())
    }

    @Test
    fun leavingTheImportFlowCancelsItAndNothingStays() = runBlocking {
        withTimeout(120_000) {
            val root = File(tempDir("env0-kit-cancel"), "models")
            val store = ModelStore.open(root.path)
            val copying = store.importModelUpdates(smollm2.path).first { it is ImportUpdate.Copying }
            assertTrue(copying is ImportUpdate.Copying)
            assertTrue(store.list().isEmpty())
            // Nothing of it stays: no model directory, no staging directory, no partial file.
            assertEquals(emptyList<String>(), root.list()?.toList())
        }
    }

    @Test
    fun loadingAModelWithoutTheLocalBackendSaysWhy() = runBlocking {
        withTimeout(120_000) {
            val store = ModelStore.open(tempDir("env0-kit-load").path)
            val record = (store.importModelUpdates(smollm2.path).toList().last() as ImportUpdate.Done).record
            val stages = mutableListOf<String>()
            val options = LocalOptions(context = 2048u, dtype = null, temperature = 0.0, enableThinking = false)
            try {
                store.awaitAgent(record.id, null, options) { stages.add(it) }
                throw AssertionError("this JVM test runs against the build without `local`")
            } catch (e: Env0Exception.Unsupported) {
                assertTrue(e.describe(), e.describe().startsWith("Not supported here:"))
            }
            try {
                store.awaitAgent("0000000000000000", null, options)
                throw AssertionError("an unknown model loaded")
            } catch (e: Env0Exception.NotFound) {
                // the id is looked up before the backend is asked
            }
        }
    }
}
