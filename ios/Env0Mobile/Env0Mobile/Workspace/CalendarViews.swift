import Env0Kit
import SwiftUI

/// The agenda of the next days, or one day: `GET /calendar/v3/calendars/primary/events?timeMin=…
/// &timeMax=…&singleEvents=true&orderBy=startTime`. "Today" is the world's clock
/// (`Workspace.now()`) in the primary calendar's time zone, not the device's.
@MainActor
struct CalendarView: View {
    enum Mode: String, CaseIterable, Identifiable {
        case agenda = "Agenda"
        case day = "Day"

        var id: String {
            rawValue
        }
    }

    /// One day of the agenda.
    struct Day: Identifiable {
        let start: Date
        let events: [CalendarAPI.Event]

        var id: Date {
            start
        }
    }

    let client: WorkspaceClient
    @State private var mode: Mode = .agenda
    /// Days after the world's today shown by the day view.
    @State private var dayOffset = 0
    @State private var today: Date?
    @State private var zone: TimeZone = TimeZone(identifier: "UTC") ?? .current
    @State private var days: [Day] = []
    @State private var loading = false
    @State private var error: String?

    /// How many days the agenda shows.
    private let agendaDays = 7

    var body: some View {
        List {
            Section {
                Picker("View", selection: $mode) {
                    ForEach(Mode.allCases) { item in
                        Text(item.rawValue).tag(item)
                    }
                }
                .pickerStyle(.segmented)
                if mode == .day {
                    dayStepper
                }
            } footer: {
                if let now = today {
                    Text("The world's today: " + Format.date(now, zone: zone, dateStyle: .full, timeStyle: .short) + " (" + zone.identifier + ")")
                }
            }
            if let message = error {
                ErrorBanner(message: message)
            }
            ForEach(days) { day in
                Section(Format.date(day.start, zone: zone, dateStyle: .full, timeStyle: .none)) {
                    if day.events.isEmpty {
                        Text("No events")
                            .foregroundStyle(.secondary)
                    }
                    ForEach(day.events) { event in
                        NavigationLink {
                            EventDetailView(client: client, eventId: event.id, zone: zone)
                        } label: {
                            EventRow(event: event, zone: zone)
                        }
                    }
                }
            }
        }
        .overlay {
            if loading && days.isEmpty {
                ProgressView("Loading events…")
            }
        }
        .navigationTitle("Calendar")
        .refreshable {
            await load()
        }
        .task(id: LoadKey(revision: client.revision, mode: mode, dayOffset: dayOffset)) {
            await load()
        }
    }

    /// What the list depends on: it reloads when any of it changes.
    struct LoadKey: Equatable {
        let revision: Int
        let mode: Mode
        let dayOffset: Int
    }

    private var dayStepper: some View {
        HStack {
            Button {
                dayOffset -= 1
            } label: {
                Image(systemName: "chevron.left")
                    .accessibilityLabel("Previous day")
            }
            .buttonStyle(.borderless)
            Spacer()
            Text(dayLabel)
                .font(.headline)
            Spacer()
            Button {
                dayOffset += 1
            } label: {
                Image(systemName: "chevron.right")
                    .accessibilityLabel("Next day")
            }
            .buttonStyle(.borderless)
        }
    }

    private var dayLabel: String {
        if dayOffset == 0 {
            return "Today"
        }
        if dayOffset > 0 {
            return "In " + String(dayOffset) + (dayOffset == 1 ? " day" : " days")
        }
        return String(-dayOffset) + (dayOffset == -1 ? " day ago" : " days ago")
    }

    private func load() async {
        loading = true
        do {
            let now = try await client.worldNow()
            let calendarZone = try await client.calendarTimeZone()
            let todayStart = CalendarAPI.startOfDay(now, in: calendarZone)
            let first: Date
            let count: Int
            switch mode {
            case .agenda:
                first = todayStart
                count = agendaDays
            case .day:
                first = CalendarAPI.adding(days: dayOffset, to: todayStart, in: calendarZone)
                count = 1
            }
            let end = CalendarAPI.adding(days: count, to: first, in: calendarZone)
            let events = try await client.events(from: first, to: end, zone: calendarZone)
            var grouped: [Day] = []
            for index in 0..<count {
                let dayStart = CalendarAPI.adding(days: index, to: first, in: calendarZone)
                let dayEnd = CalendarAPI.adding(days: index + 1, to: first, in: calendarZone)
                let inDay = events.filter { event in
                    guard let start = event.startDate(in: calendarZone) else {
                        return false
                    }
                    if index == 0 {
                        // An event that began before the first day but is still on.
                        let endsAfter = (event.endDate(in: calendarZone) ?? start) > dayStart
                        return start < dayEnd && endsAfter
                    }
                    return start >= dayStart && start < dayEnd
                }
                if mode == .day || !inDay.isEmpty {
                    grouped.append(Day(start: dayStart, events: inDay))
                }
            }
            today = now
            zone = calendarZone
            days = grouped
            error = nil
        } catch {
            self.error = describeError(error)
        }
        loading = false
    }
}

