import Foundation

/// What a running episode reports: its events as they happen, then exactly one of `done` or
/// `failed`.
public enum EpisodeUpdate: Equatable {
    case event(EpisodeEvent)
    case done(EpisodeSummary)
    case failed(Env0KitError)
}

#if compiler(>=6)
extension EpisodeUpdate: Sendable {}
#endif

/// An episode running on a Rust thread. `updates` replays everything from the start to each new
/// stream (a screen that comes back sees the whole transcript) and finishes after `done` or
/// `failed`. A stream does not own the episode: ending a `for await` loop early only drops that
/// stream; `cancel()` stops the episode, and the updates still end with `done` (stop
/// `cancelled`). For a stream that owns its episode, see `Agent.taskUpdates(library:taskId:)`.
public final class EpisodeRun: @unchecked Sendable {
    private let handle: TaskHandle
    private let log: Broadcast<EpisodeUpdate>

    /// Starts the episode with `start` (given the listener to pass on) and waits for its end on
    /// the FFI queue. `start` is called at once, on the caller's thread.
    init(start: (EpisodeListener) throws -> TaskHandle) throws {
        let log = Broadcast<EpisodeUpdate>()
        let handle = try start(EpisodeForwarder(log: log))
        self.log = log
        self.handle = handle
        // join() blocks: it waits on the FFI queue, never on the caller's thread.
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
    public var updates: AsyncStream<EpisodeUpdate> {
        log.stream()
    }

    /// Just the events, in order; finishes when the episode ends.
    public var events: AsyncStream<EpisodeEvent> {
        let source = log.stream()
        return AsyncStream<EpisodeEvent> { continuation in
            let forwarding = Task {
                for await update in source {
                    if case .event(let event) = update {
                        continuation.yield(event)
                    }
                }
                continuation.finish()
            }
            continuation.onTermination = { _ in
                forwarding.cancel()
            }
        }
    }

    /// Whether the episode has ended (its `done` or `failed` has been published).
    public var isFinished: Bool {
        log.isEnded
    }

    /// Asks the episode to stop before its next model or tool call; what it already did stays.
    /// Does not block (it sets a flag on the Rust side).
    public func cancel() {
        handle.cancel()
    }

    /// The summary once the episode has ended (suspends, never blocks a thread). Throws the
    /// episode's failure, or `CancellationError` when the waiting task is cancelled first.
    public func result() async throws -> EpisodeSummary {
        for await update in updates {
            switch update {
            case .event:
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

/// Receives the episode's events on its Rust thread and records them.
final class EpisodeForwarder: EpisodeListener, @unchecked Sendable {
    private let log: Broadcast<EpisodeUpdate>

    init(log: Broadcast<EpisodeUpdate>) {
        self.log = log
    }

    func onEvent(event: EpisodeEvent) {
        log.send(.event(event))
    }
}

extension Agent {
    /// Starts task `taskId` of `library` on its own fresh world (the start runs off the main
    /// thread). Throws `Env0KitError.notFound` for an unknown id.
    public func startTask(library: TaskLibrary, taskId: String) async throws -> EpisodeRun {
        let agent = self
        return try await OffMain.run {
            try EpisodeRun(start: { listener in
                try agent.runTask(library: library, taskId: taskId, listener: listener)
            })
        }
    }

    /// Starts a free request on the user's own `workspace` (its writes stay). Prefer
    /// `WorkspaceClient.startInstruction(agent:instruction:)`, which also tells the screens that
    /// the world changed. Throws `Env0KitError.invalidArgument` for an empty instruction.
    public func startInstruction(workspace: Workspace, instruction: String) async throws -> EpisodeRun {
        let agent = self
        return try await OffMain.run {
            try EpisodeRun(start: { listener in
                try agent.runInstruction(workspace: workspace, instruction: instruction, listener: listener)
            })
        }
    }

    /// One episode of task `taskId` as a stream that owns it: iterating starts it (when the
    /// stream is made), and ending the iteration early (a cancelled task, a `break`) cancels the
    /// episode. A start that fails gives a single `failed` update.
    public func taskUpdates(library: TaskLibrary, taskId: String) -> AsyncStream<EpisodeUpdate> {
        let agent = self
        return AsyncStream<EpisodeUpdate> { continuation in
            let forwarding = Task {
                do {
                    let run = try await agent.startTask(library: library, taskId: taskId)
                    await withTaskCancellationHandler(
                        operation: {
                            for await update in run.updates {
                                continuation.yield(update)
                            }
                        },
                        onCancel: {
                            run.cancel()
                        }
                    )
                } catch {
                    continuation.yield(.failed(Env0KitError.from(error)))
                }
                continuation.finish()
            }
            continuation.onTermination = { termination in
                if case .cancelled = termination {
                    forwarding.cancel()
                }
            }
        }
    }
}
