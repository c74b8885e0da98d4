package dev.env0.mobile

import android.net.Uri
import androidx.activity.compose.rememberLauncherForActivityResult
import androidx.activity.result.contract.ActivityResultContracts
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.Spacer
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.heightIn
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.size
import androidx.compose.foundation.layout.width
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.foundation.selection.selectable
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.filled.Delete
import androidx.compose.material.icons.filled.FileOpen
import androidx.compose.material.icons.filled.FolderOpen
import androidx.compose.material3.Button
import androidx.compose.material3.Card
import androidx.compose.material3.CardDefaults
import androidx.compose.material3.CircularProgressIndicator
import androidx.compose.material3.HorizontalDivider
import androidx.compose.material3.Icon
import androidx.compose.material3.LinearProgressIndicator
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.RadioButton
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
import androidx.compose.ui.semantics.Role
import androidx.compose.ui.text.font.FontFamily
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import java.time.Instant
import java.time.ZoneId
import uniffi.env0_ffi.ModelInfo
import uniffi.env0_ffi.ModelRecord

private const val KIND_GGUF = "gguf"

/**
 * Models: import a GGUF file or a LoRA adapter folder (copied from the picker to the cache with
 * progress, inspected, then imported into the store with progress), verify and delete entries,
 * and load a model (with an adapter) as the active agent.
 */
