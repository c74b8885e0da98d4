import Env0Kit
import SwiftUI

/// env0 on a phone: the embedded workspace (Mail, Calendar, Drive, Docs, Slack, connected apps),
/// the Assistant, on-device benchmarks, the model store and settings.
@main
@MainActor
struct Env0MobileApp: App {
    @State private var app = AppModel()

    var body: some Scene {
        WindowGroup {
            RootView()
                .environment(app)
                .task {
                    await app.start()
                }
        }
    }
}

/// The tabs, once the world and the task library are open.
@MainActor
struct RootView: View {
    @Environment(AppModel.self) private var app

    var body: some View {
        switch app.phase {
        case .starting:
            ProgressView("Opening your workspace…")
                .font(.body)
        case .failed(let reason):
            ContentUnavailableView {
                Label("env0 could not start", systemImage: "exclamationmark.triangle")
            } description: {
                Text(reason)
            } actions: {
                Button("Try again") {
                    Task {
                        await app.start()
                    }
                }
            }
        case .ready:
            tabs
        }
    }

    @ViewBuilder
    private var tabs: some View {
        if let client = app.workspace, let library = app.library, let models = app.models {
            TabView {
                WorkspaceHomeView(client: client)
                    .id(ObjectIdentifier(client))
                    .tabItem {
                        Label("Workspace", systemImage: "tray.full")
                    }
                AssistantView(client: client, library: library)
                    .tabItem {
                        Label("Assistant", systemImage: "sparkles")
                    }
                BenchmarkView(library: library)
                    .tabItem {
                        Label("Benchmark", systemImage: "chart.bar")
                    }
                ModelsView(models: models, settings: app.settings)
                    .tabItem {
                        Label("Models", systemImage: "cpu")
                    }
                SettingsView(settings: app.settings)
                    .tabItem {
                        Label("Settings", systemImage: "gearshape")
                    }
            }
        } else {
            ProgressView()
        }
    }
}