/// One event: its time (or "All day"), title and place.
@MainActor
struct EventRow: View {
    let event: CalendarAPI.Event
    let zone: TimeZone

    var body: some View {
        HStack(alignment: .top, spacing: 12) {
            Text(timeText)
                .font(.subheadline)
                .monospacedDigit()
                .foregroundStyle(.secondary)
                .frame(minWidth: 60, alignment: .leading)
            VStack(alignment: .leading, spacing: 2) {
                Text(event.summary ?? "(no title)")
                    .font(.headline)
                if let location = event.location, !location.isEmpty {
                    Text(location)
                        .font(.caption)
                        .foregroundStyle(.secondary)
                }
            }
        }
        .accessibilityElement(children: .combine)
    }

    private var timeText: String {
        if event.isAllDay {
            return "All day"
        }
        guard let start = event.startDate(in: zone) else {
            return ""
        }
        return Format.date(start, zone: zone, dateStyle: .none, timeStyle: .short)
    }
}

/// One event with its attendees: `GET /calendar/v3/calendars/primary/events/{id}`.
@MainActor
struct EventDetailView: View {
    let client: WorkspaceClient
    let eventId: String
    let zone: TimeZone
    @State private var event: CalendarAPI.Event?
    @State private var error: String?

    var body: some View {
        List {
            if let message = error {
                ErrorBanner(message: message)
            }
            if let shown = event {
                Section {
                    Text(shown.summary ?? "(no title)")
                        .font(.title2)
                        .accessibilityAddTraits(.isHeader)
                    LabeledContent("When", value: when(shown))
                    if let location = shown.location, !location.isEmpty {
                        LabeledContent("Where", value: location)
                    }
                    if let organizer = shown.organizer {
                        LabeledContent("Organizer", value: organizer.label)
                    }
                    if let link = shown.hangoutLink {
                        LabeledContent("Video call", value: link)
                    }
                    if let status = shown.status, status != "confirmed" {
                        LabeledContent("Status", value: status)
                    }
                }
                if let notes = shown.description, !notes.isEmpty {
                    Section("Description") {
                        Text(notes)
                            .textSelection(.enabled)
                    }
                }
                Section("Attendees (\(shown.attendees?.count ?? 0))") {
                    ForEach(shown.attendees ?? [], id: \.self) { attendee in
                        AttendeeRow(attendee: attendee)
                    }
                }
            } else if error == nil {
                ProgressView()
            }
        }
        .navigationTitle("Event")
        .navigationBarTitleDisplayMode(.inline)
        .task(id: client.revision) {
            await load()
        }
    }

    private func when(_ shown: CalendarAPI.Event) -> String {
        guard let start = shown.startDate(in: zone) else {
            return ""
        }
        if shown.isAllDay {
            return Format.date(start, zone: zone, dateStyle: .full, timeStyle: .none) + ", all day"
        }
        let from = Format.date(start, zone: zone, dateStyle: .full, timeStyle: .short)
        guard let end = shown.endDate(in: zone) else {
            return from
        }
        return from + " – " + Format.date(end, zone: zone, dateStyle: .none, timeStyle: .short)
    }

    private func load() async {
        do {
            event = try await client.event(id: eventId)
            error = nil
        } catch {
            self.error = describeError(error)
        }
    }
}

/// An attendee with their answer.
@MainActor
struct AttendeeRow: View {
    let attendee: CalendarAPI.Attendee

    var body: some View {
        HStack {
            Image(systemName: symbol)
                .foregroundStyle(color)
                .accessibilityHidden(true)
            VStack(alignment: .leading) {
                Text(attendee.label + ((attendee.isSelf ?? false) ? " (you)" : ""))
                    .font(.body)
                if let email = attendee.email, attendee.displayName != nil {
                    Text(email)
                        .font(.caption)
                        .foregroundStyle(.secondary)
                }
            }
            Spacer()
            if attendee.isOrganizer ?? false {
                Text("Organizer")
                    .font(.caption)
                    .foregroundStyle(.secondary)
            }
        }
        .accessibilityElement(children: .combine)
        .accessibilityValue(answer)
    }

    private var answer: String {
        switch attendee.responseStatus ?? "needsAction" {
        case "accepted":
            return "Accepted"
        case "declined":
            return "Declined"
        case "tentative":
            return "Maybe"
        default:
            return "No answer yet"
        }
    }

    private var symbol: String {
        switch attendee.responseStatus ?? "needsAction" {
        case "accepted":
            return "checkmark.circle.fill"
        case "declined":
            return "xmark.circle.fill"
        case "tentative":
            return "questionmark.circle.fill"
        default:
            return "circle"
        }
    }

    private var color: Color {
        switch attendee.responseStatus ?? "needsAction" {
        case "accepted":
            return .green
        case "declined":
            return .red
        case "tentative":
            return .orange
        default:
            return .secondary
        }
    }
}
