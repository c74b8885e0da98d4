package dev.env0.mobile

import dev.env0.kit.WorkspaceClient
import java.io.Serializable
import java.time.Instant
import java.time.LocalDate
import java.time.OffsetDateTime
import java.time.ZoneId
import java.time.ZoneOffset
import java.time.ZonedDateTime
import java.time.format.DateTimeFormatter
import java.time.format.DateTimeParseException
import org.json.JSONObject

/**
 * The REST requests the Workspace screens make, with their answers parsed into small records.
 * Every call goes through [WorkspaceClient] (its own I/O dispatcher, never the caller's thread);
 * non-2xx answers throw ApiException, Slack's `ok: false` throws [SlackException].
 */
class WorkspaceApi(val client: WorkspaceClient) {
    // ---------------------------------------------------------------- clock and time zone

    /** The world's "now" in the user's calendar time zone: what "today" is for Calendar. */
    data class Clock(val now: ZonedDateTime) {
        val zone: ZoneId get() = now.zone
        val today: LocalDate get() = now.toLocalDate()
    }

    @Volatile
    private var zoneCache: ZoneId? = null

    /** The primary calendar's time zone (UTC when it cannot be read). */
    suspend fun zone(): ZoneId {
        zoneCache?.let { return it }
        val zone = try {
            val tz = JSONObject(client.get("/calendar/v3/calendars/primary")).str("timeZone")
            if (tz == null) ZoneOffset.UTC else ZoneId.of(tz)
        } catch (e: java.time.DateTimeException) {
            ZoneOffset.UTC
        }
        zoneCache = zone
        return zone
    }

    suspend fun clock(): Clock {
        val zone = zone()
        val now = Instant.parse(client.now())
        return Clock(now.atZone(zone))
    }

    // ---------------------------------------------------------------- Gmail

    data class MailSummary(
        val id: String,
        val threadId: String,
        val from: String,
        val subject: String,
        val date: ZonedDateTime?,
        val snippet: String,
        val unread: Boolean,
    )

    data class MailMessage(
        val id: String,
        val from: String,
        val to: String,
        val cc: String,
        val subject: String,
        val date: ZonedDateTime?,
        val body: String,
        val messageIdHeader: String?,
        val references: String?,
    )

    data class MailThread(val id: String, val messages: List<MailMessage>) {
        val subject: String get() = messages.firstOrNull()?.subject?.ifBlank { null } ?: "(no subject)"
    }

    /** The inbox (an empty query) or a Gmail search, newest first, at most 25 messages. */
    suspend fun mailList(query: String): List<MailSummary> {
        val q = query.trim().ifEmpty { "in:inbox" }
        val list = JSONObject(client.get("/gmail/v1/users/me/messages?q=${enc(q)}&maxResults=25"))
        val zone = zone()
        return list.arr("messages").objects().mapNotNull { ref ->
            val id = ref.str("id") ?: return@mapNotNull null
            val m = JSONObject(client.get("/gmail/v1/users/me/messages/${enc(id)}?format=metadata"))
            val headers = headerMap(m.optJSONObject("payload"))
            MailSummary(
                id = id,
                threadId = m.str("threadId") ?: ref.str("threadId") ?: id,
                from = headers["from"] ?: "",
                subject = headers["subject"]?.ifBlank { null } ?: "(no subject)",
                date = epochMillis(m.str("internalDate"), zone),
                snippet = htmlUnescape(m.str("snippet") ?: ""),
                unread = m.arr("labelIds").strings().contains("UNREAD"),
            )
        }
    }

