import Foundation

/// The Calendar v3 calls and shapes the Calendar screens use. "Today" is the world's clock
/// (`Workspace.now()`), in the primary calendar's time zone, never the device's.
public enum CalendarAPI {
    /// An event's start or end: `dateTime` for a timed event, `date` for an all-day one.
    public struct EventTime: Decodable, Hashable {
        public let dateTime: String?
        public let date: String?
        public let timeZone: String?
    }

    public struct Attendee: Decodable, Hashable {
        public let email: String?
        public let displayName: String?
        /// `needsAction`, `accepted`, `declined` or `tentative`.
        public let responseStatus: String?
        public let isOrganizer: Bool?
        public let isOptional: Bool?
        /// Whether this attendee is the user.
        public let isSelf: Bool?

        enum CodingKeys: String, CodingKey {
            case email
            case displayName
            case responseStatus
            case isOrganizer = "organizer"
            case isOptional = "optional"
            case isSelf = "self"
        }

        /// The display name, else the address.
        public var label: String {
            displayName ?? email ?? "?"
        }
    }

    public struct Person: Decodable, Hashable {
        public let email: String?
        public let displayName: String?

        public var label: String {
            displayName ?? email ?? "?"
        }
    }

    public struct Event: Decodable, Identifiable, Hashable {
        public let id: String
        public let summary: String?
        public let description: String?
        public let location: String?
        public let status: String?
        public let start: EventTime?
        public let end: EventTime?
        public let attendees: [Attendee]?
        public let organizer: Person?
        public let hangoutLink: String?

        /// Whether the event lasts whole days (its start is a date).
        public var isAllDay: Bool {
            start?.date != nil
        }

        /// When it starts, in `zone` for an all-day event.
        public func startDate(in zone: TimeZone) -> Date? {
            CalendarAPI.date(of: start, in: zone)
        }

        /// When it ends, in `zone` for an all-day event.
        public func endDate(in zone: TimeZone) -> Date? {
            CalendarAPI.date(of: end, in: zone)
        }
    }

    struct EventList: Decodable {
        let items: [Event]?
        let timeZone: String?
        let nextPageToken: String?
    }

    struct CalendarInfo: Decodable {
        let id: String?
        let timeZone: String?
    }

    /// Parses RFC 3339 (`2026-03-16T09:30:00-07:00`, `2026-03-16T16:00:00.000Z`).
    public static func parseTime(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) {
            return date
        }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }

    /// `date` as RFC 3339 with `zone`'s offset (`2026-03-16T00:00:00-07:00`).
    public static func rfc3339(_ date: Date, in zone: TimeZone) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = zone
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    /// A Gregorian calendar in `zone`.
    public static func calendar(in zone: TimeZone) -> Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar
    }

    /// Midnight at the start of `date`'s day in `zone`.
    public static func startOfDay(_ date: Date, in zone: TimeZone) -> Date {
        calendar(in: zone).startOfDay(for: date)
    }

    /// `days` days after `date` in `zone` (daylight saving aware).
    public static func adding(days: Int, to date: Date, in zone: TimeZone) -> Date {
        calendar(in: zone).date(byAdding: .day, value: days, to: date) ?? date.addingTimeInterval(Double(days) * 86_400)
    }

    /// A time of `value` (its `dateTime`, or its all-day `date` at midnight in `zone`).
    static func date(of value: EventTime?, in zone: TimeZone) -> Date? {
        guard let value = value else {
            return nil
        }
        if let text = value.dateTime {
            return parseTime(text)
        }
        if let day = value.date {
            let formatter = ISO8601DateFormatter()
            formatter.timeZone = zone
            formatter.formatOptions = [.withFullDate]
            return formatter.date(from: day)
        }
        return nil
    }

    /// The primary calendar's events between `from` and `to`, recurring ones expanded, in order.
    public static func eventsPath(from: Date, to: Date, zone: TimeZone) -> String {
        Query.path("/calendar/v3/calendars/primary/events", [
            ("timeMin", rfc3339(from, in: zone)),
            ("timeMax", rfc3339(to, in: zone)),
            ("singleEvents", "true"),
            ("orderBy", "startTime"),
            ("maxResults", "250"),
        ])
    }

    /// One event of the primary calendar.
    public static func eventPath(id: String) -> String {
        "/calendar/v3/calendars/primary/events/" + Query.encode(id)
    }
}

extension WorkspaceClient {
    /// The world's "now" (its frozen clock), as a date.
    public func worldNow() async throws -> Date {
        let text = try await now()
        guard let date = CalendarAPI.parseTime(text) else {
            throw Env0KitError.internalError("the world's clock is not RFC 3339: \(text)")
        }
        return date
    }

    /// The primary calendar's time zone (UTC when it names none or an unknown one).
    public func calendarTimeZone() async throws -> TimeZone {
        let info = try await getDecoded(CalendarAPI.CalendarInfo.self, "/calendar/v3/calendars/primary")
        if let name = info.timeZone, let zone = TimeZone(identifier: name) {
            return zone
        }
        return TimeZone(identifier: "UTC") ?? TimeZone.current
    }

    /// The primary calendar's events from `from` to `to`, in start order.
    public func events(from: Date, to: Date, zone: TimeZone) async throws -> [CalendarAPI.Event] {
        let list = try await getDecoded(CalendarAPI.EventList.self, CalendarAPI.eventsPath(from: from, to: to, zone: zone))
        return list.items ?? []
    }

    /// One event with its attendees.
    public func event(id: String) async throws -> CalendarAPI.Event {
        try await getDecoded(CalendarAPI.Event.self, CalendarAPI.eventPath(id: id))
    }
}
