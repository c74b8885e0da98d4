package dev.env0.mobile

import androidx.activity.compose.BackHandler
import androidx.compose.foundation.clickable
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.Spacer
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.size
import androidx.compose.foundation.layout.width
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.LazyRow
import androidx.compose.foundation.lazy.items
import androidx.compose.foundation.lazy.rememberLazyListState
import androidx.compose.foundation.text.KeyboardActions
import androidx.compose.foundation.text.KeyboardOptions
import androidx.compose.foundation.text.selection.SelectionContainer
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.automirrored.filled.List
import androidx.compose.material.icons.automirrored.filled.Send
import androidx.compose.material.icons.filled.Cancel
import androidx.compose.material.icons.filled.CheckCircle
import androidx.compose.material.icons.filled.Close
import androidx.compose.material.icons.filled.Edit
import androidx.compose.material.icons.filled.Error
import androidx.compose.material.icons.filled.Info
import androidx.compose.material.icons.filled.Search
import androidx.compose.material.icons.filled.Stop
import androidx.compose.material.icons.filled.Visibility
import androidx.compose.material.icons.filled.Warning
import androidx.compose.material3.Button
import androidx.compose.material3.Card
import androidx.compose.material3.CardDefaults
import androidx.compose.material3.CircularProgressIndicator
import androidx.compose.material3.FilterChip
import androidx.compose.material3.HorizontalDivider
import androidx.compose.material3.Icon
import androidx.compose.material3.IconButton
import androidx.compose.material3.ListItem
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedCard
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.saveable.rememberSaveable
import androidx.compose.runtime.setValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.graphics.vector.ImageVector
import androidx.compose.ui.semantics.LiveRegionMode
import androidx.compose.ui.semantics.liveRegion
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.text.font.FontFamily
import androidx.compose.ui.text.input.ImeAction
import androidx.compose.ui.text.style.TextOverflow
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import dev.env0.kit.AssistantModel
import dev.env0.kit.TranscriptItem
import java.util.Locale
import uniffi.env0_ffi.TaskSummary

/**
 * The Assistant: a free request acted out on the user's workspace by the active agent, or one
 * task of the bundled set on its own fresh world with its verdict. The transcript streams in;
 * each tool call says whether it reads or writes (icon and text); Cancel while it runs.
 */
@Composable
fun AssistantScreen(model: MainViewModel) {
    val state by model.assistant.state.collectAsStateWithLifecycle()
    val agent by model.agent.collectAsStateWithLifecycle()
    val notice by model.assistantNotice.collectAsStateWithLifecycle()
    var picking by rememberSaveable { mutableStateOf(false) }
    var request by rememberSaveable { mutableStateOf("") }

    if (picking) {
        BackHandler { picking = false }
        TaskPicker(
            model = model,
            onBack = { picking = false },
            onPick = { task ->
                picking = false
                model.runTask(task)
            },
        )
        return
    }

    Column(Modifier.fillMaxSize()) {
        ScreenHeader("Assistant") {
            LabeledIconButton(
                Icons.AutoMirrored.Filled.List,
                "Run a task from the task set",
                { picking = true },
                enabled = !state.running,
            )
        }
        Text(
            "Agent: " + (agent?.label ?: "none"),
            style = MaterialTheme.typography.bodySmall,
            color = MaterialTheme.colorScheme.onSurfaceVariant,
            modifier = Modifier.padding(horizontal = 16.dp),
        )
        notice?.let { Notice(it, onDismiss = { model.dismissAssistantNotice() }) }
        Column(Modifier.weight(1f)) {
            TranscriptList(state)
        }
        if (state.running) {
            Row(
                Modifier.fillMaxWidth().padding(horizontal = 16.dp, vertical = 8.dp),
                verticalAlignment = Alignment.CenterVertically,
            ) {
                CircularProgressIndicator(Modifier.size(24.dp), strokeWidth = 3.dp)
                Spacer(Modifier.width(12.dp))
                Text(
                    if (state.cancelling) "Cancelling…" else "Working (turn ${state.transcript.turn})",
                    style = MaterialTheme.typography.bodyMedium,
                    modifier = Modifier.weight(1f),
                )
                Button(onClick = { model.cancelAssistant() }, enabled = !state.cancelling) {
                    Icon(Icons.Filled.Stop, contentDescription = null)
                    Spacer(Modifier.width(6.dp))
                    Text("Cancel")
                }
            }
        } else {
            Row(
                Modifier.fillMaxWidth().padding(horizontal = 8.dp, vertical = 4.dp),
                verticalAlignment = Alignment.CenterVertically,
            ) {
                OutlinedTextField(
                    value = request,
                    onValueChange = { request = it },
                    label = { Text("Ask for something in your workspace") },
                    maxLines = 4,
                    keyboardOptions = KeyboardOptions(imeAction = ImeAction.Send),
                    keyboardActions = KeyboardActions(onSend = {
                        if (request.isNotBlank()) {
                            model.ask(request)
                            request = ""
                        }
                    }),
                    modifier = Modifier.weight(1f),
                )
                LabeledIconButton(
                    Icons.AutoMirrored.Filled.Send,
                    "Send the request",
                    {
                        model.ask(request)
                        request = ""
                    },
                    enabled = request.isNotBlank() && agent != null,
                )
            }
        }
    }
}

