import Env0Kit
import Foundation
import Observation

/// Where the app keeps its files: everything under Application Support/env0.
struct AppPaths {
    let root: URL

    /// The world files, one per generation (a recreated world gets the next one).
    var worlds: URL {
        root.appendingPathComponent("worlds", isDirectory: true)
    }

    /// Benchmark runs: one directory per agent and selection (run.json, results.jsonl, report.md).
    var runs: URL {
        root.appendingPathComponent("runs", isDirectory: true)
    }

    /// The model store.
    var models: URL {
        root.appendingPathComponent("models", isDirectory: true)
    }

    func worldFile(generation: Int) -> URL {
        worlds.appendingPathComponent("world-\(generation).env0")
    }

    /// The snapshot file of a generation's world as it was created: what Reset restores, in
    /// any later launch. Its name starts with the world file's, so it goes with it.
    func resetFile(generation: Int) -> URL {
        worlds.appendingPathComponent("world-\(generation).env0.initial")
    }

    /// Application Support/env0 of this app.
    static func standard() throws -> AppPaths {
        let support = try FileManager.default.url(
            for: .applicationSupportDirectory,
            in: .userDomainMask,
            appropriateFor: nil,
            create: true
        )
        return AppPaths(root: support.appendingPathComponent("env0", isDirectory: true))
    }

    func createDirectories() throws {
        for dir in [root, worlds, runs, models] {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        }
    }

    /// Removes the world files of every generation but `keep` (with their WAL and shared-memory
    /// files): worlds left behind by a recreate, removed at the next launch, once nothing has
    /// them open.
    func removeOldWorlds(keep: Int) throws {
        let keepName = worldFile(generation: keep).lastPathComponent
        let names = try FileManager.default.contentsOfDirectory(atPath: worlds.path)
        for name in names where name.hasPrefix("world-") && !name.hasPrefix(keepName) {
            try? FileManager.default.removeItem(at: worlds.appendingPathComponent(name))
        }
    }

    /// Removes a world file and its WAL and shared-memory files, if any.
    static func removeWorld(at file: URL) {
        for suffix in ["", "-wal", "-shm"] {
            let path = file.path + suffix
            if FileManager.default.fileExists(atPath: path) {
                try? FileManager.default.removeItem(atPath: path)
            }
        }
    }
}

/// The app's state: the user's world, the bundled task library, the model store and the
/// screens' models. Everything that touches the FFI runs off the main thread.
@MainActor
@Observable
final class AppModel {
    enum Phase: Equatable {
        case starting
        case ready
        case failed(String)
    }

    /// The task splits and families of tasks-lite (tasks-lite/README.md).
    static let splits: [String] = ["train", "eval", "heldout_template", "heldout_params", "heldout_phrasing"]
    static let families: [String] = ["auth", "gcal", "gdoc", "gdrive", "gmail", "multi", "slack"]

    private(set) var phase: Phase = .starting
    let settings: SettingsModel
    let assistant: AssistantModel
    let benchmark: BenchmarkModel
    private(set) var workspace: WorkspaceClient?
    private(set) var library: TaskLibrary?
    private(set) var models: ModelsModel?
    private(set) var oracle: Agent?
    private(set) var paths: AppPaths?
    private(set) var recreating: Bool = false
    /// The last failure of an app-level action (reset, recreate), for the user.
    var error: String?

    init() {
        settings = SettingsModel()
        assistant = AssistantModel()
        benchmark = BenchmarkModel()
    }

    /// The agent the Assistant and the Benchmark use: the loaded local model, else the oracle.
    var agent: Agent? {
        models?.loadedAgent ?? oracle
    }

    /// Whether `agent` is the oracle.
    var usesOracle: Bool {
        models?.loadedAgent == nil
    }

    /// What `agent` is, for the user.
    var agentName: String {
        if let label = models?.loadedLabel, models?.loadedAgent != nil {
            return "local model " + label
        }
        return "oracle"
    }

