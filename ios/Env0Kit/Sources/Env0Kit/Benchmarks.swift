import Foundation

/// What a running benchmark reports: progress after each finished (task, trial), then exactly
/// one of `done` or `failed`.
public enum BenchmarkUpdate: Equatable {
    case progress(BenchmarkProgress)
    case done(BenchmarkSummary)
    case failed(Env0KitError)
}

#if compiler(>=6)
extension BenchmarkUpdate: Sendable {}
#endif

/// A benchmark running on a Rust thread. Each progress is written and fsynced to results.jsonl
/// before it is sent, so a killed app loses at most the episode in flight; prepare and launch
/// the same selection in the same directory again to resume. `updates` replays from the start
/// and finishes after `done` or `failed`.
public final class BenchmarkRun: @unchecked Sendable {
    private let handle: BenchmarkHandle
    private let log: Broadcast<BenchmarkUpdate>

    /// Starts the run with `start` (given the listener to pass on) and waits for its end on the
    /// FFI queue. `start` is called at once, on the caller's thread.
    init(start: (BenchmarkListener) throws -> BenchmarkHandle) throws {
        let log = Broadcast<BenchmarkUpdate>()
        let handle = try start(ProgressForwarder(log: log))
        self.log = log
        self.handle = handle
        OffMain.enqueue {
            do {
                let summary = try handle.join()
                log.finish(with: .done(summary))
            } catch {
                log.finish(with: .failed(Env0KitError.from(error)))
            }
        }
    }

    /// Every update from the start, then the live ones; finishes after `done` or `failed`.
    public var updates: AsyncStream<BenchmarkUpdate> {
        log.stream()
    }

    /// Whether the run has ended.
    public var isFinished: Bool {
        log.isEnded
    }

    /// Stops after the episode in flight, which is not written; the summary says `cancelled`
    /// and launching again finishes the rest. Does not block.
    public func cancel() {
        handle.cancel()
    }

    /// The summary once the run has ended (suspends, never blocks a thread).
    public func result() async throws -> BenchmarkSummary {
        for await update in updates {
            switch update {
            case .progress:
                continue
            case .done(let summary):
                return summary
            case .failed(let error):
                throw error
            }
        }
        throw CancellationError()
    }
}

/// Receives progress on the benchmark's Rust thread and records it.
final class ProgressForwarder: BenchmarkListener, @unchecked Sendable {
    private let log: Broadcast<BenchmarkUpdate>

    init(log: Broadcast<BenchmarkUpdate>) {
        self.log = log
    }

    func onProgress(progress: BenchmarkProgress) {
        log.send(.progress(progress))
    }
}

extension Benchmark {
    /// Selects tasks from `library` and claims `outDir` for `agent`, off the main thread: a
    /// directory holding another model's run is refused (`invalidArgument`), one holding this
    /// model's run is resumed by `launch()`. `notFound` when no task matches.
    public static func prepare(
        library: TaskLibrary,
        agent: Agent,
        outDir: String,
        selection: BenchmarkSelection
    ) async throws -> Benchmark {
        try await OffMain.run {
            try Benchmark(library: library, agent: agent, outDir: outDir, selection: selection)
        }
    }

    /// Starts (or resumes) this benchmark on a Rust thread.
    public func launch() async throws -> BenchmarkRun {
        let bench = self
        return try await OffMain.run {
            try BenchmarkRun(start: { listener in
                try bench.start(listener: listener)
            })
        }
    }

    /// What results.jsonl holds now, without running anything (off the main thread).
    public func currentSummary() async throws -> BenchmarkSummary {
        let bench = self
        return try await OffMain.run {
            try bench.summary()
        }
    }
}