    /** A thread with each message's text/plain parts decoded. */
    suspend fun mailThread(id: String): MailThread {
        val t = JSONObject(client.get("/gmail/v1/users/me/threads/${enc(id)}?format=full"))
        val zone = zone()
        val messages = t.arr("messages").objects().map { m ->
            val payload = m.optJSONObject("payload")
            val headers = headerMap(payload)
            val text = if (payload == null) "" else plainText(payload).joinToString("\n\n")
            MailMessage(
                id = m.str("id") ?: "",
                from = headers["from"] ?: "",
                to = headers["to"] ?: "",
                cc = headers["cc"] ?: "",
                subject = headers["subject"] ?: "",
                date = epochMillis(m.str("internalDate"), zone),
                body = text.ifBlank { htmlUnescape(m.str("snippet") ?: "") },
                messageIdHeader = headers["message-id"],
                references = headers["references"],
            )
        }
        return MailThread(id, messages)
    }

    /** Sends a plain-text message; a reply names its thread and the message it answers. */
    suspend fun sendMail(draft: Draft): String {
        val raw = rfc2822(
            to = draft.to,
            subject = draft.subject,
            body = draft.body,
            cc = draft.cc,
            inReplyTo = draft.inReplyTo,
            references = draft.references,
        )
        val answer = JSONObject(
            client.send("POST", "/gmail/v1/users/me/messages/send", gmailSendBody(raw, draft.threadId)),
        )
        return answer.str("id") ?: ""
    }

    /** A message being written (kept across configuration changes, hence Serializable). */
    data class Draft(
        val to: String = "",
        val cc: String = "",
        val subject: String = "",
        val body: String = "",
        val threadId: String? = null,
        val inReplyTo: String? = null,
        val references: String? = null,
    ) : Serializable

    private fun headerMap(payload: JSONObject?): Map<String, String> {
        val out = HashMap<String, String>()
        payload?.arr("headers")?.objects()?.forEach { h ->
            val name = h.str("name")?.lowercase() ?: return@forEach
            if (!out.containsKey(name)) out[name] = h.str("value") ?: ""
        }
        return out
    }

    /** Every text/plain part that is not an attachment, depth first. */
    private fun plainText(part: JSONObject): List<String> {
        val out = mutableListOf<String>()
        val mime = part.optString("mimeType").lowercase()
        val data = part.optJSONObject("body")?.str("data")
        val attachment = !part.optString("filename").isNullOrEmpty()
        if (mime.startsWith("text/plain") && data != null && !attachment) {
            out.add(
                try {
                    decodeBase64Url(data)
                } catch (e: IllegalArgumentException) {
                    "(this part could not be decoded)"
                },
            )
        }
        for (child in part.arr("parts").objects()) out.addAll(plainText(child))
        return out
    }

    // ---------------------------------------------------------------- Calendar

    data class Attendee(
        val email: String,
        val name: String?,
        val response: String,
        val organizer: Boolean,
        val self: Boolean,
        val optional: Boolean,
    )

    data class CalEvent(
        val id: String,
        val summary: String,
        /** Timed events: start and end in the calendar's zone. */
        val start: ZonedDateTime?,
        val end: ZonedDateTime?,
        /** All-day events: the first day and the day after the last. */
        val startDate: LocalDate?,
        val endDate: LocalDate?,
        val location: String?,
        val description: String?,
        val organizer: String?,
        val status: String,
        val attendees: List<Attendee>,
    ) {
        val allDay: Boolean get() = start == null

        /** The day this event is listed under. */
        fun day(zone: ZoneId): LocalDate? = start?.withZoneSameInstant(zone)?.toLocalDate() ?: startDate
    }

    /** Events overlapping [from, to), recurring ones expanded, ordered by start. */
    suspend fun events(from: ZonedDateTime, to: ZonedDateTime): List<CalEvent> {
        val path = "/calendar/v3/calendars/primary/events?timeMin=${enc(rfc3339(from))}" +
            "&timeMax=${enc(rfc3339(to))}&singleEvents=true&orderBy=startTime&maxResults=250"
        val zone = zone()
        return JSONObject(client.get(path)).arr("items").objects()
            .map { parseEvent(it, zone) }
            .filter { it.status != "cancelled" }
    }

    suspend fun event(id: String): CalEvent {
        val zone = zone()
        return parseEvent(JSONObject(client.get("/calendar/v3/calendars/primary/events/${enc(id)}")), zone)
    }

