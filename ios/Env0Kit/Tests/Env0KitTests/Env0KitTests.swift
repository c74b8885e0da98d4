import Foundation
import XCTest
@testable import Env0Kit

/// The Swift layer against the real library (the macOS slice of env0FFI.xcframework): what the
/// Android wrapper's JVM tests cover. Run on a Mac with `swift test` in ios/Env0Kit after
/// `ios/scripts/build-xcframework.sh`. Tasks come from the repository's tasks-lite/.
final class Env0KitTests: XCTestCase {
    /// `<repo>/tasks-lite`, found from this file: `<repo>/ios/Env0Kit/Tests/Env0KitTests/`.
    static let tasksDir: String = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .appendingPathComponent("tasks-lite")
        .path

    static func library() async throws -> TaskLibrary {
        let dir = tasksDir
        return try await OffMain.run {
            try TaskLibrary.open(dir: dir)
        }
    }

    static func temporaryDirectory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("env0kit-" + UUID().uuidString)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// The first task of `family` in split `split`.
    static func firstTask(_ library: TaskLibrary, family: String, split: String?) -> TaskSummary? {
        library.list(filter: TaskFilter(family: family, split: split, template: nil)).first
    }

    static func collect<Update>(_ stream: AsyncStream<Update>) async -> [Update] {
        var all: [Update] = []
        for await update in stream {
            all.append(update)
        }
        return all
    }

    // MARK: - Workspace

    @MainActor
    func testWorkspaceWriteBumpsRevision() async throws {
        let workspace = try await OffMain.run {
            try Workspace.inMemory(seed: 42, scaleName: "default")
        }
        let client = WorkspaceClient(workspace: workspace)
        XCTAssertEqual(client.revision, 0)

        try await client.saveSnapshot("start")
        _ = try await client.get("/gmail/v1/users/me/labels")
        XCTAssertEqual(client.revision, 0, "a read does not move the revision")

        try await client.send("POST", "/gmail/v1/users/me/labels", body: "{\"name\": \"Receipts\"}")
        XCTAssertEqual(client.revision, 1)
        let labels = try await client.get("/gmail/v1/users/me/labels")
        XCTAssertTrue(labels.contains("Receipts"))
        let changes = try await client.diffSince("start")
        XCTAssertEqual(changes.map { $0.collection }, ["gmail_labels"])

        try await client.restoreSnapshot("start")
        XCTAssertEqual(client.revision, 2, "a restore moves the revision")
        let restored = try await client.get("/gmail/v1/users/me/labels")
        XCTAssertFalse(restored.contains("Receipts"))

        // An API error is a status: `get` throws it typed.
        do {
            _ = try await client.get("/gmail/v1/users/me/messages/nope?format=metadata")
            XCTFail("a missing message was answered")
        } catch let error as ApiError {
            XCTAssertEqual(error.status, 404)
        }
    }

    @MainActor
    func testServiceHelpersReadTheSeededWorld() async throws {
        let workspace = try await OffMain.run {
            try Workspace.inMemory(seed: 42, scaleName: "default")
        }
        let client = WorkspaceClient(workspace: workspace)

        let inbox = try await client.inbox(maxResults: 5)
        XCTAssertEqual(inbox.count, 5)
        XCTAssertFalse(inbox[0].subject.isEmpty)
        let thread = try await client.mailThread(id: inbox[0].threadId ?? inbox[0].id)
        XCTAssertNotNil(thread.messages?.first?.plainText)

        let ref = try await client.sendMail(to: "priya@nexusai.com", subject: "Café plans", body: "Héllo\nline 2")
        let sent = try await client.mailThread(id: ref.threadId ?? ref.id)
        XCTAssertEqual(sent.messages?.first?.subject, "Café plans")
        XCTAssertEqual(sent.messages?.first?.plainText?.contains("Héllo"), true)

        let now = try await client.worldNow()
        let zone = try await client.calendarTimeZone()
        XCTAssertEqual(zone.identifier, "America/Los_Angeles")
        let start = CalendarAPI.startOfDay(now, in: zone)
        let events = try await client.events(from: start, to: CalendarAPI.adding(days: 7, to: start, in: zone), zone: zone)
        XCTAssertFalse(events.isEmpty)

        let files = try await client.driveFiles()
        XCTAssertTrue(files.contains(where: { $0.isFolder }))
        if let doc = files.first(where: { $0.isDocument }) {
            let document = try await client.document(id: doc.id)
            XCTAssertFalse(DocsAPI.lines(of: document).isEmpty)
            let sharing = try await client.drivePermissions(fileId: doc.id)
            XCTAssertTrue(sharing.contains(where: { $0.role == "owner" }))
        } else {
            XCTFail("no Google Doc in My Drive")
        }

        let channels = try await client.slackChannels()
        let general = try XCTUnwrap(channels.first(where: { $0.name == "general" }))
        let before = try await client.slackHistory(channel: general.id)
        try await client.slackPost(channel: general.id, text: "hello from Swift")
        let after = try await client.slackHistory(channel: general.id)
        XCTAssertEqual(after.count, before.count + 1)
        XCTAssertEqual(after.last?.text, "hello from Swift")
        do {
            _ = try await client.slackHistory(channel: "NOPE")
            XCTFail("an unknown channel was answered")
        } catch let error as ApiError {
            XCTAssertEqual(error.reason, "channel_not_found")
        }

        let apps = try await client.connectedApps()
        let app = try XCTUnwrap(apps.first(where: { ($0.scopes ?? []).count > 1 }))
        let scope = try XCTUnwrap(app.scopes?.last?.scope)
        try await client.revokeScope(clientId: app.clientId, scope: scope)
        let later = try await client.connectedApps()
        let scopesLater = later.first(where: { $0.clientId == app.clientId })?.scopes ?? []
        XCTAssertFalse(scopesLater.contains(where: { $0.scope == scope }))
    }

