import Env0Kit
import SwiftUI

/// A Drive folder: `GET /drive/v3/files?q='<folder>' in parents and trashed=false&fields=…`;
/// folders open as folders, Google Docs in the Docs reader, other files in a detail view with
/// their sharing. Search uses `fullText contains '…'`.
@MainActor
struct DriveView: View {
    let client: WorkspaceClient
    let folderId: String
    let title: String
    @State private var files: [DriveAPI.File] = []
    @State private var search = ""
    @State private var searching = false
    @State private var loading = false
    @State private var error: String?

    var body: some View {
        List {
            if let message = error {
                ErrorBanner(message: message)
            }
            if searching {
                Section("Results for “" + search + "”") {
                    fileRows
                }
            } else {
                fileRows
            }
        }
        .overlay {
            if loading && files.isEmpty {
                ProgressView("Loading files…")
            } else if !loading && files.isEmpty && error == nil {
                ContentUnavailableView("No files", systemImage: "folder", description: Text(verbatim: searching ? "Nothing matches." : "This folder is empty."))
            }
        }
        .navigationTitle(title)
        .searchable(text: $search, prompt: "Search Drive")
        .onSubmit(of: .search) {
            Task {
                await load()
            }
        }
        .onChange(of: search) {
            if search.isEmpty && searching {
                Task {
                    await load()
                }
            }
        }
        .refreshable {
            await load()
        }
        .task(id: client.revision) {
            await load()
        }
    }

    @ViewBuilder
    private var fileRows: some View {
        ForEach(files) { file in
            if file.isFolder {
                NavigationLink {
                    DriveView(client: client, folderId: file.id, title: file.title)
                } label: {
                    FileRow(file: file)
                }
            } else {
                NavigationLink {
                    FileDetailView(client: client, file: file)
                } label: {
                    FileRow(file: file)
                }
            }
        }
    }

    private func load() async {
        loading = true
        let text = search.trimmingCharacters(in: .whitespacesAndNewlines)
        do {
            if text.isEmpty {
                files = try await client.driveFiles(in: folderId)
                searching = false
            } else {
                files = try await client.driveSearch(text)
                searching = true
            }
            error = nil
        } catch {
            self.error = describeError(error)
        }
        loading = false
    }
}

/// One file: its kind as an icon, name, owner and modification date.
@MainActor
struct FileRow: View {
    let file: DriveAPI.File

    var body: some View {
        HStack(spacing: 12) {
            Image(systemName: symbol)
                .foregroundStyle(file.isFolder ? Color.accentColor : Color.secondary)
                .accessibilityHidden(true)
            VStack(alignment: .leading, spacing: 2) {
                Text(file.title)
                    .font(.body)
                    .lineLimit(2)
                HStack {
                    if let owner = file.ownerEmail {
                        Text(owner)
                    }
                    if let modified = file.modified {
                        Text(Format.date(modified, dateStyle: .medium, timeStyle: .none))
                    }
                }
                .font(.caption)
                .foregroundStyle(.secondary)
            }
        }
        .accessibilityElement(children: .combine)
        .accessibilityLabel(kind + ", " + file.title)
    }

    private var symbol: String {
        if file.isFolder {
            return "folder.fill"
        }
        if file.isDocument {
            return "doc.richtext"
        }
        if file.isText {
            return "doc.plaintext"
        }
        return "doc"
    }

    private var kind: String {
        if file.isFolder {
            return "Folder"
        }
        if file.isDocument {
            return "Google Doc"
        }
        return "File"
    }
}

/// A file's details and who it is shared with:
/// `GET /drive/v3/files/{id}/permissions?fields=permissions(id,role,type,emailAddress)`; a text
/// file's content (`alt=media`); a Google Doc opens in the Docs reader.
@MainActor
struct FileDetailView: View {
    let client: WorkspaceClient
    let file: DriveAPI.File
    @State private var permissions: [DriveAPI.Permission] = []
    @State private var text: String?
    @State private var error: String?