@Composable
fun ModelsScreen(model: MainViewModel) {
    val models by model.models.collectAsStateWithLifecycle()
    val verify by model.verify.collectAsStateWithLifecycle()
    val stage by model.importStage.collectAsStateWithLifecycle()
    val load by model.load.collectAsStateWithLifecycle()
    val agent by model.agent.collectAsStateWithLifecycle()
    val notice by model.modelsNotice.collectAsStateWithLifecycle()
    val settings by model.settings.collectAsStateWithLifecycle()

    var chosenModel by rememberSaveable { mutableStateOf<String?>(null) }
    var chosenAdapter by rememberSaveable { mutableStateOf<String?>(null) }
    var deleting by remember { mutableStateOf<ModelRecord?>(null) }

    val pickModel = rememberLauncherForActivityResult(ActivityResultContracts.OpenDocument()) { uri: Uri? ->
        if (uri != null) model.stageModel(uri)
    }
    val pickAdapter = rememberLauncherForActivityResult(ActivityResultContracts.OpenDocumentTree()) { uri: Uri? ->
        if (uri != null) model.stageAdapter(uri)
    }

    val ggufs = models.filter { it.info.kind == KIND_GGUF }
    val adapters = models.filter { it.info.kind != KIND_GGUF }
    val busy = stage is MainViewModel.ImportStage.Copying ||
        stage is MainViewModel.ImportStage.Inspecting ||
        stage is MainViewModel.ImportStage.Importing

    LazyColumn(Modifier.fillMaxSize()) {
        item(key = "header") {
            Column {
                ScreenHeader("Models")
                notice?.let { Notice(it, onDismiss = { model.dismissModelsNotice() }) }
                ActiveAgentCard(agent, load, onUseOracle = { model.useOracle() })
            }
        }
        item(key = "import") {
            Column(Modifier.padding(horizontal = 16.dp, vertical = 8.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
                Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                    OutlinedButton(
                        onClick = { pickModel.launch(arrayOf("*/*")) },
                        enabled = !busy,
                        modifier = Modifier.weight(1f),
                    ) {
                        Icon(Icons.Filled.FileOpen, contentDescription = null)
                        Spacer(Modifier.width(6.dp))
                        Text("GGUF model")
                    }
                    OutlinedButton(
                        onClick = { pickAdapter.launch(null) },
                        enabled = !busy,
                        modifier = Modifier.weight(1f),
                    ) {
                        Icon(Icons.Filled.FolderOpen, contentDescription = null)
                        Spacer(Modifier.width(6.dp))
                        Text("Adapter folder")
                    }
                }
                ImportPanel(model, stage)
            }
        }
        item(key = "models-title") { SectionTitle("Models (${ggufs.size})") }
        if (ggufs.isEmpty()) {
            item(key = "models-empty") { EmptyText("No model yet: import a GGUF file (e.g. SmolLM2 or Qwen, quantized).") }
        }
        items(ggufs, key = { it.id }) { r ->
            ModelCard(
                record = r,
                selected = chosenModel == r.id,
                onSelect = { chosenModel = r.id },
                verifyText = verify[r.id],
                onVerify = { model.verifyModel(r.id) },
                onDelete = { deleting = r },
            )
        }
        item(key = "adapters-title") { SectionTitle("Adapters (${adapters.size})") }
        if (adapters.isNotEmpty()) {
            item(key = "adapter-none") {
                ChoiceRow("No adapter", chosenAdapter == null, onSelect = { chosenAdapter = null })
            }
        } else {
            item(key = "adapters-empty") { EmptyText("No LoRA adapter (optional).") }
        }
        items(adapters, key = { it.id }) { r ->
            ModelCard(
                record = r,
                selected = chosenAdapter == r.id,
                onSelect = { chosenAdapter = r.id },
                verifyText = verify[r.id],
                onVerify = { model.verifyModel(r.id) },
                onDelete = { deleting = r },
            )
        }
        item(key = "load") {
            val modelId = chosenModel?.takeIf { id -> ggufs.any { it.id == id } }
            val adapterId = chosenAdapter?.takeIf { id -> adapters.any { it.id == id } }
            Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
                Text(
                    "Loads with context " + (settings.contextLength?.toString() ?: "of the model") +
                        ", temperature ${settings.temperature} (Settings).",
                    style = MaterialTheme.typography.bodySmall,
                    color = MaterialTheme.colorScheme.onSurfaceVariant,
                )
                Button(
                    onClick = { if (modelId != null) model.loadModel(modelId, adapterId) },
                    enabled = modelId != null && !load.loading,
                    modifier = Modifier.fillMaxWidth(),
                ) {
                    Text(if (modelId == null) "Select a model to load it" else "Load the selected model")
                }
            }
        }
    }

    val d = deleting
    if (d != null) {
        ConfirmDialog(
            title = "Delete ${d.name}?",
            text = "Its files (${formatBytes(totalSize(d))}) are removed from the phone. Benchmark runs stay.",
            confirmLabel = "Delete",
            onConfirm = {
                if (chosenModel == d.id) chosenModel = null
                if (chosenAdapter == d.id) chosenAdapter = null
                model.removeModel(d.id)
            },
            onDismiss = { deleting = null },
        )
    }
}

private fun totalSize(r: ModelRecord): Long =
    if (r.files.isEmpty()) r.info.sizeBytes.toLong() else r.files.sumOf { it.sizeBytes.toLong() }

@Composable
private fun ActiveAgentCard(agent: MainViewModel.ActiveAgent?, load: MainViewModel.LoadState, onUseOracle: () -> Unit) {
    Card(
        colors = CardDefaults.cardColors(containerColor = MaterialTheme.colorScheme.secondaryContainer),
        modifier = Modifier.fillMaxWidth().padding(horizontal = 16.dp, vertical = 8.dp),
    ) {
        Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(6.dp)) {
            Text("Active agent", style = MaterialTheme.typography.labelMedium)
            Text(agent?.label ?: "none", style = MaterialTheme.typography.titleMedium)
            if (load.loading) {
                Row(verticalAlignment = Alignment.CenterVertically) {
                    CircularProgressIndicator(Modifier.size(20.dp), strokeWidth = 2.dp)
                    Spacer(Modifier.width(8.dp))
                    Text("Loading the model: ${stageLabel(load.stage)}", style = MaterialTheme.typography.bodyMedium)
                }
            }
            load.error?.let { Text(it, color = MaterialTheme.colorScheme.error, style = MaterialTheme.typography.bodyMedium) }
            if (agent?.local == true && !load.loading) {
                TextButton(onClick = onUseOracle) { Text("Use the oracle instead") }
            }
        }
    }
}

