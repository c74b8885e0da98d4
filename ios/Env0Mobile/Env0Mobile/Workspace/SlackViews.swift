import Env0Kit
import SwiftUI

/// Slack's channels: `GET /api/conversations.list?types=public_channel,private_channel`.
@MainActor
struct SlackView: View {
    let client: WorkspaceClient
    @State private var channels: [SlackAPI.Channel] = []
    @State private var members: [String: SlackAPI.Member] = [:]
    @State private var error: String?

    var body: some View {
        List {
            if let message = error {
                ErrorBanner(message: message)
            }
            ForEach(channels) { channel in
                NavigationLink {
                    ChannelView(client: client, channel: channel, members: members)
                } label: {
                    HStack {
                        Image(systemName: (channel.isPrivate ?? false) ? "lock" : "number")
                            .foregroundStyle(.secondary)
                            .accessibilityHidden(true)
                        VStack(alignment: .leading, spacing: 2) {
                            Text(channel.name ?? channel.id)
                                .font(.body)
                            if let topic = channel.topic?.value, !topic.isEmpty {
                                Text(topic)
                                    .font(.caption)
                                    .foregroundStyle(.secondary)
                                    .lineLimit(1)
                            }
                        }
                    }
                    .accessibilityElement(children: .combine)
                    .accessibilityLabel(((channel.isPrivate ?? false) ? "Private channel " : "Channel ") + (channel.name ?? channel.id))
                }
            }
        }
        .navigationTitle("Slack")
        .refreshable {
            await load()
        }
        .task(id: client.revision) {
            await load()
        }
    }

    private func load() async {
        do {
            channels = try await client.slackChannels()
            if members.isEmpty {
                members = try await client.slackMembers()
            }
            error = nil
        } catch {
            self.error = describeError(error)
        }
    }
}

/// A channel's history (`GET /api/conversations.history?channel=ID`), oldest first, with a
/// composer (`POST /api/chat.postMessage {"channel": ID, "text": …}`); a message with replies
/// opens its thread.
@MainActor
struct ChannelView: View {
    let client: WorkspaceClient
    let channel: SlackAPI.Channel
    let members: [String: SlackAPI.Member]
    @State private var messages: [SlackAPI.Message] = []
    @State private var error: String?

    var body: some View {
        VStack(spacing: 0) {
            ScrollViewReader { proxy in
                List {
                    if let message = error {
                        ErrorBanner(message: message)
                    }
                    ForEach(messages) { message in
                        if message.hasReplies {
                            NavigationLink {
                                SlackThreadView(client: client, channel: channel, parentTs: message.ts, members: members)
                            } label: {
                                SlackMessageRow(message: message, members: members)
                            }
                        } else {
                            SlackMessageRow(message: message, members: members)
                        }
                    }
                }
                .listStyle(.plain)
                .onChange(of: messages.count) {
                    if let last = messages.last {
                        proxy.scrollTo(last.id, anchor: .bottom)
                    }
                }
            }
            Divider()
            SlackComposer(placeholder: "Message #" + (channel.name ?? channel.id)) { text in
                _ = try await client.slackPost(channel: channel.id, text: text)
            }
        }
        .navigationTitle(channel.title)
        .navigationBarTitleDisplayMode(.inline)
        .task(id: client.revision) {
            await load()
        }
    }

    private func load() async {
        do {
            messages = try await client.slackHistory(channel: channel.id)
            error = nil
        } catch {
            self.error = describeError(error)
        }
    }
}

/// A thread: `GET /api/conversations.replies?channel=ID&ts=TS`, with a reply composer.
@MainActor
struct SlackThreadView: View {
    let client: WorkspaceClient
    let channel: SlackAPI.Channel
    let parentTs: String
    let members: [String: SlackAPI.Member]
    @State private var messages: [SlackAPI.Message] = []
    @State private var error: String?

    var body: some View {
        VStack(spacing: 0) {
            List {
                if let message = error {
                    ErrorBanner(message: message)
                }
                ForEach(messages) { message in
                    SlackMessageRow(message: message, members: members)
                }
            }
            .listStyle(.plain)
            Divider()
            SlackComposer(placeholder: "Reply") { text in
                _ = try await client.slackPost(channel: channel.id, text: text, threadTs: parentTs)
            }
        }
        .navigationTitle("Thread")
        .navigationBarTitleDisplayMode(.inline)
        .task(id: client.revision) {
            await load()
        }
    }

    private func load() async {
        do {
            messages = try await client.slackReplies(channel: channel.id, ts: parentTs)
            error = nil
        } catch {
            self.error = describeError(error)
        }
    }
}

/// One message: author, time, text and its reply count.
@MainActor
struct SlackMessageRow: View {
    let message: SlackAPI.Message
    let members: [String: SlackAPI.Member]

    var body: some View {
        VStack(alignment: .leading, spacing: 4) {
            HStack(alignment: .firstTextBaseline) {
                Text(author)
                    .font(.headline)
                if let date = message.date {
                    Text(Format.date(date, dateStyle: .short, timeStyle: .short))
                        .font(.caption)
                        .foregroundStyle(.secondary)
                }
            }
            Text(message.text ?? "")
                .font(.body)
                .textSelection(.enabled)
            if let count = message.replyCount, count > 0 {
                Text(count == 1 ? "1 reply" : String(count) + " replies")
                    .font(.caption)
                    .foregroundStyle(Color.accentColor)
            }
        }
        .padding(.vertical, 2)
        .accessibilityElement(children: .combine)
    }

    private var author: String {
        if let user = message.user, let member = members[user] {
            return member.label
        }
        return message.username ?? message.user ?? message.botId ?? "unknown"
    }
}

/// A text field with a Send button; `send` posts the text (off the main thread through
/// Env0Kit) and the field clears on success.
@MainActor
struct SlackComposer: View {
    let placeholder: String
    let send: (String) async throws -> Void
    @State private var text = ""
    @State private var sending = false
    @State private var error: String?

    var body: some View {
        VStack(alignment: .leading, spacing: 4) {
            if let message = error {
                ErrorBanner(message: message)
            }
            HStack {
                TextField(placeholder, text: $text, axis: .vertical)
                    .lineLimit(1...4)
                    .textFieldStyle(.roundedBorder)
                Button {
                    Task {
                        await post()
                    }
                } label: {
                    Image(systemName: "paperplane.fill")
                        .accessibilityLabel("Send")
                }
                .disabled(sending || text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty)
            }
        }
        .padding(8)
    }

    private func post() async {
        sending = true
        do {
            try await send(text)
            text = ""
            error = nil
        } catch {
            self.error = describeError(error)
        }
        sending = false
    }
}