    // MARK: - Episodes

    func testOracleEpisodeEventsAndTranscript() async throws {
        let library = try await Env0KitTests.library()
        let task = try XCTUnwrap(Env0KitTests.firstTask(library, family: "gmail", split: "eval"))
        let run = try await Agent.oracle().startTask(library: library, taskId: task.id)
        let updates = await Env0KitTests.collect(run.updates)

        guard case .event(let first)? = updates.first, case .started(let taskId, _, _) = first else {
            return XCTFail("the first update is not `started`: \(String(describing: updates.first))")
        }
        XCTAssertEqual(taskId, task.id)
        guard case .done(let summary)? = updates.last else {
            return XCTFail("the last update is not `done`: \(String(describing: updates.last))")
        }
        XCTAssertEqual(summary.stop, "final")
        XCTAssertTrue(summary.passed)
        XCTAssertEqual(summary.reward, 1.0)
        XCTAssertTrue(run.isFinished)

        var transcript = Transcript()
        for update in updates {
            if case .event(let event) = update {
                transcript.apply(event)
            }
        }
        XCTAssertEqual(transcript.stop, "final")
        XCTAssertEqual(transcript.model, "oracle")
        let cards = transcript.items.compactMap { item -> TranscriptItem.ToolCard? in
            if case .tool(let card) = item {
                return card
            }
            return nil
        }
        XCTAssertEqual(cards.count, Int(summary.toolCalls))
        XCTAssertTrue(cards.allSatisfy { $0.succeeded && $0.writes != nil })
        XCTAssertTrue(cards.contains(where: { $0.writes == true }), "the oracle writes")
        guard case .verdict(let verdict)? = transcript.items.last else {
            return XCTFail("the transcript does not end with the verdict")
        }
        XCTAssertTrue(verdict.passed)
        XCTAssertFalse(verdict.checks.isEmpty)

        // A second stream replays the same episode from the start; `result()` gives the summary.
        let again = await Env0KitTests.collect(run.updates)
        XCTAssertEqual(again, updates)
        let result = try await run.result()
        XCTAssertEqual(result, summary)
    }

