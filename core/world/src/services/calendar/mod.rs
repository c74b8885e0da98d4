//! Google Calendar v3 (`/calendar/v3/…`): calendarList, calendars, events (with recurrence),
//! ACL, freeBusy, settings and colors, with Google's resource shapes, parameters and errors.
//!
//! # Model
//! - **Calendars** (`calendar_calendars`): every internal user has a primary calendar whose id
//!   is their email; secondary calendars have ids `c_…@group.calendar.google.com`; subscribed
//!   calendars (US holidays) have no owner. `primary` in a path names the acting user's.
//! - **Access** (`calendar_acl`) is resolved per acting user from the calendar's rules (`user:`,
//!   `group:`, `domain:`, `default`); the best role wins. No role at all is a 404 (the calendar
//!   is not revealed); too little is a 403 `requiredAccessLevel`. Free/busy readers see events
//!   as times only; readers see private events as times only. ACL changes need `owner`.
//! - **calendarList** (`calendar_list`) is each user's own list with colour, hidden/selected,
//!   summary override and default reminders; removing an entry keeps the calendar.
//! - **Events** (`calendar_events`) are stored once, as the organizer's copy, on the organizer's
//!   calendar (`calendar_id`), so a verifier sees one row per event with its attendees and their
//!   `responseStatus`. The same event (same id) also shows on the primary calendar of every
//!   internal attendee. Through that copy an attendee may change only their own attendee entry
//!   (`responseStatus`, `comment`, `additionalGuests`) — that is how an invitation is answered —
//!   unless the event has `guestsCanModify`; anything else is a 403. Sending only one's own
//!   entry (`attendees: [{email: me, responseStatus}]`) answers without touching the other
//!   guests. Deleting the event there declines it. Answering one instance of a series stores
//!   an exception on the organizer's series. The organizer joins
//!   the attendee list (accepted) when there are other guests. `sendUpdates` is accepted; no
//!   mail is sent.
//! - **Recurrence**: a series is one row with `recurrence` lines (RRULE, EXDATE, RDATE),
//!   expanded in the event's IANA zone by the `rrule` crate. Instance ids are
//!   `<id>_<YYYYMMDDTHHMMSSZ>` (`<id>_<YYYYMMDD>` all-day). Changing or deleting one instance
//!   stores an exception row (`recurring_event_id`, `original_start`; cancelled when deleted).
//!   Expansion without `timeMax` stops two years past now.
//! - **Deletes** mark events `cancelled` (visible with `showDeleted` and to sync tokens);
//!   deleting a secondary calendar removes its rows.
//! - **Not modelled**: invitation mail, per-attendee copies of reminders/colour (they live on
//!   the one event row), push notifications (`watch` channels are validated and acknowledged,
//!   never called back), sub-daily recurrence (rejected), group expansion in freeBusy.
//! - **Sync tokens** record the world time of the listing; an incremental list returns every row
//!   updated since (the clock moves forward after each mutation, so nothing is missed). A token
//!   from another calendar, or garbage, is a 410 `fullSyncRequired`.

mod access;
mod acl;
mod body;
mod calendars;
mod channels;
mod events;
mod events_write;
mod freebusy;
mod model;
pub mod needles;
mod quick_add;
mod recurrence;
pub mod schema;
pub mod seed;
mod seed_filler;
mod seed_kit;
mod settings;
mod time;

use crate::rest::{Method, Route};

macro_rules! route {
    ($m:ident, $p:literal, $h:expr) => {
        Route::new(Method::$m, concat!("/calendar/v3", $p), $h)
    };
}

/// Every Calendar endpoint.
pub fn routes() -> Vec<Route> {
    vec![
        route!(Get, "/users/me/calendarList", calendars::list_entries),
        route!(Post, "/users/me/calendarList", calendars::insert_entry),
        route!(
            Get,
            "/users/me/calendarList/{calendarId}",
            calendars::get_entry
        ),
        route!(
            Patch,
            "/users/me/calendarList/{calendarId}",
            calendars::patch_entry
        ),
        route!(
            Put,
            "/users/me/calendarList/{calendarId}",
            calendars::update_entry
        ),
        route!(
            Delete,
            "/users/me/calendarList/{calendarId}",
            calendars::delete_entry
        ),
        route!(Post, "/calendars", calendars::insert_calendar_handler),
        route!(Get, "/calendars/{calendarId}", calendars::get_calendar),
        route!(Patch, "/calendars/{calendarId}", calendars::patch_calendar),
        route!(Put, "/calendars/{calendarId}", calendars::update_calendar),
        route!(
            Delete,
            "/calendars/{calendarId}",
            calendars::delete_calendar
        ),
        route!(
            Post,
            "/calendars/{calendarId}/clear",
            calendars::clear_calendar
        ),
        route!(Get, "/calendars/{calendarId}/events", events::list),
        route!(Post, "/calendars/{calendarId}/events", events_write::insert),
        route!(
            Post,
            "/calendars/{calendarId}/events/import",
            events_write::import
        ),
        route!(
            Post,
            "/calendars/{calendarId}/events/quickAdd",
            events_write::quick_add
        ),
        route!(Get, "/calendars/{calendarId}/events/{eventId}", events::get),
        route!(
            Put,
            "/calendars/{calendarId}/events/{eventId}",
            events_write::update
        ),
        route!(
            Patch,
            "/calendars/{calendarId}/events/{eventId}",
            events_write::patch
        ),
        route!(
            Delete,
            "/calendars/{calendarId}/events/{eventId}",
            events_write::delete
        ),
        route!(
            Get,
            "/calendars/{calendarId}/events/{eventId}/instances",
            events::instances
        ),
        route!(
            Post,
            "/calendars/{calendarId}/events/{eventId}/move",
            events_write::move_event
        ),
        route!(Get, "/calendars/{calendarId}/acl", acl::list),
        route!(Post, "/calendars/{calendarId}/acl", acl::insert),
        route!(Get, "/calendars/{calendarId}/acl/{ruleId}", acl::get),
        route!(Put, "/calendars/{calendarId}/acl/{ruleId}", acl::update),
        route!(Patch, "/calendars/{calendarId}/acl/{ruleId}", acl::patch),
        route!(Delete, "/calendars/{calendarId}/acl/{ruleId}", acl::delete),
        route!(Post, "/freeBusy", freebusy::query),
        route!(Get, "/users/me/settings", settings::list),
        route!(Get, "/users/me/settings/{setting}", settings::get),
        route!(Get, "/colors", settings::colors),
        route!(Post, "/calendars/{calendarId}/events/watch", watch_events),
        route!(Post, "/calendars/{calendarId}/acl/watch", watch_acl),
        route!(Post, "/users/me/calendarList/watch", channels::watch),
        route!(Post, "/users/me/settings/watch", channels::watch),
        route!(Post, "/channels/stop", channels::stop),
    ]
}

/// `events.watch` needs read access to the calendar.
fn watch_events(
    ctx: &mut crate::rest::Ctx<'_>,
) -> Result<crate::rest::Reply, crate::rest::ApiError> {
    access::require(ctx, ctx.param("calendarId"), access::Role::FreeBusyReader)?;
    channels::watch(ctx)
}

/// `acl.watch` needs ownership.
fn watch_acl(ctx: &mut crate::rest::Ctx<'_>) -> Result<crate::rest::Reply, crate::rest::ApiError> {
    access::require(ctx, ctx.param("calendarId"), access::Role::Owner)?;
    channels::watch(ctx)
}