@Composable
private fun TranscriptList(state: AssistantModel.State) {
    val cards = state.transcript.items
    val listState = rememberLazyListState()
    val summary = state.summary
    val error = state.error
    // Follow the newest card while the episode runs.
    val count = cards.size + (if (summary != null) 1 else 0) + (if (error != null) 1 else 0)
    LaunchedEffect(count) {
        if (count > 0) listState.animateScrollToItem(count)
    }
    if (state.request == null && cards.isEmpty()) {
        Column(Modifier.fillMaxSize().padding(24.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
            Text("Ask for something, e.g. \"Move my 1:1 with Priya to Thursday\".", style = MaterialTheme.typography.bodyLarge)
            Text(
                "The agent acts on your own workspace with the same tools as the benchmark; what it " +
                    "writes stays (Reset on the Workspace tab undoes it). Or run a task from the task " +
                    "set (the list button above): it runs on its own fresh world and ends with a verdict.",
                style = MaterialTheme.typography.bodyMedium,
                color = MaterialTheme.colorScheme.onSurfaceVariant,
            )
        }
        return
    }
    LazyColumn(Modifier.fillMaxSize(), state = listState) {
        item(key = "request") { RequestCard(state) }
        items(cards.size) { i ->
            when (val item = cards[i]) {
                is TranscriptItem.Said -> SaidCard(item)
                is TranscriptItem.ToolCard -> ToolCardView(item)
                is TranscriptItem.InvalidReply -> InvalidReplyCard(item)
                is TranscriptItem.Verdict -> VerdictCard(item)
            }
        }
        if (summary != null) {
            item(key = "summary") {
                val parts = listOf(
                    "Stopped: ${stopLabel(summary.stop)}",
                    "${summary.turns} turns",
                    "${summary.toolCalls} tool calls",
                    "${summary.invalidToolCalls} invalid",
                )
                Text(
                    parts.joinToString(" · "),
                    style = MaterialTheme.typography.bodySmall,
                    color = MaterialTheme.colorScheme.onSurfaceVariant,
                    modifier = Modifier.padding(16.dp).semantics { liveRegion = LiveRegionMode.Polite },
                )
            }
        }
        if (error != null) {
            item(key = "error") { ErrorMessage(error) }
        }
    }
}

private fun stopLabel(stop: String): String = when (stop) {
    "final" -> "the agent answered"
    "cancelled" -> "cancelled"
    "max_turns" -> "too many turns"
    "max_tool_calls" -> "too many tool calls"
    "context_limit" -> "the context window is full"
    "model_error" -> "model error"
    "setup_error" -> "setup error"
    "internal_error" -> "internal error"
    else -> stop
}

@Composable
private fun RequestCard(state: AssistantModel.State) {
    Card(
        colors = CardDefaults.cardColors(containerColor = MaterialTheme.colorScheme.primaryContainer),
        modifier = Modifier.fillMaxWidth().padding(horizontal = 16.dp, vertical = 8.dp),
    ) {
        Column(Modifier.padding(16.dp)) {
            Text(
                if (state.taskId != null) "Task ${state.taskId}" else "Your request",
                style = MaterialTheme.typography.labelMedium,
                color = MaterialTheme.colorScheme.onPrimaryContainer,
            )
            Text(state.request ?: "", style = MaterialTheme.typography.bodyLarge, color = MaterialTheme.colorScheme.onPrimaryContainer)
            state.transcript.model?.let {
                Text(
                    "Model: $it · ${state.transcript.tools} tools",
                    style = MaterialTheme.typography.bodySmall,
                    color = MaterialTheme.colorScheme.onPrimaryContainer,
                )
            }
        }
    }
}

@Composable
private fun SaidCard(item: TranscriptItem.Said) {
    Column(Modifier.fillMaxWidth().padding(horizontal = 16.dp, vertical = 6.dp)) {
        Text("Agent, turn ${item.turn}", style = MaterialTheme.typography.labelMedium, color = MaterialTheme.colorScheme.onSurfaceVariant)
        SelectionContainer {
            Text(item.text.trim(), style = MaterialTheme.typography.bodyLarge)
        }
    }
}

@Composable
private fun ToolCardView(card: TranscriptItem.ToolCard) {
    var expanded by remember(card.id) { mutableStateOf(false) }
    val (kindIcon: ImageVector, kindText: String) = when (card.writes) {
        true -> Icons.Filled.Edit to "Writes"
        false -> Icons.Filled.Visibility to "Reads"
        null -> Icons.Filled.Info to "Unknown tool"
    }
    OutlinedCard(Modifier.fillMaxWidth().padding(horizontal = 16.dp, vertical = 6.dp)) {
        Column(Modifier.padding(12.dp), verticalArrangement = Arrangement.spacedBy(4.dp)) {
            Row(verticalAlignment = Alignment.CenterVertically) {
                Icon(kindIcon, contentDescription = null, modifier = Modifier.size(20.dp))
                Spacer(Modifier.width(6.dp))
                Text(kindText, style = MaterialTheme.typography.labelLarge)
                Spacer(Modifier.width(12.dp))
                Text(
                    card.name,
                    style = MaterialTheme.typography.titleSmall,
                    fontFamily = FontFamily.Monospace,
                    maxLines = 1,
                    overflow = TextOverflow.Ellipsis,
                    modifier = Modifier.weight(1f),
                )
            }
            if (card.argumentsJson.isNotBlank()) {
                Text(
                    prettyJson(card.argumentsJson),
                    style = MaterialTheme.typography.bodySmall,
                    fontFamily = FontFamily.Monospace,
                    maxLines = if (expanded) Int.MAX_VALUE else 6,
                    overflow = TextOverflow.Ellipsis,
                )
            }
            if (card.pending) {
                Row(verticalAlignment = Alignment.CenterVertically) {
                    CircularProgressIndicator(Modifier.size(16.dp), strokeWidth = 2.dp)
                    Spacer(Modifier.width(8.dp))
                    Text("Running…", style = MaterialTheme.typography.bodySmall)
                }
            } else {
                HorizontalDivider(Modifier.padding(vertical = 4.dp))
                Row(verticalAlignment = Alignment.CenterVertically) {
                    Icon(
                        if (card.succeeded) Icons.Filled.CheckCircle else Icons.Filled.Error,
                        contentDescription = null,
                        modifier = Modifier.size(20.dp),
                        tint = if (card.succeeded) MaterialTheme.colorScheme.primary else MaterialTheme.colorScheme.error,
                    )
                    Spacer(Modifier.width(6.dp))
                    Text(outcomeLabel(card), style = MaterialTheme.typography.labelLarge)
                }
                val content = card.content.orEmpty()
                if (content.isNotBlank()) {
                    SelectionContainer {
                        Text(
                            if (expanded) prettyJson(content) else content.take(400),
                            style = MaterialTheme.typography.bodySmall,
                            fontFamily = FontFamily.Monospace,
                            maxLines = if (expanded) Int.MAX_VALUE else 6,
                            overflow = TextOverflow.Ellipsis,
                        )
                    }
                }
            }
            TextButton(onClick = { expanded = !expanded }) {
                Text(if (expanded) "Show less" else "Show all")
            }
        }
    }
}

private fun outcomeLabel(card: TranscriptItem.ToolCard): String = when (card.outcome) {
    "ok" -> "Done"
    "unknown_tool" -> "No such tool"
    "bad_arguments" -> "Bad arguments"
    "api_error" -> "API error" + (card.status?.let { " $it" } ?: "")
    "failed" -> "Failed"
    else -> card.outcome ?: ""
}

@Composable
private fun InvalidReplyCard(item: TranscriptItem.InvalidReply) {
    Row(
        Modifier.fillMaxWidth().padding(horizontal = 16.dp, vertical = 6.dp),
        verticalAlignment = Alignment.Top,
    ) {
        Icon(Icons.Filled.Warning, contentDescription = null, tint = MaterialTheme.colorScheme.error)
        Spacer(Modifier.width(8.dp))
        Column {
            Text("Unreadable reply (turn ${item.turn})", style = MaterialTheme.typography.labelLarge)
            Text(item.error, style = MaterialTheme.typography.bodySmall)
        }
    }
}

@Composable
private fun VerdictCard(item: TranscriptItem.Verdict) {
    val passed = item.passed
    Card(
        colors = CardDefaults.cardColors(
            containerColor = if (passed) MaterialTheme.colorScheme.secondaryContainer else MaterialTheme.colorScheme.errorContainer,
        ),
        modifier = Modifier.fillMaxWidth().padding(horizontal = 16.dp, vertical = 8.dp)
            .semantics { liveRegion = LiveRegionMode.Polite },
    ) {
        Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(4.dp)) {
            Row(verticalAlignment = Alignment.CenterVertically) {
                Icon(if (passed) Icons.Filled.CheckCircle else Icons.Filled.Cancel, contentDescription = null)
                Spacer(Modifier.width(8.dp))
                Text(
                    (if (passed) "Passed" else "Failed") + String.format(Locale.getDefault(), " · reward %.2f", item.reward),
                    style = MaterialTheme.typography.titleMedium,
                )
            }
            for (line in item.checks) {
                Text("• $line", style = MaterialTheme.typography.bodyMedium)
            }
        }
    }
}

