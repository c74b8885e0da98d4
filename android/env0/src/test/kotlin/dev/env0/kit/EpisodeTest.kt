package dev.env0.kit

import java.util.concurrent.CountDownLatch
import java.util.concurrent.TimeUnit
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Test
import uniffi.env0_ffi.Agent
import uniffi.env0_ffi.Env0Exception
import uniffi.env0_ffi.EpisodeEvent
import uniffi.env0_ffi.EpisodeListener
import uniffi.env0_ffi.TaskFilter
import uniffi.env0_ffi.TaskLibrary
import uniffi.env0_ffi.Workspace

class EpisodeTest {
    private val library = TaskLibrary.open(tasksDir)
    private val gcal = library.list(TaskFilter(family = "gcal", split = null, template = null)).first()

    @Test
    fun anOracleEpisodeStreamsItsEventsThenItsSummary() = runBlocking {
        withTimeout(60_000) {
            val run = Agent.oracle().startTask(library, gcal.id)
            val updates = run.updates.toList()
            val done = updates.last() as EpisodeUpdate.Done
            assertEquals(1, updates.count { it !is EpisodeUpdate.Event })
            assertTrue(done.summary.passed && done.summary.reward == 1.0 && done.summary.stop == "final")
            val events = updates.filterIsInstance<EpisodeUpdate.Event>().map { it.event }
            assertTrue(events.first() is EpisodeEvent.Started)
            assertTrue(events.last() is EpisodeEvent.Finished)
            val calls = events.filterIsInstance<EpisodeEvent.ToolCall>()
            assertEquals(done.summary.toolCalls.toInt(), calls.size)
            assertTrue("a gcal task writes", calls.any { it.writes == true })
            assertEquals(done.summary, run.await())
            assertTrue(run.isFinished)
            // A collector that comes later (a screen shown again) gets the same history.
            assertEquals(updates, run.updates.toList())
            assertEquals(events, run.events.toList())

            // The Assistant's view of it: every call has its result, the verdict lists its checks.
            val transcript = events.fold(Transcript()) { t, e -> t.apply(e) }
            val cards = transcript.items.filterIsInstance<TranscriptItem.ToolCard>()
            assertEquals(calls.map { it.id }, cards.map { it.id })
            assertTrue(cards.all { it.succeeded && !it.pending && it.content != null })
            val verdict = transcript.items.last() as TranscriptItem.Verdict
            assertTrue(verdict.passed && verdict.checks.isNotEmpty() && verdict.checks.none { it.isBlank() })
            assertEquals("final", transcript.stop)
            assertTrue(transcript.tools > 0 && transcript.model != null)
        }
    }

    @Test
    fun cancelStopsTheEpisodeAndKeepsWhatItDid() = runBlocking {
        withTimeout(120_000) {
            val ws = Workspace.inMemory(7u, "default")
            // The episode's thread is held right after its first tool result until cancel() has
            // been called, so the cancel lands before the second call, every time.
            val firstResult = CountDownLatch(1)
            val release = CountDownLatch(1)
            val agent = Agent.replay(labelMaker(40))
            val run = EpisodeRun(
                { listener ->
                    agent.runInstruction(
                        ws,
                        "Make labels",
                        object : EpisodeListener {
                            override fun onEvent(event: EpisodeEvent) {
                                listener.onEvent(event)
                                if (event is EpisodeEvent.ToolResult && firstResult.count > 0) {
                                    firstResult.countDown()
                                    release.await(30, TimeUnit.SECONDS)
                                }
                            }
                        },
                    )
                },
                Dispatchers.IO,
            )
            assertTrue("first tool result", firstResult.await(60, TimeUnit.SECONDS))
            run.cancel()
            release.countDown()
            val summary = run.await()
            assertEquals("cancelled", summary.stop)
            assertEquals(1u, summary.toolCalls)
            val updates = run.updates.toList()
            assertTrue(updates.last() is EpisodeUpdate.Done)
            assertTrue(updates.none { it is EpisodeUpdate.Event && it.event is EpisodeEvent.Verdict })
            // What it did stays: exactly the one label it made is in the world.
            val labels = ws.call("GET", "/gmail/v1/users/me/labels", null, null).bodyJson
            assertEquals(1, Regex("\"Kit-\\d+\"").findAll(labels).count())
        }
    }

