package dev.env0.mobile

import androidx.activity.compose.BackHandler
import androidx.compose.foundation.clickable
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.Spacer
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.width
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.text.selection.SelectionContainer
import androidx.compose.foundation.verticalScroll
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.automirrored.filled.KeyboardArrowLeft
import androidx.compose.material.icons.automirrored.filled.KeyboardArrowRight
import androidx.compose.material.icons.filled.Cancel
import androidx.compose.material.icons.filled.CheckCircle
import androidx.compose.material.icons.filled.HourglassEmpty
import androidx.compose.material.icons.filled.QuestionMark
import androidx.compose.material3.FilterChip
import androidx.compose.material3.HorizontalDivider
import androidx.compose.material3.Icon
import androidx.compose.material3.ListItem
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableIntStateOf
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.saveable.rememberSaveable
import androidx.compose.runtime.setValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.graphics.vector.ImageVector
import androidx.compose.ui.semantics.heading
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.text.style.TextOverflow
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import java.time.LocalDate

/**
 * Calendar: the next 7 days or one day, where "today" is the world's clock (WorkspaceClient.now
 * in the primary calendar's time zone), not the phone's; an event's detail with its guests.
 */
@Composable
fun CalendarScreen(api: WorkspaceApi, onBack: () -> Unit) {
    val revision by api.client.revision.collectAsStateWithLifecycle()
    var eventId by rememberSaveable { mutableStateOf<String?>(null) }
    var dayView by rememberSaveable { mutableStateOf(false) }
    var dayOffset by rememberSaveable { mutableIntStateOf(0) }
    val clock = rememberLoad("clock", revision) { api.clock() }

    val id = eventId
    if (id != null) {
        BackHandler { eventId = null }
        EventDetail(api, id, revision, onBack = { eventId = null })
        return
    }
    Column(Modifier.fillMaxSize()) {
        ScreenHeader("Calendar", onBack)
        Row(Modifier.padding(horizontal = 16.dp), horizontalArrangement = Arrangement.spacedBy(8.dp)) {
            FilterChip(selected = !dayView, onClick = { dayView = false }, label = { Text("Next 7 days") })
            FilterChip(selected = dayView, onClick = { dayView = true }, label = { Text("Day") })
        }
        LoadView(clock) { now ->
            if (dayView) {
                val day = now.today.plusDays(dayOffset.toLong())
                DayView(api, now, day, revision, onShift = { dayOffset += it }, onToday = { dayOffset = 0 }, onOpen = { eventId = it })
            } else {
                Agenda(api, now, revision, onOpen = { eventId = it })
            }
        }
    }
}

@Composable
private fun Agenda(api: WorkspaceApi, now: WorkspaceApi.Clock, revision: Long, onOpen: (String) -> Unit) {
    val first = now.today
    val loaded = rememberLoad(first, revision) {
        api.events(first.atStartOfDay(now.zone), first.plusDays(7).atStartOfDay(now.zone))
    }
    LoadView(loaded) { events ->
        // Listed under their first day in the window (an event that began earlier, under today).
        val byDay = events.groupBy { e ->
            val d = e.day(now.zone) ?: first
            if (d.isBefore(first)) first else d
        }
        LazyColumn(Modifier.fillMaxSize()) {
            for (offset in 0 until 7) {
                val day = first.plusDays(offset.toLong())
                val list = byDay[day].orEmpty()
                item(key = "day-$day") {
                    DayTitle(day, today = first)
                }
                if (list.isEmpty()) {
                    item(key = "none-$day") {
                        Text(
                            "Nothing scheduled",
                            style = MaterialTheme.typography.bodyMedium,
                            color = MaterialTheme.colorScheme.onSurfaceVariant,
                            modifier = Modifier.padding(horizontal = 16.dp, vertical = 4.dp),
                        )
                    }
                }
                items(list, key = { "event-$day-${it.id}" }) { e -> EventRow(e, onOpen) }
            }
        }
    }
}

@Composable
private fun DayTitle(day: LocalDate, today: LocalDate) {
    val label = when (day) {
        today -> "Today, " + formatDay(day)
        today.plusDays(1) -> "Tomorrow, " + formatDay(day)
        else -> formatDay(day)
    }
    Text(
        label,
        style = MaterialTheme.typography.titleSmall,
        color = MaterialTheme.colorScheme.primary,
        modifier = Modifier.fillMaxWidth().padding(start = 16.dp, end = 16.dp, top = 16.dp, bottom = 4.dp)
            .semantics { heading() },
    )
}

