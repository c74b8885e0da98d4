package dev.env0.kit

import java.io.File
import kotlinx.coroutines.runBlocking
import org.junit.Assert.assertEquals
import org.junit.Assert.assertNotEquals
import org.junit.Assert.assertTrue
import org.junit.Assert.fail
import org.junit.Test
import uniffi.env0_ffi.Env0Exception
import uniffi.env0_ffi.Workspace

class WorkspaceClientTest {
    @Test
    fun createsTheWorldFileOnceAndReopensIt() = runBlocking {
        val path = File(tempDir("env0-kit-ws"), "world.env0").path
        val first = WorkspaceClient.openOrCreate(path, 42u, "default")
        first.send("POST", "/gmail/v1/users/me/labels", """{"name": "Kept"}""")
        val hash = first.stateHash()
        first.workspace.close()
        val again = WorkspaceClient.openOrCreate(path, 7u, "empty") // seed and scale ignored: the file exists
        assertEquals(hash, again.stateHash())
        assertTrue(again.get("/gmail/v1/users/me/labels").contains("Kept"))
    }

    @Test
    fun writesAndRestoresMoveTheRevisionReadsDoNot() = runBlocking {
        val ws = WorkspaceClient(Workspace.inMemory(42u, "default"))
        ws.saveSnapshot("start")
        val start = ws.stateHash()
        assertEquals(0L, ws.revision.value)
        ws.get("/gmail/v1/users/me/messages?maxResults=3")
        assertEquals("a read is not a change", 0L, ws.revision.value)
        ws.send("POST", "/gmail/v1/users/me/labels", """{"name": "Receipts"}""")
        assertEquals(1L, ws.revision.value)
        assertEquals(listOf("gmail_labels"), ws.diffSince("start").map { it.collection })
        assertNotEquals(start, ws.stateHash())
        assertTrue(ws.actionLog().any { it.method == "POST" && it.path == "/gmail/v1/users/me/labels" })
        ws.restoreSnapshot("start")
        assertEquals(2L, ws.revision.value)
        assertEquals(start, ws.stateHash())
        // The action log is part of the world: the restore took the POST back out of it.
        assertTrue(ws.actionLog().none { it.method == "POST" })
    }

    @Test
    fun aSnapshotFileResetsTheWorldInALaterSession() = runBlocking {
        val dir = tempDir("env0-kit-reset")
        val path = File(dir, "world.env0").path
        val reset = File(dir, "world-initial.snapshot").path
        val first = WorkspaceClient.openOrCreate(path, 42u, "default")
        first.saveSnapshotFile(reset)
        val initial = first.stateHash()
        first.send("POST", "/gmail/v1/users/me/labels", """{"name": "Undone"}""")
        first.workspace.close()
        val later = WorkspaceClient.openOrCreate(path)
        assertNotEquals(initial, later.stateHash())
        later.restoreSnapshotFile(reset)
        assertEquals(initial, later.stateHash())
        assertEquals("the screens are told to reload", 1L, later.revision.value)
        try {
            later.restoreSnapshotFile(File(dir, "missing.snapshot").path)
            fail("a missing reset file was accepted")
        } catch (e: Env0Exception.NotFound) {
        }
        assertEquals(initial, later.stateHash())
    }

    @Test
    fun apiErrorsAreTypedWithTheirStatus() = runBlocking {
        val ws = WorkspaceClient(Workspace.inMemory(42u, "default"))
        try {
            ws.get("/gmail/v1/users/me/messages/no-such-message")
            fail("a 404 was taken as success")
        } catch (e: ApiException) {
            assertEquals(404, e.status)
            assertTrue(e.body, e.body.contains("\"code\""))
        }
        // call() itself hands back any status without throwing.
        assertEquals(404, ws.call("GET", "/gmail/v1/users/me/messages/no-such-message").status.toInt())
        try {
            ws.call("FETCH", "/gmail/v1/users/me/profile")
            fail("a bad method was accepted")
        } catch (e: Env0Exception.InvalidArgument) {
            assertTrue(e.describe(), e.describe().startsWith("Invalid input:") && e.detail.contains("FETCH"))
        }
    }
}
