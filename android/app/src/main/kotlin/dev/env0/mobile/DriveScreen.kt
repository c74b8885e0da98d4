package dev.env0.mobile

import androidx.activity.compose.BackHandler
import androidx.compose.foundation.clickable
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Spacer
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.height
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.foundation.text.KeyboardActions
import androidx.compose.foundation.text.KeyboardOptions
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.automirrored.filled.InsertDriveFile
import androidx.compose.material.icons.filled.Close
import androidx.compose.material.icons.filled.Description
import androidx.compose.material.icons.filled.Folder
import androidx.compose.material.icons.filled.Group
import androidx.compose.material.icons.filled.Person
import androidx.compose.material.icons.filled.Public
import androidx.compose.material.icons.filled.Search
import androidx.compose.material.icons.filled.Share
import androidx.compose.material3.HorizontalDivider
import androidx.compose.material3.Icon
import androidx.compose.material3.IconButton
import androidx.compose.material3.ListItem
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.saveable.rememberSaveable
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.graphics.vector.ImageVector
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.semantics.heading
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.text.font.FontFamily
import androidx.compose.ui.text.input.ImeAction
import androidx.compose.ui.text.style.TextOverflow
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import java.io.Serializable

/** A folder or file the screens navigate to (kept across configuration changes). */
data class Crumb(val id: String, val name: String) : Serializable

/**
 * Drive: My Drive and its folders, a full-text search, a Google Doc opened in the Docs reader,
 * and who a file is shared with.
 */
@Composable
fun DriveScreen(api: WorkspaceApi, onBack: () -> Unit) {
    var path by rememberSaveable { mutableStateOf(listOf(Crumb("root", "My Drive"))) }
    var query by rememberSaveable { mutableStateOf("") }
    var searched by rememberSaveable { mutableStateOf("") }
    var doc by rememberSaveable { mutableStateOf<Crumb?>(null) }
    var sharing by rememberSaveable { mutableStateOf<Crumb?>(null) }

    val openDoc = doc
    val shared = sharing
    when {
        openDoc != null -> {
            BackHandler { doc = null }
            DocReader(api, openDoc, onBack = { doc = null })
        }
        shared != null -> {
            BackHandler { sharing = null }
            SharingView(api, shared, onBack = { sharing = null })
        }
        else -> {
            val inFolder = path.size > 1
            BackHandler(enabled = inFolder || searched.isNotEmpty()) {
                if (searched.isNotEmpty()) {
                    searched = ""
                    query = ""
                } else {
                    path = path.dropLast(1)
                }
            }
            val here = path.last()
            val goBack: () -> Unit = {
                if (searched.isNotEmpty()) {
                    searched = ""
                    query = ""
                } else if (inFolder) {
                    path = path.dropLast(1)
                } else {
                    onBack()
                }
            }
            val open: (WorkspaceApi.DriveFile) -> Unit = { f ->
                when {
                    f.isFolder -> {
                        searched = ""
                        query = ""
                        path = path + Crumb(f.id, f.name)
                    }
                    f.isDoc -> {
                        doc = Crumb(f.id, f.name)
                    }
                    else -> {
                        sharing = Crumb(f.id, f.name)
                    }
                }
            }
            Column(Modifier.fillMaxSize()) {
                ScreenHeader(if (searched.isNotEmpty()) "Search: $searched" else here.name, goBack)
                if (inFolder && searched.isEmpty()) {
                    Text(
                        path.joinToString(" / ") { it.name },
                        style = MaterialTheme.typography.bodySmall,
                        color = MaterialTheme.colorScheme.onSurfaceVariant,
                        maxLines = 1,
                        overflow = TextOverflow.Ellipsis,
                        modifier = Modifier.padding(horizontal = 16.dp),
                    )
                }
                OutlinedTextField(
                    value = query,
                    onValueChange = { query = it },
                    modifier = Modifier.fillMaxWidth().padding(horizontal = 16.dp, vertical = 4.dp),
                    singleLine = true,
                    label = { Text("Search in files") },
                    leadingIcon = { Icon(Icons.Filled.Search, contentDescription = null) },
                    trailingIcon = {
                        if (query.isNotEmpty() || searched.isNotEmpty()) {
                            IconButton(onClick = {
                                query = ""
                                searched = ""
                            }) { Icon(Icons.Filled.Close, contentDescription = "Clear the search") }
                        }
                    },
                    keyboardOptions = KeyboardOptions(imeAction = ImeAction.Search),
                    keyboardActions = KeyboardActions(onSearch = { searched = query.trim() }),
                )
                if (searched.isNotEmpty()) {
                    FileList(api, "search:$searched", { api.driveSearch(searched) }, open, { f -> sharing = Crumb(f.id, f.name) })
                } else {
                    FileList(api, "folder:${here.id}", { api.folder(here.id) }, open, { f -> sharing = Crumb(f.id, f.name) })
                }
            }
        }
    }
}

