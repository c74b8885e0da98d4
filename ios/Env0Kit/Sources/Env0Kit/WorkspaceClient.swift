import Foundation
import Observation

/// The user's workspace for the app's screens. Every call runs on the FFI queue (never on the
/// main thread), and `revision` moves after anything that may have changed the world, so a
/// screen that reloads on it (`.task(id: client.revision)`) sees a write made elsewhere
/// (another screen, a restore, an Assistant episode).
@MainActor
@Observable
public final class WorkspaceClient {
    /// The generated binding's world object.
    public let workspace: Workspace

    /// Increases after each write through this client, each restore and each Assistant episode.
    public private(set) var revision: Int = 0

    public init(workspace: Workspace) {
        self.workspace = workspace
    }

    /// Opens the world file at `path`, or creates it from `seed` and `scale` when there is none.
    public static func openOrCreate(
        path: String,
        seed: UInt64 = 42,
        scale: String = "default"
    ) async throws -> WorkspaceClient {
        let opened = try await OffMain.run { () throws -> Workspace in
            if FileManager.default.fileExists(atPath: path) {
                return try Workspace.open(path: path)
            }
            return try Workspace.create(path: path, seed: seed, scaleName: scale)
        }
        return WorkspaceClient(workspace: opened)
    }

    /// Marks the world as changed (for writes made around this client).
    public func changed() {
        revision += 1
    }

    /// One request, e.g. `call("GET", "/gmail/v1/users/me/messages?q=is:unread")`. API errors are
    /// answers with their status, not throws. Anything but a GET moves `revision`.
    @discardableResult
    public func call(
        _ method: String,
        _ path: String,
        body: String? = nil,
        user: String? = nil
    ) async throws -> ApiResponse {
        let ws = workspace
        let answer = try await OffMain.run {
            try ws.call(method: method, path: path, bodyJson: body, user: user)
        }
        if method.uppercased() != "GET" {
            changed()
        }
        return answer
    }

    /// The JSON body of a successful GET; any other status throws `ApiError`.
    public func get(_ path: String, user: String? = nil) async throws -> String {
        let answer = try await call("GET", path, body: nil, user: user)
        return try WorkspaceClient.ok(answer)
    }

    /// The JSON body of a successful write; any other status throws `ApiError`.
    @discardableResult
    public func send(_ method: String, _ path: String, body: String?, user: String? = nil) async throws -> String {
        let answer = try await call(method, path, body: body, user: user)
        return try WorkspaceClient.ok(answer)
    }

    /// A successful GET decoded as `type` (Google's camelCase keys).
    public func getDecoded<T: Decodable>(_ type: T.Type, _ path: String) async throws -> T {
        let body = try await get(path)
        return try JSONDecoder().decode(T.self, from: Data(body.utf8))
    }

    /// Saves the world's current state as snapshot `name` (in memory, for this object's lifetime).
    public func saveSnapshot(_ name: String) async throws {
        let ws = workspace
        try await OffMain.run {
            try ws.saveSnapshot(name: name)
        }
    }

    /// Puts the world back to snapshot `name`, exactly; moves `revision`.
    public func restoreSnapshot(_ name: String) async throws {
        let ws = workspace
        try await OffMain.run {
            try ws.restoreSnapshot(name: name)
        }
        changed()
    }

    /// Writes the world's current state to a snapshot file at `path`, atomically: a reset point
    /// that outlives this object and the app (the app saves one when it creates a world).
    public func saveSnapshotFile(_ path: String) async throws {
        let ws = workspace
        try await OffMain.run {
            try ws.saveSnapshotFile(path: path)
        }
    }

    /// Puts the world back to the snapshot file at `path`, exactly; moves `revision`. A missing
    /// file is `notFound` and changes nothing.
    public func restoreSnapshotFile(_ path: String) async throws {
        let ws = workspace
        try await OffMain.run {
            try ws.restoreSnapshotFile(path: path)
        }
        changed()
    }

    /// The names of the snapshots this object holds.
    public func snapshotNames() async throws -> [String] {
        let ws = workspace
        return try await OffMain.run {
            try ws.snapshotNames()
        }
    }

    /// What changed since snapshot `name`, per collection.
    public func diffSince(_ name: String) async throws -> [CollectionChanges] {
        let ws = workspace
        return try await OffMain.run {
            try ws.diffSince(name: name)
        }
    }

    /// Every request the world has seen.
    public func actionLog() async throws -> [ActionRecord] {
        let ws = workspace
        return try await OffMain.run {
            try ws.actionLog()
        }
    }

    /// sha256 of the world's canonical state.
    public func stateHash() async throws -> String {
        let ws = workspace
        return try await OffMain.run {
            try ws.stateHash()
        }
    }

    /// The world's clock (RFC 3339): what "today" is for the Calendar screens.
    public func now() async throws -> String {
        let ws = workspace
        return try await OffMain.run {
            try ws.now()
        }
    }

    /// The Assistant: `agent` acts out `instruction` on this workspace as its primary user. The
    /// world is marked changed when the episode ends, however it ends.
    public func startInstruction(agent: Agent, instruction: String) async throws -> EpisodeRun {
        let run = try await agent.startInstruction(workspace: workspace, instruction: instruction)
        Task { @MainActor in
            _ = try? await run.result()
            self.changed()
        }
        return run
    }

    private static func ok(_ answer: ApiResponse) throws -> String {
        let status = Int(answer.status)
        guard (200...299).contains(status) else {
            throw ApiError(status: status, body: answer.bodyJson)
        }
        return answer.bodyJson
    }
}
