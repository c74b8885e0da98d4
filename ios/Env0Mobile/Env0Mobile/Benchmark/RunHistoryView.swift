import Env0Kit
import SwiftUI

/// One benchmark run directory under Application Support/env0/runs (the same run.json,
/// results.jsonl and report.md as `env0 eval`).
struct RunEntry: Identifiable, Hashable {
    let directory: URL
    /// run.json's `model` (`oracle`, `local:<id>`).
    let model: String
    /// run.json's selection, in words.
    let selection: String
    /// Lines in results.jsonl: one per finished (task, trial).
    let rows: Int
    let modified: Date?

    var id: URL {
        directory
    }

    var name: String {
        directory.lastPathComponent
    }

    var results: URL {
        directory.appendingPathComponent("results.jsonl")
    }

    var report: URL {
        directory.appendingPathComponent("report.md")
    }

    /// The run directories in `runs`, newest first (a directory without run.json is skipped).
    static func scan(_ runs: URL) throws -> [RunEntry] {
        let manager = FileManager.default
        guard manager.fileExists(atPath: runs.path) else {
            return []
        }
        let names = try manager.contentsOfDirectory(atPath: runs.path)
        var entries: [RunEntry] = []
        for name in names {
            let dir = runs.appendingPathComponent(name, isDirectory: true)
            let runFile = dir.appendingPathComponent("run.json")
            guard let data = manager.contents(atPath: runFile.path),
                  let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
            else {
                continue
            }
            let model = object["model"] as? String ?? "?"
            var words: [String] = []
            words.append("split " + ((object["split"] as? String) ?? "all"))
            words.append("family " + ((object["family"] as? String) ?? "all"))
            if let limit = object["limit"] as? Int {
                words.append("limit " + String(limit))
            }
            if let k = object["k"] as? Int {
                words.append("k " + String(k))
            }
            var rows = 0
            if let text = try? String(contentsOf: dir.appendingPathComponent("results.jsonl"), encoding: .utf8) {
                rows = text.split(separator: "\n").filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }.count
            }
            let attributes = try? manager.attributesOfItem(atPath: dir.appendingPathComponent("results.jsonl").path)
            let modified = attributes?[.modificationDate] as? Date
            entries.append(RunEntry(
                directory: dir,
                model: model,
                selection: words.joined(separator: ", "),
                rows: rows,
                modified: modified
            ))
        }
        return entries.sorted { left, right in
            (left.modified ?? .distantPast) > (right.modified ?? .distantPast)
        }
    }
}

/// The history of benchmark runs on this device.
@MainActor
struct RunHistoryView: View {
    let runsDir: URL?
    @State private var entries: [RunEntry] = []
    @State private var error: String?

    var body: some View {
        List {
            if let message = error {
                ErrorBanner(message: message)
            }
            ForEach(entries) { entry in
                NavigationLink {
                    RunDetailView(entry: entry)
                } label: {
                    VStack(alignment: .leading, spacing: 2) {
                        Text(entry.model)
                            .font(.headline)
                        Text(entry.selection)
                            .font(.subheadline)
                        HStack {
                            Text(String(entry.rows) + " rows")
                            if let date = entry.modified {
                                Text(Format.date(date))
                            }
                        }
                        .font(.caption)
                        .foregroundStyle(.secondary)
                    }
                    .accessibilityElement(children: .combine)
                }
            }
            .onDelete { offsets in
                let doomed = offsets.map { entries[$0] }
                Task {
                    await remove(doomed)
                }
            }
        }
        .overlay {
            if entries.isEmpty && error == nil {
                ContentUnavailableView("No runs yet", systemImage: "chart.bar", description: Text("Runs started on the Benchmark tab appear here."))
            }
        }
        .navigationTitle("Run history")
        .refreshable {
            await load()
        }
        .task {
            await load()
        }
    }

    private func load() async {
        guard let runs = runsDir else {
            return
        }
        do {
            entries = try await OffMain.run {
                try RunEntry.scan(runs)
            }
            error = nil
        } catch {
            self.error = describeError(error)
        }
    }

    private func remove(_ doomed: [RunEntry]) async {
        let dirs = doomed.map { $0.directory }
        do {
            try await OffMain.run { () throws -> Void in
                for dir in dirs {
                    try FileManager.default.removeItem(at: dir)
                }
            }
        } catch {
            self.error = describeError(error)
        }
        await load()
    }
}

/// One run: its report and the files to share.
@MainActor
struct RunDetailView: View {
    let entry: RunEntry
    @State private var report: String?

    var body: some View {
        List {
            Section {
                LabeledContent("Model", value: entry.model)
                LabeledContent("Selection", value: entry.selection)
                LabeledContent("Rows", value: String(entry.rows))
                ShareLink(item: entry.results) {
                    Label("Share results.jsonl", systemImage: "square.and.arrow.up")
                }
                if report != nil {
                    ShareLink(item: entry.report) {
                        Label("Share report.md", systemImage: "doc.text")
                    }
                }
            }
            Section("Report") {
                if let text = report {
                    Text(text)
                        .font(.caption.monospaced())
                        .textSelection(.enabled)
                } else {
                    Text("No report yet: a run writes report.md when it stops.")
                        .foregroundStyle(.secondary)
                }
            }
        }
        .navigationTitle(entry.name)
        .navigationBarTitleDisplayMode(.inline)
        .task {
            await load()
        }
    }

    private func load() async {
        let file = entry.report
        report = try? await OffMain.run {
            try String(contentsOf: file, encoding: .utf8)
        }
    }
}
