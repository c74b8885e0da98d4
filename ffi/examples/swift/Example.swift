import Foundation

// Events arrive on the episode's Rust thread: hop to the main actor before touching views.
final class Log: EpisodeListener {
    func onEvent(event: EpisodeEvent) {
        switch event {
        case .toolCall(_, let name, let argumentsJson, _):
            print("tool \(name) \(argumentsJson)")
        case .finished(let stop, let reward):
            print("finished: \(stop), reward \(reward)")
        default:
            break
        }
    }
}

final class Progress: BenchmarkListener {
    func onProgress(progress: BenchmarkProgress) {
        print("\(progress.done)/\(progress.todo)")
    }
}

final class Stages: LoadListener {
    func onStage(stage: String) {
        print("model: \(stage)")
    }
}

// Call from a background task: join() blocks until the work on the Rust thread ends.
func example(tasksDir: String, appFiles: URL) throws {
    // The user's workspace: a world file in the app's storage.
    let ws = try Workspace.create(path: appFiles.appendingPathComponent("world.env0").path, seed: 42, scaleName: "default")
    try ws.saveSnapshot(name: "before")
    let reply = try ws.call(method: "POST", path: "/gmail/v1/users/me/labels", bodyJson: "{\"name\": \"Receipts\"}", user: nil)
    print(reply.status, try ws.diffSince(name: "before").map { $0.collection })

    // One task of the bundled task set, run by the oracle.
    let library = try TaskLibrary.open(dir: tasksDir)
    let task = library.list(filter: TaskFilter(family: "gcal", split: "eval", template: nil))[0]
    let summary = try Agent.oracle().runTask(library: library, taskId: task.id, listener: Log()).join()
    print(task.id, summary.stop, summary.passed)

    // A benchmark that resumes where a cancelled or killed run stopped.
    let selection = BenchmarkSelection(split: "eval", family: nil, template: nil, limit: 6, k: 1)
    let bench = try Benchmark(library: library, agent: Agent.oracle(), outDir: appFiles.appendingPathComponent("runs/oracle").path, selection: selection)
    let result = try bench.start(listener: Progress()).join()
    print("pass \(result.overall.passed)/\(result.overall.n) (95 % CI \(result.overall.passLow)...\(result.overall.passHigh))")

    // The Assistant: a local model from the store acting on the user's own workspace.
    let store = try ModelStore.open(dir: appFiles.appendingPathComponent("models").path)
    guard let model = try store.list().first(where: { $0.info.kind == "gguf" }) else { return }
    let options = LocalOptions(context: 4096, dtype: nil, temperature: 0, enableThinking: false)
    do {
        let agent = try store.loadAgent(modelId: model.id, adapterId: nil, options: options, listener: Stages()).join()
        _ = try agent.runInstruction(workspace: ws, instruction: "Label the mail from Dana as Receipts", listener: Log()).join()
    } catch Env0Error.Unsupported(let detail) {
        print("this build has no local backend: \(detail)")
    }
}
