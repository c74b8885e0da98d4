import Env0Kit
import SwiftUI

/// A failure shown in place, with what to do about it left to the screen.
@MainActor
struct ErrorBanner: View {
    let message: String

    var body: some View {
        Label {
            Text(message)
                .font(.callout)
                .fixedSize(horizontal: false, vertical: true)
        } icon: {
            Image(systemName: "exclamationmark.triangle.fill")
                .foregroundStyle(.orange)
                .accessibilityHidden(true)
        }
        .accessibilityElement(children: .combine)
        .accessibilityLabel("Error: " + message)
    }
}

/// Dates and numbers as the screens show them. Times of the world are shown in the world's
/// calendar time zone, not the device's.
enum Format {
    static func date(_ date: Date, zone: TimeZone = .current, dateStyle: DateFormatter.Style = .medium, timeStyle: DateFormatter.Style = .short) -> String {
        let formatter = DateFormatter()
        formatter.timeZone = zone
        formatter.dateStyle = dateStyle
        formatter.timeStyle = timeStyle
        return formatter.string(from: date)
    }

    /// `0.723` as `72 %`.
    static func percent(_ value: Double) -> String {
        String(format: "%.0f %%", value * 100)
    }

    /// A pass rate with its 95 % interval: `72 % (95 % CI 60–82 %)`.
    static func rate(_ rate: Double, low: Double, high: Double) -> String {
        percent(rate) + " (95 % CI " + String(format: "%.0f", low * 100) + "–" + percent(high) + ")"
    }

    static func bytes(_ count: UInt64) -> String {
        ByteCountFormatter.string(fromByteCount: Int64(clamping: count), countStyle: .file)
    }
}

/// A labelled, lightly shaded card.
@MainActor
struct Card<Content: View>: View {
    let content: Content

    init(@ViewBuilder content: () -> Content) {
        self.content = content()
    }

    var body: some View {
        VStack(alignment: .leading, spacing: 6) {
            content
        }
        .frame(maxWidth: .infinity, alignment: .leading)
        .padding(12)
        .background(Color.secondary.opacity(0.1), in: RoundedRectangle(cornerRadius: 10))
    }
}
