import Env0Kit
import SwiftUI

/// On-device benchmark: choose split, family, limit and trials; each finished (task, trial) is
/// written to results.jsonl before it shows here, with the live pass rate and its 95 % Wilson
/// interval (`BenchmarkProgress.passRate/passLow/passHigh`); starting the same selection again
/// resumes it (`Benchmark.prepare` + `Benchmark.launch` through `BenchmarkModel`).
@MainActor
struct BenchmarkView: View {
    let library: TaskLibrary
    @Environment(AppModel.self) private var app
    @State private var split = "eval"
    @State private var family = ""
    @State private var everyTask = false
    @State private var limit = 21
    @State private var trials = 1

    private var benchmark: BenchmarkModel {
        app.benchmark
    }

    var body: some View {
        NavigationStack {
            Form {
                selectionSection
                Section {
                    Text("Agent: " + app.agentName)
                        .font(.subheadline)
                    if benchmark.state.running {
                        Button(role: .destructive) {
                            benchmark.cancel()
                        } label: {
                            Label(cancelTitle, systemImage: "stop.circle")
                        }
                        .disabled(benchmark.state.cancelling)
                    } else {
                        Button {
                            start()
                        } label: {
                            Label("Start or resume", systemImage: "play.circle")
                        }
                        .disabled(app.agent == nil)
                        .accessibilityHint("Runs the selection; pairs already in its results are skipped")
                    }
                } footer: {
                    Text("A cancelled or interrupted run resumes where it stopped when started again with the same selection.")
                }
                if let message = benchmark.state.error {
                    Section {
                        ErrorBanner(message: message)
                    }
                }
                if let progress = benchmark.state.progress {
                    progressSection(progress)
                }
                if let summary = benchmark.state.summary {
                    summarySection(summary)
                }
                if !benchmark.state.finished.isEmpty {
                    finishedSection
                }
                Section {
                    NavigationLink {
                        RunHistoryView(runsDir: app.paths?.runs)
                    } label: {
                        Label("Run history", systemImage: "clock.arrow.circlepath")
                    }
                }
            }
            .navigationTitle("Benchmark")
        }
    }

    private var selectionSection: some View {
        Section("Selection") {
            Picker("Split", selection: $split) {
                Text("All").tag("")
                ForEach(AppModel.splits, id: \.self) { name in
                    Text(name).tag(name)
                }
            }
            Picker("Family", selection: $family) {
                Text("All").tag("")
                ForEach(AppModel.families, id: \.self) { name in
                    Text(name).tag(name)
                }
            }
            Toggle("Every matching task", isOn: $everyTask)
            if !everyTask {
                Stepper("At most " + String(limit) + " tasks", value: $limit, in: 1...500, step: 1)
            }
            Stepper(String(trials) + (trials == 1 ? " trial per task" : " trials per task"), value: $trials, in: 1...10)
        }
        .disabled(benchmark.state.running)
    }

    private func progressSection(_ progress: BenchmarkProgress) -> some View {
        Section("Progress") {
            ProgressView(
                value: Double(progress.done),
                total: Double(max(progress.todo, 1))
            ) {
                Text(String(progress.done) + " of " + String(progress.todo) + " done in this run")
                    .font(.subheadline)
            }
            LabeledContent("Pass rate", value: Format.rate(progress.passRate, low: progress.passLow, high: progress.passHigh))
            LabeledContent("Passed", value: String(progress.passed) + " of " + String(progress.graded) + " graded")
            if progress.resumed > 0 {
                LabeledContent("Already in results", value: String(progress.resumed))
            }
            if progress.infraErrors > 0 {
                LabeledContent("Infrastructure errors", value: String(progress.infraErrors))
            }
        }
    }

    private func summarySection(_ summary: BenchmarkSummary) -> some View {
        Section(summaryTitle(summary)) {
            groupRow(summary.overall, title: "Overall")
            ForEach(summary.byFamily, id: \.name) { group in
                groupRow(group, title: group.name)
            }
            LabeledContent("Rows in results", value: String(summary.rows))
            if summary.remaining > 0 {
                LabeledContent("Still to run", value: String(summary.remaining))
            }
            ShareLink(item: URL(fileURLWithPath: summary.resultsPath)) {
                Label("Share results.jsonl", systemImage: "square.and.arrow.up")
            }
            ShareLink(item: URL(fileURLWithPath: summary.reportPath)) {
                Label("Share report.md", systemImage: "doc.text")
            }
        }
    }

    private func groupRow(_ group: GroupResult, title: String) -> some View {
        VStack(alignment: .leading, spacing: 2) {
            Text(title)
                .font(.headline)
            Text(Format.rate(group.passRate, low: group.passLow, high: group.passHigh) + " · n = " + String(group.n))
                .font(.subheadline)
            Text("mean reward " + String(format: "%.2f", group.meanReward) + " · unsafe " + Format.percent(group.unsafeRate))
                .font(.caption)
                .foregroundStyle(.secondary)
        }
        .accessibilityElement(children: .combine)
    }

    private var finishedSection: some View {
        Section("Finished in this run") {
            ForEach(Array(benchmark.state.finished.reversed().enumerated()), id: \.offset) { entry in
                HStack {
                    Image(systemName: entry.element.passed ? "checkmark.circle.fill" : "xmark.circle.fill")
                        .foregroundStyle(entry.element.passed ? Color.green : Color.red)
                        .accessibilityLabel(Text(verbatim: entry.element.passed ? "Passed" : "Failed"))
                    Text(entry.element.taskId)
                        .font(.caption.monospaced())
                        .lineLimit(1)
                    Spacer()
                    Text(String(format: "%.2f", entry.element.reward))
                        .font(.caption)
                        .monospacedDigit()
                }
            }
        }
    }

    private var cancelTitle: String {
        benchmark.state.cancelling ? "Cancelling…" : "Cancel"
    }

    private func summaryTitle(_ summary: BenchmarkSummary) -> String {
        summary.cancelled ? "Summary (cancelled)" : "Summary"
    }

    private func start() {
        guard let agent = app.agent else {
            return
        }
        let selection = BenchmarkSelection(
            split: split.isEmpty ? nil : split,
            family: family.isEmpty ? nil : family,
            template: nil,
            limit: everyTask ? nil : UInt32(limit),
            k: UInt32(trials)
        )
        guard let dir = app.runDirectory(selection: selection) else {
            return
        }
        benchmark.start(library: library, agent: agent, outDir: dir.path, selection: selection)
    }
}
