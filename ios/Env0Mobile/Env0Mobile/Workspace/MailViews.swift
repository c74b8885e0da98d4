import Env0Kit
import SwiftUI

/// The inbox: `GET /gmail/v1/users/me/messages?q=in:inbox …` then each message's headers
/// (`format=metadata`); the search box adds Gmail search terms to the query.
@MainActor
struct MailView: View {
    let client: WorkspaceClient
    @State private var messages: [MailAPI.Message] = []
    @State private var search = ""
    @State private var loading = false
    @State private var error: String?
    @State private var composing = false

    var body: some View {
        List {
            if let message = error {
                ErrorBanner(message: message)
            }
            ForEach(messages) { message in
                NavigationLink {
                    ThreadView(client: client, threadId: message.threadId ?? message.id, subject: message.subject)
                } label: {
                    MessageRow(message: message)
                }
            }
        }
        .overlay {
            if loading && messages.isEmpty {
                ProgressView("Loading mail…")
            } else if !loading && messages.isEmpty && error == nil {
                ContentUnavailableView("No mail", systemImage: "tray", description: Text(emptyNote))
            }
        }
        .navigationTitle("Inbox")
        .searchable(text: $search, prompt: "Search mail (from:, subject:, …)")
        .onSubmit(of: .search) {
            Task {
                await load()
            }
        }
        .refreshable {
            await load()
        }
        .task(id: client.revision) {
            await load()
        }
        .toolbar {
            ToolbarItem(placement: .primaryAction) {
                Button {
                    composing = true
                } label: {
                    Label("Compose", systemImage: "square.and.pencil")
                }
            }
        }
        .sheet(isPresented: $composing) {
            ComposeView(client: client)
        }
    }

    private var emptyNote: String {
        search.isEmpty ? "The inbox is empty." : "Nothing matches “" + search + "”."
    }

    private func load() async {
        loading = true
        do {
            messages = try await client.inbox(search: search, maxResults: 30)
            error = nil
        } catch {
            self.error = describeError(error)
        }
        loading = false
    }
}

/// One inbox row: sender, subject, snippet, date; unread in bold.
@MainActor
struct MessageRow: View {
    let message: MailAPI.Message

    var body: some View {
        VStack(alignment: .leading, spacing: 2) {
            HStack(alignment: .firstTextBaseline) {
                Text(senderName)
                    .font(.headline)
                    .fontWeight(message.isUnread ? .bold : .regular)
                    .lineLimit(1)
                Spacer()
                if let date = message.date {
                    Text(Format.date(date, dateStyle: .short, timeStyle: .none))
                        .font(.caption)
                        .foregroundStyle(.secondary)
                }
            }
            Text(message.subject.isEmpty ? "(no subject)" : message.subject)
                .font(.subheadline)
                .fontWeight(message.isUnread ? .semibold : .regular)
                .lineLimit(1)
            if let snippet = message.snippet {
                Text(snippet)
                    .font(.caption)
                    .foregroundStyle(.secondary)
                    .lineLimit(2)
            }
        }
        .accessibilityElement(children: .combine)
        .accessibilityLabel((message.isUnread ? "Unread. " : "") + "From " + senderName + ". " + message.subject)
    }

    /// `Dana Lee <dana@…>` as `Dana Lee`.
    private var senderName: String {
        let from = message.from
        if let bracket = from.firstIndex(of: "<") {
            let name = from[..<bracket].trimmingCharacters(in: .whitespaces)
            if !name.isEmpty {
                return name.replacingOccurrences(of: "\"", with: "")
            }
        }
        return from
    }
}

/// A thread with each message's decoded text/plain body: `GET /gmail/v1/users/me/threads/{id}?format=full`.
@MainActor
struct ThreadView: View {
    let client: WorkspaceClient
    let threadId: String
    let subject: String
    @State private var thread: MailAPI.Thread?
    @State private var error: String?
    @State private var replying = false

    var body: some View {
        ScrollView {
            VStack(alignment: .leading, spacing: 12) {
                Text(subject.isEmpty ? "(no subject)" : subject)
                    .font(.title2)
                    .bold()
                    .accessibilityAddTraits(.isHeader)
                if let message = error {
                    ErrorBanner(message: message)
                }
                ForEach(thread?.messages ?? []) { message in
                    Card {
                        Text(message.from)
                            .font(.headline)
                        Text("To: " + message.to)
                            .font(.caption)
                            .foregroundStyle(.secondary)
                        if let date = message.date {
                            Text(Format.date(date))
                                .font(.caption)
                                .foregroundStyle(.secondary)
                        }
                        Divider()
                        Text(message.plainText ?? message.snippet ?? "")
                            .font(.body)
                            .textSelection(.enabled)
                    }
                }
            }
            .padding()
        }
        .navigationTitle("Thread")
        .navigationBarTitleDisplayMode(.inline)
        .toolbar {
            ToolbarItem(placement: .primaryAction) {
                Button {
                    replying = true
                } label: {
                    Label("Reply", systemImage: "arrowshape.turn.up.left")
                }
                .disabled(thread == nil)
            }
        }
        .sheet(isPresented: $replying) {
            ComposeView(client: client, to: replyAddress, subject: replySubject)
        }
        .task(id: client.revision) {
            await load()
        }
    }

    private func load() async {
        do {
            thread = try await client.mailThread(id: threadId)
            error = nil
        } catch {
            self.error = describeError(error)
        }
    }

    private var replyAddress: String {
        thread?.messages?.last?.from ?? ""
    }

    private var replySubject: String {
        subject.lowercased().hasPrefix("re:") ? subject : "Re: " + subject
    }
}

/// A new mail: `POST /gmail/v1/users/me/messages/send` with `{"raw": base64url(RFC 2822)}`.
@MainActor
struct ComposeView: View {
    let client: WorkspaceClient
    @State private var to: String
    @State private var cc = ""
    @State private var subject: String
    @State private var text = ""
    @State private var sending = false
    @State private var error: String?
    @Environment(\.dismiss) private var dismiss

    init(client: WorkspaceClient, to: String = "", subject: String = "") {
        self.client = client
        _to = State(initialValue: to)
        _subject = State(initialValue: subject)
    }

    var body: some View {
        NavigationStack {
            Form {
                Section {
                    TextField("To", text: $to)
                        .textContentType(.emailAddress)
                        .keyboardType(.emailAddress)
                        .textInputAutocapitalization(.never)
                        .autocorrectionDisabled()
                    TextField("Cc", text: $cc)
                        .keyboardType(.emailAddress)
                        .textInputAutocapitalization(.never)
                        .autocorrectionDisabled()
                    TextField("Subject", text: $subject)
                }
                Section("Message") {
                    TextEditor(text: $text)
                        .frame(minHeight: 180)
                        .accessibilityLabel("Message body")
                }
                if let message = error {
                    Section {
                        ErrorBanner(message: message)
                    }
                }
            }
            .navigationTitle("New message")
            .navigationBarTitleDisplayMode(.inline)
            .toolbar {
                ToolbarItem(placement: .cancellationAction) {
                    Button("Cancel") {
                        dismiss()
                    }
                }
                ToolbarItem(placement: .confirmationAction) {
                    Button("Send") {
                        Task {
                            await send()
                        }
                    }
                    .disabled(sending || to.trimmingCharacters(in: .whitespaces).isEmpty)
                }
            }
        }
    }

    private func send() async {
        sending = true
        do {
            try await client.sendMail(to: to, cc: cc, subject: subject, body: text)
            dismiss()
        } catch {
            self.error = describeError(error)
        }
        sending = false
    }
}