/** Google Docs: every Doc the user can see, opened in the reader. */
@Composable
fun DocsScreen(api: WorkspaceApi, onBack: () -> Unit) {
    var doc by rememberSaveable { mutableStateOf<Crumb?>(null) }
    val openDoc = doc
    if (openDoc != null) {
        BackHandler { doc = null }
        DocReader(api, openDoc, onBack = { doc = null })
        return
    }
    Column(Modifier.fillMaxSize()) {
        ScreenHeader(stringResource(R.string.app_docs), onBack)
        FileList(api, "docs", { api.documents() }, { f -> doc = Crumb(f.id, f.name) }, null)
    }
}

@Composable
private fun FileList(
    api: WorkspaceApi,
    key: String,
    load: suspend () -> List<WorkspaceApi.DriveFile>,
    onOpen: (WorkspaceApi.DriveFile) -> Unit,
    onSharing: ((WorkspaceApi.DriveFile) -> Unit)?,
) {
    val revision by api.client.revision.collectAsStateWithLifecycle()
    val loaded = rememberLoad(key, revision, load)
    LoadView(loaded) { files ->
        if (files.isEmpty()) {
            EmptyText("Nothing here.")
        } else {
            LazyColumn(Modifier.fillMaxSize()) {
                items(files, key = { it.id }) { f ->
                    FileRow(f, onOpen, onSharing)
                    HorizontalDivider()
                }
            }
        }
    }
}

private fun kindOf(f: WorkspaceApi.DriveFile): String = when {
    f.isFolder -> "Folder"
    f.isDoc -> "Google Doc"
    f.mimeType == "application/vnd.google-apps.spreadsheet" -> "Google Sheet"
    f.mimeType == "application/vnd.google-apps.presentation" -> "Google Slides"
    f.mimeType.isBlank() -> "File"
    else -> f.mimeType.substringAfterLast('/').substringAfterLast('.')
}

@Composable
private fun FileRow(
    f: WorkspaceApi.DriveFile,
    onOpen: (WorkspaceApi.DriveFile) -> Unit,
    onSharing: ((WorkspaceApi.DriveFile) -> Unit)?,
) {
    val icon: ImageVector = when {
        f.isFolder -> Icons.Filled.Folder
        f.isDoc -> Icons.Filled.Description
        else -> Icons.AutoMirrored.Filled.InsertDriveFile
    }
    val details = listOfNotNull(
        kindOf(f),
        f.modified?.let { "modified " + formatDayYear(it.toLocalDate()) },
        f.owners.firstOrNull()?.let { "owner $it" },
    ).joinToString(" · ")
    val action = when {
        f.isFolder -> "Open folder"
        f.isDoc -> "Read the document"
        else -> "Show who can access it"
    }
    ListItem(
        headlineContent = { Text(f.name, maxLines = 2, overflow = TextOverflow.Ellipsis) },
        supportingContent = { Text(details, maxLines = 2, overflow = TextOverflow.Ellipsis) },
        leadingContent = { Icon(icon, contentDescription = kindOf(f)) },
        trailingContent = {
            if (onSharing != null) {
                LabeledIconButton(Icons.Filled.Share, "Sharing of ${f.name}", { onSharing(f) })
            }
        },
        modifier = Modifier.clickable(onClickLabel = action) { onOpen(f) },
    )
}