private fun stageLabel(stage: String?): String = when (stage) {
    "checking" -> "checking the files"
    "loading" -> "loading the weights"
    "ready" -> "ready"
    null -> "starting"
    else -> stage
}

@Composable
private fun ImportPanel(model: MainViewModel, stage: MainViewModel.ImportStage) {
    when (stage) {
        is MainViewModel.ImportStage.Idle -> {}
        is MainViewModel.ImportStage.Copying -> ProgressPanel(
            title = "Copying ${stage.name} into the app",
            copied = stage.copied,
            total = stage.total,
            onCancel = { model.cancelImport() },
        )
        is MainViewModel.ImportStage.Inspecting -> Busy("Checking ${stage.name}")
        is MainViewModel.ImportStage.Inspected -> InspectedPanel(model, stage)
        is MainViewModel.ImportStage.Rejected -> ResultPanel(
            title = "${stage.name} cannot be used",
            text = stage.reason,
            error = true,
            onClose = { model.dismissImport() },
        )
        is MainViewModel.ImportStage.Importing -> ProgressPanel(
            title = "Importing ${stage.name} (copy and checksum)",
            copied = stage.copied,
            total = stage.total,
            onCancel = { model.cancelImport() },
        )
        is MainViewModel.ImportStage.Imported -> ResultPanel(
            title = "Imported ${stage.record.name}",
            text = "id ${stage.record.id} · ${formatBytes(totalSize(stage.record))}",
            error = false,
            onClose = { model.dismissImport() },
        )
        is MainViewModel.ImportStage.Failed -> ResultPanel(
            title = "Import stopped",
            text = stage.reason,
            error = true,
            onClose = { model.dismissImport() },
        )
    }
}

@Composable
private fun ProgressPanel(title: String, copied: Long, total: Long, onCancel: () -> Unit) {
    Card(Modifier.fillMaxWidth()) {
        Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(6.dp)) {
            Text(title, style = MaterialTheme.typography.titleSmall)
            if (total > 0) {
                LinearProgressIndicator(
                    progress = { (copied.toDouble() / total).toFloat().coerceIn(0f, 1f) },
                    modifier = Modifier.fillMaxWidth(),
                )
                Text("${formatBytes(copied)} of ${formatBytes(total)}", style = MaterialTheme.typography.bodySmall)
            } else {
                LinearProgressIndicator(Modifier.fillMaxWidth())
                Text(formatBytes(copied), style = MaterialTheme.typography.bodySmall)
            }
            TextButton(onClick = onCancel) { Text("Cancel") }
        }
    }
}

@Composable
private fun ResultPanel(title: String, text: String, error: Boolean, onClose: () -> Unit) {
    Card(
        colors = CardDefaults.cardColors(
            containerColor = if (error) MaterialTheme.colorScheme.errorContainer else MaterialTheme.colorScheme.secondaryContainer,
        ),
        modifier = Modifier.fillMaxWidth(),
    ) {
        Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(4.dp)) {
            Text((if (error) "Problem: " else "") + title, style = MaterialTheme.typography.titleSmall)
            Text(text, style = MaterialTheme.typography.bodyMedium)
            TextButton(onClick = onClose) { Text("Close") }
        }
    }
}

@Composable
private fun InspectedPanel(model: MainViewModel, stage: MainViewModel.ImportStage.Inspected) {
    var name by rememberSaveable(stage.path) { mutableStateOf(stage.name) }
    Card(Modifier.fillMaxWidth()) {
        Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(4.dp)) {
            Text(
                if (stage.adapter) "LoRA adapter ready to import" else "Model ready to import",
                style = MaterialTheme.typography.titleSmall,
            )
            InfoLines(stage.info)
            OutlinedTextField(
                value = name,
                onValueChange = { name = it },
                label = { Text("Name in the app") },
                singleLine = true,
                modifier = Modifier.fillMaxWidth(),
            )
            Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                Button(onClick = { model.importStaged(name) }) { Text("Import") }
                TextButton(onClick = { model.dismissImport() }) { Text("Discard") }
            }
        }
    }
}

