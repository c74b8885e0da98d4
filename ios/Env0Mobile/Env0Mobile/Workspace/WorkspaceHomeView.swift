import Env0Kit
import SwiftUI

/// The user's embedded workspace: one entry per app, and Reset.
@MainActor
struct WorkspaceHomeView: View {
    let client: WorkspaceClient
    @Environment(AppModel.self) private var app
    @State private var confirmingReset = false
    @State private var resetting = false

    var body: some View {
        NavigationStack {
            List {
                Section {
                    NavigationLink {
                        MailView(client: client)
                    } label: {
                        Label("Mail", systemImage: "envelope")
                    }
                    NavigationLink {
                        CalendarView(client: client)
                    } label: {
                        Label("Calendar", systemImage: "calendar")
                    }
                    NavigationLink {
                        DriveView(client: client, folderId: "root", title: "My Drive")
                    } label: {
                        Label("Drive", systemImage: "folder")
                    }
                    NavigationLink {
                        DocsListView(client: client)
                    } label: {
                        Label("Docs", systemImage: "doc.text")
                    }
                    NavigationLink {
                        SlackView(client: client)
                    } label: {
                        Label("Slack", systemImage: "bubble.left.and.bubble.right")
                    }
                    NavigationLink {
                        ConnectedAppsView(client: client)
                    } label: {
                        Label("Connected apps", systemImage: "key")
                    }
                } footer: {
                    Text("Everything here lives in one world file on this device: no network. The Assistant acts on the same world.")
                }
                if let message = app.error {
                    Section {
                        ErrorBanner(message: message)
                    }
                }
            }
            .navigationTitle("Workspace")
            .toolbar {
                ToolbarItem(placement: .primaryAction) {
                    Button {
                        confirmingReset = true
                    } label: {
                        Label("Reset", systemImage: "arrow.counterclockwise")
                    }
                    .disabled(resetting || app.assistant.state.running)
                    .accessibilityHint("Puts the workspace back to how it was when the app started")
                }
            }
            .confirmationDialog("Reset the workspace?", isPresented: $confirmingReset, titleVisibility: .visible) {
                Button("Reset", role: .destructive) {
                    Task {
                        resetting = true
                        await app.resetWorkspace()
                        resetting = false
                    }
                }
                Button("Cancel", role: .cancel) {}
            } message: {
                Text("Mail, events, files and messages go back to how they were when the app started. To start from a freshly seeded world, use Settings → Recreate world.")
            }
        }
    }
}