    private fun parseEvent(e: JSONObject, zone: ZoneId): CalEvent {
        val start = e.optJSONObject("start")
        val end = e.optJSONObject("end")
        val organizer = e.optJSONObject("organizer")
        return CalEvent(
            id = e.str("id") ?: "",
            summary = e.str("summary")?.ifBlank { null } ?: "(no title)",
            start = start?.str("dateTime")?.let { zoned(it, zone) },
            end = end?.str("dateTime")?.let { zoned(it, zone) },
            startDate = start?.str("date")?.let { localDate(it) },
            endDate = end?.str("date")?.let { localDate(it) },
            location = e.str("location")?.ifBlank { null },
            description = e.str("description")?.ifBlank { null },
            organizer = organizer?.let { it.str("displayName") ?: it.str("email") },
            status = e.str("status") ?: "confirmed",
            attendees = e.arr("attendees").objects().map { a ->
                Attendee(
                    email = a.str("email") ?: "",
                    name = a.str("displayName"),
                    response = a.str("responseStatus") ?: "needsAction",
                    organizer = a.optBoolean("organizer", false),
                    self = a.optBoolean("self", false),
                    optional = a.optBoolean("optional", false),
                )
            },
        )
    }

    // ---------------------------------------------------------------- Drive and Docs

    data class DriveFile(
        val id: String,
        val name: String,
        val mimeType: String,
        val modified: ZonedDateTime?,
        val owners: List<String>,
    ) : Serializable {
        val isFolder: Boolean get() = mimeType == WorkspaceApi.FOLDER
        val isDoc: Boolean get() = mimeType == WorkspaceApi.DOCUMENT
    }

    data class Permission(val id: String, val role: String, val type: String, val email: String?)

    /** The files in folder [folderId] (`root`: My Drive), folders first, then by name. */
    suspend fun folder(folderId: String): List<DriveFile> =
        driveList("'${driveQuoted(folderId)}' in parents and trashed=false")

    /** Files whose content or name contains [text]. */
    suspend fun driveSearch(text: String): List<DriveFile> =
        driveList("fullText contains '${driveQuoted(text)}' and trashed=false")

    /** Every Google Doc the user can see. */
    suspend fun documents(): List<DriveFile> = driveList("mimeType='$DOCUMENT' and trashed=false")

    private suspend fun driveList(q: String): List<DriveFile> {
        val fields = "files(id,name,mimeType,modifiedTime,owners(emailAddress))"
        val answer = JSONObject(client.get("/drive/v3/files?q=${enc(q)}&fields=${enc(fields)}&pageSize=200"))
        val zone = zone()
        return answer.arr("files").objects().map { f ->
            DriveFile(
                id = f.str("id") ?: "",
                name = f.str("name") ?: "(untitled)",
                mimeType = f.str("mimeType") ?: "",
                modified = f.str("modifiedTime")?.let { zoned(it, zone) },
                owners = f.arr("owners").objects().mapNotNull { it.str("emailAddress") },
            )
        }.sortedWith(compareBy<DriveFile>({ !it.isFolder }, { it.name.lowercase() }))
    }

    suspend fun permissions(fileId: String): List<Permission> {
        val fields = "permissions(id,role,type,emailAddress)"
        val answer = JSONObject(client.get("/drive/v3/files/${enc(fileId)}/permissions?fields=${enc(fields)}"))
        return answer.arr("permissions").objects().map { p ->
            Permission(
                id = p.str("id") ?: "",
                role = p.str("role") ?: "",
                type = p.str("type") ?: "",
                email = p.str("emailAddress"),
            )
        }
    }

    /** One block of a Doc: a paragraph (with its named style) or a table row. */
    data class DocBlock(val text: String, val style: String?)

    data class Document(val title: String, val blocks: List<DocBlock>)

