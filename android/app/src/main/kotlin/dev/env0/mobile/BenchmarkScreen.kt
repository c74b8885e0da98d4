package dev.env0.mobile

import android.content.ActivityNotFoundException
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
import androidx.compose.foundation.lazy.items
import androidx.compose.foundation.text.KeyboardOptions
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.filled.Cancel
import androidx.compose.material.icons.filled.CheckCircle
import androidx.compose.material.icons.filled.Delete
import androidx.compose.material.icons.filled.PlayArrow
import androidx.compose.material.icons.filled.Share
import androidx.compose.material.icons.filled.Stop
import androidx.compose.material3.Button
import androidx.compose.material3.Card
import androidx.compose.material3.HorizontalDivider
import androidx.compose.material3.Icon
import androidx.compose.material3.LinearProgressIndicator
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.saveable.rememberSaveable
import androidx.compose.runtime.setValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.LocalContext
import androidx.compose.ui.semantics.LiveRegionMode
import androidx.compose.ui.semantics.liveRegion
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.text.font.FontFamily
import androidx.compose.ui.text.input.KeyboardType
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import dev.env0.kit.BenchmarkModel
import java.io.File
import java.util.Locale
import uniffi.env0_ffi.BenchmarkProgress
import uniffi.env0_ffi.BenchmarkSummary
import uniffi.env0_ffi.GroupResult

/**
 * The Benchmark: choose split, family, limit and trials per task; start (or resume) with the
 * active agent; progress per (task, trial) with the live pass rate and its 95 % Wilson interval;
 * the history of runs under filesDir/runs, each shareable (results.jsonl, report.md).
 */
@Composable
fun BenchmarkScreen(model: MainViewModel) {
    val state by model.benchmark.state.collectAsStateWithLifecycle()
    val agent by model.agent.collectAsStateWithLifecycle()
    val tasks by model.tasks.collectAsStateWithLifecycle()
    val runs by model.runs.collectAsStateWithLifecycle()
    val notice by model.benchmarkNotice.collectAsStateWithLifecycle()
    val context = LocalContext.current

    var split by rememberSaveable { mutableStateOf<String?>("eval") }
    var family by rememberSaveable { mutableStateOf<String?>(null) }
    var limitText by rememberSaveable { mutableStateOf("20") }
    var kText by rememberSaveable { mutableStateOf("1") }
    var deleting by remember { mutableStateOf<MainViewModel.RunInfo?>(null) }
    var shareError by remember { mutableStateOf<String?>(null) }

    val splits = remember(tasks) { tasks.map { it.split }.distinct().sorted() }
    val families = remember(tasks) { tasks.map { it.family }.distinct().sorted() }
    val limit = limitText.trim().toIntOrNull()
    val k = kText.trim().toIntOrNull()
    val limitOk = limitText.isBlank() || (limit != null && limit > 0)
    val kOk = k != null && k in 1..100

    val share: (File, String) -> Unit = { file, subject ->
        try {
            Documents.share(context, file, subject)
            shareError = null
        } catch (e: IllegalArgumentException) {
            shareError = "Cannot share ${file.name}: ${e.message}"
        } catch (e: ActivityNotFoundException) {
            shareError = "No app can receive ${file.name}."
        }
    }

    LazyColumn(Modifier.fillMaxSize()) {
        item(key = "header") {
            Column {
                ScreenHeader("Benchmark")
                Text(
                    "Agent: " + (agent?.label ?: "none"),
                    style = MaterialTheme.typography.bodySmall,
                    color = MaterialTheme.colorScheme.onSurfaceVariant,
                    modifier = Modifier.padding(horizontal = 16.dp),
                )
                notice?.let { Notice(it, onDismiss = { model.dismissBenchmarkNotice() }) }
                shareError?.let { Notice(it, onDismiss = { shareError = null }) }
            }
        }
        item(key = "form") {
            Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
                Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                    ChoiceButton(
                        label = "Split",
                        selected = split,
                        options = listOf<Pair<String?, String>>(null to "All splits") + splits.map { it to it },
                        onSelect = { split = it },
                        enabled = !state.running,
                        modifier = Modifier.weight(1f),
                    )
                    ChoiceButton(
                        label = "Family",
                        selected = family,
                        options = listOf<Pair<String?, String>>(null to "All families") + families.map { it to it },
                        onSelect = { family = it },
                        enabled = !state.running,
                        modifier = Modifier.weight(1f),
                    )
                }
                Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                    OutlinedTextField(
                        value = limitText,
                        onValueChange = { limitText = it.filter { c -> c.isDigit() } },
                        label = { Text("Tasks (blank: all)") },
                        singleLine = true,
                        isError = !limitOk,
                        enabled = !state.running,
                        keyboardOptions = KeyboardOptions(keyboardType = KeyboardType.Number),
                        modifier = Modifier.weight(1f),
                    )
                    OutlinedTextField(
                        value = kText,
                        onValueChange = { kText = it.filter { c -> c.isDigit() } },
                        label = { Text("Trials per task") },
                        singleLine = true,
                        isError = !kOk,
                        enabled = !state.running,
                        keyboardOptions = KeyboardOptions(keyboardType = KeyboardType.Number),
                        modifier = Modifier.weight(1f),
                    )
                }
                if (!kOk) Text("Trials per task: 1 to 100.", color = MaterialTheme.colorScheme.error)
                Text(
                    "The same agent and choice resume where an earlier run stopped: finished (task, " +
                        "trial) pairs are not run again.",
                    style = MaterialTheme.typography.bodySmall,
                    color = MaterialTheme.colorScheme.onSurfaceVariant,
                )
                if (state.running) {
                    Button(onClick = { model.cancelBenchmark() }, enabled = !state.cancelling) {
                        Icon(Icons.Filled.Stop, contentDescription = null)
                        Spacer(Modifier.width(6.dp))
                        Text(if (state.cancelling) "Cancelling…" else "Cancel")
                    }
                } else {
                    Button(
                        onClick = {
                            model.startBenchmark(
                                MainViewModel.BenchmarkChoice(split, family, if (limitText.isBlank()) null else limit, k ?: 1),
                            )
                        },
                        enabled = limitOk && kOk && agent != null,
                    ) {
                        Icon(Icons.Filled.PlayArrow, contentDescription = null)
                        Spacer(Modifier.width(6.dp))
                        Text("Start or resume")
                    }
                }
            }
        }
        val progress = state.progress
        if (progress != null) {
            item(key = "progress") { ProgressCard(state, progress) }
        }
        val summary = state.summary
        if (summary != null) {
            item(key = "summary") {
                SummaryCard(summary, onShare = share)
            }
        }
        state.error?.let { e -> item(key = "error") { ErrorMessage(e) } }
        if (state.finished.isNotEmpty()) {
            item(key = "finished-title") { SectionTitle("This run (${state.finished.size})") }
            // Newest first.
            items(state.finished.asReversed()) { row -> FinishedRow(row) }
        }
        item(key = "history-title") { SectionTitle("Runs on this phone") }
        if (runs.isEmpty()) {
            item(key = "history-empty") { EmptyText("No runs yet.") }
        }
        items(runs, key = { it.dir.path }) { run ->
            RunCard(
                run = run,
                running = state.running,
                onResume = { model.startBenchmark(run.choice, run.dir) },
                onShare = share,
                onDelete = { deleting = run },
            )
        }
    }

    val d = deleting
    if (d != null) {
        ConfirmDialog(
            title = "Delete this run?",
            text = "${d.dir.name}: its results.jsonl, run.json and reports are deleted.",
            confirmLabel = "Delete",
            onConfirm = { model.deleteRun(d) },
            onDismiss = { deleting = null },
        )
    }
}

