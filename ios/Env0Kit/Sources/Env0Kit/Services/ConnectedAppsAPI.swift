import Foundation

/// The identity service's connected-apps calls (`/auth/v1/apps`): which third-party apps hold
/// which of the user's scopes, and revoking a scope.
public enum ConnectedAppsAPI {
    public struct Scope: Decodable, Hashable {
        public let scope: String
        public let description: String?
        /// `read`, `write` or `full`.
        public let access: String?
    }

    public struct App: Decodable, Identifiable, Hashable {
        public let clientId: String
        public let name: String?
        public let publisher: String?
        public let verified: Bool?
        public let scopes: [Scope]?
        public let grantedAt: String?
        public let lastUsed: String?
        public let daysSinceLastUsed: Int?
        public let activeTokens: Int?

        public var id: String {
            clientId
        }

        public var title: String {
            name ?? clientId
        }
    }

    struct AppList: Decodable {
        let apps: [App]?
    }

    public static let appsPath = "/auth/v1/apps"

    /// Revokes one scope of app `clientId`.
    public static func revokeScopePath(clientId: String) -> String {
        "/auth/v1/apps/" + Query.encode(clientId) + "/revokeScope"
    }

    /// The identity service's keys are snake_case.
    static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }
}

extension WorkspaceClient {
    /// The apps connected to the user's account.
    public func connectedApps() async throws -> [ConnectedAppsAPI.App] {
        let body = try await get(ConnectedAppsAPI.appsPath)
        return try ConnectedAppsAPI.decoder().decode(ConnectedAppsAPI.AppList.self, from: Data(body.utf8)).apps ?? []
    }

    /// Takes `scope` away from app `clientId`.
    public func revokeScope(clientId: String, scope: String) async throws {
        try await send("POST", ConnectedAppsAPI.revokeScopePath(clientId: clientId), body: JSONBody.make(["scope": scope]))
    }
}
