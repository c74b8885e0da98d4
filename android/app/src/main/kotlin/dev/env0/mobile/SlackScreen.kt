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
import androidx.compose.foundation.lazy.rememberLazyListState
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.automirrored.filled.Send
import androidx.compose.material.icons.filled.Lock
import androidx.compose.material.icons.filled.Tag
import androidx.compose.material3.CircularProgressIndicator
import androidx.compose.material3.HorizontalDivider
import androidx.compose.material3.Icon
import androidx.compose.material3.ListItem
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.rememberCoroutineScope
import androidx.compose.runtime.saveable.rememberSaveable
import androidx.compose.runtime.setValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.text.font.FontWeight
import androidx.compose.ui.text.style.TextOverflow
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.launch

/** Slack: channels, a channel's messages, a thread, and posting to either. */
@Composable
fun SlackScreen(api: WorkspaceApi, onBack: () -> Unit) {
    var channel by rememberSaveable { mutableStateOf<Crumb?>(null) }
    var threadTs by rememberSaveable { mutableStateOf<String?>(null) }

    val ch = channel
    val ts = threadTs
    when {
        ch != null && ts != null -> {
            BackHandler { threadTs = null }
            SlackThread(api, ch, ts, onBack = { threadTs = null })
        }
        ch != null -> {
            BackHandler { channel = null }
            SlackChannel(api, ch, onBack = { channel = null }, onThread = { threadTs = it })
        }
        else -> ChannelList(api, onBack, onOpen = { channel = it })
    }
}

@Composable
private fun ChannelList(api: WorkspaceApi, onBack: () -> Unit, onOpen: (Crumb) -> Unit) {
    val revision by api.client.revision.collectAsStateWithLifecycle()
    val loaded = rememberLoad("channels", revision) { api.channels() }
    Column(Modifier.fillMaxSize()) {
        ScreenHeader(stringResource(R.string.app_slack), onBack)
        LoadView(loaded) { channels ->
            if (channels.isEmpty()) {
                EmptyText("No channels.")
            } else {
                LazyColumn(Modifier.fillMaxSize()) {
                    items(channels, key = { it.id }) { c ->
                        val details = listOfNotNull(
                            if (c.isPrivate) "Private" else "Public",
                            "${c.members} members",
                            if (c.isMember) null else "you are not a member",
                        ).joinToString(" · ")
                        ListItem(
                            leadingContent = {
                                Icon(
                                    if (c.isPrivate) Icons.Filled.Lock else Icons.Filled.Tag,
                                    contentDescription = if (c.isPrivate) "Private channel" else "Public channel",
                                )
                            },
                            headlineContent = { Text(c.name) },
                            supportingContent = {
                                Column {
                                    if (c.topic.isNotBlank()) {
                                        Text(c.topic, maxLines = 2, overflow = TextOverflow.Ellipsis)
                                    }
                                    Text(details, style = MaterialTheme.typography.bodySmall)
                                }
                            },
                            modifier = Modifier.clickable(onClickLabel = "Open the channel") { onOpen(Crumb(c.id, c.name)) },
                        )
                        HorizontalDivider()
                    }
                }
            }
        }
    }
}

@Composable
private fun SlackChannel(api: WorkspaceApi, channel: Crumb, onBack: () -> Unit, onThread: (String) -> Unit) {
    val revision by api.client.revision.collectAsStateWithLifecycle()
    val loaded = rememberLoad(channel.id, revision) { api.history(channel.id) }
    Column(Modifier.fillMaxSize()) {
        ScreenHeader("#" + channel.name, onBack)
        Column(Modifier.weight(1f)) {
            LoadView(loaded) { messages ->
                MessageList(messages, onThread)
            }
        }
        Composer("Message #${channel.name}") { text -> api.post(channel.id, text) }
    }
}

@Composable
private fun SlackThread(api: WorkspaceApi, channel: Crumb, ts: String, onBack: () -> Unit) {
    val revision by api.client.revision.collectAsStateWithLifecycle()
    val loaded = rememberLoad(channel.id + "/" + ts, revision) { api.replies(channel.id, ts) }
    Column(Modifier.fillMaxSize()) {
        ScreenHeader("Thread in #${channel.name}", onBack)
        Column(Modifier.weight(1f)) {
            LoadView(loaded) { messages ->
                MessageList(messages, null)
            }
        }
        Composer("Reply in the thread") { text -> api.post(channel.id, text, ts) }
    }
}

@Composable
private fun MessageList(messages: List<WorkspaceApi.SlackMessage>, onThread: ((String) -> Unit)?) {
    if (messages.isEmpty()) {
        EmptyText("No messages yet.")
        return
    }
    val state = rememberLazyListState()
    // Start at the newest message, like a chat.
    LaunchedEffect(messages.size) { state.scrollToItem(messages.size - 1) }
    LazyColumn(Modifier.fillMaxSize(), state = state) {
        items(messages, key = { it.ts }) { m ->
            Column(Modifier.fillMaxWidth().padding(horizontal = 16.dp, vertical = 8.dp)) {
                Row(verticalAlignment = Alignment.CenterVertically) {
                    Text(m.user, style = MaterialTheme.typography.titleSmall, fontWeight = FontWeight.Bold)
                    Spacer(Modifier.width(8.dp))
                    m.time?.let {
                        Text(
                            formatDateTime(it),
                            style = MaterialTheme.typography.labelSmall,
                            color = MaterialTheme.colorScheme.onSurfaceVariant,
                        )
                    }
                }
                Text(m.text, style = MaterialTheme.typography.bodyMedium)
                if (onThread != null && m.replyCount > 0) {
                    TextButton(onClick = { onThread(m.threadTs ?: m.ts) }) {
                        Text(if (m.replyCount == 1) "1 reply" else "${m.replyCount} replies")
                    }
                }
            }
        }
    }
}

/** A text field and a send button; [send] runs in this composable's scope, errors shown below. */
@Composable
private fun Composer(label: String, send: suspend (String) -> Unit) {
    val scope = rememberCoroutineScope()
    var text by rememberSaveable { mutableStateOf("") }
    var sending by remember { mutableStateOf(false) }
    var error by remember { mutableStateOf<String?>(null) }
    Column(Modifier.fillMaxWidth()) {
        error?.let { ErrorMessage(it) }
        Row(
            Modifier.fillMaxWidth().padding(horizontal = 8.dp, vertical = 4.dp),
            verticalAlignment = Alignment.CenterVertically,
            horizontalArrangement = Arrangement.spacedBy(4.dp),
        ) {
            OutlinedTextField(
                value = text,
                onValueChange = { text = it },
                label = { Text(label) },
                maxLines = 4,
                modifier = Modifier.weight(1f),
            )
            if (sending) {
                CircularProgressIndicator(Modifier.padding(12.dp))
            } else {
                LabeledIconButton(
                    Icons.AutoMirrored.Filled.Send,
                    "Send",
                    {
                        val message = text.trim()
                        sending = true
                        error = null
                        scope.launch {
                            try {
                                send(message)
                                text = ""
                            } catch (e: CancellationException) {
                                throw e
                            } catch (e: Exception) {
                                error = errorText(e)
                            } finally {
                                sending = false
                            }
                        }
                    },
                    enabled = text.isNotBlank(),
                )
            }
        }
    }
}
