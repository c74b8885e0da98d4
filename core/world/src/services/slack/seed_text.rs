//! Text the Slack seeder draws from: per-channel conversation starters and generic replies.
//! `{n}`, `{day}` and `{feature}` are filled in by the seeder.

/// Conversation starters per channel name.
pub const STARTERS: &[(&str, &[&str])] = &[
    ("general", &[
        "Happy Monday everyone! Coffee and bagels in the kitchen until 10.",
        "Reminder: expense reports for last month are due {day}.",
        "The office wifi will be down for maintenance {day} from 7 to 8am PT.",
        "Kudos to the support team for closing {n} tickets last week!",
        "Parking garage access cards are being replaced — pick yours up at the front desk.",
        "We crossed {n}k weekly active users this morning :tada:",
        "Please update your emergency contacts in the HR portal by {day}.",
        "New blog post is live: https://nexusai.com/blog/{feature}",
        "Fire drill {day} at 11am. Please follow the wardens to the assembly point.",
        "Welcome to our new teammates joining this week! Say hi :wave:",
    ]),
    ("engineering", &[
        "PR for {feature} is ready for review: https://github.com/nexusai/platform/pull/{n}",
        "CI is flaky on the integration suite again, looking into it.",
        "Heads up: I'm bumping the Rust toolchain to 1.89 {day}.",
        "Does anyone know why staging is returning 502s on /v2/sync?",
        "Design doc for the {feature} rewrite: https://docs.nexusai.com/eng/{feature}",
        "Reminder: code freeze for the release starts {day} at 5pm PT.",
        "The p95 latency on the search endpoint went from {n}ms to 90ms after the index change.",
        "Can someone with prod access rotate the staging database credentials?",
        "Postgres upgrade to 16 is scheduled for {day}. Expect 5 minutes of read-only mode.",
        "We should deprecate the v1 webhooks API. Usage is under {n} calls a day.",
        "On-call handoff: quiet week, two pages, both auto-resolved.",
    ]),
    ("product", &[
        "User interviews for {feature} are booked for {day}. Notes will go in the research folder.",
        "Roadmap review moved to {day}. Please bring your top three asks.",
        "NPS for March came in at {n}. Comments are mostly about onboarding.",
        "Mockups for {feature}: https://figma.com/file/nexusai-{feature}",
        "Should {feature} be behind a feature flag for the beta cohort?",
        "Competitor launched a similar {feature} feature today: https://techcrunch.com/{feature}",
        "Analytics: {n}% of new users finish onboarding within a day.",
        "Release notes draft for {feature} is in the product drive.",
    ]),
    ("random", &[
        "Who's up for lunch at the taco place {day}?",
        "My cat walked across the keyboard and approved a PR. Sorry Priya.",
        "Book club pick for April: 'The Pragmatic Programmer'.",
        "Anyone have a spare HDMI-to-USB-C adapter?",
        "Photo from the team hike last weekend :mountain:",
        "Board games night {day} after work, I'm bringing Catan.",
        "The espresso machine is fixed! :coffee:",
        "Recommendations for a good podcast about product design?",
    ]),
    ("incidents", &[
        "INC-{n}: elevated error rate on the sync workers. Investigating.",
        "Pager fired for disk usage on db-replica-2, cleaning up old WAL segments.",
        "INC-{n} resolved: a bad config push to the CDN. Rolled back at 10:42 UTC.",
        "Status page updated for the partial outage of {feature}.",
        "Reminder: postmortems for last week's incidents are due {day}.",
    ]),
    ("sales", &[
        "Closed-won: Northwind expanded to {n} seats :tada:",
        "Pipeline review {day} at 9am. Update your opportunities in the CRM before then.",
        "Globex procurement asked for a security questionnaire, who owns that now?",
        "New pricing one-pager is in the sales drive.",
        "Acme Cloud wants a demo of {feature} next week.",
        "Q1 bookings are at {n}% of target with two weeks to go.",
    ]),
    ("leadership", &[
        "Draft of the Q2 OKRs is in the leadership folder. Comments by {day} please.",
        "We need a decision on the Berlin office lease by {day}.",
        "Runway update: {n} months at the current burn.",
        "Let's discuss the reorg proposal in Thursday's staff meeting.",
    ]),
    ("hiring", &[
        "Three onsite loops scheduled for {day}. Interviewers, check your calendars.",
        "Referral bonus for engineering roles is now $5k until the end of the quarter.",
        "Candidate for Data Analyst withdrew, they accepted another offer.",
        "Please submit scorecards within 24 hours of the interview.",
    ]),
    ("dm", &[
        "Do you have a minute to chat about {feature}?",
        "Thanks for the help earlier!",
        "Can you send me the link to the deck?",
        "Running 5 minutes late to our 1:1.",
        "Did you see the email from Dana about the board deck?",
        "Let's move our sync to {day}, something came up.",
    ]),
];

/// Replies that fit most threads.
pub const REPLIES: &[&str] = &[
    "Thanks for flagging!",
    "On it.",
    "+1, agreed.",
    "Can you share more details?",
    "Looks good to me :white_check_mark:",
    "I can take this one.",
    "Let's discuss in standup.",
    "Great news!",
    "Done, see the updated version.",
    "Not sure, let me check and get back to you.",
    "I'll add it to the agenda.",
    "Nice work everyone :raised_hands:",
    "Do we have a ticket for this?",
    "Works for me.",
    "Following.",
];

pub const FEATURES: &[&str] = &[
    "smart-scheduling",
    "inbox-zero",
    "team-analytics",
    "offline-mode",
    "sso",
    "audit-log",
    "mobile-sync",
    "ai-summaries",
];

pub const DAYS: &[&str] = &[
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "tomorrow",
    "next week",
];

pub const EMOJI: &[&str] = &[
    "+1",
    "eyes",
    "tada",
    "white_check_mark",
    "heart",
    "joy",
    "rocket",
    "pray",
    "fire",
    "100",
];