    func testTranscriptFoldsTextToolsAndVerdict() {
        var transcript = Transcript()
        transcript.apply(.started(taskId: "t", model: "m", tools: 3))
        transcript.apply(.turnStarted(turn: 1))
        transcript.apply(.text(turn: 1, text: "Hel"))
        transcript.apply(.text(turn: 1, text: "lo"))
        transcript.apply(.toolCall(id: "a", name: "gmail_search", argumentsJson: "{}", writes: false))
        transcript.apply(.toolResult(id: "a", name: "gmail_search", outcome: "api_error", status: 404, content: "{}"))
        transcript.apply(.toolResult(id: "b", name: "slack_post", outcome: "ok", status: nil, content: "{}"))
        transcript.apply(.turnStarted(turn: 2))
        transcript.apply(.text(turn: 2, text: "Done."))
        transcript.apply(.invalidReply(turn: 2, error: "bad json"))
        transcript.apply(.verdict(reward: 1, passed: true, explanation: "  check one \n\n check two\r\n"))
        transcript.apply(.finished(stop: "final", reward: 1))

        XCTAssertEqual(transcript.model, "m")
        XCTAssertEqual(transcript.tools, 3)
        XCTAssertEqual(transcript.turn, 2)
        XCTAssertEqual(transcript.stop, "final")
        XCTAssertEqual(transcript.items, [
            .said(TranscriptItem.Said(turn: 1, text: "Hello")),
            .tool(TranscriptItem.ToolCard(
                id: "a", name: "gmail_search", argumentsJson: "{}", writes: false,
                outcome: "api_error", status: 404, content: "{}"
            )),
            .tool(TranscriptItem.ToolCard(
                id: "b", name: "slack_post", argumentsJson: "", writes: nil,
                outcome: "ok", status: nil, content: "{}"
            )),
            .said(TranscriptItem.Said(turn: 2, text: "Done.")),
            .invalidReply(TranscriptItem.InvalidReply(turn: 2, error: "bad json")),
            .verdict(TranscriptItem.Verdict(reward: 1, passed: true, checks: ["check one", "check two"])),
        ])
    }

    func testCancelledEpisode() async throws {
        let library = try await Env0KitTests.library()
        let task = try XCTUnwrap(Env0KitTests.firstTask(library, family: "gcal", split: nil))
        let agent = Agent.oracle()
        let gate = GateAfterFirstResult()
        let run = try EpisodeRun(start: { listener in
            gate.inner = listener
            return try agent.runTask(library: library, taskId: task.id, listener: gate)
        })
        // The episode waits inside the listener after its first tool result.
        let reached = await gate.waitForFirstResult()
        XCTAssertTrue(reached, "no tool result within 60 s")
        run.cancel()
        gate.release()

        let summary = try await run.result()
        XCTAssertEqual(summary.stop, "cancelled")
        XCTAssertEqual(summary.toolCalls, 1)
        let updates = await Env0KitTests.collect(run.updates)
        XCTAssertFalse(updates.contains(where: { update in
            if case .event(.verdict) = update {
                return true
            }
            return false
        }), "a cancelled episode has no verdict")
        guard case .done? = updates.last else {
            return XCTFail("a cancelled episode still ends with done")
        }
    }

    @MainActor
    func testAssistantModelRunsATaskWithItsVerdict() async throws {
        let library = try await Env0KitTests.library()
        let task = try XCTUnwrap(Env0KitTests.firstTask(library, family: "slack", split: "eval"))
        let model = AssistantModel()
        XCTAssertTrue(model.runTask(agent: Agent.oracle(), library: library, taskId: task.id, instruction: task.instruction))
        XCTAssertFalse(model.runTask(agent: Agent.oracle(), library: library, taskId: task.id, instruction: task.instruction),
                       "a second episode while one runs is refused")
        await model.settle()
        XCTAssertFalse(model.state.running)
        XCTAssertEqual(model.state.summary?.passed, true)
        XCTAssertEqual(model.state.taskId, task.id)
        XCTAssertNil(model.state.error)
        guard case .verdict(let verdict)? = model.state.transcript.items.last else {
            return XCTFail("no verdict card")
        }
        XCTAssertTrue(verdict.passed)
    }

    @MainActor
    func testAssistantInstructionOnTheWorkspace() async throws {
        let workspace = try await OffMain.run {
            try Workspace.inMemory(seed: 7, scaleName: "default")
        }
        let client = WorkspaceClient(workspace: workspace)
        let call: (String, String) -> String = { id, name in
            "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"\(id)\",\"type\":\"function\","
                + "\"function\":{\"name\":\"gmail_create_label\",\"arguments\":\"{\\\"name\\\":\\\"\(name)\\\"}\"}}]}"
        }
        let script = "[" + call("a", "Zeta-One") + "," + call("b", "Zeta-Two") + ",{\"role\":\"assistant\",\"content\":\"Done.\"}]"
        let agent = try await OffMain.run {
            try Agent.replay(messagesJson: script)
        }
        let model = AssistantModel()
        XCTAssertTrue(model.ask(agent: agent, workspace: client, instruction: "Make two labels"))
        await model.settle()
        XCTAssertEqual(model.state.summary?.stop, "final")
        XCTAssertEqual(model.state.summary?.toolCalls, 2)
        // The workspace's revision moves once the episode has ended.
        for _ in 0..<100 where client.revision == 0 {
            try await Task.sleep(nanoseconds: 10_000_000)
        }
        XCTAssertGreaterThan(client.revision, 0)
        let labels = try await client.get("/gmail/v1/users/me/labels")
        XCTAssertTrue(labels.contains("Zeta-One") && labels.contains("Zeta-Two"))
    }