/** The bundled task set, filtered by family and text; picking one runs it. */
@Composable
private fun TaskPicker(model: MainViewModel, onBack: () -> Unit, onPick: (TaskSummary) -> Unit) {
    val tasks by model.tasks.collectAsStateWithLifecycle()
    var family by rememberSaveable { mutableStateOf<String?>(null) }
    var split by rememberSaveable { mutableStateOf<String?>("eval") }
    var query by rememberSaveable { mutableStateOf("") }
    val families = remember(tasks) { tasks.map { it.family }.distinct().sorted() }
    val splits = remember(tasks) { tasks.map { it.split }.distinct().sorted() }
    val shown = remember(tasks, family, split, query) {
        val q = query.trim().lowercase()
        tasks.filter { t ->
            (family == null || t.family == family) &&
                (split == null || t.split == split) &&
                (q.isEmpty() || t.id.lowercase().contains(q) || t.instruction.lowercase().contains(q))
        }
    }
    Column(Modifier.fillMaxSize()) {
        ScreenHeader("Run a task", onBack)
        OutlinedTextField(
            value = query,
            onValueChange = { query = it },
            singleLine = true,
            label = { Text("Search tasks") },
            leadingIcon = { Icon(Icons.Filled.Search, contentDescription = null) },
            trailingIcon = {
                if (query.isNotEmpty()) {
                    IconButton(onClick = { query = "" }) { Icon(Icons.Filled.Close, contentDescription = "Clear the search") }
                }
            },
            modifier = Modifier.fillMaxWidth().padding(horizontal = 16.dp),
        )
        LazyRow(
            Modifier.fillMaxWidth().padding(top = 4.dp),
            horizontalArrangement = Arrangement.spacedBy(8.dp),
        ) {
            item { Spacer(Modifier.width(8.dp)) }
            item { FilterChip(selected = family == null, onClick = { family = null }, label = { Text("All apps") }) }
            items(families) { f ->
                FilterChip(selected = family == f, onClick = { family = f }, label = { Text(f) })
            }
        }
        LazyRow(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
            item { Spacer(Modifier.width(8.dp)) }
            item { FilterChip(selected = split == null, onClick = { split = null }, label = { Text("All splits") }) }
            items(splits) { s ->
                FilterChip(selected = split == s, onClick = { split = s }, label = { Text(s) })
            }
        }
        Text(
            "${shown.size} tasks",
            style = MaterialTheme.typography.labelMedium,
            modifier = Modifier.padding(horizontal = 16.dp, vertical = 4.dp),
        )
        LazyColumn(Modifier.fillMaxSize()) {
            items(shown, key = { it.id }) { t ->
                ListItem(
                    overlineContent = { Text(t.id, maxLines = 1, overflow = TextOverflow.Ellipsis) },
                    headlineContent = { Text(t.instruction, maxLines = 4, overflow = TextOverflow.Ellipsis) },
                    supportingContent = { Text("${t.family} · ${t.split} · ${t.apps.joinToString(", ")}") },
                    modifier = Modifier.clickable(onClickLabel = "Run this task") { onPick(t) },
                )
                HorizontalDivider()
            }
        }
    }
}
