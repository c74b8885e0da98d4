package dev.env0.mobile

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.Spacer
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.heightIn
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.width
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.selection.selectable
import androidx.compose.foundation.selection.selectableGroup
import androidx.compose.foundation.text.KeyboardOptions
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.Button
import androidx.compose.material3.HorizontalDivider
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.RadioButton
import androidx.compose.material3.Slider
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableFloatStateOf
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.saveable.rememberSaveable
import androidx.compose.runtime.setValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.semantics.Role
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.semantics.stateDescription
import androidx.compose.ui.text.input.KeyboardType
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import java.util.Locale
import kotlin.math.roundToInt

private val SCALE_NOTES = mapOf(
    "empty" to "Users only: no mail, events, files or messages",
    "default" to "A working week of mail, events, files and channels",
    "large" to "About 3,000 messages: slower to create",
)

/**
 * Settings: the local model's context length and temperature (used at the next load), and the
 * world's seed and scale (changing them recreates the workspace, after a confirmation).
 */
@Composable
fun SettingsScreen(model: MainViewModel) {
    val settings by model.settings.collectAsStateWithLifecycle()
    val busy by model.worldBusy.collectAsStateWithLifecycle()
    val notice by model.worldNotice.collectAsStateWithLifecycle()
    val tasks by model.tasks.collectAsStateWithLifecycle()
    val assistant by model.assistant.state.collectAsStateWithLifecycle()

    var contextText by rememberSaveable(settings.contextLength) { mutableStateOf(settings.contextLength?.toString() ?: "") }
    var temperature by rememberSaveable(settings.temperature) { mutableFloatStateOf(settings.temperature.toFloat()) }
    var seedText by rememberSaveable(settings.worldSeed) { mutableStateOf(settings.worldSeed.toString()) }
    var scale by rememberSaveable(settings.worldScale) { mutableStateOf(settings.worldScale) }
    var confirm by rememberSaveable { mutableStateOf(false) }

    val contextValue = contextText.trim().toIntOrNull()
    val contextOk = contextText.isBlank() || (contextValue != null && contextValue in 256..262144)
    val roundedTemperature = (temperature * 20).roundToInt() / 20.0
    val modelChanged = (if (contextText.isBlank()) null else contextValue) != settings.contextLength ||
        roundedTemperature != settings.temperature
    val seed = seedText.trim().toULongOrNull()
    val worldChanged = seed != null && (seed != settings.worldSeed || scale != settings.worldScale)

    Column(Modifier.fillMaxSize().verticalScroll(rememberScrollState())) {
        ScreenHeader(stringResource(R.string.tab_settings))

        SectionTitle("Local model")
        Column(Modifier.padding(horizontal = 16.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
            OutlinedTextField(
                value = contextText,
                onValueChange = { contextText = it.filter { c -> c.isDigit() } },
                label = { Text("Context length in tokens (blank: the model's own)") },
                singleLine = true,
                isError = !contextOk,
                supportingText = { if (!contextOk) Text("256 to 262144 tokens, or blank") },
                keyboardOptions = KeyboardOptions(keyboardType = KeyboardType.Number),
                modifier = Modifier.fillMaxWidth(),
            )
            val temperatureText = String.format(Locale.getDefault(), "%.2f", roundedTemperature)
            Text(
                "Temperature: $temperatureText" + if (roundedTemperature == 0.0) " (greedy)" else "",
                style = MaterialTheme.typography.bodyLarge,
            )
            Slider(
                value = temperature,
                onValueChange = { temperature = it },
                valueRange = 0f..1.5f,
                steps = 29,
                modifier = Modifier.fillMaxWidth().semantics {
                    contentDescription = "Temperature"
                    stateDescription = temperatureText
                },
            )
            Text(
                "Used the next time a model is loaded (Models tab).",
                style = MaterialTheme.typography.bodySmall,
                color = MaterialTheme.colorScheme.onSurfaceVariant,
            )
            Button(
                onClick = { model.saveModelSettings(if (contextText.isBlank()) null else contextValue, roundedTemperature) },
                enabled = contextOk && modelChanged,
            ) { Text("Save") }
        }

        HorizontalDivider(Modifier.padding(vertical = 16.dp))
        SectionTitle("World")
        Column(Modifier.padding(horizontal = 16.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
            Text(
                "The workspace was created from seed ${settings.worldSeed} at scale ${settings.worldScale}.",
                style = MaterialTheme.typography.bodyMedium,
            )
            notice?.let { Notice(it, onDismiss = { model.dismissWorldNotice() }) }
            OutlinedTextField(
                value = seedText,
                onValueChange = { seedText = it.filter { c -> c.isDigit() } },
                label = { Text("Seed") },
                singleLine = true,
                isError = seed == null,
                supportingText = { if (seed == null) Text("A whole number from 0 to 18446744073709551615") },
                keyboardOptions = KeyboardOptions(keyboardType = KeyboardType.Number),
                modifier = Modifier.fillMaxWidth(),
            )
            Text("Scale", style = MaterialTheme.typography.labelLarge)
            Column(Modifier.selectableGroup()) {
                for (s in SettingsStore.SCALES) {
                    Row(
                        Modifier
                            .fillMaxWidth()
                            .heightIn(min = 48.dp)
                            .selectable(selected = scale == s, onClick = { scale = s }, role = Role.RadioButton)
                            .padding(vertical = 8.dp),
                        verticalAlignment = Alignment.CenterVertically,
                    ) {
                        RadioButton(selected = scale == s, onClick = null)
                        Spacer(Modifier.width(12.dp))
                        Column {
                            Text(s, style = MaterialTheme.typography.bodyLarge)
                            Text(
                                SCALE_NOTES[s] ?: "",
                                style = MaterialTheme.typography.bodySmall,
                                color = MaterialTheme.colorScheme.onSurfaceVariant,
                            )
                        }
                    }
                }
            }
            if (assistant.running) {
                Text(
                    "The Assistant is working on the workspace: cancel it or wait before recreating it.",
                    style = MaterialTheme.typography.bodySmall,
                    color = MaterialTheme.colorScheme.error,
                )
            }
            OutlinedButton(
                onClick = { confirm = true },
                enabled = seed != null && !busy && !assistant.running,
            ) { Text(if (busy) "Working…" else stringResource(R.string.recreate_world)) }
            if (!worldChanged && seed != null) {
                Text(
                    "Recreating with the same seed and scale gives the same world as at its creation.",
                    style = MaterialTheme.typography.bodySmall,
                    color = MaterialTheme.colorScheme.onSurfaceVariant,
                )
            }
        }

        HorizontalDivider(Modifier.padding(vertical = 16.dp))
        SectionTitle("About")
        Column(Modifier.padding(start = 16.dp, end = 16.dp, bottom = 24.dp)) {
            LabeledValue("Version", BuildConfig.VERSION_NAME)
            LabeledValue("Tasks", "${tasks.size} in the bundled task set")
            LabeledValue("World file", model.worldPath)
        }
    }

    if (confirm && seed != null) {
        ConfirmDialog(
            title = stringResource(R.string.recreate_world),
            text = stringResource(R.string.recreate_world_confirm, seed.toString(), scale),
            confirmLabel = "Recreate",
            onConfirm = { model.recreateWorld(seed, scale) },
            onDismiss = { confirm = false },
        )
    }
}
