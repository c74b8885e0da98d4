import Foundation

/// An import's progress, then exactly one of `done` or `failed`.
public enum ImportUpdate: Equatable {
    case copying(copiedBytes: UInt64, totalBytes: UInt64)
    case done(ModelRecord)
    case failed(Env0KitError)

    /// For `copying`: 0.0 to 1.0; nil for the other cases.
    public var fraction: Double? {
        if case .copying(let copied, let total) = self {
            return ImportUpdate.fractionOf(copiedBytes: copied, totalBytes: total)
        }
        return nil
    }

    /// `copied / total` as 0.0 to 1.0 (0 when the total is unknown).
    public static func fractionOf(copiedBytes: UInt64, totalBytes: UInt64) -> Double {
        if totalBytes == 0 {
            return 0
        }
        return min(1, Double(copiedBytes) / Double(totalBytes))
    }
}

#if compiler(>=6)
extension ImportUpdate: Sendable {}
#endif

/// Receives import progress on the import's Rust thread.
final class ImportForwarder: ImportListener, @unchecked Sendable {
    private let report: @Sendable (UInt64, UInt64) -> Void

    init(_ report: @escaping @Sendable (UInt64, UInt64) -> Void) {
        self.report = report
    }

    func onProgress(copiedBytes: UInt64, totalBytes: UInt64) {
        report(copiedBytes, totalBytes)
    }
}

/// Receives a model load's stages on the load's Rust thread.
final class StageForwarder: LoadListener, @unchecked Sendable {
    private let report: @Sendable (String) -> Void

    init(_ report: @escaping @Sendable (String) -> Void) {
        self.report = report
    }

    func onStage(stage: String) {
        report(stage)
    }
}

extension ModelStore {
    /// Imports the GGUF at `path` into the store: the file is checked before anything is copied
    /// (a bad file ends in `failed` with the reason), then copied with progress and hashed.
    /// Making the stream starts the import (off the main thread); ending the iteration early (a
    /// cancelled task, a `break`) cancels it, and nothing of it stays. A slow consumer skips
    /// progress steps, never the last update.
    public func importModelUpdates(path: String, name: String? = nil) -> AsyncStream<ImportUpdate> {
        let store = self
        return ModelStore.importUpdates { listener in
            try store.importModel(path: path, name: name, listener: listener)
        }
    }

    /// Imports a PEFT adapter folder (adapter_config.json + adapter_model.safetensors); as
    /// `importModelUpdates(path:name:)`.
    public func importAdapterUpdates(dir: String, name: String? = nil) -> AsyncStream<ImportUpdate> {
        let store = self
        return ModelStore.importUpdates { listener in
            try store.importAdapter(dir: dir, name: name, listener: listener)
        }
    }

    /// Checks a GGUF without copying it: header, architecture, chat family, not truncated.
    /// A file env0 cannot run throws `invalidArgument` with the reason.
    public func inspect(modelPath: String) async throws -> ModelInfo {
        let store = self
        return try await OffMain.run {
            try store.inspectModel(path: modelPath)
        }
    }

    /// Checks a PEFT adapter folder without copying it.
    public func inspect(adapterDir: String) async throws -> ModelInfo {
        let store = self
        return try await OffMain.run {
            try store.inspectAdapter(dir: adapterDir)
        }
    }

    /// Every entry, oldest import first (off the main thread).
    public func records() async throws -> [ModelRecord] {
        let store = self
        return try await OffMain.run {
            try store.list()
        }
    }

    /// Re-hashes entry `id`'s files: true when every sha256 matches its manifest.
    public func verifyFiles(id: String) async throws -> Bool {
        let store = self
        return try await OffMain.run {
            try store.verify(id: id)
        }
    }

    /// Deletes entry `id`.
    public func delete(id: String) async throws {
        let store = self
        try await OffMain.run {
            try store.remove(id: id)
        }
    }

    /// Loads model `modelId` (with adapter `adapterId`) for the local backend off the main
    /// thread, reporting its stages (`checking`, `loading`, `ready`) to `onStage` on the loading
    /// thread. Throws `Env0KitError.unsupported` in a build without the local backend.
    public func awaitAgent(
        modelId: String,
        adapterId: String?,
        options: LocalOptions,
        onStage: @escaping @Sendable (String) -> Void = { _ in }
    ) async throws -> Agent {
        let store = self
        return try await OffMain.run { () throws -> Agent in
            let handle = try store.loadAgent(
                modelId: modelId,
                adapterId: adapterId,
                options: options,
                listener: StageForwarder(onStage)
            )
            return try handle.join()
        }
    }

    private static func importUpdates(
        start: @escaping @Sendable (ImportListener) throws -> ImportHandle
    ) -> AsyncStream<ImportUpdate> {
        AsyncStream<ImportUpdate>(bufferingPolicy: .bufferingNewest(1)) { continuation in
            let slot = CancelSlot()
            continuation.onTermination = { termination in
                if case .cancelled = termination {
                    slot.cancel()
                }
            }
            OffMain.enqueue {
                let listener = ImportForwarder { copied, total in
                    continuation.yield(.copying(copiedBytes: copied, totalBytes: total))
                }
                do {
                    let handle = try start(listener)
                    if !slot.set({ handle.cancel() }) {
                        // The consumer went away while the import was starting.
                        handle.cancel()
                    }
                    let record = try handle.join()
                    continuation.yield(.done(record))
                } catch {
                    continuation.yield(.failed(Env0KitError.from(error)))
                }
                continuation.finish()
            }
        }
    }
}
