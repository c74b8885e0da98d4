import Env0Kit
import SwiftUI

/// One card of the transcript.
@MainActor
struct TranscriptItemView: View {
    let item: TranscriptItem

    var body: some View {
        switch item {
        case .said(let said):
            Text(said.text)
                .font(.body)
                .textSelection(.enabled)
                .frame(maxWidth: .infinity, alignment: .leading)
                .accessibilityLabel("Assistant: " + said.text)
        case .tool(let card):
            ToolCardView(card: card)
        case .invalidReply(let reply):
            Card {
                Label("Unreadable reply (turn " + String(reply.turn) + ")", systemImage: "exclamationmark.bubble")
                    .font(.subheadline)
                    .foregroundStyle(.orange)
                Text(reply.error)
                    .font(.caption.monospaced())
            }
        case .verdict(let verdict):
            VerdictView(verdict: verdict)
        }
    }
}

/// A tool call and its result, marked read or write.
@MainActor
struct ToolCardView: View {
    let card: TranscriptItem.ToolCard

    var body: some View {
        Card {
            HStack {
                Image(systemName: "wrench.and.screwdriver")
                    .accessibilityHidden(true)
                Text(card.name)
                    .font(.subheadline.monospaced())
                    .bold()
                Spacer()
                Text(kindText)
                    .font(.caption)
                    .bold()
                    .padding(.horizontal, 6)
                    .padding(.vertical, 2)
                    .background(kindColor.opacity(0.2), in: Capsule())
                    .foregroundStyle(kindColor)
            }
            .accessibilityElement(children: .combine)
            .accessibilityLabel("Tool " + card.name + ", " + kindText)
            if !card.argumentsJson.isEmpty {
                Text(card.argumentsJson)
                    .font(.caption.monospaced())
                    .lineLimit(4)
                    .textSelection(.enabled)
                    .accessibilityLabel("Arguments: " + card.argumentsJson)
            }
            if card.pending {
                HStack(spacing: 6) {
                    ProgressView()
                    Text("Running…")
                        .font(.caption)
                }
                .accessibilityElement(children: .combine)
            } else {
                Label(outcomeText, systemImage: card.succeeded ? "checkmark.circle" : "xmark.octagon")
                    .font(.caption)
                    .foregroundStyle(card.succeeded ? Color.green : Color.red)
                if let content = card.content, !content.isEmpty {
                    DisclosureGroup("Result") {
                        Text(content)
                            .font(.caption.monospaced())
                            .textSelection(.enabled)
                            .frame(maxWidth: .infinity, alignment: .leading)
                    }
                    .font(.caption)
                }
            }
        }
    }

    private var kindText: String {
        switch card.writes {
        case .some(true):
            return "write"
        case .some(false):
            return "read"
        case .none:
            return "unknown tool"
        }
    }

    private var kindColor: Color {
        switch card.writes {
        case .some(true):
            return .orange
        case .some(false):
            return .blue
        case .none:
            return .gray
        }
    }

    private var outcomeText: String {
        let outcome = card.outcome ?? ""
        if let status = card.status {
            return outcome + " (HTTP " + String(status) + ")"
        }
        return outcome
    }
}

/// A task's verdict: passed or not, the reward, one line per check.
@MainActor
struct VerdictView: View {
    let verdict: TranscriptItem.Verdict

    var body: some View {
        Card {
            Label(title, systemImage: verdict.passed ? "checkmark.seal.fill" : "xmark.seal.fill")
            .font(.headline)
            .foregroundStyle(verdict.passed ? Color.green : Color.red)
            Text("Reward " + String(format: "%.2f", verdict.reward))
                .font(.subheadline)
            ForEach(Array(verdict.checks.enumerated()), id: \.offset) { entry in
                Text(entry.element)
                    .font(.caption)
                    .frame(maxWidth: .infinity, alignment: .leading)
            }
        }
        .accessibilityElement(children: .combine)
    }

    private var title: String {
        verdict.passed ? "Passed" : "Not passed"
    }
}

/// The task library: filter by family and split, search the instructions, pick one to run.
@MainActor
struct TaskPickerView: View {
    let library: TaskLibrary
    let onPick: (TaskSummary) -> Void
    @Environment(\.dismiss) private var dismiss
    @State private var family = ""
    @State private var split = "eval"
    @State private var search = ""
    @State private var tasks: [TaskSummary] = []
    @State private var error: String?

    var body: some View {
        NavigationStack {
            List {
                Section {
                    Picker("Family", selection: $family) {
                        Text("All").tag("")
                        ForEach(AppModel.families, id: \.self) { name in
                            Text(name).tag(name)
                        }
                    }
                    Picker("Split", selection: $split) {
                        Text("All").tag("")
                        ForEach(AppModel.splits, id: \.self) { name in
                            Text(name).tag(name)
                        }
                    }
                }
                if let message = error {
                    ErrorBanner(message: message)
                }
                Section(String(shown.count) + " tasks") {
                    ForEach(shown, id: \.id) { task in
                        Button {
                            onPick(task)
                            dismiss()
                        } label: {
                            VStack(alignment: .leading, spacing: 2) {
                                Text(task.instruction)
                                    .font(.body)
                                    .foregroundStyle(.primary)
                                    .lineLimit(3)
                                Text(task.id + " · " + task.split)
                                    .font(.caption)
                                    .foregroundStyle(.secondary)
                            }
                        }
                        .accessibilityHint("Runs this task on its own fresh world")
                    }
                }
            }
            .searchable(text: $search, prompt: "Search instructions")
            .navigationTitle("Tasks")
            .navigationBarTitleDisplayMode(.inline)
            .toolbar {
                ToolbarItem(placement: .cancellationAction) {
                    Button("Close") {
                        dismiss()
                    }
                }
            }
            .task(id: family + "/" + split) {
                await load()
            }
        }
    }

    /// The loaded tasks matching the search, at most 200.
    private var shown: [TaskSummary] {
        let needle = search.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        let matching = needle.isEmpty ? tasks : tasks.filter { task in
            task.instruction.lowercased().contains(needle) || task.id.contains(needle)
        }
        return Array(matching.prefix(200))
    }

    private func load() async {
        let filter = TaskFilter(
            family: family.isEmpty ? nil : family,
            split: split.isEmpty ? nil : split,
            template: nil
        )
        let library = self.library
        do {
            tasks = try await OffMain.run {
                library.list(filter: filter)
            }
            error = nil
        } catch {
            self.error = describeError(error)
        }
    }
}
