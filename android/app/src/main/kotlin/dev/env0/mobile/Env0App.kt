package dev.env0.mobile

import androidx.annotation.StringRes
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.consumeWindowInsets
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.imePadding
import androidx.compose.foundation.layout.padding
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.filled.Home
import androidx.compose.material.icons.filled.Memory
import androidx.compose.material.icons.filled.Settings
import androidx.compose.material.icons.filled.SmartToy
import androidx.compose.material.icons.filled.Speed
import androidx.compose.material3.Button
import androidx.compose.material3.Icon
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.NavigationBar
import androidx.compose.material3.NavigationBarItem
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Scaffold
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.saveable.rememberSaveable
import androidx.compose.runtime.saveable.rememberSaveableStateHolder
import androidx.compose.runtime.setValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.graphics.vector.ImageVector
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle

/** The bottom bar's destinations. */
enum class Tab(@StringRes val label: Int, val icon: ImageVector) {
    Workspace(R.string.tab_workspace, Icons.Filled.Home),
    Assistant(R.string.tab_assistant, Icons.Filled.SmartToy),
    Benchmark(R.string.tab_benchmark, Icons.Filled.Speed),
    Models(R.string.tab_models, Icons.Filled.Memory),
    Settings(R.string.tab_settings, Icons.Filled.Settings),
}

/** The app: a bottom NavigationBar over five screens; each keeps its state while hidden. */
@Composable
fun Env0App(model: MainViewModel) {
    val startup by model.startup.collectAsStateWithLifecycle()
    var tabName by rememberSaveable { mutableStateOf(Tab.Workspace.name) }
    val tab = Tab.entries.firstOrNull { it.name == tabName } ?: Tab.Workspace
    val holder = rememberSaveableStateHolder()
    Scaffold(
        bottomBar = {
            NavigationBar {
                Tab.entries.forEach { t ->
                    NavigationBarItem(
                        selected = t == tab,
                        onClick = { tabName = t.name },
                        icon = { Icon(t.icon, contentDescription = null) },
                        label = { Text(stringResource(t.label)) },
                    )
                }
            }
        },
    ) { padding ->
        Box(
            Modifier
                .fillMaxSize()
                .padding(padding)
                .consumeWindowInsets(padding)
                .imePadding(),
        ) {
            when (val s = startup) {
                is MainViewModel.Startup.Working -> FullScreenBusy(s.step)
                is MainViewModel.Startup.Failed -> StartupFailed(model, s)
                is MainViewModel.Startup.Ready -> holder.SaveableStateProvider(tab.name) {
                    when (tab) {
                        Tab.Workspace -> WorkspaceScreen(model)
                        Tab.Assistant -> AssistantScreen(model)
                        Tab.Benchmark -> BenchmarkScreen(model)
                        Tab.Models -> ModelsScreen(model)
                        Tab.Settings -> SettingsScreen(model)
                    }
                }
            }
        }
    }
}

@Composable
private fun StartupFailed(model: MainViewModel, failed: MainViewModel.Startup.Failed) {
    val settings by model.settings.collectAsStateWithLifecycle()
    val busy by model.worldBusy.collectAsStateWithLifecycle()
    val notice by model.worldNotice.collectAsStateWithLifecycle()
    Column(
        modifier = Modifier.fillMaxSize().padding(16.dp),
        verticalArrangement = Arrangement.spacedBy(12.dp),
        horizontalAlignment = Alignment.CenterHorizontally,
    ) {
        Text("env0 could not start", style = MaterialTheme.typography.headlineSmall)
        ErrorMessage(failed.reason)
        notice?.let { Text(it, style = MaterialTheme.typography.bodyMedium) }
        Button(onClick = { model.retryStartup() }, enabled = !busy) { Text("Try again") }
        if (failed.worldProblem) {
            Text(
                "The workspace file could not be opened. A new one can be created from seed " +
                    "${settings.worldSeed} (${settings.worldScale}); the old one is deleted.",
                style = MaterialTheme.typography.bodyMedium,
            )
            OutlinedButton(
                onClick = { model.recreateWorld(settings.worldSeed, settings.worldScale) },
                enabled = !busy,
            ) { Text(stringResource(R.string.recreate_world)) }
        }
    }
}
