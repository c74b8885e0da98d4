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
import androidx.compose.foundation.text.KeyboardActions
import androidx.compose.foundation.text.KeyboardOptions
import androidx.compose.foundation.text.selection.SelectionContainer
import androidx.compose.foundation.verticalScroll
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.automirrored.filled.Reply
import androidx.compose.material.icons.automirrored.filled.Send
import androidx.compose.material.icons.filled.Close
import androidx.compose.material.icons.filled.Edit
import androidx.compose.material.icons.filled.Search
import androidx.compose.material3.Button
import androidx.compose.material3.Card
import androidx.compose.material3.CircularProgressIndicator
import androidx.compose.material3.HorizontalDivider
import androidx.compose.material3.Icon
import androidx.compose.material3.IconButton
import androidx.compose.material3.ListItem
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedTextField
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
import androidx.compose.ui.text.font.FontWeight
import androidx.compose.ui.text.input.ImeAction
import androidx.compose.ui.text.input.KeyboardType
import androidx.compose.ui.text.style.TextOverflow
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.launch

/** Gmail: the inbox (or a search), a conversation, and a compose form (also for replies). */
@Composable
fun MailScreen(api: WorkspaceApi, onBack: () -> Unit) {
    var threadId by rememberSaveable { mutableStateOf<String?>(null) }
    var draft by rememberSaveable { mutableStateOf<WorkspaceApi.Draft?>(null) }
    var notice by rememberSaveable { mutableStateOf<String?>(null) }

    val d = draft
    val t = threadId
    when {
        d != null -> {
            BackHandler { draft = null }
            ComposeMail(
                api = api,
                draft = d,
                onChange = { draft = it },
                onClose = { draft = null },
                onSent = {
                    draft = null
                    notice = "Message sent."
                },
            )
        }
        t != null -> {
            BackHandler { threadId = null }
            MailThreadView(api, t, onBack = { threadId = null }, onReply = { draft = it })
        }
        else -> MailList(
            api = api,
            onBack = onBack,
            notice = notice,
            onDismissNotice = { notice = null },
            onOpen = { threadId = it },
            onCompose = { draft = WorkspaceApi.Draft() },
        )
    }
}

@Composable
private fun MailList(
    api: WorkspaceApi,
    onBack: () -> Unit,
    notice: String?,
    onDismissNotice: () -> Unit,
    onOpen: (String) -> Unit,
    onCompose: () -> Unit,
) {
    val revision by api.client.revision.collectAsStateWithLifecycle()
    var query by rememberSaveable { mutableStateOf("") }
    var submitted by rememberSaveable { mutableStateOf("") }
    val loaded = rememberLoad(submitted, revision) { api.mailList(submitted) }

    Column(Modifier.fillMaxSize()) {
        ScreenHeader(if (submitted.isBlank()) "Inbox" else "Search: $submitted", onBack) {
            LabeledIconButton(Icons.Filled.Edit, "Compose a message", onCompose)
        }
        OutlinedTextField(
            value = query,
            onValueChange = { query = it },
            modifier = Modifier.fillMaxWidth().padding(horizontal = 16.dp),
            singleLine = true,
            label = { Text("Search mail (Gmail search, e.g. from:dana is:unread)") },
            leadingIcon = { Icon(Icons.Filled.Search, contentDescription = null) },
            trailingIcon = {
                if (query.isNotEmpty() || submitted.isNotEmpty()) {
                    IconButton(onClick = {
                        query = ""
                        submitted = ""
                    }) { Icon(Icons.Filled.Close, contentDescription = "Clear the search") }
                }
            },
            keyboardOptions = KeyboardOptions(imeAction = ImeAction.Search),
            keyboardActions = KeyboardActions(onSearch = { submitted = query.trim() }),
        )
        notice?.let { Notice(it, onDismissNotice) }
        LoadView(loaded) { messages ->
            if (messages.isEmpty()) {
                EmptyText(if (submitted.isBlank()) "The inbox is empty." else "No message matches.")
            } else {
                LazyColumn(Modifier.fillMaxSize()) {
                    items(messages, key = { it.id }) { m ->
                        MailRow(m, onClick = { onOpen(m.threadId) })
                        HorizontalDivider()
                    }
                }
            }
        }
    }
}

@Composable
private fun MailRow(m: WorkspaceApi.MailSummary, onClick: () -> Unit) {
    val weight = if (m.unread) FontWeight.Bold else FontWeight.Normal
    ListItem(
        headlineContent = {
            Text(displayName(m.from), fontWeight = weight, maxLines = 1, overflow = TextOverflow.Ellipsis)
        },
        supportingContent = {
            Column {
                Text(m.subject, fontWeight = weight, maxLines = 1, overflow = TextOverflow.Ellipsis)
                Text(m.snippet, style = MaterialTheme.typography.bodySmall, maxLines = 2, overflow = TextOverflow.Ellipsis)
            }
        },
        trailingContent = {
            Column(horizontalAlignment = Alignment.End) {
                m.date?.let { Text(formatDay(it.toLocalDate()), style = MaterialTheme.typography.labelMedium) }
                if (m.unread) {
                    Text("Unread", style = MaterialTheme.typography.labelSmall, color = MaterialTheme.colorScheme.primary)
                }
            }
        },
        modifier = Modifier.clickable(onClickLabel = "Open the conversation", onClick = onClick),
    )
}