    // MARK: - Benchmarks

    @MainActor
    func testBenchmarkProgressThenResumedRun() async throws {
        let library = try await Env0KitTests.library()
        let dir = try Env0KitTests.temporaryDirectory().appendingPathComponent("runs/oracle").path
        let selection = BenchmarkSelection(split: nil, family: "gmail", template: nil, limit: 4, k: 1)

        // First run: cancelled from the listener once two pairs are written.
        let bench = try await Benchmark.prepare(library: library, agent: Agent.oracle(), outDir: dir, selection: selection)
        XCTAssertEqual(bench.size(), 4)
        let canceller = CancelAtTwo()
        let first = try BenchmarkRun(start: { listener in
            canceller.inner = listener
            let handle = try bench.start(listener: canceller)
            canceller.set(handle)
            return handle
        })
        let firstSummary = try await first.result()
        XCTAssertTrue(firstSummary.cancelled)
        XCTAssertEqual(firstSummary.rows, 2)
        XCTAssertEqual(firstSummary.remaining, 2)

        // Second run, through the screen's model: resumes and finishes the other two.
        let again = try await Benchmark.prepare(library: library, agent: Agent.oracle(), outDir: dir, selection: selection)
        let model = BenchmarkModel()
        XCTAssertTrue(model.start(benchmark: again))
        await model.settle()
        let state = model.state
        XCTAssertNil(state.error)
        let summary = try XCTUnwrap(state.summary)
        XCTAssertEqual(summary.rows, 4)
        XCTAssertEqual(summary.newRows, 2)
        XCTAssertEqual(summary.overall.passRate, 1.0)
        XCTAssertEqual(state.finished.count, 2)
        let progress = try XCTUnwrap(state.progress)
        XCTAssertEqual(progress.resumed, 2)
        XCTAssertEqual(progress.done, 2)
        XCTAssertEqual(progress.passRate, 1.0)
        XCTAssertGreaterThan(progress.passLow, 0)
        XCTAssertEqual(progress.passHigh, 1.0)

        let lines = try String(contentsOfFile: summary.resultsPath, encoding: .utf8)
            .split(separator: "\n")
            .filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        XCTAssertEqual(lines.count, 4)
        XCTAssertTrue(FileManager.default.fileExists(atPath: summary.reportPath))
    }

    // MARK: - Errors

    func testTypedErrors() async throws {
        do {
            _ = try await OffMain.run {
                try TaskLibrary.open(dir: "/no/such/task/set")
            }
            XCTFail("a missing task set was opened")
        } catch let error as Env0KitError {
            guard case .notFound = error else {
                return XCTFail("expected notFound, got \(error)")
            }
        }

        do {
            _ = try await OffMain.run {
                try Workspace.inMemory(seed: 1, scaleName: "huge")
            }
            XCTFail("an unknown scale was accepted")
        } catch let error as Env0KitError {
            guard case .invalidArgument(let detail) = error else {
                return XCTFail("expected invalidArgument, got \(error)")
            }
            XCTAssertTrue(detail.contains("huge"))
            XCTAssertEqual(error.errorDescription, "Invalid input: " + detail)
        }

        let library = try await Env0KitTests.library()
        do {
            _ = try await Agent.oracle().startTask(library: library, taskId: "no-such-task")
            XCTFail("an unknown task was started")
        } catch let error as Env0KitError {
            guard case .notFound = error else {
                return XCTFail("expected notFound, got \(error)")
            }
        }

        let dir = try Env0KitTests.temporaryDirectory()
        do {
            let zero = BenchmarkSelection(split: "eval", family: nil, template: nil, limit: 1, k: 0)
            _ = try await Benchmark.prepare(library: library, agent: Agent.oracle(), outDir: dir.path, selection: zero)
            XCTFail("k = 0 was accepted")
        } catch let error as Env0KitError {
            guard case .invalidArgument = error else {
                return XCTFail("expected invalidArgument, got \(error)")
            }
        }

        let workspace = try await OffMain.run {
            try Workspace.inMemory(seed: 1, scaleName: "empty")
        }
        do {
            _ = try await Agent.oracle().startInstruction(workspace: workspace, instruction: "  ")
            XCTFail("an empty instruction was accepted")
        } catch let error as Env0KitError {
            guard case .invalidArgument = error else {
                return XCTFail("expected invalidArgument, got \(error)")
            }
        }

        let storePath = dir.appendingPathComponent("models").path
        let store = try await OffMain.run {
            try ModelStore.open(dir: storePath)
        }
        let notModel = dir.appendingPathComponent("x.gguf")
        try Data("hello".utf8).write(to: notModel)
        do {
            _ = try await store.inspect(modelPath: notModel.path)
            XCTFail("a text file passed as a GGUF")
        } catch let error as Env0KitError {
            guard case .invalidArgument = error else {
                return XCTFail("expected invalidArgument, got \(error)")
            }
        }
        let options = LocalOptions(context: 2048, dtype: nil, temperature: 0, enableThinking: nil)
        do {
            _ = try await store.awaitAgent(modelId: "0123456789abcdef", adapterId: nil, options: options)
            XCTFail("an unknown model was loaded")
        } catch let error as Env0KitError {
            guard case .notFound = error else {
                return XCTFail("expected notFound, got \(error)")
            }
        }

        // A refused import ends its stream in `failed`, with nothing copied.
        let updates = await Env0KitTests.collect(store.importModelUpdates(path: notModel.path))
        guard case .failed(.invalidArgument)? = updates.last else {
            return XCTFail("expected a failed import, got \(updates)")
        }
        let records = try await store.records()
        XCTAssertTrue(records.isEmpty)
    }