private fun ci(rate: Double, low: Double, high: Double): String =
    percent(rate) + " (95 % CI " + percent(low) + " – " + percent(high) + ")"

@Composable
private fun ProgressCard(state: BenchmarkModel.State, p: BenchmarkProgress) {
    val done = p.done.toInt()
    val todo = p.todo.toInt()
    Card(Modifier.fillMaxWidth().padding(horizontal = 16.dp, vertical = 8.dp)) {
        Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(6.dp)) {
            Text(if (state.running) "Running" else "Last progress", style = MaterialTheme.typography.titleMedium)
            LinearProgressIndicator(
                progress = { if (todo <= 0) 0f else done.toFloat() / todo },
                modifier = Modifier.fillMaxWidth(),
            )
            Text(
                "$done of $todo (task, trial) pairs" + if (p.resumed > 0u) " · ${p.resumed} done earlier" else "",
                style = MaterialTheme.typography.bodyMedium,
            )
            Text(
                "Pass rate " + ci(p.passRate, p.passLow, p.passHigh) + " · ${p.passed} of ${p.graded} graded",
                style = MaterialTheme.typography.bodyMedium,
                modifier = Modifier.semantics { liveRegion = LiveRegionMode.Polite },
            )
            if (p.infraErrors > 0u) {
                Text("${p.infraErrors} infrastructure errors (not graded)", style = MaterialTheme.typography.bodySmall)
            }
        }
    }
}