@Composable
private fun MailThreadView(
    api: WorkspaceApi,
    threadId: String,
    onBack: () -> Unit,
    onReply: (WorkspaceApi.Draft) -> Unit,
) {
    val revision by api.client.revision.collectAsStateWithLifecycle()
    val loaded = rememberLoad(threadId, revision) { api.mailThread(threadId) }
    val title = (loaded.state as? Load.Ready<WorkspaceApi.MailThread>)?.value?.subject ?: "Conversation"

    Column(Modifier.fillMaxSize()) {
        ScreenHeader(title, onBack)
        LoadView(loaded) { thread ->
            LazyColumn(Modifier.fillMaxSize()) {
                items(thread.messages, key = { it.id }) { m ->
                    MailMessageCard(m, onReply = { onReply(replyDraft(thread, m)) })
                }
            }
        }
    }
}

@Composable
private fun MailMessageCard(m: WorkspaceApi.MailMessage, onReply: () -> Unit) {
    Card(Modifier.fillMaxWidth().padding(horizontal = 16.dp, vertical = 6.dp)) {
        Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(2.dp)) {
            LabeledValue("From", m.from)
            if (m.to.isNotBlank()) LabeledValue("To", m.to)
            if (m.cc.isNotBlank()) LabeledValue("Cc", m.cc)
            m.date?.let { LabeledValue("Date", formatDateTime(it)) }
            HorizontalDivider(Modifier.padding(vertical = 8.dp))
            SelectionContainer {
                Text(m.body, style = MaterialTheme.typography.bodyMedium)
            }
            Row(Modifier.fillMaxWidth(), horizontalArrangement = Arrangement.End) {
                TextButton(onClick = onReply) {
                    Icon(Icons.AutoMirrored.Filled.Reply, contentDescription = null)
                    Spacer(Modifier.width(6.dp))
                    Text("Reply")
                }
            }
        }
    }
}

private fun replyDraft(thread: WorkspaceApi.MailThread, m: WorkspaceApi.MailMessage): WorkspaceApi.Draft {
    val subject = m.subject.ifBlank { thread.subject }
    val references = listOfNotNull(m.references, m.messageIdHeader).joinToString(" ").trim()
    return WorkspaceApi.Draft(
        to = emailOf(m.from),
        subject = if (subject.startsWith("Re:", ignoreCase = true)) subject else "Re: $subject",
        body = "",
        threadId = thread.id,
        inReplyTo = m.messageIdHeader,
        references = references.ifBlank { null },
    )
}

@Composable
private fun ComposeMail(
    api: WorkspaceApi,
    draft: WorkspaceApi.Draft,
    onChange: (WorkspaceApi.Draft) -> Unit,
    onClose: () -> Unit,
    onSent: () -> Unit,
) {
    val scope = rememberCoroutineScope()
    var sending by remember { mutableStateOf(false) }
    var error by remember { mutableStateOf<String?>(null) }
    val canSend = draft.to.isNotBlank() && !sending

    Column(Modifier.fillMaxSize()) {
        ScreenHeader(if (draft.threadId != null) "Reply" else "New message", onClose) {
            if (sending) {
                CircularProgressIndicator(Modifier.padding(12.dp))
            } else {
                IconButton(
                    enabled = canSend,
                    onClick = {
                        sending = true
                        error = null
                        scope.launch {
                            try {
                                api.sendMail(draft)
                                onSent()
                            } catch (e: CancellationException) {
                                throw e
                            } catch (e: Exception) {
                                error = errorText(e)
                            } finally {
                                sending = false
                            }
                        }
                    },
                ) { Icon(Icons.AutoMirrored.Filled.Send, contentDescription = "Send") }
            }
        }
        error?.let { ErrorMessage(it) }
        Column(
            Modifier.fillMaxSize().verticalScroll(rememberScrollState()).padding(horizontal = 16.dp),
            verticalArrangement = Arrangement.spacedBy(8.dp),
        ) {
            OutlinedTextField(
                value = draft.to,
                onValueChange = { onChange(draft.copy(to = it)) },
                label = { Text("To (addresses, comma-separated)") },
                singleLine = true,
                keyboardOptions = KeyboardOptions(keyboardType = KeyboardType.Email, imeAction = ImeAction.Next),
                modifier = Modifier.fillMaxWidth(),
            )
            OutlinedTextField(
                value = draft.cc,
                onValueChange = { onChange(draft.copy(cc = it)) },
                label = { Text("Cc") },
                singleLine = true,
                keyboardOptions = KeyboardOptions(keyboardType = KeyboardType.Email, imeAction = ImeAction.Next),
                modifier = Modifier.fillMaxWidth(),
            )
            OutlinedTextField(
                value = draft.subject,
                onValueChange = { onChange(draft.copy(subject = it)) },
                label = { Text("Subject") },
                singleLine = true,
                keyboardOptions = KeyboardOptions(imeAction = ImeAction.Next),
                modifier = Modifier.fillMaxWidth(),
            )
            OutlinedTextField(
                value = draft.body,
                onValueChange = { onChange(draft.copy(body = it)) },
                label = { Text("Message") },
                minLines = 8,
                modifier = Modifier.fillMaxWidth(),
            )
            Button(onClick = onClose, enabled = !sending, modifier = Modifier.padding(bottom = 16.dp)) {
                Text("Discard")
            }
        }
    }
}
