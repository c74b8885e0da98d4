import Foundation

/// The Gmail v1 calls and shapes the Mail screens use (`/gmail/v1/users/me/…`).
public enum MailAPI {
    /// A message id from a list.
    public struct MessageRef: Decodable, Hashable {
        public let id: String
        public let threadId: String?
    }

    struct MessageList: Decodable {
        let messages: [MessageRef]?
        let resultSizeEstimate: Int?
        let nextPageToken: String?
    }

    public struct Header: Decodable, Hashable {
        public let name: String
        public let value: String
    }

    public struct Body: Decodable, Hashable {
        public let size: Int?
        /// The content in base64url.
        public let data: String?
        public let attachmentId: String?
    }

    /// A MIME part (the payload is the root part).
    public struct Part: Decodable, Hashable {
        public let partId: String?
        public let mimeType: String?
        public let filename: String?
        public let headers: [Header]?
        public let body: Body?
        public let parts: [Part]?
    }

    /// A message (`format=metadata` or `format=full`).
    public struct Message: Decodable, Identifiable, Hashable {
        public let id: String
        public let threadId: String?
        public let labelIds: [String]?
        public let snippet: String?
        /// Milliseconds since the Unix epoch, as text.
        public let internalDate: String?
        public let payload: Part?

        /// The first header called `name` (case-insensitive).
        public func header(_ name: String) -> String? {
            let wanted = name.lowercased()
            return payload?.headers?.first(where: { $0.name.lowercased() == wanted })?.value
        }

        public var subject: String {
            header("Subject") ?? ""
        }

        public var from: String {
            header("From") ?? ""
        }

        public var to: String {
            header("To") ?? ""
        }

        public var isUnread: Bool {
            labelIds?.contains("UNREAD") ?? false
        }

        /// When the message arrived (from `internalDate`).
        public var date: Date? {
            guard let text = internalDate, let millis = Double(text) else {
                return nil
            }
            return Date(timeIntervalSince1970: millis / 1000)
        }

        /// The decoded text of the first text/plain part (`format=full`), or nil.
        public var plainText: String? {
            guard let root = payload else {
                return nil
            }
            return MailAPI.plainText(in: root)
        }
    }

    /// A thread with its messages (`format=full`).
    public struct Thread: Decodable, Identifiable, Hashable {
        public let id: String
        public let messages: [Message]?
    }

    /// The decoded text of the first text/plain part under `part`.
    public static func plainText(in part: Part) -> String? {
        let type = (part.mimeType ?? "").lowercased()
        if type.hasPrefix("text/plain"), let encoded = part.body?.data, let bytes = Base64URL.decode(encoded) {
            return String(decoding: bytes, as: UTF8.self)
        }
        for child in part.parts ?? [] {
            if let text = plainText(in: child) {
                return text
            }
        }
        return nil
    }

    /// The message list for Gmail search `query` (e.g. `in:inbox from:dana`).
    public static func listPath(query: String, maxResults: Int) -> String {
        Query.path("/gmail/v1/users/me/messages", [("q", query), ("maxResults", String(maxResults))])
    }

    /// One message with its headers (no body).
    public static func metadataPath(id: String) -> String {
        "/gmail/v1/users/me/messages/" + Query.encode(id) + "?format=metadata"
    }

    /// One thread with full bodies.
    public static func threadPath(id: String) -> String {
        "/gmail/v1/users/me/threads/" + Query.encode(id) + "?format=full"
    }

    public static let sendPath = "/gmail/v1/users/me/messages/send"

    /// An RFC 2822 message: plain UTF-8 text; a non-ASCII subject as an RFC 2047 encoded word.
    public static func rfc2822(to: String, cc: String = "", subject: String, body: String) -> String {
        var lines: [String] = []
        lines.append("To: " + to)
        if !cc.trimmingCharacters(in: .whitespaces).isEmpty {
            lines.append("Cc: " + cc)
        }
        lines.append("Subject: " + encodedHeader(subject))
        lines.append("MIME-Version: 1.0")
        lines.append("Content-Type: text/plain; charset=\"UTF-8\"")
        lines.append("Content-Transfer-Encoding: 8bit")
        let text = body.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n")
        return lines.joined(separator: "\r\n") + "\r\n\r\n" + text + "\r\n"
    }

    /// The JSON body of `messages/send`: `{"raw": base64url(RFC 2822 text)}`.
    public static func sendBody(to: String, cc: String = "", subject: String, body: String) -> String {
        let message = rfc2822(to: to, cc: cc, subject: subject, body: body)
        return JSONBody.make(["raw": Base64URL.encode(Data(message.utf8))])
    }

    static func encodedHeader(_ value: String) -> String {
        if value.unicodeScalars.allSatisfy({ $0.isASCII }) {
            return value
        }
        return "=?UTF-8?B?" + Data(value.utf8).base64EncodedString() + "?="
    }
}

extension WorkspaceClient {
    /// The newest messages matching `search` in the inbox, each with its headers.
    public func inbox(search: String = "", maxResults: Int = 25) async throws -> [MailAPI.Message] {
        let trimmed = search.trimmingCharacters(in: .whitespacesAndNewlines)
        let query = trimmed.isEmpty ? "in:inbox" : "in:inbox " + trimmed
        let list = try await getDecoded(MailAPI.MessageList.self, MailAPI.listPath(query: query, maxResults: maxResults))
        var messages: [MailAPI.Message] = []
        for ref in list.messages ?? [] {
            let message = try await getDecoded(MailAPI.Message.self, MailAPI.metadataPath(id: ref.id))
            messages.append(message)
        }
        return messages
    }

    /// A thread with every message's full body.
    public func mailThread(id: String) async throws -> MailAPI.Thread {
        try await getDecoded(MailAPI.Thread.self, MailAPI.threadPath(id: id))
    }

    /// Sends a plain-text mail from the primary user; returns the new message's id and thread.
    @discardableResult
    public func sendMail(to: String, cc: String = "", subject: String, body: String) async throws -> MailAPI.MessageRef {
        let answer = try await send(
            "POST",
            MailAPI.sendPath,
            body: MailAPI.sendBody(to: to, cc: cc, subject: subject, body: body)
        )
        return try JSONDecoder().decode(MailAPI.MessageRef.self, from: Data(answer.utf8))
    }
}