    @Test
    fun leavingAnOwnedFlowCancelsTheEpisodeAndWaitsForIt() = runBlocking {
        withTimeout(120_000) {
            val ws = Workspace.inMemory(7u, "default")
            val agent = Agent.replay(labelMaker(40))
            val firstResult = agent.instructionUpdates(ws, "Make labels")
                .first { it is EpisodeUpdate.Event && it.event is EpisodeEvent.ToolResult }
            assertTrue(firstResult is EpisodeUpdate.Event)
            // first{} returned: the episode has stopped, so the world no longer changes.
            val count = { Regex("\"Kit-\\d+\"").findAll(ws.call("GET", "/gmail/v1/users/me/labels", null, null).bodyJson).count() }
            val after = count()
            assertTrue("$after labels", after in 1..39)
            Thread.sleep(300)
            assertEquals(after, count())
        }
    }

    @Test
    fun anUnknownTaskIsNotFound() = runBlocking {
        val updates = Agent.oracle().taskUpdates(library, "no-such-task").toList()
        val failed = updates.single() as EpisodeUpdate.Failed
        assertTrue(failed.error is Env0Exception.NotFound)
        try {
            Agent.oracle().startTask(library, "no-such-task")
            throw AssertionError("started")
        } catch (e: Env0Exception.NotFound) {
            assertTrue(e.describe().startsWith("Not found:"))
        }
    }

    @Test
    fun theAssistantModelFoldsAnInstructionAndMarksTheWorldChanged() = runBlocking {
        withTimeout(60_000) {
            val ws = WorkspaceClient(Workspace.inMemory(7u, "default"))
            val model = AssistantModel(this)
            assertTrue(model.ask(Agent.replay(labelMaker(3)), ws, "Make three labels"))
            model.settle()
            val s = model.state.value
            assertFalse(s.running)
            assertNull(s.error)
            assertEquals("Make three labels", s.request)
            assertEquals("final", s.summary?.stop)
            val cards = s.transcript.items.filterIsInstance<TranscriptItem.ToolCard>()
            assertEquals(listOf("c1", "c2", "c3"), cards.map { it.id })
            assertTrue(cards.all { it.writes == true && it.outcome == "ok" })
            val said = s.transcript.items.filterIsInstance<TranscriptItem.Said>()
            assertEquals("Done.", said.joinToString("") { it.text }.trim())
            // The episode wrote to the user's world: screens are told to reload.
            assertTrue(ws.revision.value >= 1)
        }
    }

    @Test
    fun theAssistantModelCancels() = runBlocking {
        withTimeout(120_000) {
            val ws = WorkspaceClient(Workspace.inMemory(7u, "default"))
            val model = AssistantModel(this)
            model.ask(Agent.replay(labelMaker(40)), ws, "Make labels")
            assertFalse("one episode at a time", model.ask(Agent.oracle(), ws, "Another"))
            while (model.state.value.transcript.items.none { it is TranscriptItem.ToolCard && !it.pending }) {
                kotlinx.coroutines.delay(1)
            }
            model.cancel()
            model.settle()
            val s = model.state.value
            assertEquals("cancelled", s.summary?.stop)
            assertFalse(s.running || s.cancelling)
            assertTrue(s.transcript.items.none { it is TranscriptItem.Verdict })
        }
    }

    @Test
    fun anEmptyRequestIsRefusedWithAReason() = runBlocking {
        val model = AssistantModel(this)
        model.ask(Agent.oracle(), WorkspaceClient(Workspace.inMemory(7u, "empty")), "   ")
        val s = model.state.value
        assertFalse(s.running)
        assertTrue(s.error ?: "", (s.error ?: "").startsWith("Invalid input:"))
    }
}