@Composable
private fun SummaryCard(s: BenchmarkSummary, onShare: (File, String) -> Unit) {
    Card(Modifier.fillMaxWidth().padding(horizontal = 16.dp, vertical = 8.dp)) {
        Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(6.dp)) {
            Text(
                if (s.cancelled) "Cancelled: ${s.remaining} pairs left (start again to finish)" else "Finished",
                style = MaterialTheme.typography.titleMedium,
            )
            Text("${s.rows} rows in results.jsonl, ${s.newRows} from this run", style = MaterialTheme.typography.bodyMedium)
            GroupLine(s.overall, "Overall")
            if (s.byFamily.isNotEmpty()) HorizontalDivider()
            for (g in s.byFamily) GroupLine(g, g.name)
            Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                OutlinedButton(onClick = { onShare(File(s.resultsPath), "env0 benchmark results.jsonl") }) {
                    Icon(Icons.Filled.Share, contentDescription = null)
                    Spacer(Modifier.width(6.dp))
                    Text("results.jsonl")
                }
                OutlinedButton(onClick = { onShare(File(s.reportPath), "env0 benchmark report.md") }) {
                    Icon(Icons.Filled.Share, contentDescription = null)
                    Spacer(Modifier.width(6.dp))
                    Text("report.md")
                }
            }
        }
    }
}

@Composable
private fun GroupLine(g: GroupResult, label: String) {
    Column {
        Text(label, style = MaterialTheme.typography.labelLarge)
        Text(
            "Pass " + ci(g.passRate, g.passLow, g.passHigh) + " · ${g.passed}/${g.n}",
            style = MaterialTheme.typography.bodyMedium,
        )
        Text(
            String.format(Locale.getDefault(), "Mean reward %.2f · unsafe actions ", g.meanReward) +
                percent(g.unsafeRate) + if (g.infraErrors > 0uL) " · ${g.infraErrors} infra errors" else "",
            style = MaterialTheme.typography.bodySmall,
            color = MaterialTheme.colorScheme.onSurfaceVariant,
        )
    }
}

@Composable
private fun FinishedRow(row: BenchmarkModel.Finished) {
    Row(
        Modifier.fillMaxWidth().padding(horizontal = 16.dp, vertical = 4.dp),
        verticalAlignment = Alignment.CenterVertically,
    ) {
        Icon(
            if (row.passed) Icons.Filled.CheckCircle else Icons.Filled.Cancel,
            contentDescription = null,
            modifier = Modifier.size(20.dp),
            tint = if (row.passed) MaterialTheme.colorScheme.primary else MaterialTheme.colorScheme.error,
        )
        Spacer(Modifier.width(8.dp))
        Text(
            row.taskId,
            style = MaterialTheme.typography.bodySmall,
            fontFamily = FontFamily.Monospace,
            modifier = Modifier.weight(1f),
        )
        Text(
            (if (row.passed) "passed" else "failed") + String.format(Locale.getDefault(), " %.2f", row.reward),
            style = MaterialTheme.typography.labelMedium,
        )
    }
}

@Composable
private fun RunCard(
    run: MainViewModel.RunInfo,
    running: Boolean,
    onResume: () -> Unit,
    onShare: (File, String) -> Unit,
    onDelete: () -> Unit,
) {
    Card(Modifier.fillMaxWidth().padding(horizontal = 16.dp, vertical = 6.dp)) {
        Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(4.dp)) {
            Text(run.dir.name, style = MaterialTheme.typography.titleSmall, fontFamily = FontFamily.Monospace)
            val c = run.choice
            Text(
                listOf(
                    "model " + (run.model ?: "?"),
                    c.split ?: "all splits",
                    c.family ?: "all families",
                    c.limit?.let { "$it tasks" } ?: "all tasks",
                    "k=${c.k}",
                ).joinToString(" · "),
                style = MaterialTheme.typography.bodySmall,
            )
            val rate = run.passRate
            val low = run.passLow
            val high = run.passHigh
            Text(
                "${run.rows} rows" + if (rate != null && low != null && high != null) {
                    " · pass " + ci(rate, low, high) + " over ${run.graded ?: 0} graded"
                } else {
                    ""
                },
                style = MaterialTheme.typography.bodyMedium,
            )
            Row(horizontalArrangement = Arrangement.spacedBy(4.dp), verticalAlignment = Alignment.CenterVertically) {
                TextButton(onClick = onResume, enabled = !running) { Text("Resume") }
                val results = run.results
                if (results != null) {
                    TextButton(onClick = { onShare(results, "env0 ${run.dir.name} results.jsonl") }) { Text("Share results") }
                }
                val report = run.report
                if (report != null) {
                    TextButton(onClick = { onShare(report, "env0 ${run.dir.name} report.md") }) { Text("Share report") }
                }
                Spacer(Modifier.weight(1f))
                LabeledIconButton(Icons.Filled.Delete, "Delete run ${run.dir.name}", onDelete, enabled = !running)
            }
        }
    }
}
