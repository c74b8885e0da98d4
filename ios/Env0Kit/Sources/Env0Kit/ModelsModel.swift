import Foundation
import Observation

/// The Models screen's state: the store's entries, a picked file's inspection, an import with
/// progress and cancel, checksum verification, and the local model loaded for the Assistant and
/// the Benchmark.
@MainActor
@Observable
public final class ModelsModel {
    /// What a file or folder picked for import turned out to be: `info`, or the `problem` that
    /// keeps env0 from running it.
    public struct Inspection: Equatable {
        public var url: URL
        public var isAdapter: Bool
        public var info: ModelInfo?
        public var problem: String?

        public init(url: URL, isAdapter: Bool, info: ModelInfo?, problem: String?) {
            self.url = url
            self.isAdapter = isAdapter
            self.info = info
            self.problem = problem
        }
    }

    /// The generated binding's models directory.
    public let store: ModelStore

    /// Every entry, oldest import first.
    public private(set) var records: [ModelRecord] = []
    /// The last verification of each entry (true: every sha256 matches).
    public private(set) var verified: [String: Bool] = [:]
    /// Entries being verified now.
    public private(set) var verifying: Set<String> = []
    /// The picked file's inspection, until imported or dismissed.
    public private(set) var inspection: Inspection?
    public private(set) var inspecting: Bool = false
    public private(set) var importing: Bool = false
    /// 0.0 to 1.0 while importing.
    public private(set) var importFraction: Double = 0
    /// The entry the last import made.
    public private(set) var lastImported: ModelRecord?
    public private(set) var loading: Bool = false
    /// The stage of the load in progress (`checking`, `loading`, `ready`).
    public private(set) var loadStage: String?
    /// The loaded local model (nil: the screens use the oracle).
    public private(set) var loadedAgent: Agent?
    /// Which model (and adapter) `loadedAgent` is.
    public private(set) var loadedLabel: String?
    /// The last failure, for the user.
    public var error: String?

    @ObservationIgnored private var importTask: Task<Void, Never>?

    public init(store: ModelStore) {
        self.store = store
    }

    /// Reads the store's entries again.
    public func refresh() async {
        do {
            records = try await store.records()
        } catch {
            self.error = describeError(error)
        }
    }

    /// Checks a picked GGUF file (or adapter folder) without copying it. `url` may be
    /// security-scoped (from a file importer): access is taken for the check and given back.
    public func inspect(url: URL, isAdapter: Bool) async {
        inspecting = true
        error = nil
        let scoped = url.startAccessingSecurityScopedResource()
        defer {
            if scoped {
                url.stopAccessingSecurityScopedResource()
            }
        }
        do {
            let info: ModelInfo
            if isAdapter {
                info = try await store.inspect(adapterDir: url.path)
            } else {
                info = try await store.inspect(modelPath: url.path)
            }
            inspection = Inspection(url: url, isAdapter: isAdapter, info: info, problem: nil)
        } catch {
            let problem: String
            if let kit = error as? Env0KitError {
                problem = kit.detail.isEmpty ? kit.describe() : kit.detail
            } else {
                problem = describeError(error)
            }
            inspection = Inspection(url: url, isAdapter: isAdapter, info: nil, problem: problem)
        }
        inspecting = false
    }

    /// Forgets the picked file.
    public func dismissInspection() {
        inspection = nil
    }

    /// Imports the inspected file or folder under `name` (nil: its file or folder name), with
    /// progress; the security-scoped access is held until the import ends.
    public func importInspected(name: String? = nil) {
        guard let picked = inspection, picked.info != nil, !importing else {
            return
        }
        importing = true
        importFraction = 0
        error = nil
        let store = self.store
        importTask = Task { @MainActor in
            let url = picked.url
            let scoped = url.startAccessingSecurityScopedResource()
            let updates: AsyncStream<ImportUpdate>
            if picked.isAdapter {
                updates = store.importAdapterUpdates(dir: url.path, name: name)
            } else {
                updates = store.importModelUpdates(path: url.path, name: name)
            }
            for await update in updates {
                switch update {
                case .copying(let copied, let total):
                    self.importFraction = ImportUpdate.fractionOf(copiedBytes: copied, totalBytes: total)
                case .done(let record):
                    self.lastImported = record
                    self.inspection = nil
                case .failed(let failure):
                    self.error = failure.describe()
                }
            }
            if scoped {
                url.stopAccessingSecurityScopedResource()
            }
            self.importing = false
            await self.refresh()
        }
    }

    /// Cancels the import in progress; nothing of it stays in the store.
    public func cancelImport() {
        importTask?.cancel()
    }

    /// Re-hashes entry `id`'s files.
    public func verify(id: String) async {
        verifying.insert(id)
        do {
            verified[id] = try await store.verifyFiles(id: id)
        } catch {
            self.error = describeError(error)
        }
        verifying.remove(id)
    }

    /// Deletes entry `id` (and unloads it when it is the loaded model).
    public func remove(id: String) async {
        do {
            try await store.delete(id: id)
            verified[id] = nil
            if let label = loadedLabel, label == id || label.hasPrefix(id + "+") || label.hasSuffix("+" + id) {
                unload()
            }
        } catch {
            self.error = describeError(error)
        }
        await refresh()
    }

    /// Loads model `modelId` (with adapter `adapterId`) for the local backend, showing its
    /// stages. A build without the local backend ends in `error` with the reason (Unsupported).
    public func load(modelId: String, adapterId: String?, options: LocalOptions) async {
        guard !loading else {
            return
        }
        loading = true
        loadStage = nil
        error = nil
        do {
            let agent = try await store.awaitAgent(
                modelId: modelId,
                adapterId: adapterId,
                options: options,
                onStage: { stage in
                    Task { @MainActor in
                        self.loadStage = stage
                    }
                }
            )
            loadedAgent = agent
            if let adapter = adapterId {
                loadedLabel = modelId + "+" + adapter
            } else {
                loadedLabel = modelId
            }
        } catch {
            self.error = describeError(error)
        }
        loading = false
    }

    /// Drops the loaded model (the screens fall back to the oracle).
    public func unload() {
        loadedAgent = nil
        loadedLabel = nil
        loadStage = nil
    }
}
