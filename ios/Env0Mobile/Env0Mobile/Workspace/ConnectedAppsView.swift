import Env0Kit
import SwiftUI

/// The third-party apps connected to the account (`GET /auth/v1/apps`), each scope revocable
/// (`POST /auth/v1/apps/{id}/revokeScope {"scope": …}`).
@MainActor
struct ConnectedAppsView: View {
    /// A scope the user asked to revoke, waiting for confirmation.
    struct PendingRevoke: Identifiable {
        let app: ConnectedAppsAPI.App
        let scope: String

        var id: String {
            app.clientId + " " + scope
        }
    }

    let client: WorkspaceClient
    @State private var apps: [ConnectedAppsAPI.App] = []
    @State private var pending: PendingRevoke?
    @State private var confirming = false
    @State private var error: String?

    var body: some View {
        List {
            if let message = error {
                ErrorBanner(message: message)
            }
            ForEach(apps) { app in
                Section {
                    VStack(alignment: .leading, spacing: 2) {
                        HStack {
                            Text(app.title)
                                .font(.headline)
                            if app.verified ?? false {
                                Image(systemName: "checkmark.seal.fill")
                                    .foregroundStyle(.blue)
                                    .accessibilityLabel("Verified publisher")
                            } else {
                                Image(systemName: "exclamationmark.shield")
                                    .foregroundStyle(.orange)
                                    .accessibilityLabel("Unverified publisher")
                            }
                        }
                        if let publisher = app.publisher {
                            Text(publisher)
                                .font(.subheadline)
                                .foregroundStyle(.secondary)
                        }
                        Text(usage(app))
                            .font(.caption)
                            .foregroundStyle(.secondary)
                    }
                    ForEach(app.scopes ?? [], id: \.self) { scope in
                        HStack {
                            VStack(alignment: .leading, spacing: 2) {
                                Text(scope.scope)
                                    .font(.body.monospaced())
                                if let text = scope.description {
                                    Text(text)
                                        .font(.caption)
                                        .foregroundStyle(.secondary)
                                }
                            }
                            Spacer()
                            Button("Revoke", role: .destructive) {
                                pending = PendingRevoke(app: app, scope: scope.scope)
                                confirming = true
                            }
                            .buttonStyle(.borderless)
                            .accessibilityLabel("Revoke " + scope.scope + " from " + app.title)
                        }
                    }
                }
            }
        }
        .overlay {
            if apps.isEmpty && error == nil {
                ContentUnavailableView("No connected apps", systemImage: "key")
            }
        }
        .navigationTitle("Connected apps")
        .refreshable {
            await load()
        }
        .task(id: client.revision) {
            await load()
        }
        .confirmationDialog("Revoke access?", isPresented: $confirming, titleVisibility: .visible, presenting: pending) { revoke in
            Button("Revoke " + revoke.scope, role: .destructive) {
                Task {
                    await perform(revoke)
                }
            }
            Button("Cancel", role: .cancel) {}
        } message: { revoke in
            Text(revoke.app.title + " will lose the scope " + revoke.scope + ".")
        }
    }

    private func usage(_ app: ConnectedAppsAPI.App) -> String {
        var parts: [String] = []
        if let days = app.daysSinceLastUsed {
            parts.append(days == 0 ? "used today" : "last used " + String(days) + " days ago")
        }
        if let tokens = app.activeTokens {
            parts.append(String(tokens) + (tokens == 1 ? " active token" : " active tokens"))
        }
        return parts.joined(separator: " · ")
    }

    private func perform(_ revoke: PendingRevoke) async {
        do {
            try await client.revokeScope(clientId: revoke.app.clientId, scope: revoke.scope)
            error = nil
        } catch {
            self.error = describeError(error)
        }
        pending = nil
    }

    private func load() async {
        do {
            apps = try await client.connectedApps()
            error = nil
        } catch {
            self.error = describeError(error)
        }
    }
}
