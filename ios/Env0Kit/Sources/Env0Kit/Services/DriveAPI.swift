import Foundation

/// The Drive v3 calls and shapes the Drive screens use.
public enum DriveAPI {
    public static let folderType = "application/vnd.google-apps.folder"
    public static let documentType = "application/vnd.google-apps.document"

    /// The fields a file list asks for.
    public static let fileFields = "files(id,name,mimeType,modifiedTime,owners(emailAddress))"

    public struct Owner: Decodable, Hashable {
        public let emailAddress: String?
    }

    public struct File: Decodable, Identifiable, Hashable {
        public let id: String
        public let name: String?
        public let mimeType: String?
        public let modifiedTime: String?
        public let owners: [Owner]?

        public var title: String {
            name ?? id
        }

        public var isFolder: Bool {
            mimeType == DriveAPI.folderType
        }

        /// A Google Doc (opens in the Docs screen).
        public var isDocument: Bool {
            mimeType == DriveAPI.documentType
        }

        /// A plain-text file (its content can be shown).
        public var isText: Bool {
            (mimeType ?? "").hasPrefix("text/")
        }

        public var ownerEmail: String? {
            owners?.first?.emailAddress
        }

        public var modified: Date? {
            modifiedTime.flatMap { CalendarAPI.parseTime($0) }
        }
    }

    struct FileList: Decodable {
        let files: [File]?
    }

    public struct Permission: Decodable, Identifiable, Hashable {
        public let id: String
        /// `owner`, `organizer`, `fileOrganizer`, `writer`, `commenter` or `reader`.
        public let role: String?
        /// `user`, `group`, `domain` or `anyone` (Drive's `type`).
        public let granteeType: String?
        public let emailAddress: String?

        enum CodingKeys: String, CodingKey {
            case id
            case role
            case granteeType = "type"
            case emailAddress
        }

        /// Who the permission is for.
        public var label: String {
            if let email = emailAddress {
                return email
            }
            if granteeType == "anyone" {
                return "Anyone with the link"
            }
            return granteeType ?? id
        }
    }

    struct PermissionList: Decodable {
        let permissions: [Permission]?
    }

    /// `value` quoted for Drive's query language (backslash and quote escaped).
    public static func quoted(_ value: String) -> String {
        let escaped = value
            .replacingOccurrences(of: "\\", with: "\\\\")
            .replacingOccurrences(of: "'", with: "\\'")
        return "'" + escaped + "'"
    }

    /// The files directly in folder `folderId` (`root`: My Drive), trash left out.
    public static func childrenQuery(folderId: String) -> String {
        quoted(folderId) + " in parents and trashed=false"
    }

    /// The files whose name or content contains `text`, trash left out.
    public static func searchQuery(_ text: String) -> String {
        "fullText contains " + quoted(text) + " and trashed=false"
    }

    /// Every Google Doc the user can see, trash left out.
    public static let documentsQuery = "mimeType='" + documentType + "' and trashed=false"

    /// A file list for query `q`.
    public static func listPath(q: String) -> String {
        Query.path("/drive/v3/files", [("q", q), ("fields", fileFields)])
    }

    /// Who file `id` is shared with.
    public static func permissionsPath(fileId: String) -> String {
        Query.path(
            "/drive/v3/files/" + Query.encode(fileId) + "/permissions",
            [("fields", "permissions(id,role,type,emailAddress)")]
        )
    }

    /// The content of file `id` (`alt=media`).
    public static func contentPath(fileId: String) -> String {
        "/drive/v3/files/" + Query.encode(fileId) + "?alt=media"
    }

    /// Folders first, then by name.
    public static func sorted(_ files: [File]) -> [File] {
        files.sorted { left, right in
            if left.isFolder != right.isFolder {
                return left.isFolder
            }
            return left.title.localizedCaseInsensitiveCompare(right.title) == .orderedAscending
        }
    }
}

extension WorkspaceClient {
    /// The files in folder `folderId` (`root`: My Drive), folders first.
    public func driveFiles(in folderId: String = "root") async throws -> [DriveAPI.File] {
        let list = try await getDecoded(DriveAPI.FileList.self, DriveAPI.listPath(q: DriveAPI.childrenQuery(folderId: folderId)))
        return DriveAPI.sorted(list.files ?? [])
    }

    /// The files whose name or content contains `text`.
    public func driveSearch(_ text: String) async throws -> [DriveAPI.File] {
        let list = try await getDecoded(DriveAPI.FileList.self, DriveAPI.listPath(q: DriveAPI.searchQuery(text)))
        return DriveAPI.sorted(list.files ?? [])
    }

    /// The files matching Drive query `q` (e.g. `DriveAPI.documentsQuery`), folders first.
    public func driveFiles(query q: String) async throws -> [DriveAPI.File] {
        let list = try await getDecoded(DriveAPI.FileList.self, DriveAPI.listPath(q: q))
        return DriveAPI.sorted(list.files ?? [])
    }

    /// Who file `id` is shared with.
    public func drivePermissions(fileId: String) async throws -> [DriveAPI.Permission] {
        let list = try await getDecoded(DriveAPI.PermissionList.self, DriveAPI.permissionsPath(fileId: fileId))
        return list.permissions ?? []
    }

    /// The text of a plain-text file.
    public func driveText(fileId: String) async throws -> String {
        let body = try await get(DriveAPI.contentPath(fileId: fileId))
        let value = try JSONSerialization.jsonObject(with: Data(body.utf8), options: [.fragmentsAllowed])
        if let text = value as? String {
            return text
        }
        return body
    }
}
