import Foundation

/// Building request paths for the world's REST API.
public enum Query {
    /// RFC 3986 unreserved characters, ASCII only: everything else is percent-encoded.
    private static let unreserved = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"
    )

    /// `value` percent-encoded for a query value or a path segment.
    public static func encode(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: unreserved) ?? value
    }

    /// `name=value&…` with every value percent-encoded.
    public static func string(_ items: [(String, String)]) -> String {
        items.map { item in item.0 + "=" + encode(item.1) }.joined(separator: "&")
    }

    /// `base?name=value&…`.
    public static func path(_ base: String, _ items: [(String, String)]) -> String {
        items.isEmpty ? base : base + "?" + string(items)
    }
}

/// Base64url (RFC 4648 §5), as Gmail uses for message bodies and raw messages.
public enum Base64URL {
    /// `data` in base64url without padding.
    public static func encode(_ data: Data) -> String {
        data.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// The bytes of base64url (or plain base64) text, padded or not; nil when it is not base64.
    public static func decode(_ text: String) -> Data? {
        var plain = text
            .trimmingCharacters(in: .whitespacesAndNewlines)
            .replacingOccurrences(of: "-", with: "+")
            .replacingOccurrences(of: "_", with: "/")
        let remainder = plain.count % 4
        if remainder > 0 {
            plain += String(repeating: "=", count: 4 - remainder)
        }
        return Data(base64Encoded: plain, options: .ignoreUnknownCharacters)
    }
}

/// JSON helpers for request bodies.
public enum JSONBody {
    /// `object` (a dictionary of JSON values) as JSON text.
    public static func make(_ object: [String: Any]) -> String {
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else {
            return "{}"
        }
        return String(decoding: data, as: UTF8.self)
    }
}
