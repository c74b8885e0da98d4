package dev.env0.kit

import org.junit.Assert.assertEquals
import org.junit.Test
import uniffi.env0_ffi.EpisodeEvent

class TranscriptTest {
    private fun fold(vararg events: EpisodeEvent) = events.fold(Transcript()) { t, e -> t.apply(e) }

    @Test
    fun textPiecesOfOneTurnJoinAndANewTurnStartsANewCard() {
        val t = fold(
            EpisodeEvent.Started("t", "m", 12u),
            EpisodeEvent.TurnStarted(1u),
            EpisodeEvent.Text(1u, "Look"),
            EpisodeEvent.Text(1u, "ing up"),
            EpisodeEvent.TurnStarted(2u),
            EpisodeEvent.Text(2u, "Done."),
        )
        assertEquals(listOf(TranscriptItem.Said(1, "Looking up"), TranscriptItem.Said(2, "Done.")), t.items)
        assertEquals(2, t.turn)
        assertEquals(12, t.tools)
    }

    @Test
    fun aResultFillsTheCardOfItsCallEvenOutOfOrder() {
        val t = fold(
            EpisodeEvent.ToolCall("a", "gmail_list_messages", "{}", false),
            EpisodeEvent.ToolCall("b", "gmail_send", "{\"to\":\"x\"}", true),
            EpisodeEvent.ToolResult("b", "gmail_send", "api_error", 400u, "bad"),
            EpisodeEvent.ToolResult("a", "gmail_list_messages", "ok", null, "[]"),
        )
        assertEquals(
            listOf(
                TranscriptItem.ToolCard("a", "gmail_list_messages", "{}", false, "ok", null, "[]"),
                TranscriptItem.ToolCard("b", "gmail_send", "{\"to\":\"x\"}", true, "api_error", 400, "bad"),
            ),
            t.items,
        )
    }

    @Test
    fun unknownToolsInvalidRepliesAndTheVerdict() {
        val t = fold(
            EpisodeEvent.ToolCall("a", "no_such_tool", "{}", null),
            EpisodeEvent.ToolResult("a", "no_such_tool", "unknown_tool", null, "no such tool"),
            EpisodeEvent.ToolResult("z", "orphan", "ok", null, "x"),
            EpisodeEvent.InvalidReply(3u, "unparsable tool call"),
            EpisodeEvent.Verdict(0.5, false, "PASS event exists\n\n  FAIL attendee added  \n"),
            EpisodeEvent.Finished("final", 0.5),
        )
        val card = t.items[0] as TranscriptItem.ToolCard
        assertEquals(null, card.writes)
        assertEquals("unknown_tool", card.outcome)
        assertEquals(TranscriptItem.ToolCard("z", "orphan", "", null, "ok", null, "x"), t.items[1])
        assertEquals(TranscriptItem.InvalidReply(3, "unparsable tool call"), t.items[2])
        assertEquals(TranscriptItem.Verdict(0.5, false, listOf("PASS event exists", "FAIL attendee added")), t.items[3])
        assertEquals("final", t.stop)
    }
}