    var body: some View {
        List {
            Section {
                Text(file.title)
                    .font(.title3)
                    .accessibilityAddTraits(.isHeader)
                if let type = file.mimeType {
                    LabeledContent("Type", value: type)
                }
                if let owner = file.ownerEmail {
                    LabeledContent("Owner", value: owner)
                }
                if let modified = file.modified {
                    LabeledContent("Modified", value: Format.date(modified))
                }
                if file.isDocument {
                    NavigationLink {
                        DocView(client: client, documentId: file.id, title: file.title)
                    } label: {
                        Label("Open document", systemImage: "doc.richtext")
                    }
                }
            }
            if let message = error {
                Section {
                    ErrorBanner(message: message)
                }
            }
            Section("Shared with") {
                if permissions.isEmpty {
                    Text("Only the owner")
                        .foregroundStyle(.secondary)
                }
                ForEach(permissions) { permission in
                    HStack {
                        Image(systemName: permission.granteeType == "anyone" ? "link" : "person")
                            .accessibilityHidden(true)
                        Text(permission.label)
                        Spacer()
                        Text(permission.role ?? "")
                            .font(.caption)
                            .foregroundStyle(.secondary)
                    }
                    .accessibilityElement(children: .combine)
                }
            }
            if let content = text {
                Section("Content") {
                    Text(content)
                        .font(.body.monospaced())
                        .textSelection(.enabled)
                }
            }
        }
        .navigationTitle("File")
        .navigationBarTitleDisplayMode(.inline)
        .task(id: client.revision) {
            await load()
        }
    }

    private func load() async {
        do {
            permissions = try await client.drivePermissions(fileId: file.id)
            if file.isText {
                text = try await client.driveText(fileId: file.id)
            }
            error = nil
        } catch {
            self.error = describeError(error)
        }
    }
}

/// Every Google Doc the user can see (a Drive query on the Docs MIME type).
@MainActor
struct DocsListView: View {
    let client: WorkspaceClient
    @State private var files: [DriveAPI.File] = []
    @State private var error: String?

    var body: some View {
        List {
            if let message = error {
                ErrorBanner(message: message)
            }
            ForEach(files) { file in
                NavigationLink {
                    DocView(client: client, documentId: file.id, title: file.title)
                } label: {
                    FileRow(file: file)
                }
            }
        }
        .navigationTitle("Docs")
        .refreshable {
            await load()
        }
        .task(id: client.revision) {
            await load()
        }
    }

    private func load() async {
        do {
            files = try await client.driveFiles(query: DriveAPI.documentsQuery)
            error = nil
        } catch {
            self.error = describeError(error)
        }
    }
}

/// A Google Doc as text: `GET /v1/documents/{id}`, each paragraph's text runs joined, headings
/// in heading styles.
@MainActor
struct DocView: View {
    let client: WorkspaceClient
    let documentId: String
    let title: String
    @State private var lines: [DocsAPI.Line] = []
    @State private var documentTitle: String?
    @State private var error: String?

    var body: some View {
        ScrollView {
            VStack(alignment: .leading, spacing: 8) {
                if let message = error {
                    ErrorBanner(message: message)
                }
                ForEach(lines) { line in
                    if line.isBullet {
                        HStack(alignment: .firstTextBaseline, spacing: 8) {
                            Text("•")
                                .accessibilityHidden(true)
                            Text(line.text)
                        }
                        .font(styleFont(line.style))
                    } else {
                        Text(line.text)
                            .font(styleFont(line.style))
                            .accessibilityAddTraits(isHeading(line.style) ? .isHeader : [])
                    }
                }
            }
            .frame(maxWidth: .infinity, alignment: .leading)
            .padding()
            .textSelection(.enabled)
        }
        .navigationTitle(documentTitle ?? title)
        .navigationBarTitleDisplayMode(.inline)
        .task(id: client.revision) {
            await load()
        }
    }

    private func isHeading(_ style: String) -> Bool {
        style == "TITLE" || style == "SUBTITLE" || style.hasPrefix("HEADING_")
    }

    private func styleFont(_ style: String) -> Font {
        switch style {
        case "TITLE":
            return .title
        case "SUBTITLE":
            return .title3
        case "HEADING_1":
            return .title2
        case "HEADING_2":
            return .title3
        case "HEADING_3", "HEADING_4", "HEADING_5", "HEADING_6":
            return .headline
        default:
            return .body
        }
    }

    private func load() async {
        do {
            let document = try await client.document(id: documentId)
            lines = DocsAPI.lines(of: document)
            documentTitle = document.title
            error = nil
        } catch {
            self.error = describeError(error)
        }
    }
}