    suspend fun document(id: String): Document {
        val d = JSONObject(client.get("/v1/documents/${enc(id)}"))
        val blocks = mutableListOf<DocBlock>()
        val content = d.optJSONObject("body")?.arr("content")?.objects() ?: emptyList()
        collectBlocks(content, blocks)
        return Document(d.str("title") ?: "(untitled)", blocks)
    }

    private fun collectBlocks(content: List<JSONObject>, out: MutableList<DocBlock>) {
        for (element in content) {
            val paragraph = element.optJSONObject("paragraph")
            val table = element.optJSONObject("table")
            if (paragraph != null) {
                val text = paragraph.arr("elements").objects()
                    .mapNotNull { it.optJSONObject("textRun")?.str("content") }
                    .joinToString("")
                    .trimEnd('\n')
                val style = paragraph.optJSONObject("paragraphStyle")?.str("namedStyleType")
                out.add(DocBlock(text, style))
            } else if (table != null) {
                for (row in table.arr("tableRows").objects()) {
                    val cells = row.arr("tableCells").objects().map { cell ->
                        val inner = mutableListOf<DocBlock>()
                        collectBlocks(cell.arr("content").objects(), inner)
                        inner.joinToString(" ") { it.text }.trim()
                    }
                    out.add(DocBlock(cells.joinToString("  |  "), TABLE_ROW))
                }
            }
        }
    }

    // ---------------------------------------------------------------- Slack

    data class Channel(
        val id: String,
        val name: String,
        val isPrivate: Boolean,
        val isMember: Boolean,
        val topic: String,
        val members: Int,
    )

    data class SlackMessage(
        val ts: String,
        val user: String,
        val text: String,
        val time: ZonedDateTime?,
        val replyCount: Int,
        val threadTs: String?,
    )

    @Volatile
    private var slackNames: Map<String, String>? = null

    suspend fun channels(): List<Channel> {
        val answer = slack(client.get("/api/conversations.list?types=${enc("public_channel,private_channel")}"))
        return answer.arr("channels").objects().map { c ->
            Channel(
                id = c.str("id") ?: "",
                name = c.str("name") ?: "",
                isPrivate = c.optBoolean("is_private", false),
                isMember = c.optBoolean("is_member", false),
                topic = c.optJSONObject("topic")?.str("value") ?: "",
                members = c.optInt("num_members", 0),
            )
        }.sortedBy { it.name }
    }

    /** A channel's messages, oldest first (Slack answers newest first). */
    suspend fun history(channel: String): List<SlackMessage> {
        val answer = slack(client.get("/api/conversations.history?channel=${enc(channel)}"))
        return slackMessages(answer).reversed()
    }

    /** A thread: its parent, then the replies. */
    suspend fun replies(channel: String, ts: String): List<SlackMessage> {
        val answer = slack(client.get("/api/conversations.replies?channel=${enc(channel)}&ts=${enc(ts)}"))
        return slackMessages(answer)
    }

    suspend fun post(channel: String, text: String, threadTs: String? = null) {
        val body = JSONObject()
        body.put("channel", channel)
        body.put("text", text)
        if (threadTs != null) body.put("thread_ts", threadTs)
        slack(client.send("POST", "/api/chat.postMessage", body.toString()))
    }

    private suspend fun slackMessages(answer: JSONObject): List<SlackMessage> {
        val names = slackUserNames()
        val zone = zone()
        return answer.arr("messages").objects().map { m ->
            val user = m.str("user") ?: m.str("bot_id") ?: ""
            SlackMessage(
                ts = m.str("ts") ?: "",
                user = names[user] ?: m.str("username") ?: user,
                text = m.str("text") ?: "",
                time = slackTime(m.str("ts"), zone),
                replyCount = m.optInt("reply_count", 0),
                threadTs = m.str("thread_ts"),
            )
        }
    }

