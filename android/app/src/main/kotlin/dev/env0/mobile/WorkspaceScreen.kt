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
import androidx.compose.foundation.layout.width
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.verticalScroll
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.automirrored.filled.KeyboardArrowRight
import androidx.compose.material.icons.filled.Apps
import androidx.compose.material.icons.filled.DateRange
import androidx.compose.material.icons.filled.Description
import androidx.compose.material.icons.filled.Email
import androidx.compose.material.icons.filled.Folder
import androidx.compose.material.icons.filled.Forum
import androidx.compose.material.icons.filled.Restore
import androidx.compose.material.icons.filled.Verified
import androidx.compose.material.icons.filled.Warning
import androidx.compose.material3.Button
import androidx.compose.material3.Card
import androidx.compose.material3.HorizontalDivider
import androidx.compose.material3.Icon
import androidx.compose.material3.IconButton
import androidx.compose.material3.ListItem
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.rememberCoroutineScope
import androidx.compose.runtime.saveable.rememberSaveable
import androidx.compose.runtime.setValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.graphics.vector.ImageVector
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.text.font.FontFamily
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.launch

private const val APP_MAIL = "mail"
private const val APP_CALENDAR = "calendar"
private const val APP_DRIVE = "drive"
private const val APP_DOCS = "docs"
private const val APP_SLACK = "slack"
private const val APP_CONNECTED = "connected"

/**
 * The user's workspace: a home listing the six apps (and Reset), each app a sub-screen. Every
 * sub-screen reloads when the world's revision moves (a write here, the Assistant, a reset).
 */
@Composable
fun WorkspaceScreen(model: MainViewModel) {
    val client by model.client.collectAsStateWithLifecycle()
    val busy by model.worldBusy.collectAsStateWithLifecycle()
    val notice by model.worldNotice.collectAsStateWithLifecycle()
    val settings by model.settings.collectAsStateWithLifecycle()
    var app by rememberSaveable { mutableStateOf<String?>(null) }

    val c = client
    if (c == null) {
        Column(Modifier.fillMaxSize().padding(16.dp), verticalArrangement = Arrangement.spacedBy(12.dp)) {
            ScreenHeader(stringResource(R.string.tab_workspace))
            if (busy) {
                Busy("Preparing the workspace")
            } else {
                notice?.let { ErrorMessage(it) }
                Button(onClick = { model.recreateWorld(settings.worldSeed, settings.worldScale) }) {
                    Text("Create the workspace (seed ${settings.worldSeed}, ${settings.worldScale})")
                }
            }
        }
        return
    }
    val api = remember(c) { WorkspaceApi(c) }
    BackHandler(enabled = app != null) { app = null }
    val back: () -> Unit = { app = null }
    when (app) {
        APP_MAIL -> MailScreen(api, back)
        APP_CALENDAR -> CalendarScreen(api, back)
        APP_DRIVE -> DriveScreen(api, back)
        APP_DOCS -> DocsScreen(api, back)
        APP_SLACK -> SlackScreen(api, back)
        APP_CONNECTED -> ConnectedAppsScreen(api, back)
        else -> WorkspaceHome(model, api, busy, notice, onOpen = { app = it })
    }
}

private class AppEntry(val key: String, val label: Int, val icon: ImageVector, val what: String)

private val APPS = listOf(
    AppEntry(APP_MAIL, R.string.app_mail, Icons.Filled.Email, "Inbox, search, conversations, compose"),
    AppEntry(APP_CALENDAR, R.string.app_calendar, Icons.Filled.DateRange, "The next 7 days, a day, event guests"),
    AppEntry(APP_DRIVE, R.string.app_drive, Icons.Filled.Folder, "Folders, search, sharing"),
    AppEntry(APP_DOCS, R.string.app_docs, Icons.Filled.Description, "Read Google Docs"),
    AppEntry(APP_SLACK, R.string.app_slack, Icons.Filled.Forum, "Channels, threads, post"),
    AppEntry(APP_CONNECTED, R.string.app_connected, Icons.Filled.Apps, "Third-party access and its scopes"),
)

@Composable
private fun WorkspaceHome(
    model: MainViewModel,
    api: WorkspaceApi,
    busy: Boolean,
    notice: String?,
    onOpen: (String) -> Unit,
) {
    val revision by api.client.revision.collectAsStateWithLifecycle()
    val clock = rememberLoad("clock", revision) { api.clock() }
    var confirmReset by rememberSaveable { mutableStateOf(false) }

    Column(Modifier.fillMaxSize().verticalScroll(rememberScrollState())) {
        ScreenHeader(stringResource(R.string.tab_workspace))
        val now = (clock.state as? Load.Ready<WorkspaceApi.Clock>)?.value
        if (now != null) {
            Text(
                "World time: ${formatDayYear(now.today)}, ${formatTime(now.now)} (${now.zone.id})",
                style = MaterialTheme.typography.bodyMedium,
                color = MaterialTheme.colorScheme.onSurfaceVariant,
                modifier = Modifier.padding(horizontal = 16.dp),
            )
        }
        notice?.let { Notice(it, onDismiss = { model.dismissWorldNotice() }) }
        for (entry in APPS) {
            val label = stringResource(entry.label)
            ListItem(
                headlineContent = { Text(label) },
                supportingContent = { Text(entry.what) },
                leadingContent = { Icon(entry.icon, contentDescription = null) },
                trailingContent = { Icon(Icons.AutoMirrored.Filled.KeyboardArrowRight, contentDescription = null) },
                modifier = Modifier.clickable(onClickLabel = "Open $label") { onOpen(entry.key) },
            )
        }
        HorizontalDivider(Modifier.padding(vertical = 8.dp))
        Text(
            "Reset puts every app back to how the workspace was created: what you and the " +
                "Assistant wrote since is gone.",
            style = MaterialTheme.typography.bodyMedium,
            modifier = Modifier.padding(horizontal = 16.dp),
        )
        OutlinedButton(
            onClick = { confirmReset = true },
            enabled = !busy,
            modifier = Modifier.padding(16.dp).fillMaxWidth(),
        ) {
            Icon(Icons.Filled.Restore, contentDescription = null)
            Spacer(Modifier.width(8.dp))
            Text(if (busy) "Resetting…" else stringResource(R.string.reset_world))
        }
    }
    if (confirmReset) {
        ConfirmDialog(
            title = stringResource(R.string.reset_world),
            text = stringResource(R.string.reset_world_confirm),
            confirmLabel = "Reset",
            onConfirm = { model.resetWorld() },
            onDismiss = { confirmReset = false },
        )
    }
}

