import Foundation
import Observation

/// The Benchmark screen's state: progress per (task, trial) with the live pass rate and its 95 %
/// Wilson interval (computed in Rust, as in the report), then the run's summary.
@MainActor
@Observable
public final class BenchmarkModel {
    /// One finished (task, trial) of this run, newest last.
    public struct Finished: Equatable {
        public var taskId: String
        public var reward: Double
        public var passed: Bool

        public init(taskId: String, reward: Double, passed: Bool) {
            self.taskId = taskId
            self.reward = reward
            self.passed = passed
        }
    }

    /// Everything the screen shows.
    public struct State: Equatable {
        public var running: Bool
        public var cancelling: Bool
        public var progress: BenchmarkProgress?
        public var finished: [Finished]
        public var summary: BenchmarkSummary?
        public var error: String?

        public init(
            running: Bool = false,
            cancelling: Bool = false,
            progress: BenchmarkProgress? = nil,
            finished: [Finished] = [],
            summary: BenchmarkSummary? = nil,
            error: String? = nil
        ) {
            self.running = running
            self.cancelling = cancelling
            self.progress = progress
            self.finished = finished
            self.summary = summary
            self.error = error
        }
    }

    public private(set) var state: State = State()

    @ObservationIgnored private var run: BenchmarkRun?
    @ObservationIgnored private var follower: Task<Void, Never>?

    public init() {}

    /// Starts or resumes `benchmark`. False when a run is already going.
    @discardableResult
    public func start(benchmark: Benchmark) -> Bool {
        begin {
            try await benchmark.launch()
        }
    }

    /// Prepares the selection in `outDir` for `agent`, then starts or resumes it (a refused
    /// directory or an empty selection ends in `state.error`). False when a run is already going.
    @discardableResult
    public func start(
        library: TaskLibrary,
        agent: Agent,
        outDir: String,
        selection: BenchmarkSelection
    ) -> Bool {
        begin {
            let benchmark = try await Benchmark.prepare(
                library: library,
                agent: agent,
                outDir: outDir,
                selection: selection
            )
            return try await benchmark.launch()
        }
    }

    /// Stops after the episode in flight (which is not written).
    public func cancel() {
        guard state.running, !state.cancelling else {
            return
        }
        state.cancelling = true
        if let active = run, !active.isFinished {
            active.cancel()
        }
    }

    /// Waits until the run being followed has been folded into `state` to the end.
    public func settle() async {
        await follower?.value
    }

    private func begin(_ launch: @escaping @MainActor () async throws -> BenchmarkRun) -> Bool {
        if state.running {
            return false
        }
        state = State(running: true)
        run = nil
        follower = Task { @MainActor in
            let started: BenchmarkRun
            do {
                started = try await launch()
            } catch {
                self.state.running = false
                self.state.cancelling = false
                self.state.error = describeError(error)
                return
            }
            self.run = started
            if self.state.cancelling {
                started.cancel()
            }
            for await update in started.updates {
                self.fold(update)
            }
            if self.state.running {
                self.state.running = false
                self.state.cancelling = false
            }
        }
        return true
    }

    private func fold(_ update: BenchmarkUpdate) {
        switch update {
        case .progress(let progress):
            state.progress = progress
            if let id = progress.lastTaskId, let reward = progress.lastReward, let passed = progress.lastPassed {
                state.finished.append(Finished(taskId: id, reward: reward, passed: passed))
            }
        case .done(let summary):
            state.running = false
            state.cancelling = false
            state.summary = summary
        case .failed(let error):
            state.running = false
            state.cancelling = false
            state.error = error.describe()
        }
    }
}
