import Env0Kit
import SwiftUI

/// The Assistant: a free request acted out on the user's workspace
/// (`WorkspaceClient.startInstruction`, writes stay), or a task of the library on its own fresh
/// world with its verdict (`Agent.startTask`). Text streams in, each tool call and its result is a
/// card marked read or write, and Cancel stops the episode before its next step.
@MainActor
struct AssistantView: View {
    let client: WorkspaceClient
    let library: TaskLibrary
    @Environment(AppModel.self) private var app
    @State private var request = ""
    @State private var pickingTask = false

    private var assistant: AssistantModel {
        app.assistant
    }

    var body: some View {
        NavigationStack {
            VStack(spacing: 0) {
                TranscriptView(state: assistant.state)
                Divider()
                composer
            }
            .navigationTitle("Assistant")
            .toolbar {
                ToolbarItem(placement: .primaryAction) {
                    Button {
                        pickingTask = true
                    } label: {
                        Label("Run a task", systemImage: "list.bullet.rectangle")
                    }
                    .disabled(assistant.state.running)
                }
                ToolbarItem(placement: .secondaryAction) {
                    Button {
                        assistant.clear()
                    } label: {
                        Label("Clear", systemImage: "trash")
                    }
                    .disabled(assistant.state.running || assistant.state.request == nil)
                }
            }
            .sheet(isPresented: $pickingTask) {
                TaskPickerView(library: library) { task in
                    runTask(task)
                }
            }
        }
    }

    private var composer: some View {
        VStack(alignment: .leading, spacing: 6) {
            Text("Agent: " + app.agentName)
                .font(.caption)
                .foregroundStyle(.secondary)
            if app.usesOracle {
                Text("The oracle only knows the tasks' reference solutions: it answers a free request at once. Load a model in Models to act on free requests.")
                    .font(.caption2)
                    .foregroundStyle(.secondary)
            }
            HStack(alignment: .bottom) {
                TextField("Ask for something in your workspace…", text: $request, axis: .vertical)
                    .lineLimit(1...5)
                    .textFieldStyle(.roundedBorder)
                    .disabled(assistant.state.running)
                if assistant.state.running {
                    Button(role: .destructive) {
                        assistant.cancel()
                    } label: {
                        Label("Cancel", systemImage: "stop.circle.fill")
                            .labelStyle(.iconOnly)
                            .font(.title2)
                    }
                    .disabled(assistant.state.cancelling)
                    .accessibilityLabel("Cancel the episode")
                } else {
                    Button {
                        ask()
                    } label: {
                        Label("Send", systemImage: "arrow.up.circle.fill")
                            .labelStyle(.iconOnly)
                            .font(.title2)
                    }
                    .disabled(request.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty)
                    .accessibilityLabel("Send the request")
                }
            }
        }
        .padding(10)
    }

    private func ask() {
        guard let agent = app.agent else {
            return
        }
        let text = request.trimmingCharacters(in: .whitespacesAndNewlines)
        if assistant.ask(agent: agent, workspace: client, instruction: text) {
            request = ""
        }
    }

    private func runTask(_ task: TaskSummary) {
        guard let agent = app.agent else {
            return
        }
        assistant.runTask(agent: agent, library: library, taskId: task.id, instruction: task.instruction)
    }
}

/// The episode as cards: the request, what the model said, tool calls with their results, the
/// verdict, and how it ended.
@MainActor
struct TranscriptView: View {
    let state: AssistantModel.State

    var body: some View {
        ScrollViewReader { proxy in
            ScrollView {
                LazyVStack(alignment: .leading, spacing: 10) {
                    if let request = state.request {
                        RequestBubble(request: request, taskId: state.taskId)
                    } else {
                        ContentUnavailableView(
                            "Ask the Assistant",
                            systemImage: "sparkles",
                            description: Text("Type a request, or run a task of the library on its own fresh world.")
                        )
                    }
                    ForEach(Array(state.transcript.items.enumerated()), id: \.offset) { entry in
                        TranscriptItemView(item: entry.element)
                    }
                    if state.running {
                        HStack(spacing: 8) {
                            ProgressView()
                            Text(state.cancelling ? "Cancelling…" : "Working (turn " + String(state.transcript.turn) + ")…")
                                .font(.callout)
                                .foregroundStyle(.secondary)
                        }
                        .accessibilityElement(children: .combine)
                    }
                    if let summary = state.summary {
                        SummaryLine(summary: summary, isTask: state.taskId != nil)
                    }
                    if let message = state.error {
                        ErrorBanner(message: message)
                    }
                    Color.clear
                        .frame(height: 1)
                        .id("bottom")
                        .accessibilityHidden(true)
                }
                .padding()
            }
            .onChange(of: state.transcript) {
                proxy.scrollTo("bottom", anchor: .bottom)
            }
        }
    }
}

/// The user's request (or the task's instruction).
@MainActor
struct RequestBubble: View {
    let request: String
    let taskId: String?

    var body: some View {
        VStack(alignment: .trailing, spacing: 4) {
            if let id = taskId {
                Text("Task " + id)
                    .font(.caption)
                    .foregroundStyle(.secondary)
            }
            Text(request)
                .font(.body)
                .padding(10)
                .background(Color.accentColor.opacity(0.15), in: RoundedRectangle(cornerRadius: 12))
        }
        .frame(maxWidth: .infinity, alignment: .trailing)
        .accessibilityElement(children: .combine)
        .accessibilityLabel((taskId == nil ? "Your request: " : "Task instruction: ") + request)
    }
}

/// How the episode ended.
@MainActor
struct SummaryLine: View {
    let summary: EpisodeSummary
    let isTask: Bool

    var body: some View {
        VStack(alignment: .leading, spacing: 2) {
            Text("Stopped: " + summary.stop)
                .font(.subheadline)
                .bold()
            Text(details)
                .font(.caption)
                .foregroundStyle(.secondary)
        }
        .accessibilityElement(children: .combine)
    }

    private var details: String {
        var parts = [
            String(summary.turns) + " turns",
            String(summary.toolCalls) + " tool calls",
        ]
        if summary.invalidToolCalls > 0 {
            parts.append(String(summary.invalidToolCalls) + " invalid")
        }
        if isTask {
            parts.append("reward " + String(format: "%.2f", summary.reward))
        }
        return parts.joined(separator: " · ")
    }
}