    func testEncodings() {
        XCTAssertEqual(Query.encode("in:inbox from:a+b"), "in%3Ainbox%20from%3Aa%2Bb")
        let text = "Héllo?>"
        let encoded = Base64URL.encode(Data(text.utf8))
        XCTAssertFalse(encoded.contains("=") || encoded.contains("+") || encoded.contains("/"))
        XCTAssertEqual(Base64URL.decode(encoded).map { String(decoding: $0, as: UTF8.self) }, text)
        XCTAssertEqual(DriveAPI.quoted("it's"), "'it\\'s'")
        XCTAssertEqual(MailAPI.encodedHeader("plain"), "plain")
        XCTAssertTrue(MailAPI.encodedHeader("Café").hasPrefix("=?UTF-8?B?"))
    }

    @MainActor
    func testSettingsPersist() {
        let suite = "env0kit-tests-" + UUID().uuidString
        guard let defaults = UserDefaults(suiteName: suite) else {
            return XCTFail("no defaults suite")
        }
        defer { defaults.removePersistentDomain(forName: suite) }
        let settings = SettingsModel(defaults: defaults)
        XCTAssertEqual(settings.worldSeed, 42)
        settings.worldSeed = 7
        settings.worldScale = "large"
        settings.temperature = 0.5
        settings.contextLength = 0
        settings.activeModelId = "abc"
        let reread = SettingsModel(defaults: defaults)
        XCTAssertEqual(reread.worldSeed, 7)
        XCTAssertEqual(reread.worldScale, "large")
        XCTAssertEqual(reread.temperature, 0.5)
        XCTAssertNil(reread.localOptions.context)
        XCTAssertEqual(reread.activeModelId, "abc")
    }
}

/// Holds the episode inside the listener after its first tool result until released, so a
/// cancel lands before the next model call (as the Kotlin binding test does with latches).
final class GateAfterFirstResult: EpisodeListener, @unchecked Sendable {
    var inner: EpisodeListener?
    private let firstResult = DispatchSemaphore(value: 0)
    private let released = DispatchSemaphore(value: 0)
    private var seen = false

    func onEvent(event: EpisodeEvent) {
        inner?.onEvent(event: event)
        if case .toolResult = event, !seen {
            seen = true
            firstResult.signal()
            _ = released.wait(timeout: .now() + 30)
        }
    }

    func waitForFirstResult() async -> Bool {
        let semaphore = firstResult
        let reached = try? await OffMain.run {
            semaphore.wait(timeout: .now() + 60) == .success
        }
        return reached ?? false
    }

    func release() {
        released.signal()
    }
}

/// Cancels its benchmark from the listener once two pairs are done.
final class CancelAtTwo: BenchmarkListener, @unchecked Sendable {
    var inner: BenchmarkListener?
    private let lock = NSLock()
    private var handle: BenchmarkHandle?

    func set(_ handle: BenchmarkHandle) {
        lock.lock()
        self.handle = handle
        lock.unlock()
    }

    func onProgress(progress: BenchmarkProgress) {
        inner?.onProgress(progress: progress)
        if progress.done == 2 {
            lock.lock()
            let running = handle
            lock.unlock()
            running?.cancel()
        }
    }
}
