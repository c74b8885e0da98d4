import Foundation

/// The Slack Web API calls and shapes the Slack screens use (`/api/<method>`). Slack answers
/// errors with HTTP 200 and `"ok": false`: those throw `ApiError` with Slack's code as `reason`.
public enum SlackAPI {
    public struct Text: Decodable, Hashable {
        public let value: String?
    }

    public struct Channel: Decodable, Identifiable, Hashable {
        public let id: String
        public let name: String?
        public let isPrivate: Bool?
        public let isMember: Bool?
        public let isArchived: Bool?
        public let topic: Text?
        public let purpose: Text?
        public let numMembers: Int?

        public var title: String {
            "#" + (name ?? id)
        }
    }

    public struct Message: Decodable, Identifiable, Hashable {
        /// The message's timestamp, which is also its id.
        public let ts: String
        public let user: String?
        public let username: String?
        public let botId: String?
        public let text: String?
        public let threadTs: String?
        public let replyCount: Int?

        public var id: String {
            ts
        }

        /// When it was posted.
        public var date: Date? {
            Double(ts).map { Date(timeIntervalSince1970: $0) }
        }

        /// Whether other messages reply to it in a thread.
        public var hasReplies: Bool {
            (replyCount ?? 0) > 0
        }
    }

    public struct Profile: Decodable, Hashable {
        public let displayName: String?
        public let realName: String?
    }

    public struct Member: Decodable, Identifiable, Hashable {
        public let id: String
        public let name: String?
        public let realName: String?
        public let profile: Profile?

        /// The name people see.
        public var label: String {
            if let display = profile?.displayName, !display.isEmpty {
                return display
            }
            return realName ?? profile?.realName ?? name ?? id
        }
    }

    struct Envelope: Decodable {
        let ok: Bool?
        let error: String?
    }

    struct ChannelList: Decodable {
        let channels: [Channel]?
    }

    struct MessageList: Decodable {
        let messages: [Message]?
    }

    struct MemberList: Decodable {
        let members: [Member]?
    }

    struct Posted: Decodable {
        let ts: String?
    }

    /// Slack's JSON keys are snake_case.
    static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }

    /// `body` decoded as `type`, after checking Slack's `ok`.
    static func decode<T: Decodable>(_ type: T.Type, _ body: String) throws -> T {
        let data = Data(body.utf8)
        let envelope = try decoder().decode(Envelope.self, from: data)
        if envelope.ok == false {
            throw ApiError(status: 200, body: body)
        }
        return try decoder().decode(T.self, from: data)
    }

    public static let channelsPath = Query.path(
        "/api/conversations.list",
        [("types", "public_channel,private_channel"), ("limit", "200")]
    )

    public static let usersPath = Query.path("/api/users.list", [("limit", "200")])

    /// A channel's messages, newest first.
    public static func historyPath(channel: String) -> String {
        Query.path("/api/conversations.history", [("channel", channel), ("limit", "100")])
    }

    /// A thread: its parent first, then the replies.
    public static func repliesPath(channel: String, ts: String) -> String {
        Query.path("/api/conversations.replies", [("channel", channel), ("ts", ts), ("limit", "200")])
    }

    public static let postPath = "/api/chat.postMessage"

    /// The body of `chat.postMessage` (a reply in a thread when `threadTs` is given).
    public static func postBody(channel: String, text: String, threadTs: String? = nil) -> String {
        var object: [String: Any] = ["channel": channel, "text": text]
        if let parent = threadTs {
            object["thread_ts"] = parent
        }
        return JSONBody.make(object)
    }
}

extension WorkspaceClient {
    /// The channels the user can see.
    public func slackChannels() async throws -> [SlackAPI.Channel] {
        let body = try await get(SlackAPI.channelsPath)
        return try SlackAPI.decode(SlackAPI.ChannelList.self, body).channels ?? []
    }

    /// Every member, by id (for showing names instead of ids).
    public func slackMembers() async throws -> [String: SlackAPI.Member] {
        let body = try await get(SlackAPI.usersPath)
        let members = try SlackAPI.decode(SlackAPI.MemberList.self, body).members ?? []
        var byId: [String: SlackAPI.Member] = [:]
        for member in members {
            byId[member.id] = member
        }
        return byId
    }

    /// A channel's messages, oldest first.
    public func slackHistory(channel: String) async throws -> [SlackAPI.Message] {
        let body = try await get(SlackAPI.historyPath(channel: channel))
        let messages = try SlackAPI.decode(SlackAPI.MessageList.self, body).messages ?? []
        return Array(messages.reversed())
    }

    /// A thread: its parent first, then the replies in order.
    public func slackReplies(channel: String, ts: String) async throws -> [SlackAPI.Message] {
        let body = try await get(SlackAPI.repliesPath(channel: channel, ts: ts))
        return try SlackAPI.decode(SlackAPI.MessageList.self, body).messages ?? []
    }

    /// Posts `text` to `channel` as the user (in the thread of `threadTs` when given); returns
    /// the new message's ts.
    @discardableResult
    public func slackPost(channel: String, text: String, threadTs: String? = nil) async throws -> String {
        let body = try await send("POST", SlackAPI.postPath, body: SlackAPI.postBody(channel: channel, text: text, threadTs: threadTs))
        return try SlackAPI.decode(SlackAPI.Posted.self, body).ts ?? ""
    }
}