    private suspend fun slackUserNames(): Map<String, String> {
        slackNames?.let { return it }
        val names = try {
            val answer = slack(client.get("/api/users.list"))
            answer.arr("members").objects().associate { u ->
                val profile = u.optJSONObject("profile")
                val display = profile?.str("display_name")?.ifBlank { null }
                val real = u.str("real_name")?.ifBlank { null } ?: profile?.str("real_name")?.ifBlank { null }
                (u.str("id") ?: "") to (real ?: display ?: u.str("name") ?: "")
            }
        } catch (e: SlackException) {
            emptyMap()
        }
        slackNames = names
        return names
    }

    private fun slack(body: String): JSONObject {
        val answer = JSONObject(body)
        if (!answer.optBoolean("ok", false)) throw SlackException(answer.str("error") ?: "unknown_error")
        return answer
    }

    // ---------------------------------------------------------------- connected apps

    data class AppScope(val scope: String, val description: String, val access: String)

    data class ConnectedApp(
        val clientId: String,
        val name: String,
        val publisher: String?,
        val verified: Boolean?,
        val scopes: List<AppScope>,
        val lastUsed: String?,
        val daysSinceLastUsed: Int?,
        val activeTokens: Int,
    )

    suspend fun apps(): List<ConnectedApp> {
        val answer = JSONObject(client.get("/auth/v1/apps"))
        return answer.arr("apps").objects().map { a ->
            val id = a.str("client_id") ?: ""
            ConnectedApp(
                clientId = id,
                name = a.str("name") ?: id,
                publisher = a.str("publisher"),
                verified = if (a.has("verified") && !a.isNull("verified")) a.optBoolean("verified") else null,
                scopes = a.arr("scopes").objects().map { s ->
                    AppScope(
                        scope = s.str("scope") ?: "",
                        description = s.str("description") ?: "",
                        access = s.str("access") ?: "",
                    )
                },
                lastUsed = a.str("last_used"),
                daysSinceLastUsed = if (a.has("days_since_last_used") && !a.isNull("days_since_last_used")) {
                    a.optInt("days_since_last_used")
                } else {
                    null
                },
                activeTokens = a.optInt("active_tokens", 0),
            )
        }
    }

    suspend fun revokeScope(clientId: String, scope: String) {
        val body = JSONObject()
        body.put("scope", scope)
        client.send("POST", "/auth/v1/apps/${enc(clientId)}/revokeScope", body.toString())
    }

    companion object {
        const val FOLDER = "application/vnd.google-apps.folder"
        const val DOCUMENT = "application/vnd.google-apps.document"
        const val TABLE_ROW = "TABLE_ROW"

        /** RFC 3339 with seconds and an offset, as the Calendar API's timeMin/timeMax want. */
        private val RFC3339: DateTimeFormatter = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssXXX")

        fun rfc3339(t: ZonedDateTime): String = t.format(RFC3339)

        /** A Drive query string literal's content: backslash and quote escaped. */
        fun driveQuoted(text: String): String = text.replace("\\", "\\\\").replace("'", "\\'")

        fun zoned(text: String, zone: ZoneId): ZonedDateTime? = try {
            OffsetDateTime.parse(text).atZoneSameInstant(zone)
        } catch (e: DateTimeParseException) {
            null
        }

        fun localDate(text: String): LocalDate? = try {
            LocalDate.parse(text)
        } catch (e: DateTimeParseException) {
            null
        }

        fun epochMillis(text: String?, zone: ZoneId): ZonedDateTime? {
            val ms = text?.toLongOrNull() ?: return null
            return Instant.ofEpochMilli(ms).atZone(zone)
        }

        /** Slack's `ts` ("1773676800.000100": seconds and micros) as a time. */
        fun slackTime(ts: String?, zone: ZoneId): ZonedDateTime? {
            val seconds = ts?.substringBefore('.')?.toLongOrNull() ?: return null
            return Instant.ofEpochSecond(seconds).atZone(zone)
        }

        /** Gmail snippets are HTML-escaped. */
        fun htmlUnescape(text: String): String = text
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&amp;", "&")
    }
}