    /// Opens (or, on first launch, creates) the world in Application Support, with its reset
    /// file when it is new; opens the bundled task library and the model store.
    func start() async {
        guard phase != .ready else {
            return
        }
        phase = .starting
        do {
            let found = try await OffMain.run { () throws -> AppPaths in
                let paths = try AppPaths.standard()
                try paths.createDirectories()
                return paths
            }
            paths = found
            let generation = settings.worldGeneration
            try? await OffMain.run {
                try found.removeOldWorlds(keep: generation)
            }
            let worldPath = found.worldFile(generation: generation).path
            let fresh = !FileManager.default.fileExists(atPath: worldPath)
            let client = try await WorkspaceClient.openOrCreate(
                path: worldPath,
                seed: settings.worldSeed,
                scale: settings.worldScale
            )
            if fresh {
                try await client.saveSnapshotFile(found.resetFile(generation: generation).path)
            }
            guard let tasksDir = Bundle.main.url(forResource: "tasks-lite", withExtension: nil) else {
                throw Env0KitError.notFound("tasks-lite is not in the app bundle")
            }
            let modelsDir = found.models.path
            let opened = try await OffMain.run { () throws -> (TaskLibrary, ModelStore, Agent) in
                let library = try TaskLibrary.open(dir: tasksDir.path)
                let store = try ModelStore.open(dir: modelsDir)
                return (library, store, Agent.oracle())
            }
            workspace = client
            library = opened.0
            let modelsModel = ModelsModel(store: opened.1)
            models = modelsModel
            oracle = opened.2
            phase = .ready
            await modelsModel.refresh()
        } catch {
            phase = .failed(describeError(error))
        }
    }

    /// Puts the workspace back to how it was created: its reset file, or, for a world that has
    /// none, a new world from the same seed and scale.
    func resetWorkspace() async {
        guard let client = workspace, let found = paths else {
            return
        }
        let reset = found.resetFile(generation: settings.worldGeneration)
        guard FileManager.default.fileExists(atPath: reset.path) else {
            await recreateWorld(seed: settings.worldSeed, scale: settings.worldScale)
            return
        }
        do {
            try await client.restoreSnapshotFile(reset.path)
        } catch {
            self.error = describeError(error)
        }
    }

    /// Replaces the user's world with a new one seeded from `seed` at `scale` (in a new file:
    /// the old one is removed at the next launch). Refused while the Assistant runs.
    func recreateWorld(seed: UInt64, scale: String) async {
        guard let found = paths, !recreating else {
            return
        }
        if assistant.state.running {
            error = "Cancel the Assistant's episode before recreating the world."
            return
        }
        recreating = true
        let next = settings.worldGeneration + 1
        let file = found.worldFile(generation: next)
        do {
            try await OffMain.run {
                AppPaths.removeWorld(at: file)
            }
            let client = try await WorkspaceClient.openOrCreate(path: file.path, seed: seed, scale: scale)
            try await client.saveSnapshotFile(found.resetFile(generation: next).path)
            settings.worldSeed = seed
            settings.worldScale = scale
            settings.worldGeneration = next
            assistant.clear()
            workspace = client
        } catch {
            self.error = describeError(error)
        }
        recreating = false
    }

    /// The run directory of `selection` for the current agent: one per agent and selection, so
    /// that starting the same selection again resumes it.
    func runDirectory(selection: BenchmarkSelection) -> URL? {
        guard let found = paths else {
            return nil
        }
        let agentPart = usesOracle ? "oracle" : "local-" + (models?.loadedLabel ?? "model")
        let limitPart = selection.limit.map { String($0) } ?? "all"
        let parts = [
            agentPart,
            selection.split ?? "all-splits",
            selection.family ?? "all-families",
            "n" + limitPart,
            "k" + String(selection.k),
        ]
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.+")
        let name = String(parts.joined(separator: "-").map { allowed.contains($0) ? $0 : "_" })
        return found.runs.appendingPathComponent(name, isDirectory: true)
    }
}