@Composable
private fun InfoLines(info: ModelInfo) {
    LabeledValue("Name", info.displayName)
    LabeledValue("Kind", if (info.kind == KIND_GGUF) "GGUF model" else "LoRA adapter")
    LabeledValue(if (info.kind == KIND_GGUF) "Architecture" else "Base model", info.architecture)
    LabeledValue("Chat family", info.family ?: "not recognised")
    LabeledValue("Size", formatBytes(info.sizeBytes.toLong()))
    info.contextLength?.let { LabeledValue("Context", "$it tokens") }
    LabeledValue("Tensors", info.tensors.toString())
    info.loraRank?.let { LabeledValue("LoRA rank", it.toString()) }
    info.loraAlpha?.let { LabeledValue("LoRA alpha", it.toString()) }
}

@Composable
private fun ChoiceRow(label: String, selected: Boolean, onSelect: () -> Unit) {
    Row(
        Modifier
            .fillMaxWidth()
            .heightIn(min = 48.dp)
            .selectable(selected = selected, onClick = onSelect, role = Role.RadioButton)
            .padding(horizontal = 16.dp, vertical = 4.dp),
        verticalAlignment = Alignment.CenterVertically,
    ) {
        RadioButton(selected = selected, onClick = null)
        Spacer(Modifier.width(8.dp))
        Text(label, style = MaterialTheme.typography.bodyLarge)
    }
}

@Composable
private fun ModelCard(
    record: ModelRecord,
    selected: Boolean,
    onSelect: () -> Unit,
    verifyText: String?,
    onVerify: () -> Unit,
    onDelete: () -> Unit,
) {
    val info = record.info
    Card(Modifier.fillMaxWidth().padding(horizontal = 16.dp, vertical = 6.dp)) {
        Column(Modifier.padding(bottom = 8.dp)) {
            Row(
                Modifier
                    .fillMaxWidth()
                    .selectable(selected = selected, onClick = onSelect, role = Role.RadioButton)
                    .padding(horizontal = 8.dp, vertical = 8.dp),
                verticalAlignment = Alignment.CenterVertically,
            ) {
                RadioButton(selected = selected, onClick = null)
                Spacer(Modifier.width(8.dp))
                Column(Modifier.weight(1f)) {
                    Text(record.name, style = MaterialTheme.typography.titleMedium)
                    Text(
                        listOfNotNull(info.architecture, info.family, formatBytes(totalSize(record))).joinToString(" · "),
                        style = MaterialTheme.typography.bodyMedium,
                    )
                    val imported = Instant.ofEpochSecond(record.importedAt.toLong()).atZone(ZoneId.systemDefault())
                    Text(
                        "id ${record.id} · imported ${formatDayYear(imported.toLocalDate())}",
                        style = MaterialTheme.typography.bodySmall,
                        fontFamily = FontFamily.Monospace,
                        color = MaterialTheme.colorScheme.onSurfaceVariant,
                    )
                }
            }
            verifyText?.let {
                Text(it, style = MaterialTheme.typography.bodySmall, modifier = Modifier.padding(horizontal = 16.dp))
            }
            HorizontalDivider(Modifier.padding(vertical = 4.dp))
            Row(Modifier.padding(horizontal = 8.dp), verticalAlignment = Alignment.CenterVertically) {
                TextButton(onClick = onVerify) { Text("Verify checksums") }
                Spacer(Modifier.weight(1f))
                LabeledIconButton(Icons.Filled.Delete, "Delete ${record.name}", onDelete)
            }
        }
    }
}
