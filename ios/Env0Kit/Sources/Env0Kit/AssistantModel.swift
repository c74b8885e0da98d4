import Foundation
import Observation

/// The Assistant screen's state: hand it a request (or a task) and an agent, read `state`.
/// One episode at a time; a new request while one runs is refused (cancel first).
@MainActor
@Observable
public final class AssistantModel {
    /// Everything the screen shows.
    public struct State: Equatable {
        /// The user's request or the task's instruction.
        public var request: String?
        /// The task being run (nil for a free request).
        public var taskId: String?
        public var transcript: Transcript
        public var running: Bool
        public var cancelling: Bool
        public var summary: EpisodeSummary?
        /// Why the episode could not start or run, for the user.
        public var error: String?

        public init(
            request: String? = nil,
            taskId: String? = nil,
            transcript: Transcript = Transcript(),
            running: Bool = false,
            cancelling: Bool = false,
            summary: EpisodeSummary? = nil,
            error: String? = nil
        ) {
            self.request = request
            self.taskId = taskId
            self.transcript = transcript
            self.running = running
            self.cancelling = cancelling
            self.summary = summary
            self.error = error
        }
    }

    public private(set) var state: State = State()

    @ObservationIgnored private var run: EpisodeRun?
    @ObservationIgnored private var follower: Task<Void, Never>?

    public init() {}

    /// Acts out `instruction` on the user's workspace. False when an episode is already running.
    @discardableResult
    public func ask(agent: Agent, workspace: WorkspaceClient, instruction: String) -> Bool {
        begin(request: instruction, taskId: nil) {
            try await workspace.startInstruction(agent: agent, instruction: instruction)
        }
    }

    /// Runs task `taskId` of `library` on its own fresh world, with its verdict at the end.
    /// False when an episode is already running.
    @discardableResult
    public func runTask(agent: Agent, library: TaskLibrary, taskId: String, instruction: String) -> Bool {
        begin(request: instruction, taskId: taskId) {
            try await agent.startTask(library: library, taskId: taskId)
        }
    }

    /// Asks the running episode to stop before its next model or tool call.
    public func cancel() {
        guard state.running, !state.cancelling else {
            return
        }
        state.cancelling = true
        // Before the episode has started, `begin` cancels it as soon as it has.
        if let active = run, !active.isFinished {
            active.cancel()
        }
    }

    /// Clears a finished episode from the screen.
    public func clear() {
        guard !state.running else {
            return
        }
        state = State()
        run = nil
    }

    /// Waits until the episode being followed has been folded into `state` to the end.
    public func settle() async {
        await follower?.value
    }

    private func begin(
        request: String,
        taskId: String?,
        start: @escaping @MainActor () async throws -> EpisodeRun
    ) -> Bool {
        if state.running {
            return false
        }
        state = State(request: request, taskId: taskId, running: true)
        run = nil
        follower = Task { @MainActor in
            let started: EpisodeRun
            do {
                started = try await start()
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
                // The stream ended without done/failed: only when this task was cancelled.
                self.state.running = false
                self.state.cancelling = false
            }
        }
        return true
    }

    private func fold(_ update: EpisodeUpdate) {
        switch update {
        case .event(let event):
            state.transcript.apply(event)
        case .done(let summary):
            state.running = false
            state.cancelling = false
            state.summary = summary
            state.error = summary.error
        case .failed(let error):
            state.running = false
            state.cancelling = false
            state.error = error.describe()
        }
    }
}
