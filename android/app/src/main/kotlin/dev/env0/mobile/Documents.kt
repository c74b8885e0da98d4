package dev.env0.mobile

import android.content.ContentResolver
import android.content.Context
import android.content.Intent
import android.net.Uri
import android.provider.DocumentsContract
import android.provider.OpenableColumns
import androidx.core.content.FileProvider
import java.io.File
import java.io.FileNotFoundException
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.ensureActive
import kotlinx.coroutines.withContext

/**
 * Copies what the system file picker hands out (content:// Uris) into the app's cache, because
 * the model store takes file paths. Cancellable between chunks; a cancelled copy is deleted.
 */
object Documents {
    /** An adapter folder holds these two files; nothing else of the folder is copied. */
    val ADAPTER_FILES = listOf("adapter_config.json", "adapter_model.safetensors")

    private const val CHUNK = 1 shl 20

    /** The picked document's display name and size (-1 when the provider does not say). */
    fun nameAndSize(resolver: ContentResolver, uri: Uri): Pair<String, Long> {
        var name = uri.lastPathSegment?.substringAfterLast('/') ?: "model.gguf"
        var size = -1L
        resolver.query(uri, arrayOf(OpenableColumns.DISPLAY_NAME, OpenableColumns.SIZE), null, null, null)?.use { c ->
            if (c.moveToFirst()) {
                val n = c.getColumnIndex(OpenableColumns.DISPLAY_NAME)
                val s = c.getColumnIndex(OpenableColumns.SIZE)
                if (n >= 0 && !c.isNull(n)) name = c.getString(n)
                if (s >= 0 && !c.isNull(s)) size = c.getLong(s)
            }
        }
        return safeName(name) to size
    }

    /**
     * Copies document [uri] to [dest], reporting (copied, total) bytes; total is -1 when unknown.
     */
    suspend fun copyFile(
        resolver: ContentResolver,
        uri: Uri,
        dest: File,
        total: Long,
        onProgress: (Long, Long) -> Unit,
    ): Unit = withContext(Dispatchers.IO) {
        dest.parentFile?.mkdirs()
        var done = false
        try {
            val input = resolver.openInputStream(uri) ?: throw FileNotFoundException("cannot open $uri")
            input.use { from ->
                dest.outputStream().use { to ->
                    val buffer = ByteArray(CHUNK)
                    var copied = 0L
                    var reported = 0L
                    while (true) {
                        ensureActive()
                        val n = from.read(buffer)
                        if (n < 0) break
                        to.write(buffer, 0, n)
                        copied += n
                        if (copied - reported >= 8L * CHUNK) {
                            reported = copied
                            onProgress(copied, total)
                        }
                    }
                    onProgress(copied, total)
                }
            }
            done = true
        } finally {
            if (!done) dest.delete()
        }
    }

    /** A folder the user picked with ACTION_OPEN_DOCUMENT_TREE: its name and its adapter files. */
    class TreeFiles(val name: String, val files: List<Triple<String, Uri, Long>>)

    /** Lists the adapter files at the top of tree [treeUri] (sub-folders are not read). */
    fun adapterFiles(resolver: ContentResolver, treeUri: Uri): TreeFiles {
        val rootId = DocumentsContract.getTreeDocumentId(treeUri)
        var folderName = rootId.substringAfterLast(':').substringAfterLast('/').ifBlank { "adapter" }
        resolver.query(
            DocumentsContract.buildDocumentUriUsingTree(treeUri, rootId),
            arrayOf(DocumentsContract.Document.COLUMN_DISPLAY_NAME),
            null,
            null,
            null,
        )?.use { c ->
            if (c.moveToFirst() && !c.isNull(0)) folderName = c.getString(0)
        }
        val found = mutableListOf<Triple<String, Uri, Long>>()
        val children = DocumentsContract.buildChildDocumentsUriUsingTree(treeUri, rootId)
        val columns = arrayOf(
            DocumentsContract.Document.COLUMN_DOCUMENT_ID,
            DocumentsContract.Document.COLUMN_DISPLAY_NAME,
            DocumentsContract.Document.COLUMN_MIME_TYPE,
            DocumentsContract.Document.COLUMN_SIZE,
        )
        resolver.query(children, columns, null, null, null)?.use { c ->
            while (c.moveToNext()) {
                val id = c.getString(0) ?: continue
                val name = c.getString(1) ?: continue
                val mime = c.getString(2) ?: ""
                val size = if (c.isNull(3)) -1L else c.getLong(3)
                if (mime == DocumentsContract.Document.MIME_TYPE_DIR || name !in ADAPTER_FILES) continue
                found.add(Triple(name, DocumentsContract.buildDocumentUriUsingTree(treeUri, id), size))
            }
        }
        return TreeFiles(safeName(folderName), found)
    }

    /** A file name without path separators or leading dots. */
    fun safeName(name: String): String {
        val cleaned = name.replace('/', '_').replace('\\', '_').trim().trimStart('.')
        return cleaned.ifBlank { "imported" }
    }

    /** Offers [file] (under filesDir/runs) to other apps through the FileProvider. */
    fun share(context: Context, file: File, subject: String) {
        val uri = FileProvider.getUriForFile(context, context.packageName + ".files", file)
        val send = Intent(Intent.ACTION_SEND)
        send.type = "text/plain"
        send.putExtra(Intent.EXTRA_STREAM, uri)
        send.putExtra(Intent.EXTRA_SUBJECT, subject)
        send.addFlags(Intent.FLAG_GRANT_READ_URI_PERMISSION)
        context.startActivity(Intent.createChooser(send, subject))
    }
}
