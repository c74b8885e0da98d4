package dev.env0.kit

import uniffi.env0_ffi.EpisodeEvent

/** One card of the Assistant's transcript, folded from an episode's events by [Transcript]. */
sealed interface TranscriptItem {
    /** What the model said in one turn (its streamed text pieces joined). */
    data class Said(val turn: Int, val text: String) : TranscriptItem

    /**
     * A tool call and, once it is back, its result. [writes]: whether the tool may change the
     * world (null: the model named no such tool). [outcome]: `ok`, `unknown_tool`,
     * `bad_arguments`, `api_error` (with [status]) or `failed`; null while the call runs.
     */
    data class ToolCard(
        val id: String,
        val name: String,
        val argumentsJson: String,
        val writes: Boolean?,
        val outcome: String? = null,
        val status: Int? = null,
        val content: String? = null,
    ) : TranscriptItem {
        val pending: Boolean get() = outcome == null
        val succeeded: Boolean get() = outcome == "ok"
    }

    /** A reply the runtime could not read as text or a tool call. */
    data class InvalidReply(val turn: Int, val error: String) : TranscriptItem

    /** A task's verdict: one line per check, gate and violation. */
    data class Verdict(val reward: Double, val passed: Boolean, val checks: List<String>) : TranscriptItem
}

/** An episode as the Assistant screen shows it. Pure: fold events with [apply]. */
data class Transcript(
    val model: String? = null,
    val tools: Int = 0,
    val turn: Int = 0,
    val items: List<TranscriptItem> = emptyList(),
    /** `Finished`'s stop (`done`, `cancelled`, `max_turns`, …); null while running. */
    val stop: String? = null,
) {
    fun apply(event: EpisodeEvent): Transcript = when (event) {
        is EpisodeEvent.Started -> copy(model = event.model, tools = event.tools.toInt())
        is EpisodeEvent.TurnStarted -> copy(turn = event.turn.toInt())
        is EpisodeEvent.Text -> {
            val turn = event.turn.toInt()
            val last = items.lastOrNull()
            if (last is TranscriptItem.Said && last.turn == turn) {
                copy(items = items.dropLast(1) + last.copy(text = last.text + event.text))
            } else {
                copy(items = items + TranscriptItem.Said(turn, event.text))
            }
        }
        is EpisodeEvent.ToolCall -> copy(
            items = items + TranscriptItem.ToolCard(event.id, event.name, event.argumentsJson, event.writes),
        )
        is EpisodeEvent.ToolResult -> {
            val at = items.indexOfLast { it is TranscriptItem.ToolCard && it.id == event.id && it.pending }
            val filled = { card: TranscriptItem.ToolCard ->
                card.copy(outcome = event.outcome, status = event.status?.toInt(), content = event.content)
            }
            if (at < 0) {
                // A result without its call (not sent by env0 today): shown on its own card.
                copy(items = items + filled(TranscriptItem.ToolCard(event.id, event.name, "", null)))
            } else {
                copy(items = items.toMutableList().also { it[at] = filled(it[at] as TranscriptItem.ToolCard) })
            }
        }
        is EpisodeEvent.InvalidReply -> copy(items = items + TranscriptItem.InvalidReply(event.turn.toInt(), event.error))
        is EpisodeEvent.Verdict -> copy(
            items = items + TranscriptItem.Verdict(
                event.reward,
                event.passed,
                event.explanation.lines().map { it.trim() }.filter { it.isNotEmpty() },
            ),
        )
        is EpisodeEvent.Finished -> copy(stop = event.stop)
    }
}
