import Foundation

/// A typed env0 failure, mapped from the generated `Env0Error`, with a one-line description for
/// the user. Every async API of Env0Kit throws this for an env0 error (besides `ApiError` for a
/// non-2xx answer of the world, `DecodingError` for an answer of an unexpected shape, and
/// `CancellationError`).
public enum Env0KitError: Error, Equatable, LocalizedError {
    /// An argument from the caller is wrong (an unknown method, malformed JSON, a bad scale).
    case invalidArgument(String)
    /// What the caller named does not exist (a snapshot, a task, a model, a world file).
    case notFound(String)
    /// A file could not be read or written, or is not what it should be.
    case storage(String)
    /// This build lacks what the call needs (the local model backend).
    case unsupported(String)
    /// The work was cancelled.
    case cancelled
    /// A bug in env0 (a panic, a poisoned lock); the object may be unusable afterwards.
    case internalError(String)

    /// The same failure as `error`.
    public init(_ error: Env0Error) {
        switch error {
        case .InvalidArgument(let detail):
            self = .invalidArgument(detail)
        case .NotFound(let detail):
            self = .notFound(detail)
        case .Storage(let detail):
            self = .storage(detail)
        case .Unsupported(let detail):
            self = .unsupported(detail)
        case .Cancelled:
            self = .cancelled
        case .Internal(let detail):
            self = .internalError(detail)
        }
    }

    /// `error` as an `Env0KitError`: itself, a mapped `Env0Error`, or `internalError` with its text.
    public static func from(_ error: Error) -> Env0KitError {
        if let kit = error as? Env0KitError {
            return kit
        }
        if let ffi = error as? Env0Error {
            return Env0KitError(ffi)
        }
        return .internalError(String(describing: error))
    }

    /// A one-line reason for the user (what Kotlin's `Env0Exception.describe()` says).
    public func describe() -> String {
        switch self {
        case .invalidArgument(let detail):
            return "Invalid input: \(detail)"
        case .notFound(let detail):
            return "Not found: \(detail)"
        case .storage(let detail):
            return "Storage problem: \(detail)"
        case .unsupported(let detail):
            return "Not supported here: \(detail)"
        case .cancelled:
            return "Cancelled"
        case .internalError(let detail):
            return "Internal error: \(detail)"
        }
    }

    public var errorDescription: String? {
        describe()
    }

    /// The detail text alone (empty for `cancelled`).
    public var detail: String {
        switch self {
        case .invalidArgument(let detail), .notFound(let detail), .storage(let detail),
             .unsupported(let detail), .internalError(let detail):
            return detail
        case .cancelled:
            return ""
        }
    }
}

/// A non-2xx answer of the world's API where the caller asked for a successful one, or a Slack
/// answer with `"ok": false` (then `status` is 200 and `reason` is Slack's error code).
public struct ApiError: Error, Equatable, LocalizedError {
    /// The HTTP status of the answer.
    public let status: Int
    /// The answer's JSON body.
    public let body: String

    public init(status: Int, body: String) {
        self.status = status
        self.body = body
    }

    /// The message of a Google error envelope (`{"error": {"message": …}}`) or Slack's error
    /// code (`{"ok": false, "error": "channel_not_found"}`), when the body has one.
    public var reason: String? {
        guard let data = body.data(using: .utf8),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else {
            return nil
        }
        if let slack = object["error"] as? String {
            return slack
        }
        if let google = object["error"] as? [String: Any], let message = google["message"] as? String {
            return message
        }
        return nil
    }

    public var errorDescription: String? {
        if let reason = reason {
            return "The workspace answered \(status): \(reason)"
        }
        return "The workspace answered \(status): \(String(body.prefix(300)))"
    }
}

/// A one-line reason for the user from any error Env0Kit throws.
public func describeError(_ error: Error) -> String {
    if let kit = error as? Env0KitError {
        return kit.describe()
    }
    if let ffi = error as? Env0Error {
        return Env0KitError(ffi).describe()
    }
    if error is CancellationError {
        return "Cancelled"
    }
    if error is DecodingError {
        return "The workspace answered in an unexpected shape: \(error)"
    }
    return error.localizedDescription
}