/** Third-party apps with access to the account: their scopes, each revocable. */
@Composable
fun ConnectedAppsScreen(api: WorkspaceApi, onBack: () -> Unit) {
    val revision by api.client.revision.collectAsStateWithLifecycle()
    val loaded = rememberLoad("apps", revision) { api.apps() }
    val scope = rememberCoroutineScope()
    var pending by remember { mutableStateOf<Pair<WorkspaceApi.ConnectedApp, WorkspaceApi.AppScope>?>(null) }
    var error by remember { mutableStateOf<String?>(null) }

    Column(Modifier.fillMaxSize()) {
        ScreenHeader(stringResource(R.string.app_connected), onBack)
        error?.let { ErrorMessage(it) }
        LoadView(loaded) { apps ->
            if (apps.isEmpty()) {
                EmptyText("No third-party app has access.")
            } else {
                LazyColumn(Modifier.fillMaxSize()) {
                    items(apps, key = { it.clientId }) { app ->
                        ConnectedAppCard(app, onRevoke = { s -> pending = app to s })
                    }
                }
            }
        }
    }
    val p = pending
    if (p != null) {
        ConfirmDialog(
            title = "Revoke access?",
            text = "${p.first.name} loses \"${p.second.description.ifBlank { p.second.scope }}\" " +
                "(${p.second.scope}). Its tokens lose the scope at once.",
            confirmLabel = "Revoke",
            onConfirm = {
                scope.launch {
                    try {
                        api.revokeScope(p.first.clientId, p.second.scope)
                        error = null
                    } catch (e: CancellationException) {
                        throw e
                    } catch (e: Exception) {
                        error = errorText(e)
                    }
                }
            },
            onDismiss = { pending = null },
        )
    }
}

@Composable
private fun ConnectedAppCard(app: WorkspaceApi.ConnectedApp, onRevoke: (WorkspaceApi.AppScope) -> Unit) {
    Card(Modifier.fillMaxWidth().padding(horizontal = 16.dp, vertical = 6.dp)) {
        Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(4.dp)) {
            Text(app.name, style = MaterialTheme.typography.titleMedium)
            Row(verticalAlignment = Alignment.CenterVertically) {
                val verified = app.verified == true
                Icon(
                    if (verified) Icons.Filled.Verified else Icons.Filled.Warning,
                    contentDescription = null,
                    tint = if (verified) MaterialTheme.colorScheme.primary else MaterialTheme.colorScheme.error,
                )
                Spacer(Modifier.width(6.dp))
                Text(
                    (app.publisher ?: "Unknown publisher") + if (verified) " · verified" else " · not verified",
                    style = MaterialTheme.typography.bodyMedium,
                )
            }
            val used = when (val days = app.daysSinceLastUsed) {
                null -> "Never used"
                0 -> "Used today"
                1 -> "Last used yesterday"
                else -> "Last used $days days ago"
            }
            Text(
                "$used · ${app.activeTokens} active token" + if (app.activeTokens == 1) "" else "s",
                style = MaterialTheme.typography.bodySmall,
                color = MaterialTheme.colorScheme.onSurfaceVariant,
            )
            HorizontalDivider(Modifier.padding(vertical = 4.dp))
            if (app.scopes.isEmpty()) Text("No scopes left.", style = MaterialTheme.typography.bodyMedium)
            for (s in app.scopes) {
                Row(verticalAlignment = Alignment.CenterVertically) {
                    Column(Modifier.weight(1f)) {
                        Text(s.description.ifBlank { s.scope }, style = MaterialTheme.typography.bodyMedium)
                        Text(
                            "${accessLabel(s.access)} · ${s.scope}",
                            style = MaterialTheme.typography.bodySmall,
                            fontFamily = FontFamily.Monospace,
                            color = MaterialTheme.colorScheme.onSurfaceVariant,
                        )
                    }
                    TextButton(onClick = { onRevoke(s) }) { Text("Revoke") }
                }
            }
        }
    }
}

private fun accessLabel(access: String): String = when (access) {
    "full" -> "Full access"
    "read" -> "Read only"
    "write" -> "Read and write"
    else -> access
}

/** "Dana Lee <dana@x.com>" → "Dana Lee"; a bare address stays as it is. */
fun displayName(address: String): String {
    val name = address.substringBefore('<').trim().trim('"')
    return name.ifBlank { address.trim().trim('<', '>') }
}

/** The address inside "Name <address>", or the text itself. */
fun emailOf(address: String): String =
    if ('<' in address && '>' in address) address.substringAfter('<').substringBefore('>').trim() else address.trim()

/** An icon button with a required description (touch target 48 dp, as IconButton gives). */
@Composable
fun LabeledIconButton(icon: ImageVector, description: String, onClick: () -> Unit, enabled: Boolean = true) {
    IconButton(onClick = onClick, enabled = enabled) { Icon(icon, contentDescription = description) }
}