@Composable
private fun SharingView(api: WorkspaceApi, file: Crumb, onBack: () -> Unit) {
    val revision by api.client.revision.collectAsStateWithLifecycle()
    val loaded = rememberLoad(file.id, revision) { api.permissions(file.id) }
    Column(Modifier.fillMaxSize()) {
        ScreenHeader("Sharing: ${file.name}", onBack)
        LoadView(loaded) { perms ->
            if (perms.isEmpty()) {
                EmptyText("Only the owner has access.")
            } else {
                LazyColumn(Modifier.fillMaxSize()) {
                    items(perms, key = { it.id }) { p ->
                        val icon = when (p.type) {
                            "group" -> Icons.Filled.Group
                            "domain", "anyone" -> Icons.Filled.Public
                            else -> Icons.Filled.Person
                        }
                        val who = when (p.type) {
                            "anyone" -> "Anyone with the link"
                            "domain" -> "Everyone in the domain"
                            else -> p.email ?: p.id
                        }
                        ListItem(
                            headlineContent = { Text(who) },
                            supportingContent = { Text(roleLabel(p.role) + " · " + p.type) },
                            leadingContent = { Icon(icon, contentDescription = p.type) },
                        )
                    }
                }
            }
        }
    }
}

private fun roleLabel(role: String): String = when (role) {
    "owner" -> "Owner"
    "organizer" -> "Organizer"
    "fileOrganizer" -> "File organizer"
    "writer" -> "Editor"
    "commenter" -> "Commenter"
    "reader" -> "Viewer"
    else -> role
}

/** A Google Doc's text: its paragraphs (headings styled) and its tables' rows. */
@Composable
fun DocReader(api: WorkspaceApi, doc: Crumb, onBack: () -> Unit) {
    val revision by api.client.revision.collectAsStateWithLifecycle()
    val loaded = rememberLoad(doc.id, revision) { api.document(doc.id) }
    val title = (loaded.state as? Load.Ready<WorkspaceApi.Document>)?.value?.title ?: doc.name
    Column(Modifier.fillMaxSize()) {
        ScreenHeader(title, onBack)
        LoadView(loaded) { document ->
            if (document.blocks.all { it.text.isBlank() }) {
                EmptyText("This document is empty.")
            } else {
                LazyColumn(Modifier.fillMaxSize().padding(horizontal = 16.dp)) {
                    items(document.blocks) { block -> DocBlockView(block) }
                }
            }
        }
    }
}

@Composable
private fun DocBlockView(block: WorkspaceApi.DocBlock) {
    if (block.text.isBlank()) {
        Spacer(Modifier.height(8.dp))
        return
    }
    val typography = MaterialTheme.typography
    when (block.style) {
        "TITLE" -> Text(block.text, style = typography.headlineMedium, modifier = Modifier.semantics { heading() })
        "SUBTITLE" -> Text(block.text, style = typography.titleMedium, color = MaterialTheme.colorScheme.onSurfaceVariant)
        "HEADING_1" -> Text(
            block.text,
            style = typography.headlineSmall,
            modifier = Modifier.padding(top = 12.dp).semantics { heading() },
        )
        "HEADING_2" -> Text(
            block.text,
            style = typography.titleLarge,
            modifier = Modifier.padding(top = 8.dp).semantics { heading() },
        )
        "HEADING_3", "HEADING_4", "HEADING_5", "HEADING_6" -> Text(
            block.text,
            style = typography.titleMedium,
            modifier = Modifier.padding(top = 4.dp).semantics { heading() },
        )
        WorkspaceApi.TABLE_ROW -> Text(block.text, style = typography.bodyMedium, fontFamily = FontFamily.Monospace)
        else -> Text(block.text, style = typography.bodyLarge, modifier = Modifier.padding(vertical = 2.dp))
    }
}