@Composable
private fun DayView(
    api: WorkspaceApi,
    now: WorkspaceApi.Clock,
    day: LocalDate,
    revision: Long,
    onShift: (Int) -> Unit,
    onToday: () -> Unit,
    onOpen: (String) -> Unit,
) {
    val loaded = rememberLoad(day, revision) {
        api.events(day.atStartOfDay(now.zone), day.plusDays(1).atStartOfDay(now.zone))
    }
    Column(Modifier.fillMaxSize()) {
        Row(Modifier.fillMaxWidth().padding(horizontal = 4.dp), verticalAlignment = Alignment.CenterVertically) {
            LabeledIconButton(Icons.AutoMirrored.Filled.KeyboardArrowLeft, "Previous day", { onShift(-1) })
            Text(
                (if (day == now.today) "Today, " else "") + formatDayYear(day),
                style = MaterialTheme.typography.titleMedium,
                modifier = Modifier.weight(1f),
            )
            if (day != now.today) TextButton(onClick = onToday) { Text("Today") }
            LabeledIconButton(Icons.AutoMirrored.Filled.KeyboardArrowRight, "Next day", { onShift(1) })
        }
        LoadView(loaded) { events ->
            if (events.isEmpty()) {
                EmptyText("Nothing scheduled.")
            } else {
                LazyColumn(Modifier.fillMaxSize()) {
                    items(events, key = { it.id }) { e -> EventRow(e, onOpen) }
                }
            }
        }
    }
}

/** "09:00–09:30" (in the calendar's zone) or "All day". */
private fun timeRange(e: WorkspaceApi.CalEvent): String {
    val s = e.start ?: return "All day"
    val end = e.end
    return if (end == null) formatTime(s) else formatTime(s) + "–" + formatTime(end)
}

@Composable
private fun EventRow(e: WorkspaceApi.CalEvent, onOpen: (String) -> Unit) {
    val place = e.location
    ListItem(
        overlineContent = { Text(timeRange(e)) },
        headlineContent = {
            Column {
                Text(e.summary, maxLines = 2, overflow = TextOverflow.Ellipsis)
                if (place != null) {
                    Text(
                        place,
                        style = MaterialTheme.typography.bodySmall,
                        color = MaterialTheme.colorScheme.onSurfaceVariant,
                        maxLines = 1,
                        overflow = TextOverflow.Ellipsis,
                    )
                }
            }
        },
        modifier = Modifier.clickable(onClickLabel = "Show event details") { onOpen(e.id) },
    )
}

@Composable
private fun EventDetail(api: WorkspaceApi, id: String, revision: Long, onBack: () -> Unit) {
    val loaded = rememberLoad(id, revision) { api.event(id) }
    val title = (loaded.state as? Load.Ready<WorkspaceApi.CalEvent>)?.value?.summary ?: "Event"
    Column(Modifier.fillMaxSize()) {
        ScreenHeader(title, onBack)
        LoadView(loaded) { e ->
            Column(
                Modifier.fillMaxSize().verticalScroll(rememberScrollState()).padding(horizontal = 16.dp),
                verticalArrangement = Arrangement.spacedBy(4.dp),
            ) {
                val start = e.start
                val startDate = e.startDate
                if (start != null) {
                    LabeledValue("When", formatDayYear(start.toLocalDate()) + ", " + timeRange(e))
                } else if (startDate != null) {
                    val last = e.endDate?.minusDays(1)
                    val span = if (last == null || last == startDate) formatDayYear(startDate) else formatDay(startDate) + " – " + formatDayYear(last)
                    LabeledValue("When", "$span (all day)")
                }
                e.location?.let { LabeledValue("Where", it) }
                e.organizer?.let { LabeledValue("Organizer", it) }
                if (e.status != "confirmed") LabeledValue("Status", e.status)
                e.description?.let { text ->
                    HorizontalDivider(Modifier.padding(vertical = 8.dp))
                    SelectionContainer { Text(text, style = MaterialTheme.typography.bodyMedium) }
                }
                HorizontalDivider(Modifier.padding(vertical = 8.dp))
                Text(
                    if (e.attendees.isEmpty()) "No guests" else "Guests (${e.attendees.size})",
                    style = MaterialTheme.typography.titleSmall,
                    modifier = Modifier.semantics { heading() },
                )
                for (a in e.attendees) AttendeeRow(a)
            }
        }
    }
}

@Composable
private fun AttendeeRow(a: WorkspaceApi.Attendee) {
    val (icon: ImageVector, answer: String) = when (a.response) {
        "accepted" -> Icons.Filled.CheckCircle to "Accepted"
        "declined" -> Icons.Filled.Cancel to "Declined"
        "tentative" -> Icons.Filled.QuestionMark to "Maybe"
        else -> Icons.Filled.HourglassEmpty to "No answer yet"
    }
    Row(Modifier.fillMaxWidth().padding(vertical = 6.dp), verticalAlignment = Alignment.CenterVertically) {
        Icon(icon, contentDescription = null, tint = MaterialTheme.colorScheme.onSurfaceVariant)
        Spacer(Modifier.width(12.dp))
        Column(Modifier.weight(1f)) {
            val roles = listOfNotNull(
                if (a.organizer) "organizer" else null,
                if (a.self) "you" else null,
                if (a.optional) "optional" else null,
            )
            Text(
                (a.name ?: a.email) + if (roles.isEmpty()) "" else " (" + roles.joinToString(", ") + ")",
                style = MaterialTheme.typography.bodyMedium,
            )
            if (a.name != null) {
                Text(a.email, style = MaterialTheme.typography.bodySmall, color = MaterialTheme.colorScheme.onSurfaceVariant)
            }
        }
        Text(answer, style = MaterialTheme.typography.labelLarge)
    }
}
