package dev.env0.mobile

import dev.env0.kit.ApiException
import dev.env0.kit.describe
import java.net.URLEncoder
import java.nio.charset.StandardCharsets
import java.util.Base64
import org.json.JSONArray
import org.json.JSONException
import org.json.JSONObject
import uniffi.env0_ffi.Env0Exception

// Small helpers over org.json (part of Android) and the encodings the workspace's APIs use.

/** A string member, or null when it is missing or JSON null. */
fun JSONObject.str(name: String): String? = if (has(name) && !isNull(name)) optString(name) else null

/** An array member, or an empty array. */
fun JSONObject.arr(name: String): JSONArray = optJSONArray(name) ?: JSONArray()

/** The objects of an array, skipping anything else. */
fun JSONArray.objects(): List<JSONObject> = (0 until length()).mapNotNull { optJSONObject(it) }

/** The strings of an array, skipping nulls. */
fun JSONArray.strings(): List<String> = (0 until length()).mapNotNull { if (isNull(it)) null else optString(it) }

/** Percent-encodes a query value or a path segment (a space becomes %20, not +). */
fun enc(value: String): String = URLEncoder.encode(value, "UTF-8").replace("+", "%20")

/** Decodes base64url (padded or not), as Gmail writes `body.data`, to UTF-8 text. */
fun decodeBase64Url(data: String): String =
    String(Base64.getUrlDecoder().decode(data.trim()), StandardCharsets.UTF_8)

/** base64url with padding, as Gmail reads `raw`. */
fun encodeBase64Url(bytes: ByteArray): String = Base64.getUrlEncoder().encodeToString(bytes)

/** Pretty-prints a JSON text for display; the text as it is when it is not JSON. */
fun prettyJson(text: String): String {
    val trimmed = text.trim()
    return try {
        when {
            trimmed.startsWith("{") -> JSONObject(trimmed).toString(2)
            trimmed.startsWith("[") -> JSONArray(trimmed).toString(2)
            else -> text
        }
    } catch (e: JSONException) {
        text
    }
}

/** A Slack method that answered `{"ok": false, "error": code}` (with HTTP 200, as Slack does). */
class SlackException(val error: String) : Exception("Slack answered: $error")

/** A one-line reason for the user, for anything a screen's work can throw. */
fun errorText(e: Throwable): String = when (e) {
    is Env0Exception -> e.describe()
    is ApiException -> apiErrorText(e.status, e.body)
    is SlackException -> "Slack refused the request: ${e.error}"
    is JSONException -> "Unexpected answer from the workspace: ${e.message}"
    is IllegalArgumentException -> "Could not read the answer: ${e.message}"
    else -> e.message ?: e.javaClass.simpleName
}

/** Google's error envelope `{"error": {"code", "message"}}` as one line. */
fun apiErrorText(status: Int, body: String): String {
    val message = try {
        JSONObject(body).optJSONObject("error")?.str("message")
    } catch (e: JSONException) {
        null
    }
    return if (message.isNullOrBlank()) "The workspace answered $status" else "Error $status: $message"
}

/**
 * An RFC 2822 message for Gmail's `messages.send` (`{"raw": base64url}`): plain text, UTF-8,
 * the body in base64. Line breaks in header values are dropped, so a field cannot add headers.
 */
fun rfc2822(
    to: String,
    subject: String,
    body: String,
    cc: String = "",
    inReplyTo: String? = null,
    references: String? = null,
): String {
    fun clean(value: String) = value.replace("\r", " ").replace("\n", " ").trim()
    val lines = mutableListOf<String>()
    lines.add("To: " + clean(to))
    if (cc.isNotBlank()) lines.add("Cc: " + clean(cc))
    lines.add("Subject: " + encodeHeaderWord(clean(subject)))
    if (!inReplyTo.isNullOrBlank()) {
        lines.add("In-Reply-To: " + clean(inReplyTo))
        lines.add("References: " + clean(references?.takeIf { it.isNotBlank() } ?: inReplyTo))
    }
    lines.add("MIME-Version: 1.0")
    lines.add("Content-Type: text/plain; charset=\"UTF-8\"")
    lines.add("Content-Transfer-Encoding: base64")
    val encoded = Base64.getMimeEncoder().encodeToString(body.toByteArray(StandardCharsets.UTF_8))
    return lines.joinToString("\r\n") + "\r\n\r\n" + encoded + "\r\n"
}

/** An RFC 2047 encoded word for a header value that is not plain ASCII. */
private fun encodeHeaderWord(value: String): String =
    if (value.all { it.code in 32..126 }) {
        value
    } else {
        "=?UTF-8?B?" + Base64.getEncoder().encodeToString(value.toByteArray(StandardCharsets.UTF_8)) + "?="
    }

/** `{"raw": ...}` for Gmail's send, with the thread to file it in when it is a reply. */
fun gmailSendBody(raw: String, threadId: String?): String {
    val body = JSONObject()
    body.put("raw", encodeBase64Url(raw.toByteArray(StandardCharsets.UTF_8)))
    if (threadId != null) body.put("threadId", threadId)
    return body.toString()
}
